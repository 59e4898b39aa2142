import { AudioError } from '../dsp/errors.js';
import { MFCC_DIM, MfccExtractor } from './mfcc.js';

/** A wake template: the MFCC sequence of one spoken wake phrase, silence trimmed. */
export interface WakeTemplate {
  /** Where it came from (e.g. `espeak-ng:en-gb`), for logs. */
  source: string;
  features: Float32Array[];
}

/** A wake phrase detection. */
export interface WakeDetection {
  /** 0–1; 0.5 is the threshold cost, higher is a closer match. */
  score: number;
  /** Length-normalised DTW cost of the best template. */
  cost: number;
  /** Hub ms of the frame that completed the match. */
  at: number;
  template: string;
}

/** Options of the DTW wake detector. */
export interface DtwWakeOptions {
  /** Cost at which the score is 0.5 and detection fires. */
  threshold?: number;
  /** No second detection within this many ms. */
  refractoryMs?: number;
}

/** Euclidean distance between two MFCC vectors. */
function distance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < MFCC_DIM; i++) s += ((a[i] as number) - (b[i] as number)) ** 2;
  return Math.sqrt(s);
}

/** Streaming subsequence DTW against one template: open begin, so the phrase may start at any frame. */
class TemplateMatcher {
  private cost: Float64Array;
  private len: Float64Array;
  private prevCost: Float64Array;
  private prevLen: Float64Array;

  constructor(readonly template: WakeTemplate) {
    const m = template.features.length;
    this.cost = new Float64Array(m).fill(Infinity);
    this.len = new Float64Array(m);
    this.prevCost = new Float64Array(m).fill(Infinity);
    this.prevLen = new Float64Array(m);
  }

  /** Advances by one input frame; returns the normalised cost of a match ending here. */
  step(x: Float32Array): number {
    [this.cost, this.prevCost] = [this.prevCost, this.cost];
    [this.len, this.prevLen] = [this.prevLen, this.len];
    const t = this.template.features;
    for (let j = 0; j < t.length; j++) {
      const d = distance(x, t[j]!);
      if (j === 0) {
        // Open begin: a match may start at any input frame.
        this.cost[0] = d;
        this.len[0] = 1;
        continue;
      }
      let best = this.prevCost[j - 1] as number; // diagonal
      let bestLen = this.prevLen[j - 1] as number;
      const up = this.prevCost[j] as number; // template frame held over two input frames
      if (up < best) { best = up; bestLen = this.prevLen[j] as number; }
      const left = this.cost[j - 1] as number; // input frame held over two template frames
      if (left < best) { best = left; bestLen = this.len[j - 1] as number; }
      this.cost[j] = best + d;
      this.len[j] = bestLen + 1;
    }
    const last = t.length - 1;
    return (this.cost[last] as number) / Math.max(1, this.len[last] as number);
  }

  reset(): void {
    this.cost.fill(Infinity);
    this.prevCost.fill(Infinity);
  }
}

/**
 * Hub-side wake phrase spotting: MFCC + subsequence DTW against templates spoken by several
 * espeak-ng voices (GPL-3 tool used only to make data; the detector itself is ours, so any use is
 * allowed). One instance per device.
 */
export class DtwWakeDetector {
  private readonly mfcc = new MfccExtractor();
  private readonly matchers: TemplateMatcher[];
  private readonly threshold: number;
  private readonly refractoryMs: number;
  private lastFire = -Infinity;
  private pending: WakeDetection | undefined;
  /** Lowest cost seen on the latest frame (for diagnostics and benchmarks). */
  lastCost = Infinity;

  constructor(templates: readonly WakeTemplate[], options: DtwWakeOptions = {}) {
    if (templates.length === 0) throw new AudioError('JARVIS_WAKE_BAD_TEMPLATE', 'the wake detector needs at least one template');
    for (const t of templates) {
      if (t.features.length < 10 || t.features.some((f) => f.length !== MFCC_DIM)) {
        throw new AudioError('JARVIS_WAKE_BAD_TEMPLATE', `wake template ${t.source} has ${t.features.length} frames; need ≥ 10 frames of ${MFCC_DIM} coefficients`);
      }
    }
    this.threshold = options.threshold ?? DEFAULT_WAKE_THRESHOLD;
    this.refractoryMs = options.refractoryMs ?? 1500;
    if (!(this.threshold > 0)) throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `wake threshold ${this.threshold} must be > 0`);
    this.matchers = templates.map((t) => new TemplateMatcher(t));
  }

  /** Score (0–1) of a normalised DTW cost: 0.5 at the threshold. */
  scoreOf(cost: number): number {
    return 1 / (1 + (cost / this.threshold) ** 6);
  }

  /**
   * Feeds one 10 ms frame at 16 kHz (denoised) captured at `ts`; returns a detection once the match
   * has peaked (the frame after the cost stops falling), else undefined.
   */
  push(frame: Float32Array, ts: number): WakeDetection | undefined {
    const x = this.mfcc.push(frame);
    let best = Infinity;
    let template = '';
    for (const m of this.matchers) {
      const c = m.step(x);
      if (c < best) { best = c; template = m.template.source; }
    }
    this.lastCost = best;
    if (ts - this.lastFire < this.refractoryMs) return undefined;
    if (best <= this.threshold && (!this.pending || best < this.pending.cost)) {
      this.pending = { score: this.scoreOf(best), cost: best, at: ts, template };
      return undefined;
    }
    if (this.pending) {
      const hit = this.pending;
      this.pending = undefined;
      this.lastFire = hit.at;
      for (const m of this.matchers) m.reset();
      return hit;
    }
    return undefined;
  }
}

/** Default detection cost, chosen from the hit/false-accept sweep on the fixtures (see the report). */
export const DEFAULT_WAKE_THRESHOLD = 12.5;
