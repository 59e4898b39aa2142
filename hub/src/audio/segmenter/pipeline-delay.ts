/**
 * How far behind its time stamp a frame's audio is after the DSP chain. Every stage passes `ts` on
 * unchanged, but the resamplers' filters and RNNoise's overlap-add hold audio back, so without this the
 * segmenter put every speech boundary 15 ms late (16 kHz device: 2.5 + 10 + 2.5 ms).
 */
import type { DspChain } from '../dsp/chain.js';
import { FRAME_MS } from '../dsp/frame.js';
import { ResampleStage } from '../dsp/resample-stage.js';
import { RnnoiseStage } from '../dsp/rnnoise-stage.js';

/**
 * RNNoise analyses 20 ms windows every 10 ms and overlap-adds its output, so what comes out of one call
 * is the second half of the previous window: exactly one frame (480 samples at 48 kHz) late. It is not
 * a linear filter, so this is its design constant rather than something a step response could measure;
 * a test checks it against cross-correlation on speech.
 */
export const RNNOISE_DELAY_MS = FRAME_MS;

const resampleDelays = new Map<string, number>();

/**
 * Delay of a `ResampleStage(inRate, outRate)` at the default quality, in ms, measured once per rate pair
 * on a step: a linear-phase low-pass crosses half the step height exactly at its group delay. This
 * includes the stage's own start-up padding, which a formula from Speex's filter lengths would miss.
 * Needs `loadResampler()` to have resolved.
 */
export function resampleDelayMs(inRate: number, outRate: number): number {
  if (inRate === outRate) return 0;
  const key = `${inRate}>${outRate}`;
  const known = resampleDelays.get(key);
  if (known !== undefined) return known;
  const stage = new ResampleStage(inRate, outRate);
  const inLen = inRate / 100;
  const stepFrame = 4;
  const out: number[] = [];
  for (let k = 0; k < stepFrame + 4; k++) {
    const samples = new Float32Array(inLen).fill(k >= stepFrame ? 0.5 : 0);
    for (const v of stage.process({ sampleRate: inRate, samples, ts: 0, flags: 0, rawDb: 0 }).samples) out.push(v);
  }
  stage.close();
  const i = out.findIndex((v) => v >= 0.25);
  // Linear interpolation between the samples either side of the half-height crossing.
  const before = out[i - 1] ?? 0;
  const after = out[i] ?? 0.25;
  const crossing = i - 1 + (0.25 - before) / (after - before || 1);
  const ms = (crossing / outRate - (stepFrame * inLen) / inRate) * 1000;
  resampleDelays.set(key, ms);
  return ms;
}

/**
 * Total delay of a chain's audio behind its frame time stamps, in ms: the sum of its stages' delays
 * (resamplers measured, RNNoise its constant, VAD stages none). Resamplers are assumed to run at the
 * default quality, which is what the front end builds.
 */
export function chainDelayMs(chain: DspChain): number {
  let ms = 0;
  for (const stage of chain.stages) {
    if (stage instanceof ResampleStage) ms += resampleDelayMs(stage.inRate, stage.outRate);
    else if (stage instanceof RnnoiseStage) ms += RNNOISE_DELAY_MS;
  }
  return ms;
}
