import { encodeWav as encodePcm16Wav, parseWavPcm16 } from '../audio/index.js';
import { SttError } from './errors.js';
import { STT_SAMPLE_RATE } from './engine.js';

/** A decoded WAV file. */
export interface WavAudio {
  sampleRate: number;
  channels: number;
  /** Mono float samples (channels averaged). */
  samples: Float32Array;
}

/** Parses a RIFF/WAVE file of 16-bit PCM, averaging channels; throws JARVIS_STT_BAD_WAV naming the byte offset of the problem. */
export function decodeWav(bytes: Uint8Array): WavAudio {
  const pcm = parseWavPcm16(bytes, (message) => new SttError('JARVIS_STT_BAD_WAV', message));
  const frames = pcm.samples.length / pcm.channels;
  const samples = new Float32Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < pcm.channels; c++) sum += pcm.samples[i * pcm.channels + c]!;
    samples[i] = sum / pcm.channels / 32768;
  }
  return { sampleRate: pcm.sampleRate, channels: pcm.channels, samples };
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

/** Encodes 16-bit mono PCM as a WAV file (fixtures and debug captures), at 16 kHz unless told otherwise. */
export function encodeWav(samples: Int16Array, sampleRate = STT_SAMPLE_RATE): Uint8Array {
  return encodePcm16Wav(samples, sampleRate);
}
