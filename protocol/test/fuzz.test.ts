/**
 * Random bytes and bit flips into every decoder: each must return a value or throw ProtocolError —
 * never another exception, never hang. Loops are bounded and seeded so failures reproduce.
 */
import { describe, expect, it } from 'vitest';
import {
  AUDIO_VERSION,
  Codec,
  FrameFlag,
  MessageType,
  ProtocolError,
  decodeAudioFrame,
  decodeBootCounterState,
  decodeFrameSamples,
  decodeImaAdpcm,
  decodePayload,
  decodePcm16,
  encodeImaAdpcm,
  encodePayload,
  encodeSignedAudioFrame,
  parseDeviceId,
  parseMqttClientId,
  parseTopic,
  peekDeviceId,
  topicFor,
  verifyAudioFrame,
  DEVICE_TOPICS,
} from '../src/index.js';
import { KEY, onlyProtocolErrors, rng } from './helpers.js';


const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function randomBytes(next: () => number, max: number): Uint8Array {
  const out = new Uint8Array(Math.floor(next() * (max + 1)));
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(next() * 256);
  return out;
}

const samples = Int16Array.from({ length: 320 }, (_, i) => Math.round(9000 * Math.sin(i / 3)));
const pcmDatagram = encodeSignedAudioFrame(
  { type: MessageType.AUDIO, deviceId: 42, streamId: 99, seq: 1, timestamp: 320, flags: FrameFlag.SPEECH, codec: Codec.PCM16LE, sampleRate: 16000, payload: new Uint8Array(samples.buffer) },
  KEY,
);
const adpcmDatagram = encodeSignedAudioFrame(
  { type: MessageType.AUDIO, deviceId: 42, streamId: 99, seq: 2, timestamp: 640, flags: 0, codec: Codec.IMA_ADPCM, sampleRate: 16000, payload: encodeImaAdpcm(samples).payload },
  KEY,
);

function decodeDatagramFully(d: Uint8Array): void {
  peekDeviceId(d);
  decodeFrameSamples(decodeAudioFrame(d));
}

describe('random bytes into every decoder throw only ProtocolError', () => {
  it('decodeAudioFrame, peekDeviceId, verifyAudioFrame', () => {
    const next = rng(0x5eed);
    const outcomes = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const d = randomBytes(next, 1500);
      // Half the inputs get a valid magic and version so the fuzz reaches past the first checks.
      if (i % 2 === 0 && d.length >= 3) d.set([0x4a, 0x56, AUDIO_VERSION]);
      outcomes.add(onlyProtocolErrors(() => decodeDatagramFully(d), () => toHex(d)));
      onlyProtocolErrors(() => verifyAudioFrame(d, KEY), () => toHex(d));
    }
    expect(outcomes.has('error')).toBe(true);
  });

  it('random headers with a consistent length reach every structural rule', () => {
    const next = rng(42);
    const codes = new Set<string>();
    let accepted = 0;
    for (let i = 0; i < 4000; i++) {
      const n = Math.floor(next() * 40);
      const d = new Uint8Array(48 + n);
      for (let j = 3; j < 32; j++) d[j] = next() < 0.5 ? 0 : Math.floor(next() * 256);
      d.set([0x4a, 0x56, AUDIO_VERSION]);
      const view = new DataView(d.buffer);
      if (next() < 0.7) view.setUint16(30, n, true);
      if (next() < 0.5) view.setUint16(28, 16000, true);
      if (next() < 0.5) d[3] = 1 + Math.floor(next() * 2);
      if (next() < 0.5) d[26] = Math.floor(next() * 3);
      if (next() < 0.5) view.setUint16(24, Math.floor(next() * 32), true);
      if (next() < 0.5) d[27] = 0;
      if (next() < 0.5) view.setUint32(20, 0, true);
      try {
        decodeDatagramFully(d);
        accepted++;
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw new Error(`non-ProtocolError for ${toHex(d)}`, { cause: err });
        codes.add(err.code);
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect(codes.size).toBeGreaterThanOrEqual(8);
  });

  it('decodeImaAdpcm and decodePcm16', () => {
    const next = rng(7);
    for (let i = 0; i < 2000; i++) {
      const p = randomBytes(next, 400);
      if (i % 2 === 0 && p.length > 3) {
        p[2] = p[2]! % 89;
        p[3] = 0;
      }
      const out = onlyProtocolErrors(() => {
        const s = decodeImaAdpcm(p);
        if (s.length !== (p.length - 4) * 2) throw new Error('wrong sample count');
      }, () => toHex(p));
      if (i % 2 === 0 && p.length > 4) expect(out).toBe('ok');
      onlyProtocolErrors(() => decodePcm16(p), () => toHex(p));
    }
  });

  it('parseTopic, parseDeviceId and decodePayload', () => {
    const next = rng(99);
    const alphabet = 'jarvis/v1/device/0123456789abcdefABCDEF+#$/ \u0000\u00e9';
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(next() * 48);
      let text = i % 3 === 0 ? 'jarvis/v1/device/' : '';
      for (let j = 0; j < len; j++) text += alphabet[Math.floor(next() * alphabet.length)];
      onlyProtocolErrors(() => parseTopic(text), () => JSON.stringify(text));
      onlyProtocolErrors(() => parseDeviceId(text.slice(-8)), () => JSON.stringify(text));
      const bytes = randomBytes(next, 64);
      const topic = DEVICE_TOPICS[i % DEVICE_TOPICS.length]!;
      onlyProtocolErrors(() => decodePayload(topic, bytes), () => toHex(bytes));
    }
  });

  it('parseMqttClientId and decodeBootCounterState [MQTT-6.9] [UDP-2.16]', () => {
    const next = rng(4242);
    const alphabet = 'jarvis-0123456789abcdefA-{}":,boot keyId\u0000';
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(next() * 40);
      let text = i % 2 === 0 ? 'jarvis-0000002a-' : i % 3 === 0 ? '{"keyId":"' : '';
      for (let j = 0; j < len; j++) text += alphabet[Math.floor(next() * alphabet.length)];
      if (onlyProtocolErrors(() => parseMqttClientId(text), () => JSON.stringify(text)) === 'ok') parsed++;
      onlyProtocolErrors(() => decodeBootCounterState(text), () => JSON.stringify(text));
      onlyProtocolErrors(() => decodeBootCounterState(`{"keyId":"${'a'.repeat(16)}","boot":${text}}`), () => JSON.stringify(text));
    }
    expect(parsed).toBeGreaterThan(0);
  });

  it('JSON-shaped garbage into decodePayload', () => {
    const next = rng(1234);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
    const values: unknown[] = [null, true, 0, -1, 1e308, 0.5, 101, '', 'x', '#ffffff', [], {}, 'online', 'ptt', 'press', 20];
    const keys = ['state', 'muted', 'button', 'action', 'score', 'text', 'pattern', 'color', 'frameMs', 'codec', 'battery', '__proto__', 'constructor'];
    for (let i = 0; i < 2000; i++) {
      const obj: Record<string, unknown> = {};
      const n = Math.floor(next() * 5);
      for (let j = 0; j < n; j++) obj[pick(keys)] = pick(values);
      const text = JSON.stringify(obj);
      onlyProtocolErrors(() => decodePayload(pick(DEVICE_TOPICS), text), () => text);
    }
  });
});

describe('bit flips in valid inputs throw only ProtocolError', () => {
  for (const [name, datagram] of [['PCM16', pcmDatagram], ['IMA-ADPCM', adpcmDatagram]] as const) {
    it(`every single-bit flip of a signed ${name} datagram fails verification with BAD_TAG`, () => {
      for (let bit = 0; bit < datagram.length * 8; bit++) {
        const d = datagram.slice();
        d[bit >> 3] = (d[bit >> 3] as number) ^ (1 << (bit & 7));
        let code = '';
        try {
          verifyAudioFrame(d, KEY);
        } catch (err) {
          if (!(err instanceof ProtocolError)) throw err;
          code = err.code;
        }
        expect(code, `bit ${bit}`).toBe('JARVIS_PROTO_BAD_TAG');
        onlyProtocolErrors(() => decodeDatagramFully(d), () => `bit ${bit}`);
      }
    });
  }

  it('bit flips in an IMA-ADPCM payload decode or throw ProtocolError', () => {
    const payload = encodeImaAdpcm(samples).payload;
    for (let bit = 0; bit < payload.length * 8; bit++) {
      const p = payload.slice();
      p[bit >> 3] = (p[bit >> 3] as number) ^ (1 << (bit & 7));
      onlyProtocolErrors(() => decodeImaAdpcm(p), () => `bit ${bit}`);
    }
  });

  it('bit flips in topics and payloads throw only ProtocolError', () => {
    const topic = topicFor('0000002a', 'state/mute');
    const payloads = DEVICE_TOPICS.map((t) => [t, new TextEncoder().encode(t === 'status' ? encodePayload('status', { state: 'online', battery: 50 }) : '{"muted":true,"button":"ptt","action":"press","score":0.5,"text":"hi","pattern":"off"}')] as const);
    const tb = new TextEncoder().encode(topic);
    for (let bit = 0; bit < tb.length * 8; bit++) {
      const b = tb.slice();
      b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
      const text = Buffer.from(b).toString('latin1');
      onlyProtocolErrors(() => parseTopic(text), () => text);
    }
    for (const [t, bytes] of payloads) {
      for (let bit = 0; bit < bytes.length * 8; bit++) {
        const b = bytes.slice();
        b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
        onlyProtocolErrors(() => decodePayload(t, b), () => toHex(b));
      }
    }
  });
});
