/** Contact debounce: a level counts only once it has held for `ms`, so a bouncing switch gives one change. */
export class Debouncer {
  private stable: 0 | 1;
  private candidate: 0 | 1;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    initial: 0 | 1,
    private readonly ms: number,
    private readonly onChange: (level: 0 | 1) => void,
  ) {
    this.stable = initial;
    this.candidate = initial;
  }

  /** The last level that held long enough. */
  get level(): 0 | 1 {
    return this.stable;
  }

  /** A raw level seen on the line. */
  feed(level: 0 | 1): void {
    this.candidate = level;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (level === this.stable) return;
    if (this.ms === 0) return this.settle();
    this.timer = setTimeout(() => this.settle(), this.ms);
  }

  /** Cancels a pending change. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private settle(): void {
    this.timer = undefined;
    if (this.candidate === this.stable) return;
    this.stable = this.candidate;
    this.onChange(this.stable);
  }
}
