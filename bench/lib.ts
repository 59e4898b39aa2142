/** Shared helpers for `npm run bench`: every figure is one JSON line on stdout. */

/** One benchmark figure; `value` is the headline number (p50 for a distribution). */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

/** A benchmark: its name prefix decides whether `npm run bench -- PREFIX` runs it. */
export interface Benchmark {
  /** Names of the figures it prints start with this (e.g. `protocol.`). */
  name: string;
  run(emit: (figure: Figure) => void): Promise<void> | void;
}

/** Percentile of an already sorted array (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of an empty sample');
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** A distribution figure: `value` is p50, with p95 and p99 beside it. */
export function distribution(name: string, unit: string, samples: readonly number[], extra: Record<string, unknown> = {}): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    name,
    value: round(percentile(sorted, 50)),
    unit,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    n: sorted.length,
    ...extra,
  };
}

/**
 * Time `fn` in batches of `batch` calls and return nanoseconds per call for each batch, after a warm-up.
 * Batching keeps timer resolution out of sub-microsecond figures.
 */
export function nsPerCall(fn: () => void, { batches = 50, batch = 1000, warmup = 2000 } = {}): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const out: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    out.push(Number(process.hrtime.bigint() - t0) / batch);
  }
  return out;
}
