/** Shared fixtures for the protocol tests. */
import { Codec, FrameFlag, MessageType, ProtocolError, type AudioFrameInput, type ProtocolErrorCode } from '../src/index.js';

/** A fixed 32-byte device key: 00 01 02 … 1f. */
export const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);

/** Runs `fn` and returns the ProtocolError it throws; fails the test if it returns or throws something else. */
export function protocolErrorOf(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    throw new Error(`expected a ProtocolError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a ProtocolError, but the call returned');
}

/** Calls `fn`; anything thrown that is not a ProtocolError fails the test with the input that caused it (fuzz tests). */
export function onlyProtocolErrors(fn: () => unknown, input: () => string): 'ok' | 'error' {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (err instanceof ProtocolError) return 'error';
    throw new Error(`non-ProtocolError ${String(err)} for input ${input()}`, { cause: err });
  }
}

/** The code of the ProtocolError `fn` throws. */
export function codeOf(fn: () => unknown): ProtocolErrorCode {
  return protocolErrorOf(fn).code;
}

/** The package's seeded PRNG (mulberry32), so fuzz runs are reproducible. */
export { seededRng as rng } from '../src/rng.js';

/** Lowercase hex of bytes. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes of a hex string, as a plain Uint8Array. */
export function unhex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/**
 * The audio frame the tests, the vector generator and the benchmarks share: device 42, stream 0xdeadbeef,
 * seq 7, timestamp 2240, SPEECH, PCM16LE at 16 kHz, carrying `payload` (each caller picks its own signal).
 */
export function audioFrameFixture(payload: Uint8Array): AudioFrameInput {
  return {
    type: MessageType.AUDIO,
    deviceId: 42,
    streamId: 0xdeadbeef,
    seq: 7,
    timestamp: 2240,
    flags: FrameFlag.SPEECH,
    codec: Codec.PCM16LE,
    sampleRate: 16000,
    payload,
  };
}
