/**
 * How scripts/train-wake-verifier.ts scores a head on held-out steps and chooses its operating point (askAt, the
 * threshold and the steps in a row). Pure: no I/O, no training; the script hands in each step's pre-trained score
 * and the head's score from a head that did not see the step's voices.
 *
 * With `--choose-folds 4` the script gives every tune quarter's steps the score of the head trained without that
 * quarter (out of fold) and chooses once on all four quarters pooled; with 1 (the old way) only quarter 0's.
 */

/** One detector step as the choice sees it. `wake` is the index of the wake it lies near, or -1. */
export interface ChoiceStep {
  /** The pre-trained model's score (the head is asked at score ≥ askAt). */
  score: number;
  stream: number;
  /** ms from the stream's start. */
  at: number;
  wake: number;
  /** What was being said (false accepts are counted by it). */
  kind: string;
}

/** What a setting does on some steps: wakes detected (of `wakes.size` said there) and false accepts by kind. */
export interface Outcome { hits: number; wakes: Set<number>; fa: number; faBy: Record<string, number> }

/**
 * What a head does on held-out steps at (askAt, threshold, trigger): the wakes detected (the trigger-th passing
 * step in a row, 300–2000 ms after the phrase start, as the hit benchmark counts) and the false accepts (the same
 * away from any wake, 2 s refractory), by what was being said. Steps of one stream must be in time order; streams
 * may interleave.
 */
export function outcome(ex: readonly ChoiceStep[], scores: ArrayLike<number>, wakeStartMs: readonly number[], askAt: number, t: number, trigger = 1): Outcome {
  const hit = new Set<number>();
  const allWakes = new Set<number>();
  let fa = 0;
  const faBy: Record<string, number> = {};
  const last = new Map<number, number>();
  const run = new Map<number, { at: number; n: number }>();
  ex.forEach((e, i) => {
    if (e.wake >= 0) allWakes.add(e.wake);
    const pass = e.score >= askAt && scores[i]! >= t;
    if (!pass) return;
    const prev = run.get(e.stream);
    const n = prev && e.at - prev.at <= 81 ? prev.n + 1 : 1;
    run.set(e.stream, { at: e.at, n });
    if (n < trigger) return;
    if (e.wake >= 0) {
      const from = wakeStartMs[e.wake]!;
      if (e.at >= from + 300 && e.at <= from + 2000) hit.add(e.wake);
      return;
    }
    if (e.at - (last.get(e.stream) ?? -Infinity) >= 2000) {
      fa++;
      faBy[e.kind] = (faBy[e.kind] ?? 0) + 1;
    }
    last.set(e.stream, e.at);
  });
  return { hits: hit.size, wakes: allWakes, fa, faBy };
}

/** The settings the script tries. */
export const ASK_AT = [0.001, 0.01, 0.05, 0.2, 0.5];
export const TRIGGERS = [1, 2, 3];
/** Thresholds on the logit scale from 0.119 up to 0.9999: a head's useful range is often near 1. */
export const THRESHOLDS = Array.from({ length: 45 }, (_, k) => 1 / (1 + Math.exp(-(-2 + k * 0.25)))).map((t) => Number(t.toPrecision(4)));

export interface OperatingPoint { askAt: number; t: number; trigger: number; hits: number; fa: number; n: number; faBy: Record<string, number> }
export interface Choice {
  /** The chosen point and what it does on the steps chosen on. */
  best: OperatingPoint;
  /** false: no setting kept the false accepts within the budget; `best` is then the one with the fewest. */
  withinBudget: boolean;
  /** The false accepts allowed: floor(faShare × the pre-trained model's alone at its 0.5 on the same steps). */
  faBudget: number;
  /** The pre-trained model alone (at 0.5, one step) on the same steps. */
  base: Outcome;
}

/**
 * Chooses askAt, threshold and steps in a row on held-out steps: the most wakes detected with at most
 * `faShare` of the false accepts the pre-trained model alone makes on the same steps (ties: fewer false accepts,
 * then the first tried: lower askAt, fewer steps, lower threshold). If no setting is within budget, the fewest
 * false accepts (ties: more wakes). Pooling is just handing in every quarter's steps with their out-of-fold scores.
 */
export function chooseOperatingPoint(ex: readonly ChoiceStep[], scores: ArrayLike<number>, wakeStartMs: readonly number[], faShare: number, grid: { askAt?: readonly number[]; triggers?: readonly number[]; thresholds?: readonly number[] } = {}): Choice {
  if (scores.length !== ex.length) throw new RangeError(`${scores.length} scores for ${ex.length} steps`);
  const base = outcome(ex, Array.from({ length: ex.length }, () => 1), wakeStartMs, 0.5, 0.5);
  const faBudget = Math.floor(faShare * base.fa);
  const n = base.wakes.size;
  const better = (a: { hits: number; fa: number }, b: { hits: number; fa: number } | undefined, within: boolean): boolean => !b || (within ? a.hits > b.hits || (a.hits === b.hits && a.fa < b.fa) : a.fa < b.fa || (a.fa === b.fa && a.hits > b.hits));
  let best: OperatingPoint | undefined;
  let fallback: OperatingPoint | undefined;
  for (const askAt of grid.askAt ?? ASK_AT) {
    for (const trigger of grid.triggers ?? TRIGGERS) {
      for (const t of grid.thresholds ?? THRESHOLDS) {
        const o = outcome(ex, scores, wakeStartMs, askAt, t, trigger);
        const row = { askAt, t, trigger, hits: o.hits, fa: o.fa, n, faBy: o.faBy };
        if (o.fa <= faBudget && better(o, best, true)) best = row;
        if (better(o, fallback, false)) fallback = row;
      }
    }
  }
  if (!fallback) throw new RangeError('no setting to choose from');
  return { best: best ?? fallback, withinBudget: best !== undefined, faBudget, base };
}
