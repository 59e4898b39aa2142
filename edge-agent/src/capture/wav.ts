/** A small RIFF/WAVE reader for the file source: 16-bit PCM only, mixed down to mono. */
import { SAMPLE_RATES } from '@jarvis/protocol';
import { EdgeError } from '../errors.js';
import { PcmAssembler } from './pcm.js';

/** Decoded WAV audio. */
export interface WavAudio {
  sampleRate: number;
  samples: Int16Array;
}

function bad(what: string, message: string): never {
  throw new EdgeError('JARVIS_EDGE_BAD_WAV', `${what}: ${message}`);
}

/**
 * Parses a WAV file's bytes; anything but 16-bit PCM is `JARVIS_EDGE_BAD_WAV`, and so is a rate the
 * protocol cannot carry unless `anyRate` (speech for the local speaker, e.g. espeak-ng's 22050 Hz).
 */
export function decodeWav(bytes: Uint8Array, what = 'WAV', anyRate = false): WavAudio {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') bad(what, 'not a RIFF/WAVE file');
  let offset = 12;
  let format: { channels: number; rate: number; bits: number; tag: number } | undefined;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('latin1', offset, offset + 4);
    let size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) bad(what, `fmt chunk too short at byte ${offset}`);
      format = { tag: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
      if (format.tag === 0xfffe && size >= 26 && body + 26 <= buf.length) format.tag = buf.readUInt16LE(body + 24);
    } else if (id === 'data') {
      if (!format) bad(what, 'data chunk before fmt chunk');
      if (format.tag !== 1) bad(what, `format ${format.tag} is not PCM`);
      if (format.bits !== 16) bad(what, `${format.bits}-bit samples; only 16-bit PCM is supported`);
      if (format.channels < 1) bad(what, 'zero channels');
      if (!anyRate && !(SAMPLE_RATES as readonly number[]).includes(format.rate)) bad(what, `sample rate ${format.rate} Hz is not one of ${SAMPLE_RATES.join(', ')}`);
      // Streamed WAVs (espeak-ng --stdout, arecord to a pipe) write 0 or 0xFFFFFFFF as the data size.
      if (size === 0 || size === 0xffffffff || body + size > buf.length) size = buf.length - body;
      const samples = new PcmAssembler(format.channels).push(buf.subarray(body, body + size));
      if (samples.length === 0) bad(what, 'no samples');
      return { sampleRate: format.rate, samples };
    }
    offset = body + size + (size % 2);
  }
  return bad(what, 'no data chunk');
}

/** Encodes mono PCM16 as a WAV file (used to hand synthesised speech to the player). */
export function encodeWav(samples: Int16Array, sampleRate: number): Buffer {
  const out = Buffer.alloc(44 + samples.length * 2);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + samples.length * 2, 4);
  out.write('WAVEfmt ', 8, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i] as number, 44 + 2 * i);
  return out;
}
