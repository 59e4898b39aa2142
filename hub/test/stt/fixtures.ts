import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeWav, encodeWav } from '../../src/stt/wav.js';
import { floatToInt16, int16ToFloat } from '../../src/stt/audio.js';

/** Where generated audio goes (git-ignored). */
export const FIXTURE_DIR = fileURLToPath(new URL('../../../tests/fixtures/generated/stt/', import.meta.url));

/** Spoken commands the default templates × the fixture home's names cover. */
export const COMMAND_PHRASES = [
  'turn on the kitchen light',
  'turn off the bedroom light',
  'switch off the bathroom fan',
  'set the living room ceiling to fifty percent',
  'open the garage door',
  'set a timer for five minutes',
  'what is the temperature in the office',
] as const;

/** Everyday speech that is no command. */
export const CHITCHAT_PHRASES = [
  'i need to buy milk and eggs tomorrow',
  'what did you think of the movie last night',
  'remind me to call my sister after work',
  'the weather was lovely at the beach',
  'can you believe how late it is already',
] as const;

const slug = (text: string): string => text.replace(/[^a-z0-9]+/gi, '_');

/** Whether espeak-ng and sox are installed (the tests that need them say so when they are not). */
export function haveSpeechTools(): boolean {
  try {
    execFileSync('espeak-ng', ['--version'], { stdio: 'ignore' });
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Speaks `text` with espeak-ng (en-us) and resamples it with sox to a 16 kHz mono 16-bit WAV; cached by text. */
export function speak(text: string): string {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const out = `${FIXTURE_DIR}${slug(text)}.wav`;
  if (existsSync(out)) return out;
  const raw = `${out}.espeak.wav`;
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '160', '-w', raw, text]);
  execFileSync('sox', ['-R', raw, '-r', '16000', '-c', '1', '-b', '16', out]);
  return out;
}

/**
 * The README's spoken command made the README's way: espeak-ng's default voice and speed, then sox to 16 kHz
 * with a second of silence on each side (`-R` only so every run dithers the same). Returns the WAV's path.
 */
export function readmeClip(): string {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const out = `${FIXTURE_DIR}readme-turn-on.wav`;
  if (existsSync(out)) return out;
  const raw = `${out}.espeak.wav`;
  execFileSync('espeak-ng', ['-w', raw, 'turn on the kitchen lights']);
  execFileSync('sox', ['-R', raw, '-r', '16000', '-b', '16', out, 'pad', '1', '1']);
  return out;
}

/**
 * A noisy copy of a clean WAV at `snrDb` (speech power over the voiced frames vs noise power): white
 * noise from sox in repeatable mode (`-R`, the same noise every run), scaled here so the ratio is exact.
 */
export function withNoise(cleanPath: string, snrDb: number): string {
  const out = cleanPath.replace(/\.wav$/, `.snr${snrDb}.wav`);
  if (existsSync(out)) return out;
  const clean = decodeWav(readFileSync(cleanPath)).samples;
  const noisePath = `${out}.noise.wav`;
  execFileSync('sox', ['-R', '-n', '-r', '16000', '-c', '1', '-b', '16', noisePath, 'synth', String(clean.length / 16000), 'whitenoise', 'vol', '0.5']);
  const noise = decodeWav(readFileSync(noisePath)).samples;
  const power = (x: Float32Array): number => x.reduce((a, v) => a + v * v, 0) / Math.max(1, x.length);
  const voiced: number[] = [];
  for (let i = 0; i + 320 <= clean.length; i += 320) {
    const frame = clean.subarray(i, i + 320);
    if (power(frame) > 1e-5) voiced.push(...frame);
  }
  const gain = Math.sqrt(power(Float32Array.from(voiced)) / power(noise) / 10 ** (snrDb / 10));
  const mixed = new Float32Array(clean.length);
  for (let i = 0; i < clean.length; i++) mixed[i] = clean[i]! + gain * (noise[i] ?? 0);
  writeFileSync(out, encodeWav(floatToInt16(mixed)));
  return out;
}

/** Reads a fixture WAV as 16 kHz float samples. */
export function loadPcm(path: string): Float32Array {
  const wav = decodeWav(readFileSync(path));
  return wav.sampleRate === 16000 ? wav.samples : int16ToFloat(new Int16Array(0));
}
