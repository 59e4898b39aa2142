import { SttError } from './errors.js';

/** Throws JARVIS_STT_BAD_AUDIO unless `pcm` is a Float32Array of finite samples. */
export function assertPcm(pcm: unknown): asserts pcm is Float32Array {
  if (!(pcm instanceof Float32Array)) throw new SttError('JARVIS_STT_BAD_AUDIO', 'expected a Float32Array of 16 kHz mono samples');
  for (let i = 0; i < pcm.length; i++) {
    if (!Number.isFinite(pcm[i])) throw new SttError('JARVIS_STT_BAD_AUDIO', `sample ${i} is not a finite number`);
  }
}

/** Root-mean-square level of a stretch of samples (0 for empty input). */
export function rms(pcm: Float32Array, from = 0, to = pcm.length): number {
  if (to <= from) return 0;
  let sum = 0;
  for (let i = from; i < to; i++) sum += pcm[i]! * pcm[i]!;
  return Math.sqrt(sum / (to - from));
}

/**
 * Whether the audio holds anything like speech: some 30 ms window must be at least `minDbfs` loud and
 * clearly above the quietest window (a steady hum or hiss is not speech). Whisper invents text on
 * silence and noise, so it never sees audio that fails this.
 */
export function looksLikeSpeech(pcm: Float32Array, { minDbfs = -45, minDynamicDb = 10 } = {}): boolean {
  const win = 480;
  if (pcm.length < win) return false;
  let loud = 0;
  let quiet = Infinity;
  for (let i = 0; i + win <= pcm.length; i += win) {
    const level = rms(pcm, i, i + win);
    loud = Math.max(loud, level);
    quiet = Math.min(quiet, level);
  }
  const db = (x: number): number => 20 * Math.log10(Math.max(x, 1e-9));
  return db(loud) >= minDbfs && db(loud) - db(quiet) >= minDynamicDb;
}

/** Converts signed 16-bit samples to floats in [-1, 1). */
export function int16ToFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i]! / 32768;
  return out;
}

/** Converts floats to signed 16-bit samples, clipping. */
export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768)));
  return out;
}

/**
 * A rough signal-to-noise estimate of one utterance in dB: the loudest tenth of 20 ms frames against the
 * quietest tenth (the noise floor between words). Enough to tell clean from noisy input, not a measurement.
 */
export function estimateSnrDb(pcm: Float32Array): number {
  const win = 320;
  const levels: number[] = [];
  for (let i = 0; i + win <= pcm.length; i += win) levels.push(rms(pcm, i, i + win));
  if (levels.length < 10) return 0;
  levels.sort((a, b) => a - b);
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const tenth = Math.max(1, Math.floor(levels.length / 10));
  const noise = Math.max(mean(levels.slice(0, tenth)), 1e-6);
  return 20 * Math.log10(mean(levels.slice(-tenth)) / noise);
}
