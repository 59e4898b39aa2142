/** PCM16LE payloads (SPEC.md §3.2): signed 16-bit little-endian mono samples. [UDP-3.2] */
import { ProtocolError } from './errors.js';

/** Encodes int16 samples as a little-endian PCM16 payload. [UDP-3.2] */
export function encodePcm16(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i] as number;
    out[2 * i] = s & 0xff;
    out[2 * i + 1] = (s >> 8) & 0xff;
  }
  return out;
}

/** Decodes a little-endian PCM16 payload; an odd length is `JARVIS_PROTO_BAD_LENGTH`. [UDP-3.2] */
export function decodePcm16(payload: Uint8Array): Int16Array {
  if (payload.length % 2 !== 0) {
    throw new ProtocolError('JARVIS_PROTO_BAD_LENGTH', `PCM16LE payload of ${payload.length} bytes is not a whole number of samples`);
  }
  const out = new Int16Array(payload.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = (((payload[2 * i] as number) | ((payload[2 * i + 1] as number) << 8)) << 16) >> 16;
  }
  return out;
}
