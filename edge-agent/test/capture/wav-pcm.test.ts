import { describe, expect, it } from 'vitest';
import { PcmAssembler } from '../../src/capture/pcm.js';
import { decodeWav, encodeWav } from '../../src/capture/wav.js';

describe('PCM assembly', () => {
  it('keeps split samples across chunks and mixes channels down to mono', () => {
    const stereo = Buffer.alloc(12);
    [100, 300, -100, -300, 7, 8].forEach((v, i) => stereo.writeInt16LE(v, 2 * i));
    const a = new PcmAssembler(2);
    expect(Array.from(a.push(stereo.subarray(0, 5)))).toEqual([200]);
    expect(Array.from(a.push(stereo.subarray(5, 11)))).toEqual([-200]);
    expect(Array.from(a.push(stereo.subarray(11)))).toEqual([8]);
    a.push(Buffer.from([1, 2, 3]));
    a.reset();
    expect(Array.from(new PcmAssembler(1).push(Buffer.from([0x01, 0x80])))).toEqual([-32767]);
  });
});

describe('WAV reader', () => {
  it('round-trips mono PCM16 and accepts a streamed data size', () => {
    const wav = encodeWav(Int16Array.from([1, -2, 3]), 16000);
    expect(decodeWav(wav)).toEqual({ sampleRate: 16000, samples: Int16Array.from([1, -2, 3]) });
    const streamed = Buffer.from(wav);
    streamed.writeUInt32LE(0xffffffff, 40);
    expect(decodeWav(streamed).samples.length).toBe(3);
  });

  it.each([
    ['not RIFF', () => Buffer.from('hello world, this is not a wav'), /not a RIFF\/WAVE file/],
    ['8-bit', () => { const w = encodeWav(Int16Array.from([1, 2]), 16000); w.writeUInt16LE(8, 34); return w; }, /8-bit samples/],
    ['float', () => { const w = encodeWav(Int16Array.from([1, 2]), 16000); w.writeUInt16LE(3, 20); return w; }, /format 3 is not PCM/],
    ['22050 Hz', () => encodeWav(Int16Array.from([1, 2]), 22050), /sample rate 22050 Hz is not one of/],
    ['no data', () => encodeWav(Int16Array.from([1]), 16000).subarray(0, 36), /no data chunk/],
    ['empty data', () => encodeWav(new Int16Array(0), 16000), /no samples/],
  ])('rejects %s with JARVIS_EDGE_BAD_WAV', (_n, make, message) => {
    expect(() => decodeWav(make(), 'x.wav')).toThrow(expect.objectContaining({ code: 'JARVIS_EDGE_BAD_WAV', message: expect.stringMatching(message) }));
  });

  it('accepts any rate for local speech output', () => {
    expect(decodeWav(encodeWav(Int16Array.from([5]), 22050), 'speech', true).sampleRate).toBe(22050);
  });
});
