import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { decodeWav, encodeWav, toSttRate } from '../../src/stt/wav.js';
import { STT_ERROR_CODES } from '../../src/stt/errors.js';
import { envBindings } from '../../src/config/env.js';
import { configSchema } from '../../src/config/schema.js';

describe('WAV decoding', () => {
  it('round-trips 16 kHz mono PCM and resamples other rates to 16 kHz', () => {
    const samples = Int16Array.from([0, 16384, -16384, 32767]);
    const wav = decodeWav(encodeWav(samples));
    expect(wav).toMatchObject({ sampleRate: 16000, channels: 1 });
    expect(Array.from(wav.samples)).toEqual([0, 0.5, -0.5, 32767 / 32768]);
    const at48 = decodeWav(encodeWav(new Int16Array(4800), 48000));
    expect(toSttRate(at48).length).toBe(1600);
  });

  it('averages stereo channels and reads streamed files whose data size is 0', () => {
    const wav = encodeWav(Int16Array.from([1000, 3000, -1000, -3000]));
    const view = new DataView(wav.buffer);
    view.setUint16(22, 2, true); // two channels: the 4 samples become 2 frames
    view.setUint32(40, 0, true);
    expect(Array.from(decodeWav(wav).samples)).toEqual([2000 / 32768, -2000 / 32768]);
  });

  it('rejects malformed files with JARVIS_STT_BAD_WAV saying what and where', () => {
    const good = encodeWav(new Int16Array(10));
    expect(() => decodeWav(new Uint8Array(4))).toThrow(/JARVIS_STT_BAD_WAV: file of 4 bytes is too short/);
    expect(() => decodeWav(new TextEncoder().encode('RIFX....WAVEfmt '))).toThrow(/not a RIFF\/WAVE file at byte 0/);
    const float = good.slice();
    new DataView(float.buffer).setUint16(20, 3, true);
    expect(() => decodeWav(float)).toThrow(/only 16-bit PCM is supported \(format 3, 16 bits at byte 20\)/);
    expect(() => decodeWav(good.slice(0, 30))).toThrow(/fmt chunk truncated at byte 12/);
    expect(() => decodeWav(good.slice(0, 36))).toThrow(/no data chunk/);
    const dataFirst = good.slice();
    dataFirst.set(new TextEncoder().encode('data'), 12);
    expect(() => decodeWav(dataFirst)).toThrow(/data chunk before fmt chunk at byte 12/);
    const noChannels = good.slice();
    new DataView(noChannels.buffer).setUint16(22, 0, true);
    expect(() => decodeWav(noChannels)).toThrow(/bad channel count or sample rate at byte 22/);
  });

  it('never throws anything but JARVIS_STT_BAD_WAV on random bytes', () => {
    let seed = 42;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 300; i++) {
      const bytes = encodeWav(new Int16Array(8));
      for (let j = 0; j < 4; j++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      const cut = bytes.subarray(0, Math.floor(rand() * bytes.length));
      try {
        decodeWav(cut);
      } catch (err) {
        expect((err as Error).message).toMatch(/^JARVIS_STT_BAD_WAV: /);
      }
    }
  });
});

describe('error codes', () => {
  it('every JARVIS_STT_/JARVIS_MODEL_ code used in the sources and native bindings is documented', () => {
    const roots = ['../../src/stt/', '../../native/pocketsphinx/src/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
    const used = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(`${dir}${entry.name}/`);
        else for (const m of readFileSync(`${dir}${entry.name}`, 'utf8').matchAll(/JARVIS_(?:STT|MODEL)_[A-Z_]+/g)) used.add(m[0]);
      }
    };
    roots.forEach(walk);
    expect(used.size).toBeGreaterThan(10);
    used.delete('JARVIS_MODEL_CATALOGUE'); // an environment variable, not an error code
    // So are the config's own variables (JARVIS_STT_COMMAND_AUDIO, ...), which the READMEs name.
    for (const binding of envBindings(configSchema)) used.delete(binding.name);
    for (const code of used) expect(STT_ERROR_CODES, code).toHaveProperty(code);
  });
});
