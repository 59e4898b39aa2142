/**
 * Measures of what the DSP chain did to a signal whose clean version is known (tests and benchmarks).
 */

/** Lag (in samples, 0..maxLag) at which `processed` best matches `reference` (cross-correlation peak). */
export function estimateDelay(reference: Float32Array, processed: Float32Array, maxLag: number): number {
  let best = 0;
  let bestScore = -Infinity;
  // A stride keeps the search cheap; speech is smooth enough at 16 kHz for a 2-sample step plus refinement.
  const score = (lag: number): number => {
    let s = 0;
    for (let i = 0; i + lag < processed.length && i < reference.length; i += 2) s += (reference[i] as number) * (processed[i + lag] as number);
    return s;
  };
  for (let lag = 0; lag <= maxLag; lag += 2) {
    const s = score(lag);
    if (s > bestScore) { bestScore = s; best = lag; }
  }
  for (const lag of [best - 1, best + 1]) {
    if (lag < 0 || lag > maxLag) continue;
    const s = score(lag);
    if (s > bestScore) { bestScore = s; best = lag; }
  }
  return best;
}

/**
 * Scale-invariant signal-to-distortion ratio in dB (Le Roux et al. 2019) of `estimate` against
 * `reference`, with `estimate` shifted back by `delay` samples. Noise left over and speech the
 * denoiser damaged both count against it, so a denoiser cannot score by muting everything.
 */
export function siSdrDb(reference: Float32Array, estimate: Float32Array, delay = 0): number {
  const n = Math.min(reference.length, estimate.length - delay);
  let dot = 0;
  let refPow = 0;
  for (let i = 0; i < n; i++) {
    dot += (reference[i] as number) * (estimate[i + delay] as number);
    refPow += (reference[i] as number) ** 2;
  }
  const alpha = dot / (refPow + 1e-12);
  let target = 0;
  let noise = 0;
  for (let i = 0; i < n; i++) {
    const t = alpha * (reference[i] as number);
    target += t * t;
    noise += ((estimate[i + delay] as number) - t) ** 2;
  }
  return 10 * Math.log10((target + 1e-12) / (noise + 1e-12));
}

/** Share of frames where `decided` equals `truth` (over the shorter of the two). */
export function frameAccuracy(truth: readonly boolean[], decided: readonly boolean[]): number {
  const n = Math.min(truth.length, decided.length);
  let ok = 0;
  for (let i = 0; i < n; i++) if (truth[i] === decided[i]) ok++;
  return n === 0 ? 0 : ok / n;
}
