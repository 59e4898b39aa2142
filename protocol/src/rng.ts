/**
 * A small seeded PRNG (mulberry32), the one of the repository: the wearable simulator's loss/reorder/duplicate/jitter
 * decisions and the tests' random signals and fuzz runs must repeat exactly for a given seed, which Math.random cannot do.
 */
export type Rng = () => number;

/** Returns a generator of uniform numbers in [0, 1) determined entirely by `seed` (any integer). */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
