/**
 * Wire constants of the UDP audio datagram (SPEC.md §2). This file is the single source the firmware's
 * C header is generated from (`jarvis-wearable gen-header`), so it holds plain literals only.
 */

/** First two bytes of every datagram: ASCII "JV". [UDP-2.1] */
export const AUDIO_MAGIC = 0x564a; // bytes 0x4a 0x56 read as little-endian u16
/**
 * Datagram format version this code speaks. [UDP-2.2] Version 2 made `stream_id` the device's boot
 * counter [UDP-2.10]; version 1 (a random stream id) is refused so its recordings cannot be replayed.
 */
export const AUDIO_VERSION = 2;
/** Fixed header length in bytes. [UDP-2.3] */
export const AUDIO_HEADER_BYTES = 32;
/** Length of the truncated HMAC-SHA256 tag in bytes. [UDP-4.2] */
export const AUDIO_TAG_BYTES = 16;
/** Largest datagram a sender may emit or a receiver accepts, in bytes. [UDP-2.4] */
export const AUDIO_MAX_DATAGRAM_BYTES = 1400;
/** Largest payload: the maximum datagram less header and tag. */
export const AUDIO_MAX_PAYLOAD_BYTES = AUDIO_MAX_DATAGRAM_BYTES - AUDIO_HEADER_BYTES - AUDIO_TAG_BYTES;
/** Largest boot counter; a device that reaches it must stop streaming until its key is rotated. [UDP-2.16] */
export const BOOT_COUNTER_MAX = 0xffffffff;
/** Length of a device's UDP authentication key in bytes. [UDP-4.1] */
export const DEVICE_KEY_BYTES = 32;

/** Message types. [UDP-2.5] */
export const MessageType = {
  /** Audio samples. */
  AUDIO: 1,
  /** No audio: tells the hub the device is alive and carries its flags (used while muted). */
  KEEPALIVE: 2,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Flag bits (u16). Undefined bits must be zero. [UDP-2.6] */
export const FrameFlag = {
  MUTED: 0x0001,
  SPEECH: 0x0002,
  PTT: 0x0004,
  WAKE: 0x0008,
  END: 0x0010,
} as const;
export type FrameFlag = (typeof FrameFlag)[keyof typeof FrameFlag];
/** Union of all defined flag bits. */
export const FRAME_FLAGS_MASK = 0x001f;

/** Payload codecs. [UDP-3.1] */
export const Codec = {
  /** No payload (KEEPALIVE, or a muted AUDIO frame). */
  NONE: 0,
  /** Signed 16-bit little-endian mono PCM. */
  PCM16LE: 1,
  /** IMA-ADPCM, 4-bit, mono, self-contained blocks (SPEC.md §3.3). */
  IMA_ADPCM: 2,
} as const;
export type Codec = (typeof Codec)[keyof typeof Codec];

/** Sample rates a sender may use, in Hz. [UDP-2.8] */
export const SAMPLE_RATES = [8000, 16000, 24000, 32000, 44100, 48000] as const;

/** Bytes of the per-frame IMA-ADPCM block header (predictor i16, step index u8, reserved u8). [UDP-3.3] */
export const ADPCM_BLOCK_HEADER_BYTES = 4;
/** Largest valid IMA-ADPCM step index. */
export const ADPCM_MAX_STEP_INDEX = 88;
