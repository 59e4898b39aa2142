import type { Logger } from '../core/logger.js';
import type { TranscriptSegment } from '../observer/rolling-buffer.js';

export type { TranscriptSegment };

/**
 * The hub's passive-transcript bus: the speech-to-text part publishes every passive segment (already past
 * the mute gate), the observer subscribes. A listener that throws is logged and does not stop the others.
 */
export class TranscriptBus {
  private readonly listeners = new Set<(segment: TranscriptSegment) => void>();

  constructor(private readonly logger?: Logger) {}

  /** Hands a segment to every subscriber. */
  publish(segment: TranscriptSegment): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(segment);
      } catch (err) {
        this.logger?.error({ err, device: segment.deviceId }, 'transcript listener failed');
      }
    }
  }

  /** Calls `listener` for every published segment; returns the unsubscribe function. */
  subscribe(listener: (segment: TranscriptSegment) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Number of subscribers (the STT part may skip passive transcription when nobody listens). */
  get size(): number {
    return this.listeners.size;
  }
}
