import * as speexModule from 'speex-resampler';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { WorkerError } from '../errors.js';

/** A decoded WAV file, mixed down to mono float samples at the file's own rate. */
export interface DecodedWav {
  sampleRate: number;
  /** Channels in the file (the samples are their average). */
  channels: number;
  bitsPerSample: number;
  /** `pcm` (integer) or `float`. */
  encoding: 'pcm' | 'float';
  /** Mono samples in -1..1. */
  samples: Float32Array;
}

const bad = (message: string): WorkerError => new WorkerError('JARVIS_WORKER_BAD_AUDIO', message, false);

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Sizes streaming writers (espeak-ng --stdout, sox to a pipe) put in a header they cannot seek back to. */
const isPlaceholderSize = (n: number): boolean => n === 0 || n >= 0x7fff_0000;

/**
 * Decodes a RIFF/WAVE file: integer PCM of 8, 16, 24 or 32 bits, or float of 32 or 64 bits, plain or
 * WAVE_FORMAT_EXTENSIBLE, 1–8 channels, 8–192 kHz. Anything else, or a file cut short, throws
 * JARVIS_WORKER_BAD_AUDIO saying what and at which byte.
 */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
  if (bytes.length < 12) throw bad(`WAV is ${bytes.length} bytes, shorter than the 12-byte RIFF header`);
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw bad(`not a RIFF/WAVE file (starts with "${tag(0)}", form "${tag(8)}")`);
  let fmt: { format: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | undefined;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length) throw bad(`fmt chunk at byte ${at} is ${size} bytes (needs 16, ${bytes.length - body} present)`);
      let format = view.getUint16(body, true);
      if (format === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40) throw bad(`extensible fmt chunk at byte ${at} is ${size} bytes, needs 40`);
        format = view.getUint16(body + 24, true); // first two bytes of the sub-format GUID
      }
      fmt = { format, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), blockAlign: view.getUint16(body + 12, true), bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      if (!fmt) throw bad(`data chunk at byte ${at} comes before any fmt chunk`);
      const available = bytes.length - body;
      let length = size;
      if (size > available) {
        if (!isPlaceholderSize(size)) throw bad(`data chunk at byte ${at} declares ${size} bytes but only ${available} follow (file cut short)`);
        length = available;
      }
      return decodeSamples(bytes.subarray(body, body + length), fmt);
    }
    at = body + size + (size & 1); // chunks are padded to even sizes
  }
  throw bad(fmt ? 'WAV has no data chunk' : 'WAV has no fmt chunk');
}

function decodeSamples(data: Uint8Array, f: { format: number; channels: number; sampleRate: number; blockAlign: number; bits: number }): DecodedWav {
  const encoding = f.format === WAVE_FORMAT_PCM ? 'pcm' : f.format === WAVE_FORMAT_FLOAT ? 'float' : undefined;
  if (!encoding) throw bad(`WAV format ${f.format} is not PCM (1) or float (3)`);
  if (f.channels < 1 || f.channels > 8) throw bad(`WAV has ${f.channels} channels; 1–8 are supported`);
  if (f.sampleRate < 8000 || f.sampleRate > 192_000) throw bad(`WAV sample rate ${f.sampleRate} Hz is outside 8000–192000`);
  const okBits = encoding === 'pcm' ? [8, 16, 24, 32] : [32, 64];
  if (!okBits.includes(f.bits)) throw bad(`${encoding} WAV with ${f.bits} bits per sample is not supported (${okBits.join(', ')})`);
  const width = f.bits / 8;
  if (f.blockAlign !== width * f.channels) throw bad(`WAV block align ${f.blockAlign} does not match ${f.channels} × ${width} bytes`);
  const frames = Math.floor(data.length / f.blockAlign);
  if (frames === 0) throw bad('WAV holds no audio');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const read: (at: number) => number =
    encoding === 'float' ? (f.bits === 32 ? (at) => view.getFloat32(at, true) : (at) => view.getFloat64(at, true))
    : f.bits === 8 ? (at) => (view.getUint8(at) - 128) / 128
    : f.bits === 16 ? (at) => view.getInt16(at, true) / 32768
    : f.bits === 24 ? (at) => ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 8388608)
    : (at) => view.getInt32(at, true) / 2147483648;
  const samples = new Float32Array(frames);
  if (encoding === 'pcm' && f.bits === 16 && f.channels === 1) {
    // The common case (espeak-ng, sox, most recorders), without a DataView call per sample.
    for (let i = 0; i < frames; i++) samples[i] = (data[2 * i]! | (data[2 * i + 1]! << 24 >> 16)) / 32768;
    return { sampleRate: f.sampleRate, channels: 1, bitsPerSample: 16, encoding, samples };
  }
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < f.channels; c++) sum += read(i * f.blockAlign + c * width);
    const v = sum / f.channels;
    if (!Number.isFinite(v)) throw bad(`sample ${i} is not a finite number`);
    samples[i] = v > 1 ? 1 : v < -1 ? -1 : v;
  }
  return { sampleRate: f.sampleRate, channels: f.channels, bitsPerSample: f.bits, encoding, samples };
}

type SpeexCtor = (new (channels: number, inRate: number, outRate: number, quality?: number) => { processChunk(chunk: Buffer): Buffer }) & { initPromise: Promise<unknown> };

// speex-resampler is CommonJS with `exports.default`; Node's ESM wrapper and vitest unwrap it differently.
function speexClass(): SpeexCtor {
  const d = (speexModule as unknown as { default: SpeexCtor | { default: SpeexCtor } }).default;
  return ('initPromise' in d ? d : d.default) as SpeexCtor;
}

/** Samples per resampler call; between calls the event loop runs (heartbeats, cancellation). */
const BLOCK_SECONDS = 10;

/**
 * Resamples mono audio to `outRate` with the Speex resampler (quality 5, as the hub's front end), in
 * blocks that yield to the event loop so a long file never stalls the worker's heartbeats.
 */
export async function resampleMono(samples: Float32Array, inRate: number, outRate: number, signal?: AbortSignal): Promise<Float32Array> {
  if (inRate === outRate) return samples;
  const Speex = speexClass();
  await Speex.initPromise;
  const speex = new Speex(1, inRate, outRate, 5);
  const parts: Int16Array[] = [];
  let total = 0;
  const block = inRate * BLOCK_SECONDS;
  // Speex keeps a filter delay of a few ms inside; a short silent tail pushes the last real samples out.
  const tail = Math.ceil(inRate * 0.02);
  for (let start = 0; start < samples.length + tail; start += block) {
    signal?.throwIfAborted();
    const end = Math.min(start + block, samples.length + tail);
    const block16 = new Int16Array(end - start);
    const realEnd = Math.min(end, samples.length);
    for (let i = start; i < realEnd; i++) {
      const v = Math.round(samples[i]! * 32767);
      block16[i - start] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    // Int16Array is little-endian on every platform Node runs on, which is what speex expects.
    const out = speex.processChunk(Buffer.from(block16.buffer, block16.byteOffset, block16.byteLength));
    const pcm = new Int16Array(out.buffer.slice(out.byteOffset, out.byteOffset + (out.length & ~1)));
    parts.push(pcm);
    total += pcm.length;
    await yieldToLoop();
  }
  const wanted = Math.min(total, Math.round((samples.length * outRate) / inRate));
  const result = new Float32Array(wanted);
  let at = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length && at < wanted; i++) result[at++] = p[i]! / 32768;
  }
  return result;
}
