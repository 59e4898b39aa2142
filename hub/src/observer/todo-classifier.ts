import { readFileSync } from 'node:fs';
import { ObserverError } from './errors.js';

/**
 * A small logistic-regression classifier over named binary features, in plain TypeScript: the learned
 * stage of the observer (see `learned-reader.ts`) scores the clause reader's candidates with it. Training
 * is full-batch gradient descent with L2, in a fixed order, so the same examples give the same weights
 * (the committed weights file is checked against a fresh training).
 */

/** One training example: the names of the features that are on, and whether it is a to-do. */
export interface Example {
  features: readonly string[];
  label: 0 | 1;
}

/** Training settings. */
export interface TrainOptions {
  /** L2 penalty per example (default 0.01). */
  l2?: number;
  /** Gradient steps (default 300). */
  epochs?: number;
  /** Step size (default 0.5; AdaGrad-scaled per feature). */
  rate?: number;
  /** Features seen in fewer examples are dropped (default 2). */
  minCount?: number;
}

/** Weights of a trained classifier: the bias and one weight per feature name. */
export interface Weights {
  bias: number;
  weights: Record<string, number>;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Trains a logistic regression; deterministic for the same examples and options. */
export function trainLogistic(examples: readonly Example[], options: TrainOptions = {}): Weights {
  const l2 = options.l2 ?? 0.01;
  const epochs = options.epochs ?? 300;
  const rate = options.rate ?? 0.5;
  const minCount = options.minCount ?? 2;
  if (examples.length === 0) throw new ObserverError('JARVIS_OBSERVER_BAD_ARGUMENT', 'no training examples');
  const counts = new Map<string, number>();
  for (const e of examples) for (const f of new Set(e.features)) counts.set(f, (counts.get(f) ?? 0) + 1);
  const names = [...counts.keys()].filter((f) => counts.get(f)! >= minCount).sort();
  const index = new Map(names.map((f, i) => [f, i]));
  const rows = examples.map((e) => [...new Set(e.features.map((f) => index.get(f)).filter((i): i is number => i !== undefined))].sort((a, b) => a - b));
  const w = new Float64Array(names.length);
  const g2 = new Float64Array(names.length).fill(1e-8);
  let bias = 0;
  let b2 = 1e-8;
  const n = examples.length;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const grad = new Float64Array(names.length);
    let gb = 0;
    for (const [k, row] of rows.entries()) {
      let z = bias;
      for (const i of row) z += w[i]!;
      const err = sigmoid(z) - examples[k]!.label;
      gb += err;
      for (const i of row) grad[i]! += err;
    }
    for (let i = 0; i < names.length; i++) {
      const g = grad[i]! / n + l2 * w[i]!;
      g2[i]! += g * g;
      w[i]! -= (rate * g) / Math.sqrt(g2[i]!);
    }
    gb /= n;
    b2 += gb * gb;
    bias -= (rate * gb) / Math.sqrt(b2);
  }
  const weights: Record<string, number> = {};
  names.forEach((f, i) => {
    const v = round(w[i]!);
    if (v !== 0) weights[f] = v;
  });
  return { bias: round(bias), weights };
}

/** Rounded to 4 decimals: the file stays small and the same across machines. */
function round(x: number): number {
  return Math.round(x * 10_000) / 10_000 || 0;
}

/** The probability that the features describe a to-do. */
export function probability(model: Weights, features: readonly string[]): number {
  let z = model.bias;
  for (const f of new Set(features)) z += model.weights[f] ?? 0;
  return sigmoid(z);
}

/** The learned stage's data file: weights, the thresholds chosen by cross-validation, what it was trained on. */
export interface TodoModel extends Weights {
  format: 'jarvis-todo-classifier';
  version: 1;
  /**
   * Keep a to-do the clause reader made when its probability is at least `keep`; take a frame the clause reader turned down when its probability is at least `recover`.
   */
  thresholds: { keep: number; recover: number };
  /** Which feature groups are on (the reader computes the same ones). */
  features: FeatureConfig;
  /** Provenance: the files and counts it was trained on, and the training settings. */
  trainedOn: { files: string[]; snippets: number; examples: number; positives: number; options: Required<TrainOptions> };
}

/** Feature groups of the learned stage. */
export interface FeatureConfig {
  /** Words of the clause. */
  words: boolean;
  /** Words of the utterance said just before. */
  previousWords: boolean;
  /** Hand-named cues: modality, negation, hedges, tense, person, question, speakers. */
  cues: boolean;
  /** The clause reader's verdict: kept or turned down, by which frame, for which reason. */
  verdict: boolean;
}

const fail = (path: string, why: string): never => {
  throw new ObserverError('JARVIS_OBSERVER_BAD_WEIGHTS', `the to-do classifier weights ${path} ${why}`);
};

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Checks a parsed weights file; throws JARVIS_OBSERVER_BAD_WEIGHTS saying what is wrong. */
export function parseTodoModel(data: unknown, path = '(inline)'): TodoModel {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail(path, 'is not a JSON object');
  const d = data as Record<string, unknown>;
  if (d.format !== 'jarvis-todo-classifier') return fail(path, `has format ${JSON.stringify(d.format)}, not "jarvis-todo-classifier"`);
  if (d.version !== 1) return fail(path, `has version ${JSON.stringify(d.version)}; this hub reads version 1`);
  if (!isNumber(d.bias)) return fail(path, 'has no numeric bias');
  if (typeof d.weights !== 'object' || d.weights === null || Array.isArray(d.weights)) return fail(path, 'has no weights object');
  for (const [k, v] of Object.entries(d.weights)) if (!isNumber(v)) return fail(path, `has a non-numeric weight for ${JSON.stringify(k)}`);
  const t = d.thresholds as Record<string, unknown> | undefined;
  if (!t || !isNumber(t.keep) || !isNumber(t.recover) || t.keep < 0 || t.keep > 1 || t.recover < 0 || t.recover > 1) return fail(path, 'has no thresholds {keep, recover} between 0 and 1');
  const f = d.features as Record<string, unknown> | undefined;
  if (!f || ['words', 'previousWords', 'cues', 'verdict'].some((k) => typeof f[k] !== 'boolean')) return fail(path, 'has no feature groups {words, previousWords, cues, verdict}');
  if (typeof d.trainedOn !== 'object' || d.trainedOn === null) return fail(path, 'does not say what it was trained on');
  return data as TodoModel;
}

/** Reads and checks a weights file; throws JARVIS_OBSERVER_BAD_WEIGHTS when it is missing or malformed. */
export function loadTodoModel(path: string): TodoModel {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return fail(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return fail(path, `is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return parseTodoModel(data, path);
}
