/**
 * A stream's noise floor as the wake pre-gate and the Silero pre-gate track it: the `rank`-th quietest (0-based) of
 * the last `size` 10 ms frame energies (dB). The window is kept in order as frames come and go, so each frame costs a
 * binary search and a short move instead of a copy and a sort of the whole window (two per device per 10 ms: the
 * main thread's largest per-frame cost at 64 devices). The value equals the sort's, frame for frame.
 */
export class NoiseFloor {
  private readonly arrivals: number[] = [];
  private readonly sorted: number[] = [];

  constructor(private readonly size = 100, private readonly rank = 4) {}

  /** The floor over the window so far (Infinity before the first value). */
  get value(): number {
    return this.sorted.length === 0 ? Infinity : (this.sorted[Math.min(this.rank, this.sorted.length - 1)] as number);
  }

  /** Adds one frame's energy; returns the floor over the window that now ends with it. */
  push(db: number): number {
    this.arrivals.push(db);
    this.sorted.splice(upperBound(this.sorted, db), 0, db);
    if (this.arrivals.length > this.size) {
      const old = this.arrivals.shift() as number;
      // The first of the equal values: any one of them is the same number.
      this.sorted.splice(upperBound(this.sorted, old) - 1, 1);
    }
    return this.sorted[Math.min(this.rank, this.sorted.length - 1)] as number;
  }
}

/** The index of the first element greater than `x` in ascending `a`. */
function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
