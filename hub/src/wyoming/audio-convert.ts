/**
 * Wyoming PCM of any rate, width and channel count → 16 kHz mono float, streaming ([WY-2.2] [WY-3.2]).
 * Samples are little-endian signed (width 1 is signed 8-bit, as Python's audioop reads it); channels are
 * averaged (audioop.tomono(…, 1.0, 1.0) sums them and can clip); rates are changed with the Speex
 * resampler (quality 5), keeping its state from chunk to chunk.
 */
import * as speexModule from 'speex-resampler';
import type { WyomingAudioFormat } from '@jarvis/protocol';

interface SpeexResamplerLike {
  processChunk(chunk: Buffer): Buffer;
}
type SpeexCtor = (new (channels: number, inRate: number, outRate: number, quality?: number) => SpeexResamplerLike) & { initPromise: Promise<unknown> };

function speexClass(): SpeexCtor {
  const mod = speexModule as unknown as { default: SpeexCtor | { default: SpeexCtor } };
  const d = mod.default;
  return ('initPromise' in d ? d : d.default) as SpeexCtor;
}

/** Resolves once the resampler's WebAssembly is compiled (call before converting). */
export async function loadWyomingResampler(): Promise<void> {
  await speexClass().initPromise;
}

/** Target rate of every converted stream. */
export const TARGET_RATE = 16000;

/** Reads one sample of `width` bytes at `offset` as a float in −1..1. */
function sampleAt(buf: Uint8Array, offset: number, width: number): number {
  switch (width) {
    case 1:
      return ((buf[offset] as number) << 24 >> 24) / 128;
    case 2:
      return (((buf[offset] as number) | ((buf[offset + 1] as number) << 8)) << 16 >> 16) / 32768;
    case 3:
      return (((buf[offset] as number) | ((buf[offset + 1] as number) << 8) | ((buf[offset + 2] as number) << 16)) << 8 >> 8) / 8388608;
    default:
      return ((buf[offset] as number) | ((buf[offset + 1] as number) << 8) | ((buf[offset + 2] as number) << 16) | ((buf[offset + 3] as number) << 24)) / 2147483648;
  }
}

/** PCM bytes → mono float at the source rate. */
export function toMonoFloat(audio: Uint8Array, format: WyomingAudioFormat): Float32Array {
  const frame = format.width * format.channels;
  const n = Math.floor(audio.length / frame);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < format.channels; c++) sum += sampleAt(audio, i * frame + c * format.width, format.width);
    out[i] = sum / format.channels;
  }
  return out;
}

function toInt16(x: Float32Array): Buffer {
  const b = Buffer.alloc(x.length * 2);
  for (let i = 0; i < x.length; i++) {
    const v = Math.round((x[i] as number) * 32768);
    b.writeInt16LE(v > 32767 ? 32767 : v < -32768 ? -32768 : v, 2 * i);
  }
  return b;
}

/** Streaming converter for one audio stream; a chunk in another format starts a fresh resampler. */
export class PcmTo16kMono {
  private speex: SpeexResamplerLike | undefined;
  private rate = 0;

  /** Converts one chunk; returns 16 kHz mono floats (possibly a few samples fewer at the start: filter delay). */
  convert(audio: Uint8Array, format: WyomingAudioFormat): Float32Array {
    const mono = toMonoFloat(audio, format);
    if (format.rate === TARGET_RATE) return mono;
    if (!this.speex || this.rate !== format.rate) {
      this.speex = new (speexClass())(1, format.rate, TARGET_RATE, 5);
      this.rate = format.rate;
    }
    const out = this.speex.processChunk(toInt16(mono));
    const res = new Float32Array(out.length >> 1);
    for (let i = 0; i < res.length; i++) res[i] = out.readInt16LE(2 * i) / 32768;
    return res;
  }
}

/** 16 kHz mono float → 16-bit little-endian PCM bytes (for TTS and the test peer). */
export function floatToPcm16(x: Float32Array): Uint8Array {
  return new Uint8Array(toInt16(x));
}
