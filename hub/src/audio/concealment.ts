/** How lost audio is filled. */
export type ConcealmentMode = 'repeat-fade' | 'silence';

/**
 * Samples to stand in for `count` lost ones. `repeat-fade` repeats the last good frame under a linear
 * fade to zero over at most two frame lengths (a click-free, speech-neutral fill the VAD will not
 * mistake for new speech); the rest, and everything in `silence` mode, is zeros.
 */
export function concealSamples(count: number, last: Int16Array | undefined, mode: ConcealmentMode): Int16Array {
  const out = new Int16Array(count);
  if (mode === 'silence' || !last || last.length === 0) return out;
  const fade = Math.min(count, last.length * 2);
  for (let i = 0; i < fade; i++) {
    out[i] = Math.round((last[i % last.length] as number) * (1 - (i + 1) / fade));
  }
  return out;
}
