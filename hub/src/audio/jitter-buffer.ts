import { seqDelta } from '@jarvis/protocol';

/** One authenticated, decoded, unmuted frame waiting for play-out. */
export interface BufferedFrame {
  seq: number;
  timestamp: number;
  flags: number;
  /** Empty for keep-alives, which still occupy a sequence number. */
  samples: Int16Array;
  receivedAt: number;
}

/** What the buffer hands out, in capture order. */
export type PlayoutItem =
  | { kind: 'frame'; frame: BufferedFrame }
  | { kind: 'gap'; timestamp: number; samples: number; lostFrames: number; receivedAt: number };

/** Settings of a {@link JitterBuffer}. */
export interface JitterBufferOptions {
  /** How many newer frames may queue behind a missing one before it is declared lost. */
  targetFrames: number;
  /** How long a queued frame waits for a missing earlier one before that one is declared lost. */
  maxWaitMs: number;
}

/**
 * Reorders one stream's frames by sequence number. In-order frames leave at once (the consumer is a
 * speech pipeline, not a speaker, so smoothing the timing would only add latency); when one is missing
 * the buffer holds what follows until the missing frame arrives, `targetFrames` newer frames queue, or
 * the oldest queued frame has waited `maxWaitMs` — then it reports the gap and moves on.
 */
export class JitterBuffer {
  private readonly pending = new Map<number, BufferedFrame>();
  private next: number | undefined;
  private nextTimestamp = 0;

  constructor(private readonly options: JitterBufferOptions) {}

  /** Frames queued behind a gap. */
  get depth(): number {
    return this.pending.size;
  }

  /** Adds a frame and returns what can be played out now; `late` when its turn has already passed. */
  push(frame: BufferedFrame, now: number): PlayoutItem[] | 'late' {
    if (this.next === undefined) {
      this.next = frame.seq;
      this.nextTimestamp = frame.timestamp;
    } else if (seqDelta(frame.seq, this.next) < 0) {
      return 'late';
    }
    this.pending.set(frame.seq, frame);
    return this.drain(now, (frame.flags & 0x10) !== 0 ? frame.seq : undefined);
  }

  /** Plays out whatever has waited long enough; called on a timer. */
  poll(now: number): PlayoutItem[] {
    return this.pending.size === 0 ? [] : this.drain(now, undefined);
  }

  /** Plays out everything queued, reporting the gaps (end of stream, restart). */
  flush(now: number): PlayoutItem[] {
    return this.drain(now, Number.POSITIVE_INFINITY);
  }

  /** Forgets everything queued and the play-out position (the device was muted). */
  discard(): void {
    this.pending.clear();
    this.next = undefined;
  }

  private drain(now: number, through: number | undefined): PlayoutItem[] {
    const out: PlayoutItem[] = [];
    while (this.pending.size > 0 && this.next !== undefined) {
      const ready = this.pending.get(this.next);
      if (ready) {
        this.pending.delete(this.next);
        out.push({ kind: 'frame', frame: ready });
        this.next = (this.next + 1) >>> 0;
        this.nextTimestamp = ready.timestamp + ready.samples.length;
        continue;
      }
      let first: BufferedFrame | undefined;
      let oldest = Number.POSITIVE_INFINITY;
      for (const f of this.pending.values()) {
        const d = seqDelta(f.seq, this.next);
        if (!first || d < seqDelta(first.seq, this.next)) first = f;
        oldest = Math.min(oldest, f.receivedAt);
      }
      if (!first) break;
      const forced = through === Number.POSITIVE_INFINITY || (through !== undefined && seqDelta(through, this.next) >= 0);
      if (!forced && this.pending.size < this.options.targetFrames && now - oldest < this.options.maxWaitMs) break;
      out.push({
        kind: 'gap',
        timestamp: this.nextTimestamp,
        samples: first.timestamp - this.nextTimestamp,
        lostFrames: seqDelta(first.seq, this.next),
        receivedAt: first.receivedAt,
      });
      this.next = first.seq;
    }
    return out;
  }
}
