import type { AudioFrontEnd } from '../../../src/audio/segmenter/front-end.js';

/** Hub wall-clock time the fed audio starts at, so expected times are `T0 + ms`. */
export const T0 = 1_700_000_000_000;

/**
 * Feeds 16 kHz samples to the front end as 20 ms chunks, as the device plane would; `flagsAt(ms)` gives
 * the frame flags for the chunk starting at that ms.
 */
export function feed(fe: AudioFrontEnd, deviceId: string, samples: Int16Array, options: { flagsAt?: (ms: number) => number; fromMs?: number; toMs?: number; streamId?: number } = {}): void {
  const chunk = 320;
  const from = Math.round(((options.fromMs ?? 0) * 16000) / 1000);
  const to = Math.min(samples.length, Math.round(((options.toMs ?? Infinity) * 16000) / 1000));
  for (let at = from; at + chunk <= to; at += chunk) {
    const ms = (at * 1000) / 16000;
    fe.pushChunk({
      deviceId,
      streamId: options.streamId ?? 7,
      sampleRate: 16000,
      timestamp: at,
      samples: samples.subarray(at, at + chunk),
      concealed: 0,
      flags: options.flagsAt?.(ms) ?? 0,
      receivedAt: T0 + ms + 20,
    });
  }
}
