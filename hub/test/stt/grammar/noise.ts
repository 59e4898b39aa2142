import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { decodeWav, encodeWav } from '../../../src/stt/wav.js';
import { floatToInt16 } from '../../../src/stt/audio.js';
import { FIXTURE_DIR, speak } from '../fixtures.js';
import type { GrammarNames } from '../../../src/stt/grammar/slots.js';
import { createDefaultChain } from '../../../src/audio/dsp/chain.js';
import { singular } from '../../../src/language/normalize.js';

/** The noises the grammar recogniser is measured in: sox's white and pink noise, and espeak-ng babble. */
export type NoiseKind = 'white' | 'pink' | 'babble';

/**
 * More commands of the default templates × the small test home than the shared fixtures, so accept rates
 * are not decided by one phrase.
 */
export const MORE_COMMAND_PHRASES = [
  'turn off the kitchen light',
  'switch on the bedroom light',
  'close the garage door',
  'dim the kitchen light to twenty percent',
  'set a timer for ten minutes',
  'what time is it',
  'cancel the timer',
  'turn on the office lights',
] as const;

/**
 * Commands of the router's templates × the fixture home (tests/fixtures/registry/home.json), across its
 * intents, spoken from the kitchen: the set the router grammar's thresholds were chosen on.
 */
export const ROUTER_COMMAND_PHRASES = [
  'turn on the kitchen lights', 'turn off the kitchen lights', 'turn off the lights', 'turn on the bedroom lamp',
  'switch off the office light', 'set the kitchen lights to fifty percent', 'dim the living room lights to twenty percent',
  'what is the temperature in the office', 'set the thermostat to twenty one degrees', 'open the garage door',
  'close the bedroom blinds', 'set a timer for five minutes', 'cancel the timer', 'what time is it', 'what is the weather like',
  'pause the music', 'next track', 'set the volume to thirty percent', 'turn on the fan',
] as const;

/** More everyday speech, some of it close to commands in words (near misses). */
export const MORE_CHITCHAT_PHRASES = [
  'did you turn off the oven before we left',
  'the kitchen looks much better with the new light',
  'we should open a window it is warm in here',
  'my phone battery is almost dead again',
  'lets have pasta for dinner tonight',
  'he said the meeting moved to thursday',
  'i left my keys on the table by the door',
  'what time does the train leave',
] as const;

/** Sentences of the babble: several voices talking at once, none of them commands. */
const BABBLE_TALK = [
  ['en-us', 'so then we drove all the way up the coast and stopped at every little town along the road'],
  ['en-gb', 'honestly the best part of the holiday was the food and the long walks in the evening'],
  ['en-us+f3', 'she told me that the project was late again and nobody knew when it would be finished'],
  ['en-gb-scotland', 'we watched the match at the pub and it was raining the whole afternoon'],
  ['en-us+m3', 'my brother is moving to a new flat next month and he wants help carrying boxes'],
] as const;

const babblePath = `${FIXTURE_DIR}babble.wav`;

/** Five espeak-ng talkers summed into one track (repeatable: espeak-ng output is deterministic). */
function babble(): Float32Array {
  if (!existsSync(babblePath)) {
    const parts = BABBLE_TALK.map(([voice, text], i) => {
      const raw = `${FIXTURE_DIR}babble-${i}.espeak.wav`;
      const out = `${FIXTURE_DIR}babble-${i}.wav`;
      execFileSync('espeak-ng', ['-v', voice, '-s', '170', '-w', raw, text]);
      execFileSync('sox', ['-R', raw, '-r', '16000', '-c', '1', '-b', '16', out]);
      return decodeWav(readFileSync(out)).samples;
    });
    const n = Math.max(...parts.map((p) => p.length));
    const sum = new Float32Array(n);
    // Each talker starts at a different point of its sentence so the pauses do not line up.
    parts.forEach((p, k) => { for (let i = 0; i < n; i++) sum[i]! += p[(i + Math.floor((k * p.length) / parts.length)) % p.length]! * 0.3; });
    writeFileSync(babblePath, encodeWav(floatToInt16(sum)));
  }
  return decodeWav(readFileSync(babblePath)).samples;
}

function noiseOf(kind: NoiseKind, samples: number): Float32Array {
  if (kind === 'babble') {
    const b = babble();
    return Float32Array.from({ length: samples }, (_, i) => b[i % b.length]!);
  }
  // One 20 s track per kind (sox -R: the same noise every run), cut to length.
  const path = `${FIXTURE_DIR}${kind}-noise.wav`;
  if (!existsSync(path)) {
    execFileSync('sox', ['-R', '-n', '-r', '16000', '-c', '1', '-b', '16', path, 'synth', '20', kind === 'white' ? 'whitenoise' : 'pinknoise', 'vol', '0.5']);
  }
  const track = decodeWav(readFileSync(path)).samples;
  return Float32Array.from({ length: samples }, (_, i) => track[i % track.length]!);
}

const power = (x: Float32Array): number => x.reduce((a, v) => a + v * v, 0) / Math.max(1, x.length);

/**
 * A copy of the espeak-ng rendering of `text` as the hub's segmenter would hand it over — `padMs` of
 * pre-roll and hangover on both sides — with `kind` noise at `snrDb` (speech power over the voiced 20 ms
 * frames against the noise power), or clean when `snrDb` is null. Cached by name under FIXTURE_DIR.
 */
export function noisySpeech(text: string, kind: NoiseKind, snrDb: number | null, padMs = 300): Float32Array {
  const clean = decodeWav(readFileSync(speak(text))).samples;
  const pad = Math.round((padMs * 16000) / 1000);
  const padded = new Float32Array(clean.length + 2 * pad);
  padded.set(clean, pad);
  if (snrDb === null) return padded;
  const noise = noiseOf(kind, padded.length);
  const voiced: number[] = [];
  for (let i = 0; i + 320 <= clean.length; i += 320) {
    const frame = clean.subarray(i, i + 320);
    if (power(frame) > 1e-5) voiced.push(...frame);
  }
  const gain = Math.sqrt(power(Float32Array.from(voiced)) / power(noise) / 10 ** (snrDb / 10));
  const mixed = new Float32Array(padded.length);
  for (let i = 0; i < padded.length; i++) mixed[i] = Math.max(-1, Math.min(1, padded[i]! + gain * noise[i]!));
  return mixed;
}

/** A small household: the names the command fixtures use, plus one word the dictionary lacks. */
export const SMALL_HOME = {
  entities: ['Kitchen Light', 'Bedroom Light', 'Bathroom Fan', 'Living Room Ceiling', 'Garage Door', 'Nanoleaf'],
  areas: ['Office', 'Kitchen', 'Bedroom'],
  floors: [],
} as const satisfies GrammarNames;

/**
 * Whether recognised text is the spoken command as the router reads it: articles, the `<what_is>` spelling
 * and plurals may differ (the router's entity index matches singular tokens: "kitchen lights" and
 * "kitchen light" name the same thing), nothing else.
 */
export function sameCommand(text: string, spoken: string): boolean {
  const core = (s: string): string => s.replace(/\bwhats\b/g, 'what is').split(' ').filter((w) => !['the', 'my', 'our'].includes(w)).map(singular).join(' ');
  return core(text) === core(spoken);
}

/**
 * `pcm` as the STT engines receive it in the hub: through the device chain (resample to 48 kHz, RNNoise,
 * back to 16 kHz). The chain's latency shifts the audio a little; the grammar does not mind.
 */
export async function throughHubChain(pcm: Float32Array): Promise<Float32Array> {
  const chain = await createDefaultChain(16000);
  try {
    const frames = chain.push(floatToInt16(pcm), 0);
    // Flush the resamplers' and RNNoise's delay with 100 ms of silence so the last word is not cut.
    frames.push(...chain.push(new Int16Array(1600), 0));
    const out = new Float32Array(frames.reduce((n, f) => n + f.samples.length, 0));
    let at = 0;
    for (const f of frames) { out.set(f.samples, at); at += f.samples.length; }
    return out;
  } finally {
    chain.close();
  }
}
