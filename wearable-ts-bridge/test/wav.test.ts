import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav, parseWav, readWav } from '../src/wav.js';
import { WearableError } from '../src/errors.js';

/** Hand-built RIFF file from chunks, so each malformation can be placed exactly. */
function riff(chunks: Array<[string, Uint8Array]>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [id, body] of chunks) {
    const head = new Uint8Array(8);
    head.set(Buffer.from(id, 'ascii'));
    new DataView(head.buffer).setUint32(4, body.length, true);
    parts.push(head, body, body.length % 2 ? new Uint8Array(1) : new Uint8Array(0));
  }
  const total = parts.reduce((n, p) => n + p.length, 4);
  const out = new Uint8Array(8 + total);
  out.set(Buffer.from('RIFF', 'ascii'));
  new DataView(out.buffer).setUint32(4, total, true);
  out.set(Buffer.from('WAVE', 'ascii'), 8);
  let at = 12;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function fmt({ format = 1, channels = 1, rate = 16000, bits = 16, blockAlign = -1, size = 16 }: { format?: number; channels?: number; rate?: number; bits?: number; blockAlign?: number; size?: number } = {}): Uint8Array {
  if (blockAlign < 0) blockAlign = channels * 2;
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  v.setUint16(0, format, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, rate * blockAlign, true);
  v.setUint16(12, blockAlign, true);
  v.setUint16(14, bits, true);
  return b;
}

const pcm = (...values: number[]): Uint8Array => new Uint8Array(Int16Array.from(values).buffer);

function expectBadWav(bytes: Uint8Array, text: string): void {
  let caught: unknown;
  try {
    parseWav(bytes, 'test.wav');
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(WearableError);
  expect((caught as WearableError).code).toBe('JARVIS_WEARABLE_BAD_WAV');
  expect((caught as WearableError).message).toContain(text);
}

describe('parseWav', () => {
  it('reads what encodeWav writes', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    expect(parseWav(encodeWav(samples, 24000))).toEqual({ samples, sampleRate: 24000, channels: 1 });
  });

  it('mixes stereo down to mono by averaging the channels', () => {
    const wav = encodeWav(Int16Array.from([100, 300, -32768, -32768, 5, 6]), 48000, 2);
    expect(Array.from(parseWav(wav).samples)).toEqual([200, -32768, 6]);
  });

  it('skips unknown and odd-sized chunks before the data, and reads WAVE_FORMAT_EXTENSIBLE PCM', () => {
    const ext = fmt({ format: 0xfffe, size: 40 });
    new DataView(ext.buffer).setUint16(24, 1, true); // sub-format GUID starts with PCM
    const wav = riff([['fmt ', ext], ['LIST', new Uint8Array(3)], ['data', pcm(7, -7)]]);
    expect(Array.from(parseWav(wav).samples)).toEqual([7, -7]);
  });

  it('takes the data a streaming writer left with a 0xFFFFFFFF size', () => {
    const wav = riff([['fmt ', fmt()], ['data', pcm(1, 2, 3)]]);
    new DataView(wav.buffer).setUint32(wav.length - 6 - 4, 0xffffffff, true);
    expect(Array.from(parseWav(wav).samples)).toEqual([1, 2, 3]);
  });

  it.each([
    ['empty file', new Uint8Array(0), 'not a RIFF/WAVE'],
    ['RIFF but not WAVE', Buffer.from('RIFF\0\0\0\0AVI LIST'), 'not a RIFF/WAVE'],
    ['no fmt chunk', riff([['data', pcm(1)]]), 'no fmt chunk'],
    ['no data chunk', riff([['fmt ', fmt()]]), 'no data chunk'],
    ['short fmt chunk', riff([['fmt ', new Uint8Array(8)], ['data', pcm(1)]]), 'needs 16'],
    ['float samples', riff([['fmt ', fmt({ format: 3, bits: 32, blockAlign: 4 })], ['data', pcm(1, 2)]]), 'is not PCM'],
    ['8-bit samples', riff([['fmt ', fmt({ bits: 8, blockAlign: 1 })], ['data', pcm(1)]]), '8-bit'],
    ['unsupported rate', riff([['fmt ', fmt({ rate: 22050 })], ['data', pcm(1)]]), '22050 Hz'],
    ['zero channels', riff([['fmt ', fmt({ channels: 0, blockAlign: 0 })], ['data', pcm(1)]]), 'channel count 0'],
    ['inconsistent block align', riff([['fmt ', fmt({ channels: 2, blockAlign: 2 })], ['data', pcm(1)]]), 'block align'],
  ] as Array<[string, Uint8Array, string]>)('rejects %s with JARVIS_WEARABLE_BAD_WAV', (_name, bytes, text) => {
    expectBadWav(bytes, text);
  });

  it('never throws anything but WearableError on random bytes after a valid RIFF header', () => {
    let seed = 1;
    for (let n = 0; n < 300; n++) {
      const bytes = new Uint8Array(12 + (n % 80));
      bytes.set(Buffer.from('RIFF\0\0\0\0WAVE'));
      for (let i = 12; i < bytes.length; i++) bytes[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      if (n % 3 === 0 && bytes.length >= 16) bytes.set(Buffer.from('fmt '), 12);
      try {
        parseWav(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(WearableError);
      }
    }
  });
});

it('never throws anything but WearableError when bytes of a valid file are flipped', () => {
  const valid = riff([['fmt ', fmt({ channels: 2 })], ['LIST', new Uint8Array(5)], ['data', pcm(1, 2, 3, 4, 5, 6)]]);
  let seed = 99;
  const next = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
  let rejected = 0;
  for (let n = 0; n < 2000; n++) {
    const bytes = valid.slice();
    for (let k = 0; k <= n % 3; k++) {
      const at = next() % bytes.length;
      bytes[at] = (bytes[at] as number) ^ (1 << next() % 8);
    }
    try {
      parseWav(bytes);
    } catch (err) {
      expect(err).toBeInstanceOf(WearableError);
      rejected++;
    }
  }
  expect(rejected).toBeGreaterThan(0);
});

describe('readWav', () => {
  it('reads a file and reports a missing one as JARVIS_WEARABLE_BAD_WAV with the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-wav-'));
    try {
      const file = join(dir, 'a.wav');
      writeFileSync(file, encodeWav(Int16Array.from([5, 6]), 8000));
      expect((await readWav(file)).sampleRate).toBe(8000);
      await expect(readWav(join(dir, 'missing.wav'))).rejects.toMatchObject({ code: 'JARVIS_WEARABLE_BAD_WAV', message: expect.stringContaining('missing.wav') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
