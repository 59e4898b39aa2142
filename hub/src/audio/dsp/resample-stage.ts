import * as speexModule from 'speex-resampler';
import { AudioError } from './errors.js';
import { frameLength, type DspFrame, type DspStage } from './frame.js';

interface SpeexResamplerLike {
  processChunk(chunk: Buffer): Buffer;
}
type SpeexCtor = (new (channels: number, inRate: number, outRate: number, quality?: number) => SpeexResamplerLike) & {
  initPromise: Promise<unknown>;
};

// speex-resampler is CommonJS with `exports.default`; Node's ESM wrapper and bundlers unwrap it differently.
function speexClass(): SpeexCtor {
  const mod = speexModule as unknown as { default: SpeexCtor | { default: SpeexCtor } };
  const d = mod.default;
  return ('initPromise' in d ? d : d.default) as SpeexCtor;
}

/** Rates the chain accepts from devices and can resample between. */
export const SUPPORTED_RATES: readonly number[] = [8000, 16000, 24000, 32000, 44100, 48000];

/** Resolves once speex-resampler's WebAssembly module is compiled; stages can be made after. */
export async function loadResampler(): Promise<void> {
  await speexClass().initPromise;
}

/**
 * Resamples 10 ms frames from `inRate` to `outRate` with the Speex resampler (WASM). Output frames are
 * exactly 10 ms: a FIFO absorbs the resampler's ±1-sample wobble on non-integer ratios, and the first
 * frame is padded at the front, a fixed delay of a few samples.
 */
export class ResampleStage implements DspStage {
  readonly name: string;
  private readonly inLen: number;
  private readonly outLen: number;
  private readonly speex: SpeexResamplerLike | undefined;
  private fifo: Float32Array;
  private filled = 0;
  private readonly inBuf: Buffer;

  constructor(readonly inRate: number, readonly outRate: number, quality = 5) {
    if (!SUPPORTED_RATES.includes(inRate) || !SUPPORTED_RATES.includes(outRate)) {
      throw new AudioError('JARVIS_AUDIO_BAD_RATE', `cannot resample ${inRate} Hz to ${outRate} Hz; supported: ${SUPPORTED_RATES.join(', ')}`);
    }
    if (!Number.isInteger(quality) || quality < 0 || quality > 10) throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `resampler quality ${quality} is not an integer in 0..10`);
    this.name = `resample-${inRate / 1000}k-${outRate / 1000}k`;
    this.inLen = frameLength(inRate);
    this.outLen = frameLength(outRate);
    this.fifo = new Float32Array(this.outLen * 4);
    this.inBuf = Buffer.alloc(this.inLen * 2);
    if (inRate !== outRate) {
      try {
        this.speex = new (speexClass())(1, inRate, outRate, quality);
        this.speex.processChunk(Buffer.alloc(0));
      } catch (err) {
        throw new AudioError('JARVIS_AUDIO_NOT_READY', 'speex-resampler is not loaded; await loadResampler() first', { cause: err });
      }
    }
  }

  process(frame: DspFrame): DspFrame {
    if (frame.sampleRate !== this.inRate || frame.samples.length !== this.inLen) {
      throw new AudioError('JARVIS_AUDIO_BAD_FRAME', `${this.name} needs ${this.inLen} samples at ${this.inRate} Hz, got ${frame.samples.length} at ${frame.sampleRate} Hz`);
    }
    if (!this.speex) return frame;
    const src = frame.samples;
    for (let i = 0; i < this.inLen; i++) {
      const v = Math.round((src[i] as number) * 32768);
      this.inBuf.writeInt16LE(v > 32767 ? 32767 : v < -32768 ? -32768 : v, 2 * i);
    }
    const out = this.speex.processChunk(this.inBuf);
    const got = out.length >> 1;
    if (this.filled + got > this.fifo.length) {
      const bigger = new Float32Array((this.filled + got) * 2);
      bigger.set(this.fifo.subarray(0, this.filled));
      this.fifo = bigger;
    }
    if (this.filled + got < this.outLen) {
      // Only at start-up: the resampler's filter delay; pad the front so every frame is full.
      const pad = this.outLen - (this.filled + got);
      this.fifo.copyWithin(pad, 0, this.filled);
      this.fifo.fill(0, 0, pad);
      this.filled += pad;
    }
    for (let i = 0; i < got; i++) this.fifo[this.filled + i] = out.readInt16LE(2 * i) / 32768;
    this.filled += got;
    const samples = this.fifo.slice(0, this.outLen);
    this.fifo.copyWithin(0, this.outLen, this.filled);
    this.filled -= this.outLen;
    return { ...frame, sampleRate: this.outRate, samples };
  }

  close(): void {
    // The Speex wrapper exposes no destroy; its WASM heap block is small and reused by nobody else.
  }
}
