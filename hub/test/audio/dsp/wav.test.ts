import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav, floatToInt16, int16ToFloat } from '../../../src/audio/dsp/wav.js';
import { AudioError } from '../../../src/audio/dsp/errors.js';

function codeOf(fn: () => unknown): string | undefined {
  try { fn(); } catch (err) { return err instanceof AudioError ? err.code : `not an AudioError: ${String(err)}`; }
  return undefined;
}

describe('wav', () => {
  it('round-trips mono 16-bit PCM', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    const back = decodeWav(encodeWav(samples, 16000));
    expect(back.sampleRate).toBe(16000);
    expect(back.channels).toBe(1);
    expect(Array.from(back.samples)).toEqual(Array.from(samples));
  });

  it('clips a streamed data size (0xFFFFFFFF, as espeak-ng --stdout writes) to the buffer', () => {
    const wav = encodeWav(Int16Array.from([5, 6, 7]), 22050);
    new DataView(wav.buffer).setUint32(40, 0xffffffff, true);
    expect(Array.from(decodeWav(wav).samples)).toEqual([5, 6, 7]);
  });

  it('rejects malformed input with JARVIS_AUDIO_BAD_WAV', () => {
    const good = encodeWav(Int16Array.from([1, 2]), 16000);
    expect(codeOf(() => decodeWav(new Uint8Array(5)))).toBe('JARVIS_AUDIO_BAD_WAV');
    expect(codeOf(() => decodeWav(new TextEncoder().encode('RIFF....WAVX')))).toBe('JARVIS_AUDIO_BAD_WAV');
    const eightBit = good.slice();
    new DataView(eightBit.buffer).setUint16(34, 8, true);
    expect(codeOf(() => decodeWav(eightBit))).toBe('JARVIS_AUDIO_BAD_WAV');
    const noData = good.slice(0, 36);
    expect(codeOf(() => decodeWav(noData))).toBe('JARVIS_AUDIO_BAD_WAV');
    const truncatedFmt = good.slice(0, 30);
    expect(codeOf(() => decodeWav(truncatedFmt))).toBe('JARVIS_AUDIO_BAD_WAV');
  });

  it('converts between int16 and floats, clipping out-of-range floats', () => {
    expect(Array.from(floatToInt16(Float32Array.from([0, 0.5, -1, 2, -2])))).toEqual([0, 16384, -32768, 32767, -32768]);
    expect(Array.from(int16ToFloat(Int16Array.from([16384, -32768])))).toEqual([0.5, -1]);
  });
});
