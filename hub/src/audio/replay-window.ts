/** Result of checking a sequence number against a {@link ReplayWindow}. */
export type ReplayVerdict = 'new' | 'duplicate' | 'too_old';

/** `a - b` in u32 serial arithmetic (RFC 1982): positive when `a` is after `b`, across the wrap. */
export function seqDiff(a: number, b: number): number {
  return ((a - b) | 0);
}

/**
 * Sliding window of sequence numbers seen on one stream: a datagram already seen is a duplicate, one
 * older than the window is a replay. Same idea as IPsec's anti-replay window (RFC 4303 §3.4.3).
 */
export class ReplayWindow {
  private readonly seen: Float64Array;
  private readonly mask: number;
  private highest: number | undefined;

  constructor(size: number) {
    // A power of two keeps `seq & mask` consistent across the u32 wrap.
    const pow = 2 ** Math.ceil(Math.log2(Math.max(2, size)));
    this.seen = new Float64Array(pow).fill(-1);
    this.mask = pow - 1;
  }

  /** Highest sequence number accepted so far. */
  get newest(): number | undefined {
    return this.highest;
  }

  check(seq: number): ReplayVerdict {
    if (this.highest === undefined) return 'new';
    const behind = seqDiff(this.highest, seq);
    if (behind >= this.seen.length) return 'too_old';
    return this.seen[seq & this.mask] === seq ? 'duplicate' : 'new';
  }

  /** Records `seq`; returns true when it is the newest so far (it moves the window). */
  accept(seq: number): boolean {
    this.seen[seq & this.mask] = seq;
    if (this.highest === undefined || seqDiff(seq, this.highest) > 0) {
      this.highest = seq;
      return true;
    }
    return false;
  }
}
