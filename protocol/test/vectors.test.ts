/**
 * Golden vectors (protocol/vectors/README.md), tested three ways: decode(hex) == decoded,
 * encode(decoded) == hex, decode(encode(x)) == x; negative vectors must fail with their exact code.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  advanceBootCounter,
  decodeAudioFrame,
  decodeBootCounterState,
  encodeBootCounterState,
  decodeImaAdpcm,
  decodePayload,
  encodeAudioFrame,
  encodeImaAdpcm,
  encodePayload,
  encodeSignedAudioFrame,
  parseTopic,
  peekDeviceId,
  topicFor,
  verifyAudioFrame,
  type AudioFrame,
  type BootCounterState,
  type DeviceTopic,
} from '../src/index.js';
import { VECTOR_FORMATS, buildVectors, formatVector } from '../scripts/make-vectors.js';
import { codeOf, hex, unhex } from './helpers.js';
import { audioFrameFromJson, loadVectors, type GoldenVector, VECTORS_DIR } from './vectors.js';

const root = VECTORS_DIR;

function frameToJson(f: AudioFrame): Record<string, unknown> {
  return { ...f, payload: hex(f.payload), tag: hex(f.tag) };
}

describe('vector files', () => {
  it('are exactly what protocol/scripts/make-vectors.ts generates (run it after a deliberate change)', () => {
    const built = buildVectors();
    const expected = new Map(built.map((v) => [v.path, formatVector(v.content)]));
    const actual = new Map<string, string>();
    for (const format of VECTOR_FORMATS) {
      for (const f of readdirSync(join(root, format)).filter((n) => n.endsWith('.json'))) {
        actual.set(`${format}/${f}`, readFileSync(join(root, format, f), 'utf8'));
      }
    }
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [path, text] of expected) expect(actual.get(path), path).toBe(text);
  });

  it('have unique names matching their file names', () => {
    for (const format of VECTOR_FORMATS) {
      for (const v of loadVectors(format)) expect(`${v.name}.json`).toBe(v.file);
    }
  });

  it('the README documents every format folder', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const format of VECTOR_FORMATS) expect(readme).toContain(`## \`${format}/\``);
    expect(existsSync(join(root, 'README.md'))).toBe(true);
  });
});

describe('[UDP-2] audio-frame vectors', () => {
  const vectors = loadVectors('audio-frame');
  const positive = vectors.filter((v) => v.decoded);
  const negative = vectors.filter((v) => v.error);

  it('cover every codec, message type, flag, sample rate and the size limits', () => {
    const decoded = positive.map((v) => v.decoded as Record<string, number>);
    expect(new Set(decoded.map((d) => d['codec']))).toEqual(new Set([0, 1, 2]));
    expect(new Set(decoded.map((d) => d['type']))).toEqual(new Set([1, 2]));
    expect(new Set(decoded.map((d) => d['sampleRate']))).toEqual(new Set([8000, 16000, 24000, 32000, 44100, 48000]));
    expect(decoded.reduce((acc, d) => acc | (d['flags'] as number), 0)).toBe(0x1f);
    expect(decoded.some((d) => d['seq'] === 0xffffffff)).toBe(true);
    expect(decoded.some((d) => d['timestamp'] === Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(positive.some((v) => v.hex.length === 1400 * 2)).toBe(true);
  });

  for (const v of positive) {
    it(`${v.name}: decode(hex) == decoded, encode(decoded) == hex, decode(encode(x)) == x, tag verifies`, () => {
      const datagram = unhex(v.hex);
      const key = unhex(v.key as string);
      expect(() => verifyAudioFrame(datagram, key)).not.toThrow();
      expect(peekDeviceId(datagram)).toBe((v.decoded as Record<string, number>)['deviceId']);
      expect(frameToJson(decodeAudioFrame(datagram))).toEqual(v.decoded);
      const frame = audioFrameFromJson(v.decoded as Record<string, unknown>);
      expect(hex(encodeAudioFrame(frame))).toBe(v.hex);
      expect(hex(encodeSignedAudioFrame({ ...frame, tag: undefined }, key))).toBe(v.hex);
      expect(frameToJson(decodeAudioFrame(encodeAudioFrame(frame)))).toEqual(v.decoded);
    });
  }

  for (const v of negative) {
    const stage = v.stage === 'verify' ? 'verifyAudioFrame' : 'decodeAudioFrame';
    it(`${v.name}: ${stage} throws ${v.error}`, () => {
      const datagram = unhex(v.hex);
      const run = v.stage === 'verify' ? () => verifyAudioFrame(datagram, unhex(v.key as string)) : () => decodeAudioFrame(datagram);
      expect(codeOf(run)).toBe(v.error);
    });
  }
});

describe('[UDP-3.3] ima-adpcm vectors', () => {
  const vectors = loadVectors('ima-adpcm');
  for (const v of vectors.filter((x) => x.decoded)) {
    it(`${v.name}: decode(hex) == samples, encode(samples, state) == hex, decode(encode(x)) == x`, () => {
      const d = v.decoded as { predictor: number; stepIndex: number; samples: number[] };
      expect(Array.from(decodeImaAdpcm(unhex(v.hex)))).toEqual(d.samples);
      const encoded = encodeImaAdpcm(Int16Array.from(d.samples), { predictor: d.predictor, stepIndex: d.stepIndex }).payload;
      expect(hex(encoded)).toBe(v.hex);
      expect(Array.from(decodeImaAdpcm(encoded))).toEqual(d.samples);
    });
  }
  for (const v of vectors.filter((x) => x.error)) {
    it(`${v.name}: decodeImaAdpcm throws ${v.error}`, () => {
      expect(codeOf(() => decodeImaAdpcm(unhex(v.hex)))).toBe(v.error);
    });
  }

  it('include full-scale clipping and both step-index extremes', () => {
    const all = vectors.filter((x) => x.decoded).map((x) => x.decoded as { stepIndex: number; samples: number[] });
    expect(all.some((d) => d.samples.includes(32767))).toBe(true);
    expect(all.some((d) => d.samples.includes(-32768))).toBe(true);
    expect(all.some((d) => d.stepIndex === 88)).toBe(true);
    expect(all.some((d) => d.stepIndex === 0)).toBe(true);
  });
});

describe('[MQTT-6] mqtt vectors', () => {
  const vectors = loadVectors('mqtt');
  for (const v of vectors) {
    const bytes = unhex(v.hex);
    if (v.kind === 'topic' && v.decoded) {
      it(`${v.name}: parse(topic) == decoded, topicFor(decoded) == topic`, () => {
        const text = Buffer.from(bytes).toString('utf8');
        expect(parseTopic(text)).toEqual(v.decoded);
        const d = v.decoded as { deviceId: string; topic: DeviceTopic };
        expect(topicFor(d.deviceId, d.topic)).toBe(text);
      });
    } else if (v.kind === 'topic') {
      it(`${v.name}: parseTopic throws ${v.error}`, () => {
        expect(codeOf(() => parseTopic(Buffer.from(bytes).toString('utf8')))).toBe(v.error);
      });
    } else if (v.decoded) {
      it(`${v.name}: decode(bytes) == decoded, decode(encode(decoded)) == decoded`, () => {
        const topic = v.topic as DeviceTopic;
        expect(decodePayload(topic, bytes)).toEqual(v.decoded);
        expect(decodePayload(topic, encodePayload(topic, v.decoded as never))).toEqual(v.decoded);
      });
    } else {
      it(`${v.name}: decodePayload throws ${v.error}`, () => {
        expect(codeOf(() => decodePayload(v.topic as DeviceTopic, bytes))).toBe(v.error);
      });
    }
  }
});

describe('[UDP-2.16] boot-counter vectors', () => {
  const vectors = loadVectors('boot-counter') as (GoldenVector & { stored: BootCounterState | null })[];

  it('cover the first boot, the next boot, a new key epoch, the last value and exhaustion', () => {
    expect(vectors.filter((v) => v.decoded).length).toBeGreaterThanOrEqual(5);
    expect(vectors.some((v) => v.error === 'JARVIS_PROTO_BOOT_EXHAUSTED')).toBe(true);
  });

  for (const v of vectors) {
    const key = unhex(v.key as string);
    if (v.decoded) {
      it(`${v.name}: advanceBootCounter(stored, key) == decoded, and the state survives its stored form`, () => {
        expect(advanceBootCounter(v.stored ?? undefined, key)).toEqual(v.decoded);
        expect(decodeBootCounterState(encodeBootCounterState(v.decoded as unknown as BootCounterState))).toEqual(v.decoded);
      });
    } else {
      it(`${v.name}: advanceBootCounter throws ${v.error}`, () => {
        expect(codeOf(() => advanceBootCounter(v.stored ?? undefined, key))).toBe(v.error);
      });
    }
  }
});
