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

/** The verifier file's format name and version. */
export const VERIFIER_FORMAT = 'jarvis-wake-verifier';
export const VERIFIER_VERSION = 1;

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

/** The JSON file: folded weights of a logistic regression over 16 × 96 features, and its threshold. */
export interface WakeVerifierFile {
  format: typeof VERIFIER_FORMAT;
  version: typeof VERIFIER_VERSION;
  /** The wake model whose features it was trained on, e.g. `hey_jarvis_v0.1`. */
  model: string;
  frames: number;
  dim: number;
  /** 1536 weights, embedding-major (frame 0's 96 values first). */
  weights: number[];
  bias: number;
  /** Verifier score at or over which a wake counts (chosen on the tune half). */
  threshold: number;
  /** How it was made (data, counts, figures on the tune half); informative only. */
  trained?: Record<string, unknown>;
}

/** A loaded verifier. */
export class WakeVerifier {
  readonly weights: Float64Array;
  constructor(weights: ArrayLike<number>, readonly bias: number, readonly threshold: number, readonly model = 'hey_jarvis_v0.1', readonly source = 'inline') {
    if (weights.length !== N) throw new WakeVerifierError(`${source}: ${weights.length} weights, expected ${VERIFIER_FRAMES} × ${VERIFIER_DIM} = ${N}`);
    this.weights = Float64Array.from(weights);
    if (!this.weights.every(Number.isFinite) || !Number.isFinite(bias)) throw new WakeVerifierError(`${source}: a weight or the bias is not a finite number`);
    if (!(threshold > 0 && threshold < 1)) throw new WakeVerifierError(`${source}: threshold ${threshold} is outside (0, 1)`);
  }

  /** Probability (0–1) that the 16 × 96 features are the wake phrase. */
  score(features: ArrayLike<number>): number {
    if (features.length !== N) throw new WakeVerifierError(`${this.source}: features of length ${features.length}, expected ${N}`);
    let z = this.bias;
    const w = this.weights;
    for (let i = 0; i < N; i++) z += (w[i] as number) * (features[i] as number);
    return 1 / (1 + Math.exp(-z));
  }
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
  if (f.version !== VERIFIER_VERSION) throw new WakeVerifierError(`${source}: version ${JSON.stringify(f.version)} is not ${VERIFIER_VERSION}`);
  if (f.frames !== VERIFIER_FRAMES || f.dim !== VERIFIER_DIM) throw new WakeVerifierError(`${source}: features ${f.frames} × ${f.dim}, expected ${VERIFIER_FRAMES} × ${VERIFIER_DIM}`);
  if (!Array.isArray(f.weights) || !f.weights.every((v) => typeof v === 'number')) throw new WakeVerifierError(`${source}: weights is not an array of numbers`);
  if (typeof f.bias !== 'number' || typeof f.threshold !== 'number') throw new WakeVerifierError(`${source}: bias and threshold must be numbers`);
  if (typeof f.model !== 'string') throw new WakeVerifierError(`${source}: model must name the wake model`);
  return new WakeVerifier(f.weights, f.bias, f.threshold, f.model, source);
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
