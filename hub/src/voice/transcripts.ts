import type { Logger } from '../core/index.js';
import type { TranscriptSegment, TranscriptVerdict } from '../observer/index.js';

export type { TranscriptSegment, TranscriptVerdict };

/**
 * A subscriber of the bus: returns a {@link TranscriptVerdict} (kept, or refused and why) when it judges
 * segments, like the observer; anything else it returns is ignored (it did not judge).
 */
export type TranscriptListener = (segment: TranscriptSegment) => unknown;

/** Whether a listener's return value is a verdict (the reason is checked by whoever reads it). */
const isVerdict = (v: unknown): v is TranscriptVerdict =>
  typeof v === 'object' && v !== null && ((v as { observed?: unknown }).observed === true
    || ((v as { observed?: unknown }).observed === false && typeof (v as { reason?: unknown }).reason === 'string'));

/**
 * The hub's passive-transcript bus: the speech-to-text part publishes every passive segment (already past
 * the mute gate), the observer subscribes. A listener that throws is logged and does not stop the others.
 */
export class TranscriptBus {
  private readonly listeners = new Set<TranscriptListener>();

  constructor(private readonly logger?: Logger) {}

  /**
   * Hands a segment to every subscriber; returns what each one that judged it said (the observer: kept,
   * or refused with a reason), so the transcripts API can tell the truth about a dropped text.
   */
  publish(segment: TranscriptSegment): TranscriptVerdict[] {
    const verdicts: TranscriptVerdict[] = [];
    for (const listener of [...this.listeners]) {
      try {
        const verdict = listener(segment);
        if (isVerdict(verdict)) verdicts.push(verdict);
      } catch (err) {
        this.logger?.error({ err, device: segment.deviceId }, 'transcript listener failed');
      }
    }
    return verdicts;
  }

  /** Calls `listener` for every published segment; returns the unsubscribe function. */
  subscribe(listener: TranscriptListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Number of subscribers (the STT part may skip passive transcription when nobody listens). */
  get size(): number {
    return this.listeners.size;
  }
}
