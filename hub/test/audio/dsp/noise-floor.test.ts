import { describe, expect, it } from 'vitest';
import { NoiseFloor } from '../../../src/audio/dsp/noise-floor.js';

/** The floor as the pre-gates computed it before: a sorted copy of the window, per frame. */
function bySort(history: number[], db: number): number {
  history.push(db);
  if (history.length > 100) history.shift();
  return [...history].sort((a, b) => a - b)[Math.min(4, history.length - 1)] as number;
}

describe('the noise floor', () => {
  it('equals the 5th quietest of the last 100 frames by sorting, frame for frame, ties and steps included', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const floor = new NoiseFloor();
    const history: number[] = [];
    const got: number[] = [];
    const want: number[] = [];
    for (let i = 0; i < 5000; i++) {
      // Noise around -50 dB, loud bursts, silence at -120, and repeated values (ties).
      const r = rnd();
      const db = r < 0.03 ? -120 : r < 0.1 ? -50 : r < 0.4 ? -20 + 10 * rnd() : -50 + 6 * (rnd() - 0.5);
      got.push(floor.push(db));
      want.push(bySort(history, db));
    }
    expect(got).toEqual(want);
    expect(new Set(want).size).toBeGreaterThan(50);
  });
});
