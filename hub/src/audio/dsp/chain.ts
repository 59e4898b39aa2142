import { AudioError } from './errors.js';
import { energyDb, frameLength, type DspFrame, type DspStage } from './frame.js';
import { loadResampler, ResampleStage, SUPPORTED_RATES } from './resample-stage.js';
import { loadRnnoise, RNNOISE_RATE, RnnoiseStage } from './rnnoise-stage.js';
import { EnergyVadStage, HybridVadStage, RnnoiseProbVadStage } from './vad-stage.js';

/** Which VAD the default chain ends with. */
export type VadKind = 'rnnoise' | 'energy' | 'hybrid';

/** Rate every frame leaves the chain at: what the STT engines take. */
export const OUTPUT_RATE = 16000;

/**
 * Runs stages in order on 10 ms frames. `push` takes PCM of any length and frames it; a remainder
 * shorter than a frame waits for the next push.
 */
export class DspChain {
  private pending: Float32Array;
  private pendingLen = 0;
  private pendingTs = 0;
  private readonly inLen: number;
  private rawTap: { resampler: ResampleStage | undefined; line: Float32Array } | undefined;

  constructor(readonly inputRate: number, readonly stages: readonly DspStage[]) {
    if (!SUPPORTED_RATES.includes(inputRate)) throw new AudioError('JARVIS_AUDIO_BAD_RATE', `device sample rate ${inputRate} Hz is not supported; supported: ${SUPPORTED_RATES.join(', ')}`);
    this.inLen = frameLength(inputRate);
    this.pending = new Float32Array(this.inLen);
  }

  /**
   * Feeds int16 samples whose first sample was captured at `ts` (hub ms); returns the frames completed.
   * `flags` apply to every frame that takes samples from this push.
   */
  push(samples: Int16Array, ts: number, flags = 0): DspFrame[] {
    const out: DspFrame[] = [];
    const msPerSample = 1000 / this.inputRate;
    let i = 0;
    while (i < samples.length) {
      if (this.pendingLen === 0) this.pendingTs = ts + i * msPerSample;
      const take = Math.min(this.inLen - this.pendingLen, samples.length - i);
      for (let k = 0; k < take; k++) this.pending[this.pendingLen + k] = (samples[i + k] as number) / 32768;
      this.pendingLen += take;
      i += take;
      if (this.pendingLen === this.inLen) {
        const raw = this.pending.slice();
        this.pendingLen = 0;
        out.push(this.processFrame({ sampleRate: this.inputRate, samples: raw, ts: this.pendingTs, flags, rawDb: energyDb(raw) }));
      }
    }
    return out;
  }

  /**
   * Also hands out every frame's audio before the stages (`DspFrame.raw16k`): resampled to 16 kHz when the
   * device sends another rate, then held back `delaySamples` so it lines up with the processed audio (the
   * chain's delay minus that resampler's own).
   */
  tapRaw(delaySamples: number, resampler?: ResampleStage): void {
    if (!Number.isInteger(delaySamples) || delaySamples < 0) throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `raw tap delay ${delaySamples} must be a whole number of samples ≥ 0`);
    this.rawTap = { resampler, line: new Float32Array(delaySamples) };
  }

  /** Runs one ready-made 10 ms frame through every stage. */
  processFrame(frame: DspFrame): DspFrame {
    const raw = this.rawTap ? this.delayRaw((this.rawTap.resampler?.process({ ...frame }) ?? frame).samples) : undefined;
    let f = frame;
    for (const stage of this.stages) f = stage.process(f);
    return raw ? { ...f, raw16k: raw } : f;
  }

  /** Pushes 10 ms into the raw tap's delay line and takes the 10 ms that come out. */
  private delayRaw(samples: Float32Array): Float32Array {
    const tap = this.rawTap!;
    // `line` holds the delay's worth of older samples; append, then take from the front.
    const all = new Float32Array(tap.line.length + samples.length);
    all.set(tap.line);
    all.set(samples, tap.line.length);
    tap.line = all.slice(samples.length);
    return all.slice(0, samples.length);
  }

  /** Drops a partial frame (after a stream restart or a mute). */
  resetPending(): void {
    this.pendingLen = 0;
  }

  /** Closes every stage. */
  close(): void {
    for (const s of this.stages) s.close();
    this.rawTap?.resampler?.close();
  }
}

/** Options of the default chain. */
export interface DefaultChainOptions {
  vad?: VadKind;
  /** Skip RNNoise (the VAD must then be `energy`). */
  denoise?: boolean;
  resamplerQuality?: number;
}

/** Loads the WASM modules the default chain needs; call once before `createDefaultChain`. */
export async function loadDsp(): Promise<void> {
  await Promise.all([loadResampler(), loadRnnoise()]);
}

/**
 * The hub's chain for one device: resample to 48 kHz → RNNoise → resample to 16 kHz → VAD. Devices that
 * already send 48 kHz skip the first resampler.
 */
export async function createDefaultChain(inputRate: number, options: DefaultChainOptions = {}): Promise<DspChain> {
  await loadDsp();
  return buildDefaultChain(inputRate, await loadRnnoise(), options);
}

/** `createDefaultChain` without the wait, for callers that already awaited `loadDsp()`. */
export function buildDefaultChain(inputRate: number, rnnoise: Awaited<ReturnType<typeof loadRnnoise>>, options: DefaultChainOptions = {}): DspChain {
  const vad = options.vad ?? 'hybrid';
  const q = options.resamplerQuality ?? 5;
  const stages: DspStage[] = [];
  if (options.denoise === false) {
    if (vad !== 'energy') throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `vad "${vad}" needs the rnnoise stage; use vad "energy" without denoise`);
    if (inputRate !== OUTPUT_RATE) stages.push(new ResampleStage(inputRate, OUTPUT_RATE, q));
  } else {
    if (inputRate !== RNNOISE_RATE) stages.push(new ResampleStage(inputRate, RNNOISE_RATE, q));
    stages.push(new RnnoiseStage(rnnoise));
    stages.push(new ResampleStage(RNNOISE_RATE, OUTPUT_RATE, q));
  }
  stages.push(vad === 'energy' ? new EnergyVadStage() : vad === 'rnnoise' ? new RnnoiseProbVadStage() : new HybridVadStage());
  return new DspChain(inputRate, stages);
}
