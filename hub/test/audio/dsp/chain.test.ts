import { beforeAll, describe, expect, it } from 'vitest';
import { createDefaultChain, DspChain, loadDsp } from '../../../src/audio/dsp/chain.js';
import { AudioError } from '../../../src/audio/dsp/errors.js';
import { ResampleStage } from '../../../src/audio/dsp/resample-stage.js';
import { RnnoiseStage } from '../../../src/audio/dsp/rnnoise-stage.js';
import { EnergyVadStage, HybridVadStage, RnnoiseProbVadStage } from '../../../src/audio/dsp/vad-stage.js';
import { estimateDelay, frameAccuracy, siSdrDb } from '../../../src/audio/dsp/quality.js';
import { int16ToFloat } from '../../../src/audio/dsp/wav.js';
import type { DspFrame } from '../../../src/audio/dsp/frame.js';
import { fixtureToolsAvailable, getAudioFixture, speechFramesOf } from '../../../../tests/fixtures/audio/index.js';

const tools = fixtureToolsAvailable();

function codeOf(fn: () => unknown): string | undefined {
  try { fn(); } catch (err) { return err instanceof AudioError ? err.code : `not an AudioError: ${String(err)}`; }
  return undefined;
}

function sine(rate: number, hz: number, ms: number): Int16Array {
  return Int16Array.from({ length: (rate * ms) / 1000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)));
}

function zeroCrossings(x: Float32Array): number {
  let n = 0;
  for (let i = 1; i < x.length; i++) if ((x[i - 1] as number) < 0 !== (x[i] as number) < 0) n++;
  return n;
}

beforeAll(async () => {
  await loadDsp();
});

describe('resample stage', () => {
  it.each([8000, 44100, 48000])('turns %i Hz into exact 10 ms frames at 16 kHz with the tone intact', (rate) => {
    const chain = new DspChain(rate, [new ResampleStage(rate, 16000)]);
    const frames = chain.push(sine(rate, 440, 1000), 0);
    expect(frames).toHaveLength(100);
    for (const f of frames) expect(f.samples.length).toBe(160);
    const out = new Float32Array(16000);
    frames.forEach((f, i) => out.set(f.samples, i * 160));
    // 440 Hz has 880 zero crossings a second; allow the start-up transient.
    expect(zeroCrossings(out.subarray(1600))).toBeGreaterThan(880 * 0.9 - 10);
    expect(zeroCrossings(out.subarray(1600))).toBeLessThan(880 * 0.9 + 10);
  });

  it('rejects unsupported rates, bad quality and wrong frames with coded errors', () => {
    expect(codeOf(() => new ResampleStage(11025, 16000))).toBe('JARVIS_AUDIO_BAD_RATE');
    expect(codeOf(() => new ResampleStage(16000, 16000, 11))).toBe('JARVIS_AUDIO_BAD_CONFIG');
    expect(codeOf(() => new DspChain(12345, []))).toBe('JARVIS_AUDIO_BAD_RATE');
    const stage = new ResampleStage(16000, 48000);
    expect(codeOf(() => stage.process({ sampleRate: 16000, samples: new Float32Array(100), ts: 0, flags: 0, rawDb: 0 }))).toBe('JARVIS_AUDIO_BAD_FRAME');
    expect(codeOf(() => stage.process({ sampleRate: 8000, samples: new Float32Array(160), ts: 0, flags: 0, rawDb: 0 }))).toBe('JARVIS_AUDIO_BAD_FRAME');
  });

  it('keeps partial frames for the next push and time-stamps frames from the capture time', () => {
    const chain = new DspChain(16000, [new ResampleStage(16000, 16000)]);
    expect(chain.push(new Int16Array(100), 1000)).toHaveLength(0);
    const frames = chain.push(new Int16Array(300), 1000 + 100 / 16);
    expect(frames.map((f) => f.ts)).toEqual([1000, 1010]);
  });
});

describe('raw tap', () => {
  const joined = (frames: DspFrame[], key: 'samples' | 'raw16k'): Float32Array => {
    const out = new Float32Array(frames.length * 160);
    frames.forEach((f, i) => out.set(f[key]!, i * 160));
    return out;
  };

  it('hands out each frame before denoising, held back to line up with the denoised audio', async () => {
    const chain = await createDefaultChain(16000);
    const delay = 240; // 15 ms: the default chain's delay at 16 kHz
    chain.tapRaw(delay);
    const input = sine(16000, 300, 500);
    const frames = chain.push(input, 0);
    const raw = joined(frames, 'raw16k');
    expect(Array.from(raw.subarray(0, delay))).toEqual(new Array(delay).fill(0));
    for (const i of [0, 1000, 7000]) expect(raw[delay + i]).toBeCloseTo((input[i] as number) / 32768, 6);
    // Every frame keeps its denoised audio too (the delay that lines the two up is chainDelayMs, tested
    // against cross-correlation on speech in pipeline-delay.test.ts).
    expect(frames.every((f) => f.samples.length === 160 && f.raw16k !== f.samples)).toBe(true);
    chain.close();
  });

  it('resamples the tap of a 48 kHz device to 16 kHz and refuses a bad delay', async () => {
    const chain = await createDefaultChain(48000);
    chain.tapRaw(0, new ResampleStage(48000, 16000));
    const frames = chain.push(sine(48000, 300, 200), 0);
    expect(frames.map((f) => f.raw16k?.length)).toEqual(new Array(20).fill(160));
    expect(codeOf(() => chain.tapRaw(-1))).toBe('JARVIS_AUDIO_BAD_CONFIG');
    expect(codeOf(() => chain.tapRaw(1.5))).toBe('JARVIS_AUDIO_BAD_CONFIG');
    chain.close();
  });
});

describe('rnnoise stage', () => {
  it('rejects frames that are not 480 samples at 48 kHz, and use after close', async () => {
    const stage = await RnnoiseStage.create();
    const frame: DspFrame = { sampleRate: 16000, samples: new Float32Array(160), ts: 0, flags: 0, rawDb: 0 };
    expect(codeOf(() => stage.process(frame))).toBe('JARVIS_AUDIO_BAD_FRAME');
    stage.close();
    stage.close();
    expect(codeOf(() => stage.process({ ...frame, sampleRate: 48000, samples: new Float32Array(480) }))).toBe('JARVIS_AUDIO_NOT_READY');
  });

  it.skipIf(!tools)('improves SI-SDR on noisy speech by at least 4 dB on average (measured ≈ 6–10 dB at 10 dB SNR)', async () => {
    const gains: number[] = [];
    for (const name of ['lights.en-gb.pink10', 'milk.en-us+f3.brown10', 'weather.en-gb-x-rp.pink5']) {
      const fx = getAudioFixture(name);
      const chain = await createDefaultChain(16000);
      const frames = chain.push(fx.samples, 0);
      const out = new Float32Array(frames.length * 160);
      frames.forEach((f, i) => out.set(f.samples, i * 160));
      const clean = int16ToFloat(fx.clean);
      const gain = siSdrDb(clean, out, estimateDelay(clean, out, 800)) - siSdrDb(clean, int16ToFloat(fx.samples));
      gains.push(gain);
      // A pass-through would score 0 dB and a muting stage far below; every fixture must gain.
      expect(gain, name).toBeGreaterThan(2);
    }
    expect(gains.reduce((a, b) => a + b, 0) / gains.length).toBeGreaterThan(4);
  });
});

describe('vad', () => {
  it('rejects bad thresholds and a missing voiceProb with coded errors', async () => {
    expect(codeOf(() => new RnnoiseProbVadStage({ onThreshold: 0.2, offThreshold: 0.5 }))).toBe('JARVIS_AUDIO_BAD_CONFIG');
    expect(codeOf(() => new EnergyVadStage({ marginDb: 0 }))).toBe('JARVIS_AUDIO_BAD_CONFIG');
    expect(codeOf(() => new RnnoiseProbVadStage().process({ sampleRate: 16000, samples: new Float32Array(160), ts: 0, flags: 0, rawDb: 0 }))).toBe('JARVIS_AUDIO_BAD_FRAME');
    await expect(createDefaultChain(16000, { denoise: false, vad: 'hybrid' })).rejects.toMatchObject({ code: 'JARVIS_AUDIO_BAD_CONFIG' });
  });

  it.skipIf(!tools)('labels ≥ 88 % of frames right against the clean speech boundaries in 10 dB noise (measured ≈ 91–95 %)', async () => {
    const accuracies: number[] = [];
    for (const name of ['lights.en-us.pink10', 'dentist.en-gb.brown10', 'game.en-us+f3.pink10', 'time.en-029']) {
      const fx = getAudioFixture(name);
      const chain = await createDefaultChain(16000, { vad: 'hybrid' });
      const decided = chain.push(fx.samples, 0).map((f) => f.speech === true);
      accuracies.push(frameAccuracy(speechFramesOf(fx.clean), decided));
    }
    expect(Math.min(...accuracies)).toBeGreaterThan(0.85);
    expect(accuracies.reduce((a, b) => a + b, 0) / accuracies.length).toBeGreaterThan(0.88);
  });

  // At -40 dBFS (a quiet room); louder pink noise (-20 dBFS) fools RNNoise's voice probability on ~40 % of frames.
  it.skipIf(!tools).each(['pink', 'brown'])('finds almost no speech in %s noise alone at -40 dBFS', async (noise) => {
    const chain = await createDefaultChain(16000, { vad: 'hybrid' });
    const frames = chain.push(Int16Array.from(getAudioFixture(`noise.${noise}`).samples, (v) => v / 10), 0);
    const rawDb = frames.reduce((a, f) => a + f.rawDb, 0) / frames.length;
    expect(rawDb).toBeLessThan(-30);
    expect(frames.filter((f) => f.speech).length / frames.length).toBeLessThan(0.05);
  });

  it('the hybrid VAD stays silent for its 600 ms warm-up, then follows RNNoise when it is confident', () => {
    const vad = new HybridVadStage();
    const frame = (p: number): DspFrame => ({ sampleRate: 16000, samples: new Float32Array(160), ts: 0, flags: 0, rawDb: -90, voiceProb: p });
    expect(Array.from({ length: 60 }, () => vad.process(frame(0.99)).speech)).not.toContain(true);
    expect(Array.from({ length: 10 }, () => vad.process(frame(0)).speech).slice(5)).not.toContain(true);
    expect([1, 2, 3].map(() => vad.process(frame(0.99)).speech)).toContain(true);
  });
});
