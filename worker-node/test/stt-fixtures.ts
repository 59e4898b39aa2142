import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A WAV file from per-channel float samples, in any layout the decoder claims to read. */
export function wavBytes(opts: { rate?: number; bits?: number; float?: boolean; extensible?: boolean; channels?: Float32Array[]; extraChunk?: Uint8Array; dataSize?: number }): Uint8Array {
  const rate = opts.rate ?? 16000;
  const bits = opts.bits ?? 16;
  const chans = opts.channels ?? [new Float32Array(1600)];
  const width = bits / 8;
  const frames = chans[0]!.length;
  const data = Buffer.alloc(frames * chans.length * width);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < chans.length; c++) {
      const v = chans[c]![i]!;
      const at = (i * chans.length + c) * width;
      if (opts.float) {
        if (bits === 32) data.writeFloatLE(v, at);
        else data.writeDoubleLE(v, at);
      } else if (bits === 8) data.writeUInt8(Math.round(v * 127) + 128, at);
      else if (bits === 16) data.writeInt16LE(Math.round(v * 32767), at);
      else if (bits === 24) data.writeIntLE(Math.round(v * 8388607), at, 3);
      else data.writeInt32LE(Math.round(v * 2147483647), at);
    }
  }
  const format = opts.float ? 3 : 1;
  const fmt = Buffer.alloc(opts.extensible ? 40 : 16);
  fmt.writeUInt16LE(opts.extensible ? 0xfffe : format, 0);
  fmt.writeUInt16LE(chans.length, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * chans.length * width, 8);
  fmt.writeUInt16LE(chans.length * width, 12);
  fmt.writeUInt16LE(bits, 14);
  if (opts.extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(bits, 18);
    fmt.writeUInt16LE(format, 24);
  }
  const chunk = (id: string, body: Uint8Array, size = body.length): Buffer => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(size, 4);
    return Buffer.concat([head, body, body.length % 2 === 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), ...(opts.extraChunk ? [chunk('LIST', opts.extraChunk)] : []), chunk('data', data, opts.dataSize ?? data.length)]);
  const riff = Buffer.alloc(8);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length, 4);
  return new Uint8Array(Buffer.concat([riff, body]));
}

/** Speech-like audio: a voiced 150 Hz tone with a 4 Hz syllable envelope (whisper does a real pass on it). */
export function voiced(seconds: number, rate = 16000): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) out[i] = 0.3 * Math.sin((2 * Math.PI * 150 * i) / rate) * (0.5 + 0.5 * Math.sin((2 * Math.PI * 4 * i) / rate));
  return out;
}

/** True when espeak-ng is installed (a Debian package of the project). */
export function haveEspeak(): boolean {
  try {
    execFileSync('espeak-ng', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** espeak-ng speaking `text` as a WAV file's bytes (22050 Hz, 16-bit mono). */
export function espeakWav(text: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-espeak-'));
  try {
    const file = join(dir, 'speech.wav');
    execFileSync('espeak-ng', ['-w', file, text]);
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
