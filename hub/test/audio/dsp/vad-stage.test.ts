import { describe, expect, it } from 'vitest';
import { energyDb, type DspFrame } from '../../../src/audio/dsp/frame.js';
import { EnergyVadStage } from '../../../src/audio/dsp/vad-stage.js';

/** Seeded white noise frames at roughly `db` dBFS, so the test hears the same noise every run. */
function noiseFrames(count: number, db: number, seed = 1): DspFrame[] {
  let state = seed;
  const rand = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const amp = Math.sqrt(12) * 10 ** (db / 20);
  return Array.from({ length: count }, (_, k) => {
    const samples = Float32Array.from({ length: 160 }, rand).map((v) => v * amp);
    return { sampleRate: 16000, samples, ts: k * 10, flags: 0, rawDb: energyDb(samples) };
  });
}

const speechShare = (vad: EnergyVadStage, frames: DspFrame[]): number => frames.filter((f) => vad.process(f).speech).length / frames.length;

describe('energy vad noise floor', () => {
  it('is not pinned by the start-up frame of a chain (mostly the resamplers\' and RNNoise\'s zeros)', () => {
    const vad = new EnergyVadStage();
    const startup = noiseFrames(1, -95)[0]!;
    expect(vad.process(startup).speech).toBe(false);
    const noise = noiseFrames(100, -50);
    noise.slice(0, 10).forEach((f) => vad.process(f));
    // Before the fix the floor sat at the start-up frame's level for a second: every noise frame above
    // -60 dBFS counted as speech.
    expect(speechShare(vad, noise.slice(10))).toBeLessThan(0.05);
  });

  it('ignores a few stray quiet frames in steady noise, but still hears speech 20 dB over it', () => {
    const vad = new EnergyVadStage();
    noiseFrames(50, -50).forEach((f) => vad.process(f));
    noiseFrames(3, -80, 7).forEach((f) => vad.process(f));
    expect(speechShare(vad, noiseFrames(40, -50, 3))).toBeLessThan(0.05);
    expect(speechShare(vad, noiseFrames(10, -30, 5))).toBeGreaterThan(0.9);
  });
});
