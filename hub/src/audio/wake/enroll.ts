import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { AudioError } from '../dsp/errors.js';
import { decodeWav, int16ToFloat } from '../dsp/wav.js';
import { loadResampler, ResampleStage } from '../dsp/resample-stage.js';
import { energyDb, frameLength } from '../dsp/frame.js';
import { mfccOf } from './mfcc.js';
import type { WakeTemplate } from './dtw-wake.js';

const run = promisify(execFile);

/** Voices the default templates are spoken with (espeak-ng names). */
export const DEFAULT_ENROLL_VOICES = ['en-us', 'en-gb', 'en-us+f3', 'en-gb-scotland', 'en-us+m1', 'en-us-nyc', 'en-gb-x-gbcwmd', 'en-gb+f4'] as const;

/** Default wake phrase. */
export const DEFAULT_WAKE_PHRASE = 'hey jarvis';

/** Cuts leading and trailing silence (frames 40 dB under the loudest) from 16 kHz audio. */
export function trimSilence(signal: Float32Array): Float32Array {
  const n = 160;
  const energies: number[] = [];
  for (let at = 0; at + n <= signal.length; at += n) energies.push(energyDb(signal.subarray(at, at + n)));
  const peak = Math.max(...energies);
  const first = energies.findIndex((e) => e > peak - 40);
  let last = energies.length - 1;
  while (last > first && (energies[last] as number) <= peak - 40) last--;
  return signal.slice(Math.max(0, first) * n, (last + 1) * n);
}

/** Resamples mono int16 PCM at any supported rate to 16 kHz floats. */
async function to16k(samples: Int16Array, rate: number): Promise<Float32Array> {
  const f = int16ToFloat(samples);
  if (rate === 16000) return f;
  await loadResampler();
  // espeak-ng speaks at 22050 Hz, which the chain does not take; sox-free: go through 44.1 kHz by repetition.
  const src = rate === 22050 ? Float32Array.from({ length: f.length * 2 }, (_, i) => f[i >> 1] as number) : f;
  const srcRate = rate === 22050 ? 44100 : rate;
  const stage = new ResampleStage(srcRate, 16000);
  const inLen = frameLength(srcRate);
  const out = new Float32Array(Math.floor(src.length / inLen) * 160);
  for (let k = 0; (k + 1) * inLen <= src.length; k++) {
    out.set(stage.process({ sampleRate: srcRate, samples: src.slice(k * inLen, (k + 1) * inLen), ts: 0, flags: 0, rawDb: 0 }).samples, k * 160);
  }
  return out;
}

/** Voice and variant names espeak-ng knows (language codes, voice names and file names, lowercased). */
async function espeakVoices(): Promise<{ voices: Set<string>; variants: Set<string> }> {
  const list = async (arg: string): Promise<string[][]> => {
    try {
      const { stdout } = await run('espeak-ng', [arg], { encoding: 'utf8' });
      return stdout.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((cols) => cols.length >= 5);
    } catch (err) {
      throw new AudioError('JARVIS_WAKE_ENROLL_FAILED', `espeak-ng is not available (apt install espeak-ng): ${(err as Error).message}`, { cause: err });
    }
  };
  const names = (rows: string[][]): Set<string> =>
    new Set(rows.flatMap((cols) => [cols[1] ?? '', cols[3] ?? '', (cols[4] ?? '').split('/').pop() ?? ''].map((n) => n.toLowerCase())));
  return { voices: names(await list('--voices')), variants: names(await list('--voices=variant')) };
}

/** A template from 16 kHz audio of someone saying the wake phrase (a user's own enrolment, or a test). */
export function templateFromAudio(signal16k: Float32Array, source: string): WakeTemplate {
  return { source, features: mfccOf(trimSilence(signal16k)) };
}

/**
 * Speaks `phrase` with each espeak-ng voice and turns each into a template. espeak-ng must be on PATH;
 * otherwise throws JARVIS_WAKE_ENROLL_FAILED naming the package to install.
 */
export async function enrollWithEspeak(phrase: string = DEFAULT_WAKE_PHRASE, voices: readonly string[] = DEFAULT_ENROLL_VOICES): Promise<WakeTemplate[]> {
  const out: WakeTemplate[] = [];
  const known = await espeakVoices();
  for (const voice of voices) {
    const [base, variant] = voice.toLowerCase().split('+');
    // espeak-ng falls back to its default voice without a word, which would make every template the same.
    if (!known.voices.has(base ?? '') || (variant !== undefined && !known.variants.has(variant))) {
      throw new AudioError('JARVIS_WAKE_ENROLL_FAILED', `espeak-ng has no voice "${voice}" (see espeak-ng --voices and --voices=variant)`);
    }
    let stdout: Buffer;
    try {
      ({ stdout } = await run('espeak-ng', ['-v', voice, '-s', '160', '--stdout', phrase], { encoding: 'buffer', maxBuffer: 16 << 20 }));
    } catch (err) {
      throw new AudioError('JARVIS_WAKE_ENROLL_FAILED', `espeak-ng could not speak "${phrase}" with voice ${voice} (apt install espeak-ng): ${(err as Error).message}`, { cause: err });
    }
    const wav = decodeWav(stdout);
    out.push(templateFromAudio(await to16k(wav.samples, wav.sampleRate), `espeak-ng:${voice}`));
  }
  return out;
}
