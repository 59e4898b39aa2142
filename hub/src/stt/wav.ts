import { SttError } from './errors.js';
import { STT_SAMPLE_RATE } from './engine.js';

/** A decoded WAV file. */
export interface WavAudio {
  sampleRate: number;
  channels: number;
  /** Mono float samples (channels averaged). */
  samples: Float32Array;
}

/** Parses a RIFF/WAVE file of 16-bit PCM; throws JARVIS_STT_BAD_WAV naming the byte offset of the problem. */
export function decodeWav(bytes: Uint8Array): WavAudio {
  const bad = (what: string): SttError => new SttError('JARVIS_STT_BAD_WAV', what);
  if (bytes.length < 12) throw bad(`file of ${bytes.length} bytes is too short for a RIFF header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw bad('not a RIFF/WAVE file at byte 0');
  let at = 12;
  let fmt: { channels: number; sampleRate: number; bits: number; format: number } | undefined;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw bad(`fmt chunk truncated at byte ${at}`);
      fmt = { format: view.getUint16(body, true), channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
      const pcm = fmt.format === 1 || (fmt.format === 0xfffe && size >= 40);
      if (!pcm || fmt.bits !== 16) throw bad(`only 16-bit PCM is supported (format ${fmt.format}, ${fmt.bits} bits at byte ${body})`);
      if (fmt.channels < 1 || fmt.sampleRate < 1000) throw bad(`bad channel count or sample rate at byte ${body + 2}`);
    } else if (id === 'data') {
      if (!fmt) throw bad(`data chunk before fmt chunk at byte ${at}`);
      // Streamed WAVs carry 0 or 0xFFFFFFFF as the size: take what is there.
      const end = size === 0 || size === 0xffffffff ? bytes.length : Math.min(bytes.length, body + size);
      const frames = Math.floor((end - body) / (2 * fmt.channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        let sum = 0;
        for (let c = 0; c < fmt.channels; c++) sum += view.getInt16(body + 2 * (i * fmt.channels + c), true);
        samples[i] = sum / fmt.channels / 32768;
      }
      return { sampleRate: fmt.sampleRate, channels: fmt.channels, samples };
    }
    at = body + size + (size % 2);
  }
  throw bad('no data chunk');
}

/** Linear-interpolation resampler to 16 kHz, for CLI input at other rates (the hub's live path resamples properly upstream). */
export function toSttRate(audio: WavAudio): Float32Array {
  if (audio.sampleRate === STT_SAMPLE_RATE) return audio.samples;
  const ratio = audio.sampleRate / STT_SAMPLE_RATE;
  const out = new Float32Array(Math.floor(audio.samples.length / ratio));
  for (let i = 0; i < out.length; i++) {
    const x = i * ratio;
    const j = Math.floor(x);
    const a = audio.samples[j] ?? 0;
    const b = audio.samples[j + 1] ?? a;
    out[i] = a + (b - a) * (x - j);
  }
  return out;
}

/** Encodes 16-bit mono PCM as a WAV file (fixtures and debug captures). */
export function encodeWav(samples: Int16Array, sampleRate = STT_SAMPLE_RATE): Uint8Array {
  const out = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(out.buffer);
  const put = (at: number, s: string): void => { for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i); };
  put(0, 'RIFF'); view.setUint32(4, 36 + samples.length * 2, true); put(8, 'WAVE');
  put(12, 'fmt '); view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true); view.setUint32(28, sampleRate * 2, true); view.setUint16(32, 2, true); view.setUint16(34, 16, true);
  put(36, 'data'); view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + 2 * i, samples[i]!, true);
  return out;
}
