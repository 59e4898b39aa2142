/**
 * A WAV reader for the simulator: RIFF/WAVE, 16-bit PCM (plain or WAVE_FORMAT_EXTENSIBLE), any channel
 * count mixed down to mono, at one of the protocol's sample rates. Everything else is a clear
 * JARVIS_WEARABLE_BAD_WAV that says what and where.
 */
import { readFile } from 'node:fs/promises';
import { SAMPLE_RATES } from '@jarvis/protocol';
import { WearableError } from './errors.js';

/** Mono 16-bit audio, as the wearable's microphone would capture it. */
export interface WavAudio {
  samples: Int16Array;
  sampleRate: number;
  /** Channels in the file before the mix-down. */
  channels: number;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const RATES: ReadonlySet<number> = new Set(SAMPLE_RATES);

function bad(message: string): never {
  throw new WearableError('JARVIS_WEARABLE_BAD_WAV', message);
}

const ascii = (b: Uint8Array, at: number): string => String.fromCharCode(...b.subarray(at, at + 4));

/** Parses a WAV file's bytes into mono PCM16; `name` only labels error messages. */
export function parseWav(bytes: Uint8Array, name = 'WAV'): WavAudio {
  if (bytes.length < 12 || ascii(bytes, 0) !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') {
    bad(`${name}: not a RIFF/WAVE file (bytes 0..12)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: { format: number; channels: number; rate: number; blockAlign: number; bits: number } | undefined;
  let data: Uint8Array | undefined;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = ascii(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    // Streaming writers leave the data size at 0 or 0xFFFFFFFF; take what the file holds.
    const end = Math.min(bytes.length, body + size);
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) bad(`${name}: fmt chunk at byte ${at} is ${size} bytes, needs 16`);
      let format = view.getUint16(body, true);
      if (format === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40 || body + 40 > bytes.length) bad(`${name}: WAVE_FORMAT_EXTENSIBLE fmt chunk at byte ${at} is too short`);
        format = view.getUint16(body + 24, true); // first two bytes of the sub-format GUID
      }
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        rate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      data = bytes.subarray(body, end);
      break;
    }
    at = body + size + (size & 1); // chunks are padded to even length
  }
  if (!fmt) bad(`${name}: no fmt chunk before the audio data`);
  if (!data) bad(`${name}: no data chunk`);
  if (fmt.format !== WAVE_FORMAT_PCM) bad(`${name}: audio format ${fmt.format} is not PCM (1)`);
  if (fmt.bits !== 16) bad(`${name}: ${fmt.bits}-bit samples; only 16-bit PCM is supported`);
  if (fmt.channels < 1) bad(`${name}: channel count ${fmt.channels} in the fmt chunk`);
  if (fmt.blockAlign !== fmt.channels * 2) bad(`${name}: block align ${fmt.blockAlign} does not match ${fmt.channels} channel(s) of 16 bits`);
  if (!RATES.has(fmt.rate)) bad(`${name}: sample rate ${fmt.rate} Hz is not one of ${SAMPLE_RATES.join(', ')}`);

  const frames = Math.floor(data.length / fmt.blockAlign);
  const samples = new Int16Array(frames);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < fmt.channels; c++) sum += dv.getInt16((i * fmt.channels + c) * 2, true);
    samples[i] = Math.round(sum / fmt.channels);
  }
  return { samples, sampleRate: fmt.rate, channels: fmt.channels };
}

/** Reads and parses a WAV file; a missing or unreadable file is JARVIS_WEARABLE_BAD_WAV too. */
export async function readWav(path: string): Promise<WavAudio> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new WearableError('JARVIS_WEARABLE_BAD_WAV', `${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  return parseWav(bytes, path);
}

/** Builds a 16-bit PCM WAV file: what tests and fixtures feed the simulator. */
export function encodeWav(samples: Int16Array, sampleRate: number, channels = 1): Uint8Array {
  const dataBytes = samples.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const put = (at: number, text: string): void => text.split('').forEach((ch, i) => (out[at + i] = ch.charCodeAt(0)));
  put(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, WAVE_FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  put(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + i * 2, samples[i] as number, true);
  return out;
}
