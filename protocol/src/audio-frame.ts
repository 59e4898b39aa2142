/**
 * The UDP audio datagram (SPEC.md §2, §4): a 32-byte little-endian header, the payload and a 16-byte
 * truncated HMAC-SHA256 tag. Pure functions; no I/O. Decoders throw `ProtocolError` and nothing else.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  ADPCM_BLOCK_HEADER_BYTES,
  AUDIO_HEADER_BYTES,
  AUDIO_MAGIC,
  AUDIO_MAX_DATAGRAM_BYTES,
  AUDIO_MAX_PAYLOAD_BYTES,
  AUDIO_TAG_BYTES,
  AUDIO_VERSION,
  Codec,
  DEVICE_KEY_BYTES,
  FRAME_FLAGS_MASK,
  MessageType,
  SAMPLE_RATES,
} from './constants.js';
import { ProtocolError } from './errors.js';
import { checkImaAdpcmBlock, decodeImaAdpcm } from './ima-adpcm.js';
import { decodePcm16 } from './pcm16.js';

/** A decoded audio datagram. `payload` and `tag` are views into the decoded datagram, not copies. */
export interface AudioFrame {
  version: number;
  type: MessageType;
  /** u32 assigned at provisioning. */
  deviceId: number;
  /**
   * u32, never 0: the device's boot counter, which only grows per device and key epoch (protocol
   * version 2; SPEC [UDP-2.10]). The receiver refuses any value below the highest it has seen.
   */
  streamId: number;
  /** u32, +1 per datagram, wraps. */
  seq: number;
  /** Capture time of the first sample, in samples since stream start; a u64 carried as a number < 2^53. */
  timestamp: number;
  /** Bitwise OR of `FrameFlag` values. */
  flags: number;
  codec: Codec;
  /** Hz, one of `SAMPLE_RATES`. */
  sampleRate: number;
  payload: Uint8Array;
  /** 16 bytes; zeros until signed. */
  tag: Uint8Array;
}

/** What `encodeAudioFrame` takes: a frame whose version defaults to `AUDIO_VERSION` and tag to zeros. */
export type AudioFrameInput = Omit<AudioFrame, 'version' | 'tag'> & { version?: number; tag?: Uint8Array };

/** Smallest datagram: header and tag with an empty payload. */
export const AUDIO_MIN_DATAGRAM_BYTES = AUDIO_HEADER_BYTES + AUDIO_TAG_BYTES;

// Byte offsets of the header fields (SPEC.md §2 table).
const OFF_MAGIC = 0;
const OFF_VERSION = 2;
const OFF_TYPE = 3;
const OFF_DEVICE = 4;
const OFF_STREAM = 8;
const OFF_SEQ = 12;
const OFF_TIMESTAMP = 16;
const OFF_FLAGS = 24;
const OFF_CODEC = 26;
const OFF_RESERVED = 27;
const OFF_RATE = 28;
const OFF_LENGTH = 30;

const TWO_32 = 0x1_0000_0000;
// Timestamps travel as u64 but are handed out as JS numbers, so the high word must stay below 2^21.
const MAX_TIMESTAMP_HIGH = 0x20_0000;
const SAMPLE_RATE_SET: ReadonlySet<number> = new Set(SAMPLE_RATES);

function fail(code: ConstructorParameters<typeof ProtocolError>[0], message: string): never {
  throw new ProtocolError(code, message);
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The header fields every rule below looks at, whether read from bytes or given to the encoder. */
interface HeaderFields {
  type: number;
  streamId: number;
  /** Timestamp as a number; the decoder passes Infinity for a u64 at or above 2^53. */
  timestamp: number;
  flags: number;
  codec: number;
  reserved: number;
  sampleRate: number;
}

/**
 * Header rules of SPEC.md §2, checked in byte order. Shared by the decoder and the encoder so we never
 * emit a datagram we would reject.
 */
function checkHeader(f: HeaderFields): void {
  if (f.type !== MessageType.AUDIO && f.type !== MessageType.KEEPALIVE) {
    fail('JARVIS_PROTO_BAD_TYPE', `unknown message type ${f.type} at byte ${OFF_TYPE}`); // [UDP-2.5]
  }
  if (f.streamId === 0) fail('JARVIS_PROTO_BAD_FIELD', `stream id 0 at byte ${OFF_STREAM} is reserved`); // [UDP-2.10]
  if (!(f.timestamp <= Number.MAX_SAFE_INTEGER)) fail('JARVIS_PROTO_BAD_FIELD', `timestamp at byte ${OFF_TIMESTAMP} exceeds 2^53-1`); // [UDP-2.12]
  if ((f.flags & ~FRAME_FLAGS_MASK) !== 0) {
    fail('JARVIS_PROTO_BAD_FLAGS', `undefined flag bits 0x${(f.flags & ~FRAME_FLAGS_MASK).toString(16)} at byte ${OFF_FLAGS}`); // [UDP-2.6]
  }
  if (f.codec !== Codec.NONE && f.codec !== Codec.PCM16LE && f.codec !== Codec.IMA_ADPCM) {
    fail('JARVIS_PROTO_BAD_CODEC', `unsupported codec ${f.codec} at byte ${OFF_CODEC}`); // [UDP-3.1]
  }
  if (f.reserved !== 0) fail('JARVIS_PROTO_RESERVED', `reserved byte ${OFF_RESERVED} is ${f.reserved}, must be 0`); // [UDP-2.7]
  if (!SAMPLE_RATE_SET.has(f.sampleRate)) {
    fail('JARVIS_PROTO_BAD_SAMPLE_RATE', `unsupported sample rate ${f.sampleRate} at byte ${OFF_RATE}`); // [UDP-2.8]
  }
}

/** Rules that tie the payload to the type and codec (SPEC.md §2.3, §3), checked after the length framing. */
function checkPayload(type: number, codec: number, payload: Uint8Array): void {
  const n = payload.length;
  if (type === MessageType.KEEPALIVE && codec !== Codec.NONE) {
    fail('JARVIS_PROTO_BAD_CODEC', `KEEPALIVE must use codec NONE, got ${codec} at byte ${OFF_CODEC}`); // [UDP-2.11]
  }
  if (codec === Codec.NONE) {
    if (n !== 0) fail('JARVIS_PROTO_BAD_LENGTH', `codec NONE needs payload_len 0, got ${n} at byte ${OFF_LENGTH}`); // [UDP-3.1]
  } else if (codec === Codec.PCM16LE) {
    if (n === 0 || n % 2 !== 0) fail('JARVIS_PROTO_BAD_LENGTH', `PCM16LE payload_len ${n} at byte ${OFF_LENGTH} must be even and non-zero`); // [UDP-3.2]
  } else {
    if (n <= ADPCM_BLOCK_HEADER_BYTES) {
      fail('JARVIS_PROTO_BAD_LENGTH', `IMA-ADPCM payload_len ${n} at byte ${OFF_LENGTH} must exceed the ${ADPCM_BLOCK_HEADER_BYTES}-byte block header`); // [UDP-3.5]
    }
    checkImaAdpcmBlock(payload, AUDIO_HEADER_BYTES);
  }
}

/** Checks what every receiver checks before anything else: minimum length, magic, version, maximum length. */
function checkFraming(datagram: Uint8Array, view: DataView): void {
  if (datagram.length < AUDIO_MIN_DATAGRAM_BYTES) {
    fail('JARVIS_PROTO_TRUNCATED', `datagram of ${datagram.length} bytes is shorter than the ${AUDIO_MIN_DATAGRAM_BYTES}-byte minimum`); // [UDP-2.3]
  }
  const magic = view.getUint16(OFF_MAGIC, true);
  if (magic !== AUDIO_MAGIC) fail('JARVIS_PROTO_BAD_MAGIC', `bad magic 0x${magic.toString(16).padStart(4, '0')} at byte 0`); // [UDP-2.1]
  const version = datagram[OFF_VERSION] as number;
  if (version !== AUDIO_VERSION) fail('JARVIS_PROTO_BAD_VERSION', `unsupported version ${version} at byte ${OFF_VERSION}`); // [UDP-2.2]
  if (datagram.length > AUDIO_MAX_DATAGRAM_BYTES) {
    fail('JARVIS_PROTO_TOO_LARGE', `datagram of ${datagram.length} bytes exceeds ${AUDIO_MAX_DATAGRAM_BYTES}`); // [UDP-2.4]
  }
}

/**
 * Decodes a datagram's structure (not its tag: call `verifyAudioFrame` first). Throws `ProtocolError`
 * naming the field and byte for anything SPEC.md §2–3 forbids.
 */
export function decodeAudioFrame(datagram: Uint8Array): AudioFrame {
  const view = viewOf(datagram);
  checkFraming(datagram, view);
  const high = view.getUint32(OFF_TIMESTAMP + 4, true);
  const type = datagram[OFF_TYPE] as number;
  const codec = datagram[OFF_CODEC] as number;
  const streamId = view.getUint32(OFF_STREAM, true);
  const flags = view.getUint16(OFF_FLAGS, true);
  const sampleRate = view.getUint16(OFF_RATE, true);
  const timestamp = high >= MAX_TIMESTAMP_HIGH ? Infinity : high * TWO_32 + view.getUint32(OFF_TIMESTAMP, true);
  checkHeader({ type, streamId, timestamp, flags, codec, reserved: datagram[OFF_RESERVED] as number, sampleRate });

  const payloadLen = view.getUint16(OFF_LENGTH, true);
  if (payloadLen > AUDIO_MAX_PAYLOAD_BYTES) {
    fail('JARVIS_PROTO_TOO_LARGE', `payload_len ${payloadLen} at byte ${OFF_LENGTH} exceeds ${AUDIO_MAX_PAYLOAD_BYTES}`); // [UDP-2.4]
  }
  const expected = AUDIO_MIN_DATAGRAM_BYTES + payloadLen;
  if (expected > datagram.length) {
    fail('JARVIS_PROTO_TRUNCATED', `payload_len ${payloadLen} at byte ${OFF_LENGTH} needs ${expected} bytes, datagram has ${datagram.length}`); // [UDP-2.3]
  }
  if (expected < datagram.length) {
    fail('JARVIS_PROTO_BAD_LENGTH', `payload_len ${payloadLen} at byte ${OFF_LENGTH} leaves ${datagram.length - expected} stray bytes`); // [UDP-2.3]
  }
  const payload = datagram.subarray(AUDIO_HEADER_BYTES, AUDIO_HEADER_BYTES + payloadLen);
  checkPayload(type, codec, payload);
  return {
    version: datagram[OFF_VERSION] as number,
    type: type as MessageType,
    deviceId: view.getUint32(OFF_DEVICE, true),
    streamId,
    seq: view.getUint32(OFF_SEQ, true),
    timestamp,
    flags,
    codec: codec as Codec,
    sampleRate,
    payload,
    tag: datagram.subarray(AUDIO_HEADER_BYTES + payloadLen, expected),
  };
}

function checkUint(name: string, value: unknown, max: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    fail('JARVIS_PROTO_BAD_FIELD', `${name} ${String(value)} is not an integer in 0..${max}`);
  }
}

/**
 * Encodes a frame into a whole datagram, tag included (zeros unless `frame.tag` is given; use
 * `encodeSignedAudioFrame` to sign). Rejects any value the decoder would reject, with the same codes.
 */
export function encodeAudioFrame(frame: AudioFrameInput): Uint8Array {
  const version = frame.version ?? AUDIO_VERSION;
  if (version !== AUDIO_VERSION) fail('JARVIS_PROTO_BAD_VERSION', `unsupported version ${String(version)}`);
  checkUint('device id', frame.deviceId, 0xffffffff);
  checkUint('stream id', frame.streamId, 0xffffffff);
  checkUint('seq', frame.seq, 0xffffffff);
  checkUint('timestamp', frame.timestamp, Number.MAX_SAFE_INTEGER);
  checkUint('flags', frame.flags, 0xffff);
  checkUint('type', frame.type, 0xff);
  checkUint('codec', frame.codec, 0xff);
  checkUint('sample rate', frame.sampleRate, 0xffff);
  if (!(frame.payload instanceof Uint8Array)) fail('JARVIS_PROTO_BAD_FIELD', 'payload is not a Uint8Array');
  checkHeader({ ...frame, reserved: 0 });
  if (frame.payload.length > AUDIO_MAX_PAYLOAD_BYTES) {
    fail('JARVIS_PROTO_TOO_LARGE', `payload of ${frame.payload.length} bytes exceeds ${AUDIO_MAX_PAYLOAD_BYTES}`); // [UDP-2.4]
  }
  checkPayload(frame.type, frame.codec, frame.payload);
  if (frame.tag !== undefined && (!(frame.tag instanceof Uint8Array) || frame.tag.length !== AUDIO_TAG_BYTES)) {
    fail('JARVIS_PROTO_BAD_TAG', `tag must be ${AUDIO_TAG_BYTES} bytes`);
  }

  const n = frame.payload.length;
  const out = new Uint8Array(AUDIO_MIN_DATAGRAM_BYTES + n);
  const view = viewOf(out);
  view.setUint16(OFF_MAGIC, AUDIO_MAGIC, true);
  out[OFF_VERSION] = version;
  out[OFF_TYPE] = frame.type;
  view.setUint32(OFF_DEVICE, frame.deviceId, true);
  view.setUint32(OFF_STREAM, frame.streamId, true);
  view.setUint32(OFF_SEQ, frame.seq, true);
  view.setUint32(OFF_TIMESTAMP, frame.timestamp % TWO_32, true);
  view.setUint32(OFF_TIMESTAMP + 4, Math.floor(frame.timestamp / TWO_32), true);
  view.setUint16(OFF_FLAGS, frame.flags, true);
  out[OFF_CODEC] = frame.codec;
  out[OFF_RESERVED] = 0;
  view.setUint16(OFF_RATE, frame.sampleRate, true);
  view.setUint16(OFF_LENGTH, n, true);
  out.set(frame.payload, AUDIO_HEADER_BYTES);
  if (frame.tag) out.set(frame.tag, AUDIO_HEADER_BYTES + n);
  return out;
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== DEVICE_KEY_BYTES) {
    fail('JARVIS_PROTO_BAD_KEY', `device key must be ${DEVICE_KEY_BYTES} bytes, got ${key instanceof Uint8Array ? key.length : typeof key}`); // [UDP-4.1]
  }
}

function checkTagSpan(datagram: Uint8Array): void {
  if (datagram.length < AUDIO_MIN_DATAGRAM_BYTES) {
    fail('JARVIS_PROTO_TRUNCATED', `datagram of ${datagram.length} bytes is shorter than the ${AUDIO_MIN_DATAGRAM_BYTES}-byte minimum`);
  }
  if (datagram.length > AUDIO_MAX_DATAGRAM_BYTES) {
    fail('JARVIS_PROTO_TOO_LARGE', `datagram of ${datagram.length} bytes exceeds ${AUDIO_MAX_DATAGRAM_BYTES}`);
  }
}

/** The 16-byte tag: the first bytes of HMAC-SHA256(key, everything before the tag). [UDP-4.2] */
function computeTag(datagram: Uint8Array, key: Uint8Array): Buffer {
  return createHmac('sha256', key)
    .update(datagram.subarray(0, datagram.length - AUDIO_TAG_BYTES))
    .digest()
    .subarray(0, AUDIO_TAG_BYTES);
}

/** Writes the tag of an encoded datagram in place with the device key and returns the same buffer. [UDP-4.2] */
export function signAudioFrame(datagram: Uint8Array, key: Uint8Array): Uint8Array {
  checkKey(key);
  checkTagSpan(datagram);
  datagram.set(computeTag(datagram, key), datagram.length - AUDIO_TAG_BYTES);
  return datagram;
}

/**
 * Checks a datagram's tag against the device key in constant time; throws `JARVIS_PROTO_BAD_TAG` on a
 * mismatch. Call before `decodeAudioFrame` so unauthenticated bytes are never parsed further. [UDP-4.3]
 */
export function verifyAudioFrame(datagram: Uint8Array, key: Uint8Array): void {
  checkKey(key);
  checkTagSpan(datagram);
  const expected = computeTag(datagram, key);
  const actual = datagram.subarray(datagram.length - AUDIO_TAG_BYTES);
  if (!timingSafeEqual(expected, actual)) fail('JARVIS_PROTO_BAD_TAG', `tag at byte ${datagram.length - AUDIO_TAG_BYTES} does not match the device key`);
}

/** Encodes and signs in one step: what a sender calls per frame. [UDP-4.2] */
export function encodeSignedAudioFrame(frame: AudioFrameInput, key: Uint8Array): Uint8Array {
  checkKey(key);
  return signAudioFrame(encodeAudioFrame(frame), key);
}

/**
 * Reads the device id (bytes 4..8) after the framing checks, so a receiver can look up the key to
 * verify with before parsing anything else. [UDP-4.3]
 */
export function peekDeviceId(datagram: Uint8Array): number {
  const view = viewOf(datagram);
  checkFraming(datagram, view);
  return view.getUint32(OFF_DEVICE, true);
}

/**
 * The samples of a decoded frame as int16, whatever its codec (empty for codec NONE). Throws
 * `ProtocolError` only for frames that did not come from `decodeAudioFrame`. [UDP-3.1]
 */
export function decodeFrameSamples(frame: Pick<AudioFrame, 'codec' | 'payload'>): Int16Array {
  switch (frame.codec) {
    case Codec.NONE:
      return new Int16Array(0);
    case Codec.PCM16LE:
      return decodePcm16(frame.payload);
    case Codec.IMA_ADPCM:
      return decodeImaAdpcm(frame.payload);
    default:
      return fail('JARVIS_PROTO_BAD_CODEC', `unsupported codec ${String(frame.codec)}`);
  }
}
