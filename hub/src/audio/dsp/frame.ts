/**
 * The one frame interface every DSP stage shares, so the chain can be reordered and a stage swapped
 * (issue 4 §1). A frame is always 10 ms of mono audio at `sampleRate`.
 */

/** Length of every DSP frame, in ms. */
export const FRAME_MS = 10;

/** 10 ms of mono audio plus what the stages learned about it so far. */
export interface DspFrame {
  /** Sample rate of `samples`; `samples.length === sampleRate / 100`. */
  sampleRate: number;
  /** Floats in [-1, 1]. */
  samples: Float32Array;
  /** Hub wall-clock time of the first sample, ms since epoch (derived from the capture timestamp). */
  ts: number;
  /** Frame flags of the datagrams the frame came from (SPEECH, PTT, WAKE, END). */
  flags: number;
  /** Energy of the frame as captured, before any stage changed it, in dBFS. */
  rawDb: number;
  /** Speech probability (0–1) from RNNoise, when that stage ran. */
  voiceProb?: number;
  /** The VAD's decision for this frame, when a VAD stage ran. */
  speech?: boolean;
  /**
   * The same 10 ms before denoising, at 16 kHz and delayed like `samples` (set by a chain with a raw tap):
   * what the recognisers hear, since RNNoise's output costs PocketSphinx accuracy (hub/src/stt/README.md).
   */
  raw16k?: Float32Array;
}

/** A stage of the DSP chain: synchronous once created (WASM modules load in the async factories). */
export interface DspStage {
  /** Short name used in benchmarks and logs (`resample-48k`, `rnnoise`, `vad-energy`). */
  readonly name: string;
  /** Processes one frame; may return a new frame or the same one changed. */
  process(frame: DspFrame): DspFrame;
  /** Frees native/WASM memory; the stage is unusable after. Safe to call twice. */
  close(): void;
}

/** Samples in one 10 ms frame at `rate`. */
export function frameLength(rate: number): number {
  return Math.round((rate * FRAME_MS) / 1000);
}

/** Mean energy of `samples` (floats in [-1, 1]) in dBFS, floored at -120. */
export function energyDb(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += (samples[i] as number) ** 2;
  return Math.max(-120, 10 * Math.log10(sum / Math.max(1, samples.length) + 1e-12));
}
