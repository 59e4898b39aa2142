/**
 * The receiver's per-device replay guard (SPEC.md [UDP-4.5]): the highest boot counter (`stream_id`)
 * seen, which only grows, and the sequence window inside that boot. Pure logic; the receiver persists
 * `snapshot()` — the boot at once when it grows, the highest `seq` at least every
 * `STREAM_GUARD_PERSIST_MS` — and rebuilds the guard from it after a restart.
 */
import { REPLAY_WINDOW_SIZE, ReplayWindow } from './sequence.js';

/** What a receiver persists per device. */
export interface StreamGuardState {
  /** Highest boot counter accepted from the device (0: none). */
  boot: number;
  /** Highest `seq` accepted in that boot, if any. */
  highestSeq?: number | undefined;
}

/**
 * Decision about one verified frame: `new_boot` (a higher boot counter: a new stream starts; persist the
 * boot before passing the frame on), `accepted`, `stale_boot` (a lower counter: a replay of an earlier
 * boot or a device that lost its counter, refused forever), `duplicate` or `too_old` (the window).
 */
export type StreamGuardVerdict = 'new_boot' | 'accepted' | 'stale_boot' | 'duplicate' | 'too_old';

/**
 * Longest time a receiver may leave the persisted highest `seq` behind the accepted one. It bounds what
 * a crash of the receiver re-opens: frames of the current boot sent in the last interval. [UDP-4.5] [§8.1]
 */
export const STREAM_GUARD_PERSIST_MS = 1000;

/** The guard of one device. Feed it only frames whose tag verified. [UDP-4.5] */
export class StreamGuard {
  private bootValue: number;
  private window: ReplayWindow | undefined;

  /** `windowSize`: width of the per-boot replay window in sequence numbers (at least 64, [UDP-4.4]). */
  constructor(
    restored?: StreamGuardState,
    private readonly windowSize: number = REPLAY_WINDOW_SIZE,
  ) {
    this.bootValue = restored?.boot ?? 0;
    this.window = restored?.highestSeq !== undefined && this.bootValue > 0 ? ReplayWindow.restored(restored.highestSeq, windowSize) : undefined;
  }

  /** Decides about a frame of boot `boot` with sequence number `seq`, and records it unless refused. */
  check(boot: number, seq: number): StreamGuardVerdict {
    if (boot < this.bootValue) return 'stale_boot';
    if (boot > this.bootValue) {
      this.bootValue = boot;
      this.window = new ReplayWindow(this.windowSize);
      this.window.accept(seq);
      return 'new_boot';
    }
    if (this.window === undefined) {
      // The boot was persisted before any of its seq was: nothing of it is known to be seen yet.
      this.window = new ReplayWindow(this.windowSize);
      this.window.accept(seq);
      return 'accepted';
    }
    const verdict = this.window.accept(seq);
    return verdict === 'accepted' ? 'accepted' : verdict;
  }

  /** Highest boot counter seen (0: none). */
  get boot(): number {
    return this.bootValue;
  }

  /** What to persist. */
  snapshot(): StreamGuardState {
    return { boot: this.bootValue, highestSeq: this.window?.highestSeq };
  }
}
