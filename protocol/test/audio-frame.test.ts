import { describe, expect, it } from 'vitest';
import {
  AUDIO_MAX_DATAGRAM_BYTES,
  AUDIO_MAX_PAYLOAD_BYTES,
  AUDIO_VERSION,
  Codec,
  FrameFlag,
  MessageType,
  decodeAudioFrame,
  decodeFrameSamples,
  encodeAudioFrame,
  encodeImaAdpcm,
  encodePcm16,
  encodeSignedAudioFrame,
  peekDeviceId,
  signAudioFrame,
  verifyAudioFrame,
  type AudioFrameInput,
} from '../src/index.js';
import { KEY, audioFrameFixture, codeOf, hex, protocolErrorOf } from './helpers.js';

const samples = Int16Array.from({ length: 320 }, (_, i) => Math.round(6000 * Math.sin(i / 4)));
const base: AudioFrameInput = audioFrameFixture(encodePcm16(samples));

/** Returns a copy of `datagram` with `fn` applied to a DataView of it. */
function patched(datagram: Uint8Array, fn: (v: DataView, d: Uint8Array) => void): Uint8Array {
  const copy = datagram.slice();
  fn(new DataView(copy.buffer), copy);
  return copy;
}

describe('[UDP-2] datagram layout', () => {
  it('encodes the header little-endian at the offsets of SPEC.md §2', () => {
    const d = encodeAudioFrame({ ...base, seq: 0x01020304, timestamp: 0x0605040302 });
    expect(hex(d.subarray(0, 32))).toBe(
      '4a5602012a000000efbeadde04030201020304050600000002000100803e8002',
    );
    expect(d.length).toBe(32 + 640 + 16);
    expect(hex(d.subarray(d.length - 16))).toBe('00'.repeat(16));
  });

  it('round-trips every field, including a wrapped seq and a timestamp near 2^53', () => {
    const frame = { ...base, seq: 0xffffffff, timestamp: Number.MAX_SAFE_INTEGER, flags: 0x1f, sampleRate: 48000 };
    const decoded = decodeAudioFrame(encodeAudioFrame(frame));
    expect({ ...decoded, payload: hex(decoded.payload), tag: hex(decoded.tag) }).toEqual({
      ...frame,
      version: 2,
      payload: hex(frame.payload),
      tag: '00'.repeat(16),
    });
  });

  it('[UDP-2.4] accepts a datagram of exactly the maximum size and rejects one byte more', () => {
    const max = encodeAudioFrame({ ...base, payload: new Uint8Array(AUDIO_MAX_PAYLOAD_BYTES) });
    expect(max.length).toBe(AUDIO_MAX_DATAGRAM_BYTES);
    expect(decodeAudioFrame(max).payload.length).toBe(AUDIO_MAX_PAYLOAD_BYTES);
    expect(codeOf(() => encodeAudioFrame({ ...base, payload: new Uint8Array(AUDIO_MAX_PAYLOAD_BYTES + 2) }))).toBe(
      'JARVIS_PROTO_TOO_LARGE',
    );
    const tooBig = new Uint8Array(AUDIO_MAX_DATAGRAM_BYTES + 1);
    tooBig.set(max);
    expect(codeOf(() => decodeAudioFrame(tooBig))).toBe('JARVIS_PROTO_TOO_LARGE');
  });

  it('[UDP-2.11] encodes a KEEPALIVE with the MUTED flag and no payload', () => {
    const d = encodeAudioFrame({ ...base, type: MessageType.KEEPALIVE, flags: FrameFlag.MUTED, codec: Codec.NONE, payload: new Uint8Array(0) });
    expect(d.length).toBe(48);
    const f = decodeAudioFrame(d);
    expect(f.type).toBe(MessageType.KEEPALIVE);
    expect(decodeFrameSamples(f)).toEqual(new Int16Array(0));
  });

  it('decodes the samples of PCM16 and IMA-ADPCM frames', () => {
    expect(decodeFrameSamples(decodeAudioFrame(encodeAudioFrame(base)))).toEqual(samples);
    const adpcm = encodeImaAdpcm(samples).payload;
    const f = decodeAudioFrame(encodeAudioFrame({ ...base, codec: Codec.IMA_ADPCM, payload: adpcm }));
    expect(decodeFrameSamples(f)).toHaveLength(320);
    expect(codeOf(() => decodeFrameSamples({ codec: 9 as Codec, payload: new Uint8Array(0) }))).toBe('JARVIS_PROTO_BAD_CODEC');
  });
});

describe('decodeAudioFrame rejects malformed datagrams with the exact code', () => {
  const good = encodeAudioFrame(base);
  const cases: [string, Uint8Array, string][] = [
    ['empty', new Uint8Array(0), 'JARVIS_PROTO_TRUNCATED'],
    ['47 bytes', good.subarray(0, 47), 'JARVIS_PROTO_TRUNCATED'],
    ['bad magic', patched(good, (_, d) => (d[0] = 0x4b)), 'JARVIS_PROTO_BAD_MAGIC'],
    ['version 1 (random stream ids, withdrawn) [UDP-2.2]', patched(good, (_, d) => (d[2] = 1)), 'JARVIS_PROTO_BAD_VERSION'],
    ['version 3', patched(good, (_, d) => (d[2] = 3)), 'JARVIS_PROTO_BAD_VERSION'],
    ['type 3', patched(good, (_, d) => (d[3] = 3)), 'JARVIS_PROTO_BAD_TYPE'],
    ['type 0', patched(good, (_, d) => (d[3] = 0)), 'JARVIS_PROTO_BAD_TYPE'],
    ['stream id 0', patched(good, (v) => v.setUint32(8, 0, true)), 'JARVIS_PROTO_BAD_FIELD'],
    ['timestamp 2^53', patched(good, (v) => v.setUint32(20, 0x200000, true)), 'JARVIS_PROTO_BAD_FIELD'],
    ['flag 0x20', patched(good, (v) => v.setUint16(24, 0x20, true)), 'JARVIS_PROTO_BAD_FLAGS'],
    ['flag 0x8000', patched(good, (v) => v.setUint16(24, 0x8000, true)), 'JARVIS_PROTO_BAD_FLAGS'],
    ['codec 9', patched(good, (_, d) => (d[26] = 9)), 'JARVIS_PROTO_BAD_CODEC'],
    ['reserved', patched(good, (_, d) => (d[27] = 1)), 'JARVIS_PROTO_RESERVED'],
    ['rate 22050', patched(good, (v) => v.setUint16(28, 22050, true)), 'JARVIS_PROTO_BAD_SAMPLE_RATE'],
    ['payload_len too big', patched(good, (v) => v.setUint16(30, 1353, true)), 'JARVIS_PROTO_TOO_LARGE'],
    ['payload_len past end', patched(good, (v) => v.setUint16(30, 642, true)), 'JARVIS_PROTO_TRUNCATED'],
    ['stray bytes', patched(good, (v) => v.setUint16(30, 638, true)), 'JARVIS_PROTO_BAD_LENGTH'],
  ];
  for (const [name, datagram, code] of cases) {
    it(`${name} → ${code}`, () => {
      const err = protocolErrorOf(() => decodeAudioFrame(datagram));
      expect(err.code).toBe(code);
      expect(err.message).toMatch(/byte|bytes/);
    });
  }

  it('says what and where: unsupported codec 9 at byte 26', () => {
    expect(protocolErrorOf(() => decodeAudioFrame(patched(good, (_, d) => (d[26] = 9)))).message).toBe(
      'unsupported codec 9 at byte 26',
    );
  });

  it('[UDP-2.11] rejects a KEEPALIVE that carries a codec', () => {
    const ka = encodeAudioFrame({ ...base, type: MessageType.KEEPALIVE, codec: Codec.NONE, payload: new Uint8Array(0) });
    expect(codeOf(() => decodeAudioFrame(patched(ka, (_, d) => (d[26] = Codec.PCM16LE))))).toBe('JARVIS_PROTO_BAD_CODEC');
  });

  it('[UDP-3.1] rejects payload lengths the codec cannot carry', () => {
    const none = encodeAudioFrame({ ...base, codec: Codec.NONE, payload: new Uint8Array(0) });
    const withPayload = new Uint8Array(50);
    withPayload.set(none.subarray(0, 32));
    new DataView(withPayload.buffer).setUint16(30, 2, true);
    expect(codeOf(() => decodeAudioFrame(withPayload))).toBe('JARVIS_PROTO_BAD_LENGTH');
    const odd = new Uint8Array(49);
    odd.set(good.subarray(0, 32));
    new DataView(odd.buffer).setUint16(30, 1, true);
    expect(codeOf(() => decodeAudioFrame(odd))).toBe('JARVIS_PROTO_BAD_LENGTH');
    const empty = new Uint8Array(48);
    empty.set(good.subarray(0, 32));
    new DataView(empty.buffer).setUint16(30, 0, true);
    expect(codeOf(() => decodeAudioFrame(empty))).toBe('JARVIS_PROTO_BAD_LENGTH');
  });

  it('[UDP-3.5] rejects a short IMA-ADPCM payload and a bad block header', () => {
    const adpcm = encodeAudioFrame({ ...base, codec: Codec.IMA_ADPCM, payload: encodeImaAdpcm(samples).payload });
    const short = new Uint8Array(52);
    short.set(adpcm.subarray(0, 36));
    new DataView(short.buffer).setUint16(30, 4, true);
    expect(codeOf(() => decodeAudioFrame(short))).toBe('JARVIS_PROTO_BAD_LENGTH');
    expect(codeOf(() => decodeAudioFrame(patched(adpcm, (_, d) => (d[34] = 89))))).toBe('JARVIS_PROTO_BAD_ADPCM');
    expect(codeOf(() => decodeAudioFrame(patched(adpcm, (_, d) => (d[35] = 1))))).toBe('JARVIS_PROTO_BAD_ADPCM');
  });
});

describe('encodeAudioFrame refuses what the decoder would refuse', () => {
  const cases: [string, Partial<AudioFrameInput> & { version?: number; tag?: Uint8Array }, string][] = [
    ['version 1', { version: 1 }, 'JARVIS_PROTO_BAD_VERSION'],
    ['version 3', { version: 3 }, 'JARVIS_PROTO_BAD_VERSION'],
    ['negative device id', { deviceId: -1 }, 'JARVIS_PROTO_BAD_FIELD'],
    ['device id 2^32', { deviceId: 2 ** 32 }, 'JARVIS_PROTO_BAD_FIELD'],
    ['fractional seq', { seq: 1.5 }, 'JARVIS_PROTO_BAD_FIELD'],
    ['stream id 0', { streamId: 0 }, 'JARVIS_PROTO_BAD_FIELD'],
    ['timestamp 2^53', { timestamp: 2 ** 53 }, 'JARVIS_PROTO_BAD_FIELD'],
    ['NaN timestamp', { timestamp: Number.NaN }, 'JARVIS_PROTO_BAD_FIELD'],
    ['unknown flag', { flags: 0x40 }, 'JARVIS_PROTO_BAD_FLAGS'],
    ['unknown type', { type: 7 as MessageType }, 'JARVIS_PROTO_BAD_TYPE'],
    ['unknown codec', { codec: 3 as Codec }, 'JARVIS_PROTO_BAD_CODEC'],
    ['rate 22050', { sampleRate: 22050 }, 'JARVIS_PROTO_BAD_SAMPLE_RATE'],
    ['short tag', { tag: new Uint8Array(8) }, 'JARVIS_PROTO_BAD_TAG'],
    ['payload not bytes', { payload: [1, 2] as unknown as Uint8Array }, 'JARVIS_PROTO_BAD_FIELD'],
    ['odd PCM16 payload', { payload: new Uint8Array(3) }, 'JARVIS_PROTO_BAD_LENGTH'],
  ];
  for (const [name, patch, code] of cases) {
    it(`${name} → ${code}`, () => {
      expect(codeOf(() => encodeAudioFrame({ ...base, ...patch }))).toBe(code);
    });
  }

  it('copies a given tag into place', () => {
    const tag = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
    expect(hex(decodeAudioFrame(encodeAudioFrame({ ...base, tag })).tag)).toBe(hex(tag));
  });
});

describe('[UDP-4] authentication tag', () => {
  it('[UDP-4.2] is the first 16 bytes of HMAC-SHA256 over everything before it', async () => {
    const { createHmac } = await import('node:crypto');
    const d = encodeSignedAudioFrame(base, KEY);
    const mac = createHmac('sha256', KEY).update(d.subarray(0, d.length - 16)).digest();
    expect(hex(d.subarray(d.length - 16))).toBe(hex(mac.subarray(0, 16)));
    expect(() => verifyAudioFrame(d, KEY)).not.toThrow();
  });

  it('signAudioFrame writes in place and returns the same buffer', () => {
    const d = encodeAudioFrame(base);
    expect(signAudioFrame(d, KEY)).toBe(d);
    expect(() => verifyAudioFrame(d, KEY)).not.toThrow();
  });

  it('[UDP-4.3] rejects a changed byte anywhere, a wrong key and a zero tag', () => {
    const d = encodeSignedAudioFrame(base, KEY);
    for (const at of [0, 4, 12, 31, 32, d.length - 17, d.length - 16, d.length - 1]) {
      expect(codeOf(() => verifyAudioFrame(patched(d, (_, b) => (b[at] = (b[at] as number) ^ 1)), KEY))).toBe('JARVIS_PROTO_BAD_TAG');
    }
    const other = KEY.map((b) => b ^ 0xff);
    expect(codeOf(() => verifyAudioFrame(d, other))).toBe('JARVIS_PROTO_BAD_TAG');
    expect(codeOf(() => verifyAudioFrame(encodeAudioFrame(base), KEY))).toBe('JARVIS_PROTO_BAD_TAG');
  });

  it('[UDP-4.1] rejects keys that are not 32 bytes', () => {
    const d = encodeAudioFrame(base);
    expect(codeOf(() => signAudioFrame(d, new Uint8Array(16)))).toBe('JARVIS_PROTO_BAD_KEY');
    expect(codeOf(() => verifyAudioFrame(d, new Uint8Array(33)))).toBe('JARVIS_PROTO_BAD_KEY');
    expect(codeOf(() => encodeSignedAudioFrame(base, 'secret' as unknown as Uint8Array))).toBe('JARVIS_PROTO_BAD_KEY');
  });

  it('rejects datagrams too short or too long to carry a tag', () => {
    expect(codeOf(() => verifyAudioFrame(new Uint8Array(47), KEY))).toBe('JARVIS_PROTO_TRUNCATED');
    expect(codeOf(() => signAudioFrame(new Uint8Array(1401), KEY))).toBe('JARVIS_PROTO_TOO_LARGE');
  });
});

describe('[UDP-4.3] peekDeviceId', () => {
  it('reads the device id without decoding the rest', () => {
    const d = encodeAudioFrame({ ...base, deviceId: 0xfedcba98 });
    expect(peekDeviceId(d)).toBe(0xfedcba98);
  });

  it('checks length, magic and version first', () => {
    const d = encodeAudioFrame(base);
    expect(codeOf(() => peekDeviceId(d.subarray(0, 20)))).toBe('JARVIS_PROTO_TRUNCATED');
    expect(codeOf(() => peekDeviceId(patched(d, (_, b) => (b[1] = 0))))).toBe('JARVIS_PROTO_BAD_MAGIC');
    expect(codeOf(() => peekDeviceId(patched(d, (_, b) => (b[2] = 9))))).toBe('JARVIS_PROTO_BAD_VERSION');
    expect(codeOf(() => peekDeviceId(new Uint8Array(2000).fill(0).map((_, i) => [0x4a, 0x56, AUDIO_VERSION][i] ?? 0)))).toBe(
      'JARVIS_PROTO_TOO_LARGE',
    );
  });

  it('works on a view into a larger buffer', () => {
    const d = encodeAudioFrame(base);
    const big = new Uint8Array(d.length + 10);
    big.set(d, 5);
    expect(peekDeviceId(big.subarray(5, 5 + d.length))).toBe(42);
    expect(decodeAudioFrame(big.subarray(5, 5 + d.length)).seq).toBe(7);
  });
});

describe('[UDP-2.14] check order', () => {
  it('reports the first failure in the documented order', () => {
    const good = encodeAudioFrame(base);
    // Bad type, flags, codec and sample rate at once: type (byte 3) is reported.
    const many = patched(good, (v, d) => {
      d[3] = 9;
      v.setUint16(24, 0x100, true);
      d[26] = 9;
      v.setUint16(28, 1, true);
    });
    expect(codeOf(() => decodeAudioFrame(many))).toBe('JARVIS_PROTO_BAD_TYPE');
    // Header fields come before the length framing.
    const rateAndLength = patched(good, (v) => {
      v.setUint16(28, 1, true);
      v.setUint16(30, 2, true);
    });
    expect(codeOf(() => decodeAudioFrame(rateAndLength))).toBe('JARVIS_PROTO_BAD_SAMPLE_RATE');
    // Version before the maximum length.
    const big = new Uint8Array(1500);
    big.set([0x4a, 0x56, 7]);
    expect(codeOf(() => decodeAudioFrame(big))).toBe('JARVIS_PROTO_BAD_VERSION');
  });
});
