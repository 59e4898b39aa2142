/** Shared fixtures for the protocol tests. */
import { ProtocolError, type ProtocolErrorCode } from '../src/index.js';

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

/** The code of the ProtocolError `fn` throws. */
export function codeOf(fn: () => unknown): ProtocolErrorCode {
  return protocolErrorOf(fn).code;
}

/** Small deterministic PRNG (mulberry32) so fuzz runs are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lowercase hex of bytes. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes of a hex string, as a plain Uint8Array. */
export function unhex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}
