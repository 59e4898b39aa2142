import { describe, expect, it } from 'vitest';
import { WorkerError } from '../src/errors.js';
import { decodeWav, resampleMono } from '../src/handlers/stt-wav.js';
import { espeakWav, haveEspeak, voiced, wavBytes } from './stt-fixtures.js';

function badAudio(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WorkerError);
    expect([(err as WorkerError).code, (err as WorkerError).retryable]).toEqual(['JARVIS_WORKER_BAD_AUDIO', false]);
    return (err as WorkerError).message;
  }
  throw new Error('expected JARVIS_WORKER_BAD_AUDIO');
}

const ramp = Float32Array.from({ length: 64 }, (_, i) => (i - 32) / 40);

describe('decodeWav', () => {
  it('reads 8/16/24/32-bit PCM and 32/64-bit float, plain and extensible, to the same samples', () => {
    const layouts = [{ bits: 8 }, { bits: 16 }, { bits: 24 }, { bits: 32 }, { bits: 32, float: true }, { bits: 64, float: true }, { bits: 16, extensible: true }, { bits: 32, float: true, extensible: true }];
    for (const layout of layouts) {
      const wav = decodeWav(wavBytes({ ...layout, rate: 22050, channels: [ramp] }));
      expect(wav.sampleRate, JSON.stringify(layout)).toBe(22050);
      expect(wav.bitsPerSample).toBe(layout.bits);
      expect(wav.encoding).toBe(layout.float ? 'float' : 'pcm');
      const tolerance = layout.bits === 8 ? 1 / 100 : 1e-4;
      for (let i = 0; i < ramp.length; i++) expect(Math.abs(wav.samples[i]! - ramp[i]!), `${JSON.stringify(layout)} sample ${i}`).toBeLessThan(tolerance);
    }
  });

  it('mixes channels down to their average and skips unknown chunks, including odd-sized ones', () => {
    const left = new Float32Array(32).fill(0.5);
    const right = new Float32Array(32).fill(-0.25);
    const wav = decodeWav(wavBytes({ channels: [left, right], extraChunk: new Uint8Array([1, 2, 3]) }));
    expect(wav.channels).toBe(2);
    expect(wav.samples.length).toBe(32);
    for (const s of wav.samples) expect(s).toBeCloseTo(0.125, 3);
  });

  it('accepts the placeholder data size streaming writers leave, and takes what is there', () => {
    const wav = decodeWav(wavBytes({ channels: [ramp], dataSize: 0xffffffff }));
    expect(wav.samples.length).toBe(ramp.length);
  });

  it.skipIf(!haveEspeak())('reads what espeak-ng writes (22050 Hz, 16-bit mono)', () => {
    const wav = decodeWav(espeakWav('turn on the kitchen lights'));
    expect([wav.sampleRate, wav.channels, wav.bitsPerSample]).toEqual([22050, 1, 16]);
    expect(wav.samples.length / wav.sampleRate).toBeGreaterThan(0.8);
  });

  it('rejects malformed files with JARVIS_WORKER_BAD_AUDIO saying what is wrong', () => {
    const good = wavBytes({ channels: [ramp] });
    const patched = (at: number, bytes: number[]): Uint8Array => {
      const copy = good.slice();
      copy.set(bytes, at);
      return copy;
    };
    expect(badAudio(() => decodeWav(new Uint8Array(5)))).toMatch(/shorter than the 12-byte RIFF header/);
    expect(badAudio(() => decodeWav(patched(0, [0x52, 0x49, 0x46, 0x58])))).toMatch(/not a RIFF\/WAVE file/);
    expect(badAudio(() => decodeWav(good.subarray(0, 12)))).toMatch(/no fmt chunk/);
    expect(badAudio(() => decodeWav(good.subarray(0, 20)))).toMatch(/fmt chunk at byte 12/);
    expect(badAudio(() => decodeWav(good.subarray(0, 36)))).toMatch(/no data chunk/);
    expect(badAudio(() => decodeWav(patched(20, [2, 0])))).toMatch(/format 2 is not PCM/);
    expect(badAudio(() => decodeWav(patched(22, [0, 0])))).toMatch(/0 channels/);
    expect(badAudio(() => decodeWav(patched(24, [0xa0, 0x0f, 0, 0])))).toMatch(/sample rate 4000 Hz/);
    expect(badAudio(() => decodeWav(patched(34, [12, 0])))).toMatch(/12 bits per sample/);
    expect(badAudio(() => decodeWav(patched(32, [4, 0])))).toMatch(/block align 4/);
    expect(badAudio(() => decodeWav(good.subarray(0, good.length - 10)))).toMatch(/declares 128 bytes but only 118 follow/);
    expect(badAudio(() => decodeWav(wavBytes({ channels: [new Float32Array(0)] })))).toMatch(/holds no audio/);
    expect(badAudio(() => decodeWav(wavBytes({ float: true, bits: 32, channels: [Float32Array.of(0, Number.NaN)] })))).toMatch(/sample 1 is not a finite number/);
    // data before fmt: swap the chunk ids
    const swapped = good.slice();
    swapped.set([0x64, 0x61, 0x74, 0x61], 12);
    expect(badAudio(() => decodeWav(swapped))).toMatch(/data chunk at byte 12 comes before any fmt chunk/);
  });

  it('never throws anything but JARVIS_WORKER_BAD_AUDIO on damaged files', () => {
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const good = wavBytes({ channels: [ramp, ramp] });
    for (let i = 0; i < 300; i++) {
      const bytes = good.slice();
      for (let j = 0; j < 3; j++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      const cut = bytes.subarray(0, Math.floor(rand() * bytes.length));
      try {
        decodeWav(cut);
      } catch (err) {
        expect((err as WorkerError).code).toBe('JARVIS_WORKER_BAD_AUDIO');
      }
    }
  });
});

describe('resampleMono', () => {
  const zeroCrossings = (x: Float32Array): number => {
    let n = 0;
    for (let i = 1; i < x.length; i++) if ((x[i - 1]! < 0) !== (x[i]! < 0)) n++;
    return n;
  };

  it('keeps length, pitch and level from 22050 and 44100 Hz to 16 kHz', async () => {
    for (const rate of [22050, 44100]) {
      const sine = Float32Array.from({ length: rate * 2 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));
      const out = await resampleMono(sine, rate, 16000);
      expect(Math.abs(out.length - 32000)).toBeLessThanOrEqual(1);
      // 440 Hz: 1650 zero crossings in 30000 samples at 16 kHz (the first ms ring around zero: filter start-up)
      expect(Math.abs(zeroCrossings(out.subarray(1000, 31000)) - 1650)).toBeLessThanOrEqual(2);
      const peak = out.subarray(1000, 31000).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(peak).toBeGreaterThan(0.45);
      expect(peak).toBeLessThan(0.55);
    }
  });

  it('returns 16 kHz input as is and stops on an aborted signal', async () => {
    const pcm = voiced(1);
    expect(await resampleMono(pcm, 16000, 16000)).toBe(pcm);
    const ac = new AbortController();
    ac.abort();
    await expect(resampleMono(voiced(1, 22050), 22050, 16000, ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
