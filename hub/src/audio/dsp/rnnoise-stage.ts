import createRnnoise from '@echogarden/rnnoise-wasm';
import { AudioError } from './errors.js';
import type { DspFrame, DspStage } from './frame.js';

/** The subset of the Emscripten module the stage uses. */
interface RnnoiseModule {
  _rnnoise_create(model: number): number;
  _rnnoise_destroy(state: number): void;
  _rnnoise_process_frame(state: number, out: number, input: number): number;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAPF32: Float32Array;
}

/** RNNoise works on 10 ms at 48 kHz. */
export const RNNOISE_RATE = 48000;
const RNNOISE_FRAME = 480;

let modulePromise: Promise<RnnoiseModule> | undefined;

/** Loads (once per process) the RNNoise WebAssembly module. */
export function loadRnnoise(): Promise<RnnoiseModule> {
  modulePromise ??= (createRnnoise as unknown as () => Promise<RnnoiseModule>)();
  return modulePromise;
}

/**
 * Noise suppression with RNNoise (xiph, BSD-3) on 48 kHz frames. It also sets `voiceProb`, RNNoise's own
 * per-frame speech probability, which the VAD stages may use.
 */
export class RnnoiseStage implements DspStage {
  readonly name = 'rnnoise';
  private state = 0;
  private readonly inPtr: number;
  private readonly outPtr: number;

  /** Use `await RnnoiseStage.create()`; the constructor needs the loaded module. */
  constructor(private readonly mod: RnnoiseModule) {
    this.state = mod._rnnoise_create(0);
    this.inPtr = mod._malloc(RNNOISE_FRAME * 4);
    this.outPtr = mod._malloc(RNNOISE_FRAME * 4);
  }

  /** Loads the module if needed and makes a stage with its own RNNoise state (one per device). */
  static async create(): Promise<RnnoiseStage> {
    return new RnnoiseStage(await loadRnnoise());
  }

  process(frame: DspFrame): DspFrame {
    if (this.state === 0) throw new AudioError('JARVIS_AUDIO_NOT_READY', 'rnnoise stage used after close()');
    if (frame.sampleRate !== RNNOISE_RATE || frame.samples.length !== RNNOISE_FRAME) {
      throw new AudioError('JARVIS_AUDIO_BAD_FRAME', `rnnoise needs ${RNNOISE_FRAME} samples at ${RNNOISE_RATE} Hz, got ${frame.samples.length} at ${frame.sampleRate} Hz`);
    }
    // The heap view can be replaced when WASM memory grows, so read it fresh every frame.
    const heap = this.mod.HEAPF32;
    const inAt = this.inPtr >> 2;
    const src = frame.samples;
    // RNNoise expects 16-bit sample scale.
    for (let i = 0; i < RNNOISE_FRAME; i++) heap[inAt + i] = (src[i] as number) * 32768;
    const voiceProb = this.mod._rnnoise_process_frame(this.state, this.outPtr, this.inPtr);
    const outHeap = this.mod.HEAPF32;
    const outAt = this.outPtr >> 2;
    const samples = new Float32Array(RNNOISE_FRAME);
    for (let i = 0; i < RNNOISE_FRAME; i++) samples[i] = (outHeap[outAt + i] as number) / 32768;
    return { ...frame, samples, voiceProb };
  }

  close(): void {
    if (this.state === 0) return;
    this.mod._rnnoise_destroy(this.state);
    this.mod._free(this.inPtr);
    this.mod._free(this.outPtr);
    this.state = 0;
  }
}
