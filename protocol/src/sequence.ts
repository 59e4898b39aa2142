/**
 * Sequence-number rules of SPEC.md: serial-number arithmetic on the wrapping u32 `seq` [UDP-2.13] and
 * the receiver's per-stream anti-replay window [UDP-4.4]. Pure logic, no clock and no I/O.
 */

/** Signed distance from `b` to `a` on the u32 circle, in −2^31 .. 2^31−1: positive when `a` is after `b`. [UDP-2.13] */
export function seqDelta(a: number, b: number): number {
  return ((a - b) | 0);
}

/** True when `a` comes after `b` under serial-number arithmetic (RFC 1982). [UDP-2.13] */
export function isSeqAfter(a: number, b: number): boolean {
  return seqDelta(a, b) > 0;
}

/** What the replay window decided about one sequence number. */
export type ReplayVerdict = 'accepted' | 'duplicate' | 'too_old';

/** Size of the anti-replay window in sequence numbers. [UDP-4.4] */
export const REPLAY_WINDOW_SIZE = 64;

/**
 * Anti-replay window for one stream (SPEC.md [UDP-4.4]): accepts a sequence number once, whether it
 * arrives in order, late within the window, or after a gap; rejects duplicates and anything older than
 * the window. Call `accept` only for frames whose tag has been verified.
 */
export class ReplayWindow {
  private highest: number | undefined;
  // Bit k set = (highest − k) already seen; a bigint keeps a 64-bit window without splitting words.
  private seen = 0n;
  private readonly size: number;

  constructor(size: number = REPLAY_WINDOW_SIZE) {
    this.size = size;
  }

  /**
   * A window restored from a persisted highest sequence number: every `seq` at or before `highest`
   * counts as seen, so only frames after it are accepted. [UDP-4.5]
   */
  static restored(highest: number, size: number = REPLAY_WINDOW_SIZE): ReplayWindow {
    const w = new ReplayWindow(size);
    w.highest = highest >>> 0;
    w.seen = (1n << BigInt(size)) - 1n;
    return w;
  }

  /** Decides about `seq` and records it when accepted. */
  accept(seq: number): ReplayVerdict {
    if (this.highest === undefined) {
      this.highest = seq >>> 0;
      this.seen = 1n;
      return 'accepted';
    }
    const delta = seqDelta(seq, this.highest);
    if (delta > 0) {
      this.seen = delta >= this.size ? 1n : ((this.seen << BigInt(delta)) | 1n) & ((1n << BigInt(this.size)) - 1n);
      this.highest = seq >>> 0;
      return 'accepted';
    }
    const back = -delta;
    if (back >= this.size) return 'too_old';
    const bit = 1n << BigInt(back);
    if (this.seen & bit) return 'duplicate';
    this.seen |= bit;
    return 'accepted';
  }

  /** The highest sequence number accepted so far, if any. */
  get highestSeq(): number | undefined {
    return this.highest;
  }
}
