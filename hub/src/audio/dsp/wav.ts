import { AudioError } from './errors.js';

/** Mono or multi-channel 16-bit PCM read from a WAV file. */
export interface WavPcm16 {
  sampleRate: number;
  channels: number;
  /** Interleaved samples. */
  samples: Int16Array;
}

/**
 * Parses a RIFF/WAVE buffer holding 16-bit PCM (what espeak-ng and sox write), throwing `fail(message)`
 * with what is wrong and at which byte. Streamed WAVs (`espeak-ng --stdout`) carry 0 or 0xFFFFFFFF as the
 * data size, and an oversized data chunk is clipped to the buffer. Shared by every hub reader of WAVs,
 * each of which throws its own part's coded error.
 */
export function parseWavPcm16(buf: Uint8Array, fail: (message: string) => Error): WavPcm16 {
  if (buf.byteLength < 12) throw fail(`file of ${buf.byteLength} bytes is too short for a RIFF header`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const ascii = (at: number): string => String.fromCharCode(buf[at] ?? 0, buf[at + 1] ?? 0, buf[at + 2] ?? 0, buf[at + 3] ?? 0);
  if (ascii(0) !== 'RIFF' || ascii(8) !== 'WAVE') throw fail('not a RIFF/WAVE file at byte 0');
  let at = 12;
  let fmt: { channels: number; sampleRate: number; bits: number; format: number } | undefined;
  while (at + 8 <= buf.byteLength) {
    const id = ascii(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.byteLength) throw fail(`fmt chunk truncated at byte ${at}`);
      fmt = {
        format: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
      // WAVE_FORMAT_EXTENSIBLE (0xFFFE) carries PCM too; the sub-format check adds nothing for our writers.
      if ((fmt.format !== 1 && fmt.format !== 0xfffe) || fmt.bits !== 16) {
        throw fail(`only 16-bit PCM is supported (format ${fmt.format}, ${fmt.bits} bits at byte ${body})`);
      }
      if (fmt.channels < 1 || fmt.sampleRate < 1000) throw fail(`bad channel count or sample rate at byte ${body + 2}`);
    } else if (id === 'data') {
      if (!fmt) throw fail(`data chunk before fmt chunk at byte ${at}`);
      const end = size === 0 || size === 0xffffffff ? buf.byteLength : Math.min(buf.byteLength, body + size);
      const bytes = (end - body) - ((end - body) % (2 * fmt.channels));
      const samples = new Int16Array(bytes / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(body + 2 * i, true);
      return { sampleRate: fmt.sampleRate, channels: fmt.channels, samples };
    }
    at = body + size + (size & 1);
  }
  throw fail(fmt ? 'no data chunk' : 'no fmt chunk');
}

/** Parses a 16-bit PCM WAV; throws `JARVIS_AUDIO_BAD_WAV` saying what and where. */
export function decodeWav(buf: Uint8Array): WavPcm16 {
  return parseWavPcm16(buf, (message) => new AudioError('JARVIS_AUDIO_BAD_WAV', message));
}

/** Writes mono 16-bit PCM as a canonical 44-byte-header WAV. */
export function encodeWav(samples: Int16Array, sampleRate: number): Uint8Array {
  const out = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(out.buffer);
  const put = (at: number, s: string): void => { for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i); };
  put(0, 'RIFF'); view.setUint32(4, 36 + samples.length * 2, true); put(8, 'WAVE');
  put(12, 'fmt '); view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true); view.setUint32(28, sampleRate * 2, true); view.setUint16(32, 2, true); view.setUint16(34, 16, true);
  put(36, 'data'); view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + 2 * i, samples[i] as number, true);
  return out;
}

/** Int16 PCM to floats in [-1, 1). */
export function int16ToFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = (samples[i] as number) / 32768;
  return out;
}

/** Floats in [-1, 1] to Int16 PCM, clipping. */
export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round((samples[i] as number) * 32768);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}
