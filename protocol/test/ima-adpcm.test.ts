import { describe, expect, it } from 'vitest';
import { IMA_INDEX_TABLE, IMA_STEP_TABLE, decodeImaAdpcm, encodeImaAdpcm, imaAdpcmSampleCount } from '../src/index.js';
import { codeOf, hex } from './helpers.js';

function sine(n: number, amplitude: number, period: number, phase = 0): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * (i + phase)) / period)));
}

function snrDb(ref: Int16Array, got: Int16Array, from = 0): number {
  let signal = 0;
  let noise = 0;
  for (let i = from; i < ref.length; i++) {
    signal += (ref[i] as number) ** 2;
    noise += ((ref[i] as number) - (got[i] as number)) ** 2;
  }
  return 10 * Math.log10(signal / Math.max(noise, 1));
}

describe('[UDP-3.4] IMA tables', () => {
  it('are the standard 89-entry step table and 16-entry index table', () => {
    expect(IMA_STEP_TABLE).toHaveLength(89);
    expect(IMA_STEP_TABLE[0]).toBe(7);
    expect(IMA_STEP_TABLE[88]).toBe(32767);
    expect(IMA_INDEX_TABLE).toEqual([-1, -1, -1, -1, 2, 4, 6, 8, -1, -1, -1, -1, 2, 4, 6, 8]);
  });
});

describe('[UDP-3.6] IMA-ADPCM encoder and decoder', () => {
  it('writes the block header: predictor i16 LE, step index, reserved 0', () => {
    const { payload } = encodeImaAdpcm(new Int16Array(4), { predictor: -2, stepIndex: 88 });
    expect(hex(payload.subarray(0, 4))).toBe('feff5800');
    expect(payload).toHaveLength(6);
    expect(imaAdpcmSampleCount(payload.length)).toBe(4);
  });

  it('packs the first sample in the low nibble', () => {
    // From predictor 0, step 7: +7 gives code 4 (index → 2, step 9); then -100 is far below 7: code 0xf.
    const { payload } = encodeImaAdpcm(Int16Array.from([7, -100]), { predictor: 0, stepIndex: 0 });
    expect((payload[4] as number) & 0x0f).toBe(4);
    expect((payload[4] as number) >> 4).toBe(0xf);
  });

  it('tracks a sine closely once the step has adapted, and the decoder follows the encoder state exactly', () => {
    const input = sine(640, 12000, 40);
    const first = encodeImaAdpcm(input.subarray(0, 320));
    const second = encodeImaAdpcm(input.subarray(320), first.state);
    const out1 = decodeImaAdpcm(first.payload);
    const out2 = decodeImaAdpcm(second.payload);
    expect(out1[319]).toBe(first.state.predictor);
    expect(snrDb(input.subarray(320), out2)).toBeGreaterThan(20);
    expect(snrDb(input.subarray(0, 320), out1, 80)).toBeGreaterThan(20);
  });

  it('[UDP-3.7] clamps at full scale without wrapping', () => {
    const square = Int16Array.from({ length: 64 }, (_, i) => (i % 16 < 8 ? 32767 : -32768));
    const out = decodeImaAdpcm(encodeImaAdpcm(square, { predictor: 32000, stepIndex: 88 }).payload);
    expect(Math.max(...out)).toBeLessThanOrEqual(32767);
    expect(Math.min(...out)).toBe(-32768);
    expect(out[0]).toBe(32767);
  });

  it('decodes each frame on its own, so a lost frame does not desynchronise the next', () => {
    const input = sine(960, 8000, 50);
    let state = { predictor: 0, stepIndex: 0 };
    const frames = [0, 320, 640].map((at) => {
      const r = encodeImaAdpcm(input.subarray(at, at + 320), state);
      state = r.state;
      return r.payload;
    });
    const third = decodeImaAdpcm(frames[2] as Uint8Array);
    expect(snrDb(input.subarray(640), third)).toBeGreaterThan(20);
  });

  it('rejects bad input with JARVIS_PROTO_BAD_LENGTH or JARVIS_PROTO_BAD_ADPCM', () => {
    expect(codeOf(() => encodeImaAdpcm(new Int16Array(3)))).toBe('JARVIS_PROTO_BAD_LENGTH');
    expect(codeOf(() => encodeImaAdpcm(new Int16Array(0)))).toBe('JARVIS_PROTO_BAD_LENGTH');
    expect(codeOf(() => encodeImaAdpcm(new Int16Array(2), { predictor: 40000, stepIndex: 0 }))).toBe('JARVIS_PROTO_BAD_ADPCM');
    expect(codeOf(() => encodeImaAdpcm(new Int16Array(2), { predictor: 0, stepIndex: 89 }))).toBe('JARVIS_PROTO_BAD_ADPCM');
    expect(codeOf(() => encodeImaAdpcm(new Int16Array(2), { predictor: 0.5, stepIndex: 1 }))).toBe('JARVIS_PROTO_BAD_ADPCM');
    expect(codeOf(() => decodeImaAdpcm(new Uint8Array(4)))).toBe('JARVIS_PROTO_BAD_ADPCM');
    expect(codeOf(() => decodeImaAdpcm(Uint8Array.from([0, 0, 89, 0, 0])))).toBe('JARVIS_PROTO_BAD_ADPCM');
    expect(codeOf(() => decodeImaAdpcm(Uint8Array.from([0, 0, 0, 1, 0])))).toBe('JARVIS_PROTO_BAD_ADPCM');
  });
});
