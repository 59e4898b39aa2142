import { Codec, encodeSignedAudioFrame, FrameFlag, MessageType, type AudioFrame } from '@jarvis/protocol';
import { randomBytes } from 'node:crypto';

/** A device's identity for tests that build datagrams by hand. */
export interface TestDevice {
  id: number;
  key: Uint8Array;
}

/** A random test device. */
export function testDevice(id = 0x2a): TestDevice {
  return { id, key: randomBytes(32) };
}

/** PCM samples whose value encodes their position, so tests can tell which samples came through. */
export function rampSamples(start: number, count: number): Int16Array {
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) out[i] = ((start + i) % 30000) + 1;
  return out;
}

/** Frame fields with defaults for a 20 ms PCM16 frame at 16 kHz. */
export function frameFields(seq: number, overrides: Partial<AudioFrame> = {}): Omit<AudioFrame, 'version' | 'tag'> {
  const samples = 320;
  const timestamp = overrides.timestamp ?? seq * samples;
  const payload = new Uint8Array(rampSamples(timestamp, samples).buffer);
  return {
    type: MessageType.AUDIO,
    deviceId: 0x2a,
    streamId: 7,
    seq,
    timestamp,
    flags: 0,
    codec: Codec.PCM16LE,
    sampleRate: 16000,
    payload,
    ...overrides,
  };
}

/** A signed datagram of `device`. */
export function datagram(device: TestDevice, seq: number, overrides: Partial<AudioFrame> = {}): Uint8Array {
  return encodeSignedAudioFrame(frameFields(seq, { deviceId: device.id, ...overrides }), device.key);
}

/** A signed muted keep-alive (codec NONE, no payload). */
export function mutedKeepalive(device: TestDevice, seq: number, timestamp: number, streamId = 7): Uint8Array {
  return encodeSignedAudioFrame(
    {
      type: MessageType.KEEPALIVE,
      deviceId: device.id,
      streamId,
      seq,
      timestamp,
      flags: FrameFlag.MUTED,
      codec: Codec.NONE,
      sampleRate: 16000,
      payload: new Uint8Array(0),
    },
    device.key,
  );
}
