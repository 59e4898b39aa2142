/**
 * Generates the golden vectors in `protocol/vectors/` (format: `protocol/vectors/README.md`).
 * Run `npx tsx protocol/scripts/make-vectors.ts` after a deliberate wire change; a test regenerates them
 * in memory and fails on any difference from the committed files.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AUDIO_MAX_PAYLOAD_BYTES,
  BOOT_COUNTER_MAX,
  Codec,
  FrameFlag,
  MessageType,
  ProtocolError,
  advanceBootCounter,
  decodeAudioFrame,
  deviceKeyId,
  decodeImaAdpcm,
  decodePayload,
  encodeAudioFrame,
  encodeImaAdpcm,
  encodePcm16,
  encodeSignedAudioFrame,
  parseTopic,
  signAudioFrame,
  verifyAudioFrame,
  type AdpcmState,
  type AudioFrameInput,
  type BootCounterState,
  type DeviceTopic,
} from '../src/index.js';
import { audioFrameFixture } from '../test/helpers.js';

/** One vector file: its path below `protocol/vectors/` and its JSON content. */
export interface VectorFile {
  path: string;
  content: Record<string, unknown>;
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const KEY2 = Uint8Array.from({ length: 32 }, (_, i) => 0xff - i * 7);

/** A deterministic test tone: a sum of two sines, optionally with a full-scale offset. */
function tone(n: number, rate: number, amplitude = 9000): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => {
    const t = i / rate;
    return Math.round(amplitude * Math.sin(2 * Math.PI * 440 * t) + (amplitude / 3) * Math.sin(2 * Math.PI * 1750 * t));
  });
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
  throw new Error('expected a ProtocolError');
}

function adpcmPayload(samples: Int16Array, state?: AdpcmState): Uint8Array {
  return encodeImaAdpcm(samples, state).payload;
}

// ---------------------------------------------------------------------------------------------------
// audio-frame

const base: AudioFrameInput = audioFrameFixture(encodePcm16(tone(320, 16000)));

const noPayload = { codec: Codec.NONE, payload: new Uint8Array(0) } as const;
const smallPcm = encodePcm16(tone(16, 16000));

const positiveFrames: [string, AudioFrameInput, Uint8Array?][] = [
  ['pcm16-16k-20ms', base],
  ['adpcm-16k-20ms', { ...base, codec: Codec.IMA_ADPCM, payload: adpcmPayload(tone(320, 16000)) }],
  ['keepalive-muted', { ...base, type: MessageType.KEEPALIVE, flags: FrameFlag.MUTED, ...noPayload }],
  ['keepalive-unmuted', { ...base, type: MessageType.KEEPALIVE, flags: 0, ...noPayload }],
  ['audio-none-muted', { ...base, flags: FrameFlag.MUTED, ...noPayload }],
  ['audio-muted-with-payload', { ...base, flags: FrameFlag.MUTED, payload: smallPcm }],
  ['flags-none', { ...base, flags: 0, payload: smallPcm }],
  ['flags-all', { ...base, flags: 0x1f, payload: smallPcm }],
  ['flags-ptt-wake', { ...base, flags: FrameFlag.PTT | FrameFlag.WAKE | FrameFlag.SPEECH, payload: smallPcm }],
  ['flags-end', { ...base, flags: FrameFlag.END, payload: smallPcm }],
  ['seq-max', { ...base, seq: 0xffffffff, payload: smallPcm }],
  ['seq-wrapped-zero', { ...base, seq: 0, timestamp: 2256, payload: smallPcm }],
  ['timestamp-zero', { ...base, timestamp: 0, payload: smallPcm }],
  ['timestamp-above-2p32', { ...base, timestamp: 2 ** 32 + 320, payload: smallPcm }],
  ['timestamp-max-safe', { ...base, timestamp: Number.MAX_SAFE_INTEGER, payload: smallPcm }],
  ['ids-extreme', { ...base, deviceId: 0xffffffff, streamId: 1, payload: smallPcm }],
  ['device-id-zero', { ...base, deviceId: 0, streamId: 0x80000000, payload: smallPcm }],
  ['pcm16-8k-20ms', { ...base, sampleRate: 8000, payload: encodePcm16(tone(160, 8000)) }],
  ['pcm16-24k-10ms', { ...base, sampleRate: 24000, payload: encodePcm16(tone(240, 24000)) }],
  ['pcm16-32k-10ms', { ...base, sampleRate: 32000, payload: encodePcm16(tone(320, 32000)) }],
  ['pcm16-44k1-10ms', { ...base, sampleRate: 44100, payload: encodePcm16(tone(442, 44100)) }],
  ['pcm16-48k-10ms', { ...base, sampleRate: 48000, payload: encodePcm16(tone(480, 48000)) }],
  ['adpcm-48k-20ms', { ...base, sampleRate: 48000, codec: Codec.IMA_ADPCM, payload: adpcmPayload(tone(960, 48000)) }],
  ['pcm16-max-size', { ...base, payload: encodePcm16(tone(AUDIO_MAX_PAYLOAD_BYTES / 2, 16000)) }],
  [
    'adpcm-max-size',
    { ...base, codec: Codec.IMA_ADPCM, payload: adpcmPayload(tone((AUDIO_MAX_PAYLOAD_BYTES - 4) * 2, 16000), { predictor: 0, stepIndex: 40 }) },
  ],
  ['pcm16-smallest', { ...base, payload: encodePcm16(Int16Array.from([-32768])) }],
  ['adpcm-smallest', { ...base, codec: Codec.IMA_ADPCM, payload: adpcmPayload(Int16Array.from([100, -100])) }],
  ['other-key', { ...base, payload: smallPcm }, KEY2],
];

function frameDecoded(datagram: Uint8Array): Record<string, unknown> {
  const f = decodeAudioFrame(datagram);
  return {
    version: f.version,
    type: f.type,
    deviceId: f.deviceId,
    streamId: f.streamId,
    seq: f.seq,
    timestamp: f.timestamp,
    flags: f.flags,
    codec: f.codec,
    sampleRate: f.sampleRate,
    payload: hex(f.payload),
    tag: hex(f.tag),
  };
}

/** A signed copy of `datagram` after `edit`, re-signed so that only the edited structure is wrong. */
function mutated(edit: (v: DataView, d: Uint8Array) => void, from: Uint8Array = encodeAudioFrame(base), resign = true): Uint8Array {
  const d = from.slice();
  edit(new DataView(d.buffer), d);
  if (resign && d.length >= 48 && d.length <= 1400) signAudioFrame(d, KEY);
  return d;
}

/** A header from `base` with `payload_len` and the datagram length given separately. */
function withLength(payloadLen: number, totalLen: number, from: AudioFrameInput = base): Uint8Array {
  const header = encodeAudioFrame(from).subarray(0, 32);
  const d = new Uint8Array(totalLen);
  d.set(header.subarray(0, Math.min(32, totalLen)));
  if (totalLen >= 32) new DataView(d.buffer).setUint16(30, payloadLen, true);
  if (totalLen >= 48 && totalLen <= 1400) signAudioFrame(d, KEY);
  return d;
}

const adpcmFrame = encodeAudioFrame({ ...base, codec: Codec.IMA_ADPCM, payload: adpcmPayload(tone(32, 16000)) });
const keepalive = encodeAudioFrame({ ...base, type: MessageType.KEEPALIVE, flags: FrameFlag.MUTED, ...noPayload });
const signedBase = encodeSignedAudioFrame(base, KEY);

/** Structure errors: what `decodeAudioFrame` throws (each datagram correctly signed with KEY where it can be). */
const negativeFrames: [string, Uint8Array][] = [
  ['truncated-empty', new Uint8Array(0)],
  ['truncated-header-only', signedBase.subarray(0, 32)],
  ['truncated-47-bytes', signedBase.subarray(0, 47)],
  ['truncated-payload', withLength(640, 600)],
  ['bad-magic', mutated((_, d) => (d[0] = 0x4b))],
  ['bad-magic-byte-swapped', mutated((_, d) => ((d[0] = 0x56), (d[1] = 0x4a)))],
  ['bad-version-0', mutated((_, d) => (d[2] = 0))],
  ['bad-version-3', mutated((_, d) => (d[2] = 3))],
  // A well-formed, correctly signed version-1 datagram (random stream id): refused so old recordings cannot be replayed. [UDP-2.2]
  ['bad-version-1-legacy', mutated((_, d) => (d[2] = 1))],
  ['too-large-datagram', withLength(1353, 1401)],
  ['too-large-payload-len', withLength(1353, 1400)],
  ['bad-type-0', mutated((_, d) => (d[3] = 0))],
  ['bad-type-3', mutated((_, d) => (d[3] = 3))],
  ['bad-stream-id-zero', mutated((v) => v.setUint32(8, 0, true))],
  ['bad-timestamp-2p53', mutated((v) => v.setUint32(20, 0x200000, true))],
  ['bad-timestamp-max-u64', mutated((v) => (v.setUint32(16, 0xffffffff, true), v.setUint32(20, 0xffffffff, true)))],
  ['bad-flags-0x20', mutated((v) => v.setUint16(24, 0x20, true))],
  ['bad-flags-0x8000', mutated((v) => v.setUint16(24, 0x8001, true))],
  ['bad-codec-3', mutated((_, d) => (d[26] = 3))],
  ['bad-codec-255', mutated((_, d) => (d[26] = 255))],
  ['bad-codec-keepalive-pcm16', mutated((_, d) => (d[26] = Codec.PCM16LE), keepalive)],
  ['reserved-byte-set', mutated((_, d) => (d[27] = 0x80))],
  ['bad-sample-rate-0', mutated((v) => v.setUint16(28, 0, true))],
  ['bad-sample-rate-22050', mutated((v) => v.setUint16(28, 22050, true))],
  ['bad-length-stray-bytes', withLength(638, 32 + 640 + 16)],
  ['bad-length-pcm16-odd', withLength(3, 32 + 3 + 16)],
  ['bad-length-pcm16-empty', withLength(0, 48)],
  ['bad-length-none-with-payload', withLength(2, 50, { ...base, ...noPayload })],
  ['bad-length-adpcm-header-only', withLength(4, 52, { ...base, codec: Codec.IMA_ADPCM, payload: adpcmPayload(tone(2, 16000)) })],
  ['bad-adpcm-step-index-89', mutated((_, d) => (d[34] = 89), adpcmFrame)],
  ['bad-adpcm-step-index-255', mutated((_, d) => (d[34] = 255), adpcmFrame)],
  ['bad-adpcm-reserved', mutated((_, d) => (d[35] = 1), adpcmFrame)],
];

/** Authentication errors: what `verifyAudioFrame` throws with the vector's key. */
const verifyFrames: [string, Uint8Array, Uint8Array][] = [
  ['bad-tag-unsigned', encodeAudioFrame(base), KEY],
  ['bad-tag-flipped-payload-bit', mutated((_, d) => (d[100] = (d[100] as number) ^ 0x01), signedBase, false), KEY],
  ['bad-tag-flipped-header-bit', mutated((_, d) => (d[12] = (d[12] as number) ^ 0x80), signedBase, false), KEY],
  ['bad-tag-flipped-tag-bit', mutated((_, d) => (d[d.length - 1] = (d[d.length - 1] as number) ^ 0x01), signedBase, false), KEY],
  ['bad-tag-wrong-key', signedBase, KEY2],
  ['bad-tag-truncated-tag', signedBase.subarray(0, signedBase.length - 1), KEY],
  ['bad-key-16-bytes', signedBase, KEY.subarray(0, 16)],
  ['verify-truncated', signedBase.subarray(0, 40), KEY],
  ['verify-too-large', withLength(1353, 1401), KEY],
];

function audioFrameVectors(): VectorFile[] {
  const out: VectorFile[] = [];
  for (const [name, frame, key = KEY] of positiveFrames) {
    const datagram = encodeSignedAudioFrame(frame, key);
    verifyAudioFrame(datagram, key);
    out.push({ path: `audio-frame/${name}.json`, content: { name, key: hex(key), hex: hex(datagram), decoded: frameDecoded(datagram) } });
  }
  for (const [name, datagram] of negativeFrames) {
    out.push({ path: `audio-frame/${name}.json`, content: { name, key: hex(KEY), hex: hex(datagram), error: codeOf(() => decodeAudioFrame(datagram)) } });
  }
  for (const [name, datagram, key] of verifyFrames) {
    out.push({
      path: `audio-frame/${name}.json`,
      content: { name, stage: 'verify', key: hex(key), hex: hex(datagram), error: codeOf(() => verifyAudioFrame(datagram, key)) },
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// ima-adpcm

const square = (n: number, half: number, hi: number, lo: number): Int16Array =>
  Int16Array.from({ length: n }, (_, i) => (Math.floor(i / half) % 2 === 0 ? hi : lo));

/** Samples that make the encoder emit exactly `codes` from `state` (each sample is what the decoder rebuilds for that code). */
function samplesForCodes(state: AdpcmState, codes: number[]): Int16Array {
  const steps = [7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 19, 21, 23, 25, 28, 31, 34, 37, 41, 45, 50, 55, 60, 66, 73, 80, 88, 97, 107];
  const adjust = [-1, -1, -1, -1, 2, 4, 6, 8, -1, -1, -1, -1, 2, 4, 6, 8];
  let { predictor, stepIndex } = state;
  return Int16Array.from(codes, (code) => {
    const step = steps[stepIndex] as number;
    let diff = step >> 3;
    if (code & 4) diff += step;
    if (code & 2) diff += step >> 1;
    if (code & 1) diff += step >> 2;
    predictor = code & 8 ? predictor - diff : predictor + diff;
    stepIndex = Math.min(steps.length - 1, Math.max(0, stepIndex + (adjust[code] as number)));
    return predictor;
  });
}

const positiveAdpcm: [string, Int16Array, AdpcmState][] = [
  ['silence', new Int16Array(32), { predictor: 0, stepIndex: 0 }],
  ['smallest-two-samples', Int16Array.from([100, -100]), { predictor: 0, stepIndex: 0 }],
  ['tone-16k-20ms-cold-start', tone(320, 16000), { predictor: 0, stepIndex: 0 }],
  ['tone-16k-20ms-warm-start', tone(640, 16000).subarray(320), encodeImaAdpcm(tone(320, 16000)).state],
  ['ramp-to-full-scale', Int16Array.from({ length: 64 }, (_, i) => Math.min(32767, i * i * 9)), { predictor: 0, stepIndex: 0 }],
  ['step-index-88-decay-in-silence', new Int16Array(120), { predictor: 0, stepIndex: 88 }],
  ['clip-positive-full-scale', new Int16Array(8).fill(32767), { predictor: 32000, stepIndex: 88 }],
  ['clip-negative-full-scale', new Int16Array(8).fill(-32768), { predictor: -32000, stepIndex: 88 }],
  ['clip-alternating-extremes', square(16, 1, 32767, -32768), { predictor: 32767, stepIndex: 88 }],
  ['predictor-extremes-in-header', Int16Array.from([-32768, -32768, 32767, 32767]), { predictor: -32768, stepIndex: 60 }],
  ['mixed-small-steps', Int16Array.from([0, 1, 3, 7, 20, 60, 200, 800, -800, -200, -60, -20, -7, -3, -1, 0]), { predictor: 0, stepIndex: 10 }],
  ['every-code', samplesForCodes({ predictor: 0, stepIndex: 20 }, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 15, 7, 8, 0, 3, 11, 12, 4]), { predictor: 0, stepIndex: 20 }],
  ['max-size', tone((AUDIO_MAX_PAYLOAD_BYTES - 4) * 2, 16000, 12000), { predictor: 0, stepIndex: 30 }],
];

function adpcmVectors(): VectorFile[] {
  const out: VectorFile[] = [];
  for (const [name, input, state] of positiveAdpcm) {
    const payload = encodeImaAdpcm(input, state).payload;
    const samples = decodeImaAdpcm(payload);
    // The vector format has one sample list serving as both encoder input and decoder output, so it must be a fixed point.
    if (hex(encodeImaAdpcm(samples, state).payload) !== hex(payload)) throw new Error(`ima-adpcm vector ${name} is not a fixed point`);
    out.push({ path: `ima-adpcm/${name}.json`, content: { name, hex: hex(payload), decoded: { ...state, samples: Array.from(samples) } } });
  }
  const negatives: [string, number[]][] = [
    ['empty', []],
    ['header-only', [0, 0, 0, 0]],
    ['three-bytes', [0, 0, 0]],
    ['step-index-89', [0, 0, 89, 0, 0x77]],
    ['step-index-255', [0x10, 0x20, 255, 0, 0x77]],
    ['reserved-set', [0, 0, 10, 1, 0x77]],
  ];
  for (const [name, bytes] of negatives) {
    const payload = Uint8Array.from(bytes);
    out.push({ path: `ima-adpcm/${name}.json`, content: { name, hex: hex(payload), error: codeOf(() => decodeImaAdpcm(payload)) } });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// mqtt

const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('hex');

const topicVectors: [string, string][] = [
  ['status', 'jarvis/v1/device/0000002a/status'],
  ['state-mute', 'jarvis/v1/device/0000002a/state/mute'],
  ['event-button', 'jarvis/v1/device/ffffffff/event/button'],
  ['event-wake', 'jarvis/v1/device/00000000/event/wake'],
  ['cmd-say', 'jarvis/v1/device/deadbeef/cmd/say'],
  ['cmd-led', 'jarvis/v1/device/deadbeef/cmd/led'],
  ['cmd-config', 'jarvis/v1/device/deadbeef/cmd/config'],
];
const badTopics: [string, string][] = [
  ['empty', ''],
  ['wrong-version', 'jarvis/v2/device/0000002a/status'],
  ['leading-slash', '/jarvis/v1/device/0000002a/status'],
  ['uppercase-device-id', 'jarvis/v1/device/0000002A/status'],
  ['short-device-id', 'jarvis/v1/device/2a/status'],
  ['no-topic', 'jarvis/v1/device/0000002a'],
  ['unknown-topic', 'jarvis/v1/device/0000002a/cmd/reboot'],
  ['extra-level', 'jarvis/v1/device/0000002a/status/x'],
  ['wildcard', 'jarvis/v1/device/+/status'],
];

const payloadVectors: [string, DeviceTopic, string][] = [
  ['status-online-full', 'status', '{"state":"online","kind":"wearable","firmware":"0.3.1","streamId":3735928559,"battery":81,"rssi":-58,"cpuTempC":44.5,"uptimeS":3600,"ts":1767225600000}'],
  ['status-last-will', 'status', '{"state":"offline"}'],
  ['mute-switch', 'state/mute', '{"muted":true,"source":"switch","ts":1767225600000}'],
  ['mute-unknown-field-dropped', 'state/mute', '{"muted":false,"note":"ignored"}'],
  ['button-ptt-press', 'event/button', '{"button":"ptt","action":"press"}'],
  ['wake', 'event/wake', '{"score":0.91,"phrase":"hey jarvis"}'],
  ['say', 'cmd/say', '{"text":"Timer set for ten minutes.","id":"r-17","volume":0.5}'],
  ['led-pulse', 'cmd/led', '{"pattern":"pulse","color":"#1e90ff","durationMs":2000}'],
  ['config-all', 'cmd/config', '{"vadSensitivity":0.6,"frameMs":20,"codec":"adpcm","volume":0.8,"wakeWord":true}'],
  ['config-empty', 'cmd/config', '{}'],
];
const badPayloads: [string, DeviceTopic, string][] = [
  ['not-json', 'status', '{"state":'],
  ['empty', 'status', ''],
  ['json-null', 'status', 'null'],
  ['status-missing-state', 'status', '{"battery":50}'],
  ['status-battery-over-100', 'status', '{"state":"online","battery":120}'],
  ['mute-not-boolean', 'state/mute', '{"muted":1}'],
  ['button-unknown-action', 'event/button', '{"button":"ptt","action":"double"}'],
  ['wake-score-over-1', 'event/wake', '{"score":1.2}'],
  ['say-empty-text', 'cmd/say', '{"text":""}'],
  ['led-uppercase-color', 'cmd/led', '{"pattern":"solid","color":"#FF0000"}'],
  ['config-frame-ms-30', 'cmd/config', '{"frameMs":30}'],
  ['config-array', 'cmd/config', '[]'],
];

function mqttVectors(): VectorFile[] {
  const out: VectorFile[] = [];
  for (const [name, topic] of topicVectors) {
    out.push({ path: `mqtt/topic-${name}.json`, content: { name: `topic-${name}`, kind: 'topic', text: topic, hex: utf8(topic), decoded: parseTopic(topic) } });
  }
  for (const [name, topic] of badTopics) {
    out.push({ path: `mqtt/topic-bad-${name}.json`, content: { name: `topic-bad-${name}`, kind: 'topic', text: topic, hex: utf8(topic), error: codeOf(() => parseTopic(topic)) } });
  }
  for (const [name, topic, text] of payloadVectors) {
    out.push({ path: `mqtt/payload-${name}.json`, content: { name: `payload-${name}`, kind: 'payload', topic, text, hex: utf8(text), decoded: decodePayload(topic, text) } });
  }
  for (const [name, topic, text] of badPayloads) {
    out.push({ path: `mqtt/payload-bad-${name}.json`, content: { name: `payload-bad-${name}`, kind: 'payload', topic, text, hex: utf8(text), error: codeOf(() => decodePayload(topic, text)) } });
  }
  const invalidUtf8 = Uint8Array.from([0x7b, 0x22, 0xff, 0x22, 0x7d]);
  out.push({ path: 'mqtt/payload-bad-invalid-utf8.json', content: { name: 'payload-bad-invalid-utf8', kind: 'payload', topic: 'cmd/say', hex: hex(invalidUtf8), error: codeOf(() => decodePayload('cmd/say', invalidUtf8)) } });
  const big = `{"text":"${'a'.repeat(4096)}"}`;
  out.push({ path: 'mqtt/payload-bad-too-large.json', content: { name: 'payload-bad-too-large', kind: 'payload', topic: 'cmd/say', hex: utf8(big), error: codeOf(() => decodePayload('cmd/say', big)) } });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// boot-counter [UDP-2.16]

function bootCounterVectors(): VectorFile[] {
  const id = deviceKeyId(KEY);
  const cases: [string, Uint8Array, BootCounterState | null][] = [
    ['first-boot', KEY, null],
    ['next-boot', KEY, { keyId: id, boot: 17 }],
    ['after-zero', KEY, { keyId: id, boot: 0 }],
    ['last-value', KEY, { keyId: id, boot: BOOT_COUNTER_MAX - 1 }],
    ['new-key-epoch', KEY2, { keyId: id, boot: 123456 }],
    ['exhausted-new-key', KEY2, { keyId: id, boot: BOOT_COUNTER_MAX }],
  ];
  const out: VectorFile[] = cases.map(([name, key, stored]) => ({
    path: `boot-counter/${name}.json`,
    content: { name, key: hex(key), stored, decoded: advanceBootCounter(stored ?? undefined, key) },
  }));
  out.push({
    path: 'boot-counter/bad-exhausted.json',
    content: { name: 'bad-exhausted', key: hex(KEY), stored: { keyId: id, boot: BOOT_COUNTER_MAX }, error: codeOf(() => advanceBootCounter({ keyId: id, boot: BOOT_COUNTER_MAX }, KEY)) },
  });
  out.push({
    path: 'boot-counter/bad-key-16-bytes.json',
    content: { name: 'bad-key-16-bytes', key: hex(KEY.subarray(0, 16)), stored: null, error: codeOf(() => advanceBootCounter(undefined, KEY.subarray(0, 16))) },
  });
  return out;
}

/** Every vector file, in a stable order. */
export function buildVectors(): VectorFile[] {
  return [...audioFrameVectors(), ...adpcmVectors(), ...mqttVectors(), ...bootCounterVectors()];
}

/** The committed text of a vector: two-space JSON with number arrays kept on one line, and a final newline. */
export function formatVector(content: Record<string, unknown>): string {
  return `${JSON.stringify(content, null, 2).replace(/\[\s+(-?\d[-\d,\s]*?)\s+\]/g, (_, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`)}\n`;
}

/** The folders the generator owns below `protocol/vectors/`. */
export const VECTOR_FORMATS = ['audio-frame', 'ima-adpcm', 'mqtt', 'boot-counter'] as const;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = fileURLToPath(new URL('../vectors/', import.meta.url));
  for (const format of VECTOR_FORMATS) {
    const folder = join(root, format);
    mkdirSync(folder, { recursive: true });
    for (const f of readdirSync(folder)) if (f.endsWith('.json')) rmSync(join(folder, f));
  }
  const files = buildVectors();
  for (const file of files) writeFileSync(join(root, file.path), formatVector(file.content));
  process.stdout.write(`wrote ${files.length} vectors to ${root}\n`);
}
