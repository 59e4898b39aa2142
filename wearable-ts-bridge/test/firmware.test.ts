/**
 * The firmware's C protocol library against @jarvis/protocol: compiled with gcc on the host, fed the
 * golden vectors and a seeded random signal through a line-based driver (test/firmware/driver.c).
 * gcc and libmbedtls-dev are CI requirements (`.ci/run` installs them), so their absence fails the test.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUDIO_VERSION,
  Codec,
  FrameFlag,
  MessageType,
  decodeAudioFrame,
  decodeImaAdpcm,
  encodeAudioFrame,
  encodeImaAdpcm,
  isProtocolError,
  verifyAudioFrame,
} from '@jarvis/protocol';
import type { AdpcmState, AudioFrameInput } from '@jarvis/protocol';
import { seededRng } from '../src/rng.js';
import { buildFirmwareDriver, runFirmwareDriver } from './firmware/build-driver.js';
import { VECTORS_DIR, audioFrameFromJson, loadVectors, type GoldenVector } from '../../protocol/test/vectors.js';

const vectorsDir = VECTORS_DIR;

let dir = '';
let driver = '';
const drive = (lines: readonly string[]): string[] => runFirmwareDriver(driver, lines);

const toHex = (bytes: Uint8Array): string => (bytes.length === 0 ? '-' : Buffer.from(bytes).toString('hex'));
const fromHex = (hex: string): Uint8Array => new Uint8Array(hex === '-' ? [] : Buffer.from(hex, 'hex'));
const samplesHex = (s: Int16Array): string => toHex(new Uint8Array(s.buffer, s.byteOffset, s.byteLength));
const samplesFromHex = (hex: string): Int16Array => {
  const b = fromHex(hex);
  return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

function frameCommand(f: AudioFrameInput, key: string): string {
  return ['frame', key, f.version ?? AUDIO_VERSION, f.type, f.deviceId, f.streamId, f.seq, f.timestamp, f.flags, f.codec, f.sampleRate, toHex(f.payload)].join(' ');
}

const isBurst = (i: number): boolean => Math.floor(i / 1600) % 5 === 4;

/** A seeded test signal: tones and noise, plus full-scale square bursts so the coder's clamps are exercised. */
function randomSignal(seed: number, n: number, rate: number): Int16Array {
  const rng = seededRng(seed);
  const out = new Int16Array(n);
  const f1 = 200 + rng() * 800;
  const f2 = 1000 + rng() * 3000;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    let v = 9000 * Math.sin(2 * Math.PI * f1 * t) + 4000 * Math.sin(2 * Math.PI * f2 * t) + (rng() - 0.5) * 3000;
    if (isBurst(i)) v = i % 40 < 20 ? 32767 : -32768;
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return out;
}

const KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

beforeAll(() => {
  ({ driver, dir } = buildFirmwareDriver());
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('firmware C library: golden vectors', () => {
  it('encodes every positive audio-frame vector to the same signed bytes', () => {
    const vectors = loadVectors('audio-frame').filter((v) => v.decoded);
    expect(vectors.length, `no positive vectors in ${vectorsDir}audio-frame`).toBeGreaterThan(0);
    const commands = vectors.map((v) => {
      const d = v.decoded as Record<string, number | string>;
      return frameCommand(audioFrameFromJson(d), v.key ?? '-');
    });
    const answers = drive(commands);
    vectors.forEach((v, i) => expect(answers[i], v.file).toBe(`ok ${v.hex.toLowerCase()}`));
  });

  it('encodes every positive ima-adpcm vector from its start state to the same payload, and decodes it back', () => {
    const vectors = loadVectors('ima-adpcm').filter((v) => v.decoded);
    expect(vectors.length, `no positive vectors in ${vectorsDir}ima-adpcm`).toBeGreaterThan(0);
    const commands = vectors.flatMap((v) => {
      const d = v.decoded as { predictor: number; stepIndex: number; samples: number[] };
      return [`adpcm ${d.predictor} ${d.stepIndex} ${samplesHex(Int16Array.from(d.samples))}`, `adpcm-decode ${v.hex}`];
    });
    const answers = drive(commands);
    vectors.forEach((v, i) => {
      const d = v.decoded as { samples: number[] };
      expect(answers[2 * i]?.split(' ').slice(0, 2).join(' '), v.file).toBe(`ok ${v.hex.toLowerCase()}`);
      const decoded = answers[2 * i + 1]?.split(' ') ?? [];
      expect(decoded[0], v.file).toBe('ok');
      expect(Array.from(samplesFromHex(decoded[1] ?? '-')), v.file).toEqual(d.samples);
    });
  });

  it('rejects every negative ima-adpcm vector with the code TypeScript uses', () => {
    const vectors = loadVectors('ima-adpcm').filter((v) => v.error);
    expect(vectors.length, `no negative vectors in ${vectorsDir}ima-adpcm`).toBeGreaterThan(0);
    const answers = drive(vectors.map((v) => `adpcm-decode ${v.hex.length === 0 ? '-' : v.hex}`));
    vectors.forEach((v, i) => expect(answers[i], v.file).toBe(`err ${v.error}`));
  });
});

describe('firmware C library: boot counter [UDP-2.16]', () => {
  it('advances every boot-counter vector exactly as advanceBootCounter does, and refuses the negative ones with the same code', () => {
    const vectors = loadVectors('boot-counter') as (GoldenVector & { stored: { keyId: string; boot: number } | null })[];
    expect(vectors.filter((v) => v.decoded).length, `no positive vectors in ${vectorsDir}boot-counter`).toBeGreaterThan(0);
    expect(vectors.filter((v) => v.error).length, `no negative vectors in ${vectorsDir}boot-counter`).toBeGreaterThan(0);
    const answers = drive(vectors.map((v) => `boot ${v.key} ${v.stored ? `${v.stored.keyId} ${v.stored.boot}` : '- 0'}`));
    vectors.forEach((v, i) => {
      const d = v.decoded as { keyId: string; boot: number } | undefined;
      expect(answers[i], v.file).toBe(d ? `ok ${d.keyId} ${d.boot}` : `err ${v.error}`);
    });
  });
});

describe('firmware C library: refuses what the hub would drop, with the same codes', () => {
  const base: AudioFrameInput = {
    type: MessageType.AUDIO, deviceId: 42, streamId: 7, seq: 1, timestamp: 320, flags: 0,
    codec: Codec.PCM16LE, sampleRate: 16000, payload: new Uint8Array([1, 0, 2, 0]),
  };
  const cases: Array<[string, AudioFrameInput]> = [
    ['version 1, withdrawn [UDP-2.2]', { ...base, version: 1 }],
    ['undefined flag bit', { ...base, flags: 0x40 }],
    ['stream id 0', { ...base, streamId: 0 }],
    ['timestamp beyond 2^53-1', { ...base, timestamp: 2 ** 53 }],
    ['unknown type', { ...base, type: 9 as MessageType }],
    ['unknown codec', { ...base, codec: 7 as Codec }],
    ['unsupported sample rate', { ...base, sampleRate: 11025 }],
    ['odd PCM16 payload', { ...base, payload: new Uint8Array(3) }],
    ['empty PCM16 payload', { ...base, payload: new Uint8Array(0) }],
    ['KEEPALIVE with a codec', { ...base, type: MessageType.KEEPALIVE }],
    ['codec NONE with a payload', { ...base, codec: Codec.NONE }],
    ['ADPCM payload of only a header', { ...base, codec: Codec.IMA_ADPCM, payload: new Uint8Array(4) }],
    ['ADPCM step index 89', { ...base, codec: Codec.IMA_ADPCM, payload: new Uint8Array([0, 0, 89, 0, 0]) }],
    ['ADPCM reserved byte set', { ...base, codec: Codec.IMA_ADPCM, payload: new Uint8Array([0, 0, 1, 1, 0]) }],
    ['payload over the maximum', { ...base, payload: new Uint8Array(1354) }],
  ];

  it.each(cases)('%s', (_name, frame) => {
    let tsCode = '';
    try {
      encodeAudioFrame(frame);
    } catch (err) {
      if (!isProtocolError(err)) throw err;
      tsCode = err.code;
    }
    expect(tsCode, 'the TypeScript encoder must refuse this case too').not.toBe('');
    expect(drive([frameCommand(frame, '-')])[0]).toBe(`err ${tsCode}`);
  });

  it('refuses keys that are not 32 bytes and odd or empty ADPCM sample counts', () => {
    const good = frameCommand(base, '-');
    expect(drive([good.replace(' - ', ` ${KEY.slice(0, 62)} `)])[0]).toBe('err JARVIS_PROTO_BAD_KEY');
    expect(drive(['adpcm 0 0 010002000300'])[0]).toBe('err JARVIS_PROTO_BAD_LENGTH');
    expect(drive(['adpcm 0 89 01000200'])[0]).toBe('err JARVIS_PROTO_BAD_ADPCM');
    expect(drive(['adpcm-decode 00000000'])[0]).toBe('err JARVIS_PROTO_BAD_ADPCM');
  });
});

describe('firmware C library: a seeded random signal, decoded by @jarvis/protocol', () => {
  const rate = 16000;
  const frameSamples = 320; // 20 ms
  const signal = randomSignal(20240611, rate, rate); // one second
  const key = fromHex(KEY);

  function streamFrames(codec: Codec): ReturnType<typeof decodeAudioFrame>[] {
    const out = drive([`stream ${codec} ${KEY} 42 3735928559 ${rate} ${frameSamples} ${samplesHex(signal)}`]);
    expect(out.at(-1)).toBe(`end ${rate / frameSamples}`);
    return out.slice(0, -1).map((line) => {
      const [word, hex] = line.split(' ');
      expect(word).toBe('frame');
      const datagram = fromHex(hex ?? '');
      verifyAudioFrame(datagram, key);
      return decodeAudioFrame(datagram);
    });
  }

  function checkHeaders(frames: ReturnType<typeof decodeAudioFrame>[], codec: Codec): void {
    frames.forEach((f, i) => {
      expect(f).toMatchObject({ type: MessageType.AUDIO, deviceId: 42, streamId: 3735928559, seq: i, timestamp: i * frameSamples, codec, sampleRate: rate });
      expect(f.flags).toBe(i === frames.length - 1 ? FrameFlag.END : 0);
    });
  }

  it('PCM16 frames verify, decode, and carry the signal bit-exactly', () => {
    const frames = streamFrames(Codec.PCM16LE);
    checkHeaders(frames, Codec.PCM16LE);
    const joined = Buffer.concat(frames.map((f) => f.payload));
    expect(samplesFromHex(joined.toString('hex'))).toEqual(signal);
  });

  it('ADPCM frames verify and decode; TypeScript and C decoders agree, and match the TypeScript encoder byte for byte', () => {
    const frames = streamFrames(Codec.IMA_ADPCM);
    checkHeaders(frames, Codec.IMA_ADPCM);
    const cDecoded = drive(frames.map((f) => `adpcm-decode ${toHex(f.payload)}`));
    let state: AdpcmState = { predictor: 0, stepIndex: 0 };
    let errorEnergy = 0;
    let signalEnergy = 0;
    frames.forEach((f, i) => {
      const tsSamples = decodeImaAdpcm(f.payload);
      expect(cDecoded[i]).toBe(`ok ${samplesHex(tsSamples)}`);
      const original = signal.subarray(i * frameSamples, (i + 1) * frameSamples);
      const ts = encodeImaAdpcm(original, state);
      expect(toHex(f.payload), `frame ${i}`).toBe(toHex(ts.payload));
      state = ts.state;
      tsSamples.forEach((s, j) => {
        if (isBurst(i * frameSamples + j)) return; // a full-scale square wave is beyond any 4-bit coder's slew
        errorEnergy += (s - (original[j] as number)) ** 2;
        signalEnergy += (original[j] as number) ** 2;
      });
    });
    // A broken coder (wrong nibble order, lost state) lands near 0 dB; IMA-ADPCM on this signal is well above 15.
    expect(10 * Math.log10(signalEnergy / errorEnergy)).toBeGreaterThan(15);
  });
});
