/** A piece of the audio one whisper pass decodes, in samples: `[start, end)`. */
export interface AudioChunk {
  start: number;
  end: number;
}

/** Settings of {@link planChunks}, in samples. */
export interface ChunkPlan {
  /** The longest chunk (whisper's window is 30 s). */
  maxSamples: number;
  /** How far back from the longest cut to look for a quiet place to cut. */
  searchSamples: number;
  /** Length of the energy frames compared while searching (20 ms at 16 kHz by default). */
  frameSamples?: number;
}

/**
 * Splits long audio into chunks of at most `maxSamples`, each cut in the quietest frame of the last
 * `searchSamples` before the limit, so a cut lands between words instead of through one. Covers the
 * audio exactly, in order, without gaps or overlaps.
 */
export function planChunks(length: number, energyOf: (start: number, end: number) => number, plan: ChunkPlan): AudioChunk[] {
  const frame = plan.frameSamples ?? 320;
  const search = Math.min(plan.searchSamples, plan.maxSamples - frame);
  const chunks: AudioChunk[] = [];
  let start = 0;
  while (length - start > plan.maxSamples) {
    const limit = start + plan.maxSamples;
    let cut = limit;
    let quietest = Number.POSITIVE_INFINITY;
    for (let f = limit - frame; f >= limit - search; f -= frame) {
      const e = energyOf(f, f + frame);
      if (e < quietest) {
        quietest = e;
        cut = f + (frame >> 1);
      }
    }
    chunks.push({ start, end: cut });
    start = cut;
  }
  if (length > start) chunks.push({ start, end: length });
  return chunks;
}

/** Mean square of `pcm[start..end)`: the energy {@link planChunks} compares. */
export function meanSquare(pcm: Float32Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += pcm[i]! * pcm[i]!;
  return end > start ? sum / (end - start) : 0;
}
