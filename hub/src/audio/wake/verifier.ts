/**
 * A second-stage wake verifier (issue 16), after openWakeWord's "custom verifier models"
 * (dscripka/openWakeWord `custom_verifier_model.py`): a logistic regression over the 16 × 96 embedding
 * features the wake model scored, consulted only on a step whose wake score passed the threshold. It
 * decides whether that step counts; it never moves the step's time, so the cut between "hey jarvis" and
 * the command is where it would be without it. Its weights are a small JSON file made by
 * `scripts/train-wake-verifier.ts` (`npm run wake:verifier`) from espeak-ng speech of the TUNE half of the voice
 * split, written beside the wake model it was trained for (`<models>/hey-jarvis/hey-jarvis-verifier.json`).
 * Weights are model data (DESIGN §6), and these were chosen by the CC BY-NC-SA wake model's scores: no verifier
 * file is in the repository.
 *
 * The standardisation openWakeWord's pipeline does before its classifier (StandardScaler) is folded into
 * the weights: score = sigmoid(w · x + b) on the raw features.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from '../../core/index.js';

/** Embeddings per verified window and values per embedding (openWakeWord's wake model input). */
export const VERIFIER_FRAMES = 16;
export const VERIFIER_DIM = 96;
const N = VERIFIER_FRAMES * VERIFIER_DIM;

/** The verifier file's format name and versions: 1 a logistic regression asked at the wake threshold, 2 adds a hidden layer and the wake score at which it is asked. */
export const VERIFIER_FORMAT = 'jarvis-wake-verifier';
export const VERIFIER_VERSION = 2;
const VERSIONS = [1, 2] as const;

/** The verifier's file name, beside the wake model it verifies. */
export const VERIFIER_FILE = 'hey-jarvis-verifier.json';
/** What makes one (from the repository). */
export const TRAIN_VERIFIER_COMMAND = 'npm run wake:verifier';

/** Where the verifier for the wake model `wakeFile` belongs (beside it), and whether it is there. */
export function verifierBeside(wakeFile: string): { file: string; present: boolean } {
  const file = join(dirname(wakeFile), VERIFIER_FILE);
  return { file, present: existsSync(file) };
}

/** A verifier file that is missing, not JSON, or not a verifier of the right shape. */
export class WakeVerifierError extends ConfigError<'JARVIS_WAKE_BAD_VERIFIER'> {
  constructor(message: string, options?: ErrorOptions) {
    super('JARVIS_WAKE_BAD_VERIFIER', message, options);
    this.name = 'WakeVerifierError';
  }
}

/**
 * The JSON file. Version 1: folded weights of a logistic regression over 16 × 96 features, asked on steps whose
 * wake score passed the detector's threshold. Version 2 (the trained head, after openWakeWord's own training of
 * a small classifier on the frozen embeddings): optionally one hidden ReLU layer, and `askAt`, the wake score at
 * or over which the head is asked (below openWakeWord's 0.5: the head, not the pre-trained score, decides).
 */
export interface WakeVerifierFile {
  format: typeof VERIFIER_FORMAT;
  version: 1 | 2;
  /** The wake model whose features it was trained on, e.g. `hey_jarvis_v0.1`. */
  model: string;
  frames: number;
  dim: number;
  /** Without `hidden`: 1536 weights, embedding-major (frame 0's 96 values first). With it: one per hidden unit. */
  weights: number[];
  bias: number;
  /** Version 2: a hidden ReLU layer, `units` × 1536 weights (unit-major) and `units` biases. */
  hidden?: { units: number; weights: number[]; bias: number[] };
  /** Version 2: the pre-trained wake score at or over which the head is asked (default: the detector's threshold). */
  askAt?: number;
  /** Version 2: steps in a row the head must pass for a wake (default 1; the detector's triggerLevel if higher). */
  triggerLevel?: number;
  /**
   * Version 2: how much the pre-trained wake score counts with the head's: the head's logit plus baseWeight × the
   * wake score's logit (clamped to 1e-6…1 − 1e-6) is what the threshold is applied to. Absent or 0: the head alone.
   */
  baseWeight?: number;
  /** Verifier score at or over which a wake counts (chosen on the tune half). */
  threshold: number;
  /** How it was made (data, counts, figures on the tune half); informative only. */
  trained?: Record<string, unknown>;
}

/** A hidden ReLU layer: `units` rows of 1536 weights, and a bias per unit. */
export interface HiddenLayer { units: number; weights: ArrayLike<number>; bias: ArrayLike<number> }

/** A loaded verifier (logistic regression, or a one-hidden-layer head). */
export class WakeVerifier {
  readonly weights: Float64Array;
  readonly hidden: { units: number; weights: Float32Array; bias: Float64Array } | undefined;
  /** The pre-trained wake score at or over which it is asked; undefined: the detector's threshold. */
  readonly askAt: number | undefined;
  /** Steps in a row it must pass for a wake; undefined: the detector's triggerLevel. */
  readonly triggerLevel: number | undefined;
  /** Weight of the pre-trained wake score's logit added to the head's (0: the head alone). */
  readonly baseWeight: number;
  private readonly act: Float64Array;
  constructor(weights: ArrayLike<number>, readonly bias: number, readonly threshold: number, readonly model = 'hey_jarvis_v0.1', readonly source = 'inline', options: { hidden?: HiddenLayer; askAt?: number; triggerLevel?: number; baseWeight?: number } = {}) {
    const h = options.hidden;
    if (h) {
      if (!(Number.isInteger(h.units) && h.units >= 1 && h.units <= 1024)) throw new WakeVerifierError(`${source}: hidden units ${h.units} is not an integer in 1..1024`);
      if (h.weights.length !== h.units * N || h.bias.length !== h.units) throw new WakeVerifierError(`${source}: hidden layer of ${h.units} units needs ${h.units * N} weights and ${h.units} biases, got ${h.weights.length} and ${h.bias.length}`);
      this.hidden = { units: h.units, weights: Float32Array.from(h.weights), bias: Float64Array.from(h.bias) };
      if (!Array.from(h.weights).every(Number.isFinite) || !Array.from(h.bias).every(Number.isFinite)) throw new WakeVerifierError(`${source}: a hidden weight or bias is not a finite number`);
    }
    const want = h ? h.units : N;
    if (weights.length !== want) throw new WakeVerifierError(`${source}: ${weights.length} weights, expected ${h ? `one per hidden unit, ${want}` : `${VERIFIER_FRAMES} × ${VERIFIER_DIM} = ${N}`}`);
    this.weights = Float64Array.from(weights);
    this.act = new Float64Array(h ? h.units : 0);
    if (!this.weights.every(Number.isFinite) || !Number.isFinite(bias)) throw new WakeVerifierError(`${source}: a weight or the bias is not a finite number`);
    if (!(threshold > 0 && threshold < 1)) throw new WakeVerifierError(`${source}: threshold ${threshold} is outside (0, 1)`);
    if (options.askAt !== undefined && !(options.askAt > 0 && options.askAt < 1)) throw new WakeVerifierError(`${source}: askAt ${options.askAt} is outside (0, 1)`);
    this.askAt = options.askAt;
    if (options.triggerLevel !== undefined && !(Number.isInteger(options.triggerLevel) && options.triggerLevel >= 1 && options.triggerLevel <= 10)) throw new WakeVerifierError(`${source}: triggerLevel ${options.triggerLevel} is not an integer in 1..10`);
    this.triggerLevel = options.triggerLevel;
    if (options.baseWeight !== undefined && !(Number.isFinite(options.baseWeight) && options.baseWeight >= 0 && options.baseWeight <= 10)) throw new WakeVerifierError(`${source}: baseWeight ${options.baseWeight} is not a number in 0..10`);
    this.baseWeight = options.baseWeight ?? 0;
  }

  /** What it is, for the hub's status: "logistic regression" or "trained head (32 hidden units)". */
  get kind(): string {
    const fused = this.baseWeight ? `, with ${this.baseWeight} × the wake score's logit` : '';
    return this.hidden ? `trained head (${this.hidden.units} hidden units${this.triggerLevel && this.triggerLevel > 1 ? `, ${this.triggerLevel} steps in a row` : ''}${fused})` : `logistic regression${fused ? ` (${fused.slice(2)})` : ''}`;
  }

  /**
   * Probability (0–1) that the 16 × 96 features are the wake phrase; with a `baseWeight`, `wakeScore` (the
   * pre-trained model's score of the same step) is added on the logit scale.
   */
  score(features: ArrayLike<number>, wakeScore?: number): number {
    const z = this.logit(features);
    return 1 / (1 + Math.exp(-(this.baseWeight && wakeScore !== undefined ? z + this.baseWeight * scoreLogit(wakeScore) : z)));
  }

  /** The head's own logit (before any wake-score term). */
  logit(features: ArrayLike<number>): number {
    if (features.length !== N) throw new WakeVerifierError(`${this.source}: features of length ${features.length}, expected ${N}`);
    let z = this.bias;
    const w = this.weights;
    const h = this.hidden;
    if (h) {
      for (let u = 0; u < h.units; u++) {
        let a = h.bias[u] as number;
        const off = u * N;
        for (let i = 0; i < N; i++) a += (h.weights[off + i] as number) * (features[i] as number);
        this.act[u] = a > 0 ? a : 0;
      }
      for (let u = 0; u < h.units; u++) z += (w[u] as number) * (this.act[u] as number);
    } else {
      for (let i = 0; i < N; i++) z += (w[i] as number) * (features[i] as number);
    }
    return z;
  }
}

/** The logit of a probability, clamped to 1e-6…1 − 1e-6 so a score of 0 or 1 stays finite. */
export function scoreLogit(p: number): number {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return Math.log(q / (1 - q));
}

/** Parses a verifier file's text; `source` names it in errors. */
export function parseWakeVerifier(text: string, source = 'verifier'): WakeVerifier {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new WakeVerifierError(`${source} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new WakeVerifierError(`${source} is not a JSON object`);
  const f = raw as Partial<WakeVerifierFile>;
  if (f.format !== VERIFIER_FORMAT) throw new WakeVerifierError(`${source}: format is ${JSON.stringify(f.format)}, not "${VERIFIER_FORMAT}"`);
  if (!(VERSIONS as readonly unknown[]).includes(f.version)) throw new WakeVerifierError(`${source}: version ${JSON.stringify(f.version)} is not one of ${VERSIONS.join(', ')}`);
  if (f.frames !== VERIFIER_FRAMES || f.dim !== VERIFIER_DIM) throw new WakeVerifierError(`${source}: features ${f.frames} × ${f.dim}, expected ${VERIFIER_FRAMES} × ${VERIFIER_DIM}`);
  if (!Array.isArray(f.weights) || !f.weights.every((v) => typeof v === 'number')) throw new WakeVerifierError(`${source}: weights is not an array of numbers`);
  if (typeof f.bias !== 'number' || typeof f.threshold !== 'number') throw new WakeVerifierError(`${source}: bias and threshold must be numbers`);
  if (typeof f.model !== 'string') throw new WakeVerifierError(`${source}: model must name the wake model`);
  if (f.version === 1 && (f.hidden !== undefined || f.askAt !== undefined || f.triggerLevel !== undefined || f.baseWeight !== undefined)) throw new WakeVerifierError(`${source}: a hidden layer, askAt, triggerLevel or baseWeight needs version 2`);
  if (f.baseWeight !== undefined && typeof f.baseWeight !== 'number') throw new WakeVerifierError(`${source}: baseWeight must be a number`);
  if (f.triggerLevel !== undefined && typeof f.triggerLevel !== 'number') throw new WakeVerifierError(`${source}: triggerLevel must be a number`);
  const h = f.hidden;
  if (h !== undefined && (typeof h !== 'object' || h === null || !Array.isArray(h.weights) || !Array.isArray(h.bias) || !h.weights.every((v) => typeof v === 'number') || !h.bias.every((v) => typeof v === 'number'))) {
    throw new WakeVerifierError(`${source}: hidden must be { units, weights: number[], bias: number[] }`);
  }
  if (f.askAt !== undefined && typeof f.askAt !== 'number') throw new WakeVerifierError(`${source}: askAt must be a number`);
  return new WakeVerifier(f.weights, f.bias, f.threshold, f.model, source, { ...(h ? { hidden: h } : {}), ...(f.askAt !== undefined ? { askAt: f.askAt } : {}), ...(f.triggerLevel !== undefined ? { triggerLevel: f.triggerLevel } : {}), ...(f.baseWeight !== undefined ? { baseWeight: f.baseWeight } : {}) });
}

/** Reads and parses a verifier file. */
export function loadWakeVerifier(path: string): WakeVerifier {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new WakeVerifierError(`wake verifier ${path} could not be read: ${(err as Error).message}`, { cause: err });
  }
  return parseWakeVerifier(text, path);
}

/** Training options: L2 strength as scikit-learn's C (openWakeWord uses 0.01), iterations, and class balance. */
export interface TrainOptions {
  c?: number;
  iterations?: number;
  /** Weigh each class to the same total (default true). */
  balanced?: boolean;
}

/**
 * Trains a logistic regression on features (each 1536 values) and labels (1 wake, 0 not), as openWakeWord's
 * pipeline does (standardise, then L2-regularised logistic regression), by full-batch gradient descent with
 * Adam; deterministic. Returns the weights with the standardisation folded in.
 */
export function trainLogistic(features: readonly Float32Array[], labels: readonly number[], options: TrainOptions = {}): { weights: Float64Array; bias: number } {
  const n = features.length;
  if (n === 0 || n !== labels.length) throw new WakeVerifierError(`training needs as many labels as examples (got ${n} and ${labels.length})`);
  const d = features[0]!.length;
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const x of features) for (let j = 0; j < d; j++) mean[j]! += (x[j] as number) / n;
  for (const x of features) for (let j = 0; j < d; j++) sd[j]! += ((x[j] as number) - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
  const z = features.map((x) => Float64Array.from(x, (v, j) => (v - mean[j]!) / sd[j]!));
  const pos = labels.filter((y) => y === 1).length;
  const balanced = options.balanced ?? true;
  const weightOf = (y: number): number => (balanced ? n / (2 * (y === 1 ? Math.max(1, pos) : Math.max(1, n - pos))) : 1);
  // scikit-learn's objective: C · Σ sample_weight · logloss + ½‖w‖²; divided by C · n here.
  const lambda = 1 / ((options.c ?? 0.01) * n);
  const w = new Float64Array(d);
  let b = 0;
  const mW = new Float64Array(d);
  const vW = new Float64Array(d);
  let mB = 0;
  let vB = 0;
  const lr = 0.01;
  const iterations = options.iterations ?? 600;
  const grad = new Float64Array(d);
  for (let t = 1; t <= iterations; t++) {
    grad.fill(0);
    let gB = 0;
    for (let i = 0; i < n; i++) {
      const x = z[i]!;
      let s = b;
      for (let j = 0; j < d; j++) s += w[j]! * x[j]!;
      const p = 1 / (1 + Math.exp(-s));
      const e = ((p - (labels[i] as number)) * weightOf(labels[i] as number)) / n;
      gB += e;
      for (let j = 0; j < d; j++) grad[j]! += e * x[j]!;
    }
    for (let j = 0; j < d; j++) {
      const g = grad[j]! + lambda * w[j]!;
      mW[j] = 0.9 * mW[j]! + 0.1 * g;
      vW[j] = 0.999 * vW[j]! + 0.001 * g * g;
      w[j]! -= (lr * (mW[j]! / (1 - 0.9 ** t))) / (Math.sqrt(vW[j]! / (1 - 0.999 ** t)) + 1e-8);
    }
    mB = 0.9 * mB + 0.1 * gB;
    vB = 0.999 * vB + 0.001 * gB * gB;
    b -= (lr * (mB / (1 - 0.9 ** t))) / (Math.sqrt(vB / (1 - 0.999 ** t)) + 1e-8);
  }
  // Fold the standardisation: w·((x − mean)/sd) + b = (w/sd)·x + (b − Σ w·mean/sd).
  const folded = Float64Array.from(w, (v, j) => v / sd[j]!);
  let bias = b;
  for (let j = 0; j < d; j++) bias -= folded[j]! * mean[j]!;
  return { weights: folded, bias };
}

/** Options of {@link trainHead}. */
export interface HeadOptions {
  /** Hidden ReLU units (default 32). */
  units?: number;
  /** Passes over the data (default 20). */
  epochs?: number;
  /** Examples per Adam step (default 128). */
  batch?: number;
  /** Adam's learning rate (default 0.001). */
  lr?: number;
  /** L2 penalty on the weights per example (default 1e-4). */
  l2?: number;
  /** Per-example weights (e.g. for subsampled negatives); each class is then balanced to the same total. */
  sampleWeights?: readonly number[];
  /** Seed of the initial weights and the batch order (default 1). */
  seed?: number;
}

/**
 * Trains a one-hidden-layer head (1536 → units ReLU → 1 sigmoid) on the frozen 16 × 96 embedding features,
 * as openWakeWord trains its wake models' classifier on frozen embeddings: standardised inputs, class-balanced
 * log loss, mini-batch Adam. Deterministic for a seed. Returns the layers with the standardisation folded into
 * the hidden layer, ready for {@link WakeVerifier}.
 */
export function trainHead(features: readonly Float32Array[], labels: readonly number[], options: HeadOptions = {}): { hidden: HiddenLayer & { weights: Float32Array; bias: Float64Array }; weights: Float64Array; bias: number } {
  const n = features.length;
  if (n === 0 || n !== labels.length) throw new WakeVerifierError(`training needs as many labels as examples (got ${n} and ${labels.length})`);
  const d = features[0]!.length;
  const H = options.units ?? 32;
  const epochs = options.epochs ?? 20;
  const B = options.batch ?? 128;
  const lr = options.lr ?? 0.001;
  const l2 = options.l2 ?? 1e-4;
  const sw = options.sampleWeights ?? new Array<number>(n).fill(1);
  // Standardise (mean, sd of the weighted data).
  const mean = new Float64Array(d);
  const sd = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < n; i++) total += sw[i] as number;
  for (let i = 0; i < n; i++) { const x = features[i]!; const wi = (sw[i] as number) / total; for (let j = 0; j < d; j++) mean[j]! += wi * (x[j] as number); }
  for (let i = 0; i < n; i++) { const x = features[i]!; const wi = (sw[i] as number) / total; for (let j = 0; j < d; j++) sd[j]! += wi * ((x[j] as number) - mean[j]!) ** 2; }
  // A value that never changes (up to rounding) is not scaled up: its rounding noise would become a feature.
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!) > 1e-6 * (Math.abs(mean[j]!) + 1) ? Math.sqrt(sd[j]!) : 1;
  const z = features.map((x) => Float32Array.from(x, (v, j) => (v - mean[j]!) / sd[j]!));
  // Class balance on top of the sample weights.
  let posW = 0;
  let negW = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) posW += sw[i] as number; else negW += sw[i] as number;
  const ew = Array.from({ length: n }, (_, i) => ((sw[i] as number) * total) / (2 * (labels[i] === 1 ? Math.max(posW, 1e-9) : Math.max(negW, 1e-9))));
  // Deterministic initialisation (He for the ReLU layer).
  let s = (options.seed ?? 1) >>> 0;
  const rand = (): number => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
  const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const W1 = Float32Array.from({ length: H * d }, () => gauss() * Math.sqrt(2 / d));
  const b1 = new Float64Array(H);
  const W2 = Float64Array.from({ length: H }, () => gauss() * Math.sqrt(1 / H));
  let b2 = 0;
  const params = [W1, b1, W2];
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  let mb2 = 0;
  let vb2 = 0;
  const g1 = new Float64Array(H * d);
  const gb1 = new Float64Array(H);
  const g2 = new Float64Array(H);
  const a = new Float64Array(H);
  const order = Array.from({ length: n }, (_, i) => i);
  let t = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const k = Math.floor(rand() * (i + 1));
      [order[i], order[k]] = [order[k]!, order[i]!];
    }
    for (let start = 0; start < n; start += B) {
      const end = Math.min(n, start + B);
      g1.fill(0);
      gb1.fill(0);
      g2.fill(0);
      let gb2 = 0;
      for (let q = start; q < end; q++) {
        const i = order[q]!;
        const x = z[i]!;
        for (let u = 0; u < H; u++) {
          let acc = b1[u]!;
          const off = u * d;
          for (let j = 0; j < d; j++) acc += W1[off + j]! * x[j]!;
          a[u] = acc > 0 ? acc : 0;
        }
        let out = b2;
        for (let u = 0; u < H; u++) out += W2[u]! * a[u]!;
        const p = 1 / (1 + Math.exp(-out));
        const e = ((p - (labels[i] as number)) * ew[i]!) / (end - start);
        gb2 += e;
        for (let u = 0; u < H; u++) {
          g2[u]! += e * a[u]!;
          if (a[u]! <= 0) continue;
          const eh = e * W2[u]!;
          gb1[u]! += eh;
          const off = u * d;
          for (let j = 0; j < d; j++) g1[off + j]! += eh * x[j]!;
        }
      }
      t++;
      const c1 = 1 - 0.9 ** t;
      const c2 = 1 - 0.999 ** t;
      const grads = [g1, gb1, g2];
      params.forEach((p, pi) => {
        const g = grads[pi]!;
        const mm = m[pi]!;
        const vv = v[pi]!;
        const decay = pi === 1 ? 0 : l2;
        for (let j = 0; j < p.length; j++) {
          const gj = g[j]! + decay * p[j]!;
          mm[j] = 0.9 * mm[j]! + 0.1 * gj;
          vv[j] = 0.999 * vv[j]! + 0.001 * gj * gj;
          p[j]! -= (lr * (mm[j]! / c1)) / (Math.sqrt(vv[j]! / c2) + 1e-8);
        }
      });
      mb2 = 0.9 * mb2 + 0.1 * gb2;
      vb2 = 0.999 * vb2 + 0.001 * gb2 * gb2;
      b2 -= (lr * (mb2 / c1)) / (Math.sqrt(vb2 / c2) + 1e-8);
    }
  }
  // Fold the standardisation into the hidden layer: W1·((x − mean)/sd) + b1 = (W1/sd)·x + (b1 − Σ W1·mean/sd).
  const fw = new Float32Array(H * d);
  const fb = Float64Array.from(b1);
  for (let u = 0; u < H; u++) {
    for (let j = 0; j < d; j++) {
      fw[u * d + j] = W1[u * d + j]! / sd[j]!;
      fb[u]! -= fw[u * d + j]! * mean[j]!;
    }
  }
  return { hidden: { units: H, weights: fw, bias: fb }, weights: W2, bias: b2 };
}
