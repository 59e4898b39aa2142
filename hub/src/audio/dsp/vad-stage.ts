import { AudioError } from './errors.js';
import { energyDb, type DspFrame, type DspStage } from './frame.js';

// RNNoise needs about half a second to learn the noise: on 10 dB pink noise its voice probability sits at
// 0.3–0.6 for the first ~500 ms of a stream, which would open a false segment at every stream start.
const WARMUP_FRAMES = 60;
/** Frames at or below this many dBFS are digital silence, which says nothing about the noise floor. */
const SILENCE_DB = -90;

/**
 * The floor is the FLOOR_RANK-th quietest frame of the history rather than the quietest: one stray low
 * frame (the chain's start-up transient, a dropout) otherwise pinned it for a second, and in that second
 * every frame of ordinary noise cleared the margin. Five frames of a second is still less than the gaps
 * speech always has.
 */
const FLOOR_RANK = 5;

/** The `rank`-th smallest value of `values` (1 = the smallest); Infinity when there are fewer. */
function lowest(values: Float64Array, rank: number): number {
  const best = new Array<number>(rank).fill(Infinity);
  for (const v of values) {
    if (v >= (best[rank - 1] as number)) continue;
    let i = rank - 1;
    while (i > 0 && (best[i - 1] as number) > v) {
      best[i] = best[i - 1] as number;
      i--;
    }
    best[i] = v;
  }
  return best[rank - 1] as number;
}

/** Options of the energy VAD. */
export interface EnergyVadOptions {
  /** dB above the tracked noise floor that counts as speech. */
  marginDb?: number;
  /** Absolute floor below which nothing is speech, dBFS. */
  minDb?: number;
}

/**
 * Energy VAD with a minimum-statistics noise floor: the floor is the quietest smoothed frame of the last
 * second, which speech never fills completely (there are always gaps between syllables), so the floor
 * follows the noise and not the talker. Best placed after RNNoise, which removes most stationary noise.
 */
export class EnergyVadStage implements DspStage {
  readonly name = 'vad-energy';
  private readonly history = new Float64Array(100).fill(Infinity);
  private at = 0;
  private smoothed: number | undefined;
  private readonly marginDb: number;
  private readonly minDb: number;

  constructor(options: EnergyVadOptions = {}) {
    this.marginDb = options.marginDb ?? 10;
    this.minDb = options.minDb ?? -60;
    if (!(this.marginDb > 0 && this.marginDb < 60)) throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `vad marginDb ${this.marginDb} is outside (0, 60)`);
  }

  process(frame: DspFrame): DspFrame {
    const db = energyDb(frame.samples);
    // Digital silence is not noise: the chain's first frame is mostly the resampler's and RNNoise's
    // start-up zeros (about -92 dBFS), and as the quietest frame it pinned the floor for a whole second,
    // so every frame above minDb counted as speech until it left the history (false starts at 0.6–1 s).
    if (db <= SILENCE_DB) return { ...frame, speech: false };
    this.smoothed = this.smoothed === undefined ? db : 0.6 * this.smoothed + 0.4 * db;
    this.history[this.at] = this.smoothed;
    this.at = (this.at + 1) % this.history.length;
    const floor = lowest(this.history, FLOOR_RANK);
    const speech = db > this.minDb && db > floor + this.marginDb;
    return { ...frame, speech };
  }

  close(): void {}
}

/** Options of the RNNoise-probability VAD. */
export interface ProbVadOptions {
  /** Probability above which a frame starts speech. */
  onThreshold?: number;
  /** Probability below which speech stops (hysteresis). */
  offThreshold?: number;
}

/**
 * VAD on RNNoise's own per-frame voice probability, with hysteresis. It needs the RNNoise stage
 * earlier in the chain (it reads `voiceProb`).
 */
export class RnnoiseProbVadStage implements DspStage {
  readonly name = 'vad-rnnoise';
  private inSpeech = false;
  private smoothed = 0;
  private readonly on: number;
  private readonly off: number;

  constructor(options: ProbVadOptions = {}) {
    this.on = options.onThreshold ?? 0.6;
    this.off = options.offThreshold ?? 0.3;
    if (!(this.off > 0 && this.off <= this.on && this.on < 1)) {
      throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `vad thresholds need 0 < off (${this.off}) <= on (${this.on}) < 1`);
    }
  }

  process(frame: DspFrame): DspFrame {
    if (frame.voiceProb === undefined) throw new AudioError('JARVIS_AUDIO_BAD_FRAME', 'vad-rnnoise needs voiceProb: put the rnnoise stage before it');
    // A light one-pole smoother: RNNoise's probability flickers inside words.
    this.smoothed = 0.5 * this.smoothed + 0.5 * frame.voiceProb;
    this.inSpeech = this.inSpeech ? this.smoothed > this.off : this.smoothed > this.on;
    return { ...frame, speech: this.inSpeech };
  }

  close(): void {}
}

/**
 * Both signals: speech when RNNoise is confident, or when the denoised energy stands well above the
 * floor and RNNoise at least leans towards speech.
 */
export class HybridVadStage implements DspStage {
  readonly name = 'vad-hybrid';
  private readonly energy: EnergyVadStage;
  private readonly prob: RnnoiseProbVadStage;
  private frames = 0;

  constructor(energy: EnergyVadOptions = {}, prob: ProbVadOptions = {}) {
    this.energy = new EnergyVadStage(energy);
    this.prob = new RnnoiseProbVadStage(prob);
  }

  process(frame: DspFrame): DspFrame {
    const e = this.energy.process(frame).speech === true;
    const p = this.prob.process(frame).speech === true;
    // Warm-up: no decisions until RNNoise has learned the noise and the floor history has filled.
    if (this.frames < WARMUP_FRAMES) {
      this.frames++;
      return { ...frame, speech: false };
    }
    return { ...frame, speech: p || (e && (frame.voiceProb ?? 0) > 0.15) };
  }

  close(): void {}
}

/** Raw energy in dBFS of a frame, for callers that want it without a VAD. */
export { energyDb };
