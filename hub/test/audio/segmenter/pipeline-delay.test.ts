import { beforeAll, describe, expect, it } from 'vitest';
import { createDefaultChain, DspChain, loadDsp } from '../../../src/audio/dsp/chain.js';
import { ResampleStage } from '../../../src/audio/dsp/resample-stage.js';
import { RnnoiseStage } from '../../../src/audio/dsp/rnnoise-stage.js';
import { estimateDelay } from '../../../src/audio/dsp/quality.js';
import { int16ToFloat } from '../../../src/audio/dsp/wav.js';
import { chainDelayMs, resampleDelayMs, RNNOISE_DELAY_MS } from '../../../src/audio/segmenter/pipeline-delay.js';
import { fixtureToolsAvailable, getAudioFixture } from '../../../../tests/fixtures/audio/index.js';

const tools = fixtureToolsAvailable();

beforeAll(async () => {
  await loadDsp();
});

function flatten(frames: { samples: Float32Array }[]): Float32Array {
  const n = frames[0]?.samples.length ?? 0;
  const out = new Float32Array(frames.length * n);
  frames.forEach((f, i) => out.set(f.samples, i * n));
  return out;
}

describe('pipeline delay', () => {
  it('is zero for a pass-through resampler and a chain without delaying stages', () => {
    expect(resampleDelayMs(16000, 16000)).toBe(0);
    expect(chainDelayMs(new DspChain(16000, []))).toBe(0);
  });

  it('measures each resampler at about Speex quality 5 filter half-length (2.5 ms into 48 kHz, 5 ms from 8 kHz)', () => {
    expect(resampleDelayMs(16000, 48000)).toBeCloseTo(2.5, 0);
    expect(resampleDelayMs(48000, 16000)).toBeCloseTo(2.5, 0);
    expect(resampleDelayMs(8000, 48000)).toBeCloseTo(5, 0);
    // Memoised: the same figure again.
    expect(resampleDelayMs(16000, 48000)).toBe(resampleDelayMs(16000, 48000));
  });

  // The delay the front end subtracts must be the one the audio really has: cross-correlate the chain's
  // output with the input it was given.
  it.skipIf(!tools)('matches the cross-correlation lag of speech through the default chain, within 0.25 ms', async () => {
    const fx = getAudioFixture('milk.en-gb');
    const chain = await createDefaultChain(16000);
    const lagMs = estimateDelay(int16ToFloat(fx.clean), flatten(chain.push(fx.samples, 0)), 800) / 16;
    expect(Math.abs(chainDelayMs(chain) - lagMs)).toBeLessThanOrEqual(0.25);
    expect(chainDelayMs(chain)).toBeGreaterThan(10);
  });

  it.skipIf(!tools)('has RNNoise one 10 ms frame late, as its constant says', async () => {
    const fx = getAudioFixture('milk.en-gb');
    const up = new DspChain(16000, [new ResampleStage(16000, 48000)]);
    const at48k = Int16Array.from(flatten(up.push(fx.clean, 0)), (v) => Math.round(v * 32767));
    const rnnoise = await RnnoiseStage.create();
    const out = flatten(new DspChain(48000, [rnnoise]).push(at48k, 0));
    rnnoise.close();
    const lagMs = estimateDelay(int16ToFloat(at48k), out, 2400) / 48;
    expect(Math.abs(lagMs - RNNOISE_DELAY_MS)).toBeLessThanOrEqual(0.25);
  });
});
