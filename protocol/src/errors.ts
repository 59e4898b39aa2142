/**
 * Every stable error code a `@jarvis/protocol` decoder or encoder can throw (SPEC.md §7). Receivers
 * count and log bad input by these codes, so they never change meaning once released.
 */
export const PROTOCOL_ERROR_CODES = [
  'JARVIS_PROTO_TRUNCATED',
  'JARVIS_PROTO_BAD_MAGIC',
  'JARVIS_PROTO_BAD_VERSION',
  'JARVIS_PROTO_BAD_TYPE',
  'JARVIS_PROTO_BAD_FLAGS',
  'JARVIS_PROTO_BAD_CODEC',
  'JARVIS_PROTO_BAD_SAMPLE_RATE',
  'JARVIS_PROTO_BAD_LENGTH',
  'JARVIS_PROTO_RESERVED',
  'JARVIS_PROTO_TOO_LARGE',
  'JARVIS_PROTO_BAD_FIELD',
  'JARVIS_PROTO_BAD_TAG',
  'JARVIS_PROTO_BAD_KEY',
  'JARVIS_PROTO_BAD_ADPCM',
  'JARVIS_PROTO_BAD_TOPIC',
  'JARVIS_PROTO_BAD_PAYLOAD',
  'JARVIS_PROTO_BAD_DEVICE_ID',
  'JARVIS_PROTO_BOOT_EXHAUSTED',
  'JARVIS_PROTO_BAD_CLIENT_ID',
] as const;

/** A stable, documented protocol error code. */
export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

/**
 * Bad input on the wire (or a value that cannot be put on it): the peer's fault, not ours. The message
 * says what was wrong and where, e.g. `unsupported codec 9 at byte 26`.
 */
export class ProtocolError extends Error {
  /** Stable code for metrics, logs and tests. */
  readonly code: ProtocolErrorCode;

  constructor(code: ProtocolErrorCode, message: string) {
    super(message);
    this.name = 'ProtocolError';
    this.code = code;
  }
}

/** True when `err` is a `ProtocolError`, optionally with the given code. */
export function isProtocolError(err: unknown, code?: ProtocolErrorCode): err is ProtocolError {
  return err instanceof ProtocolError && (code === undefined || err.code === code);
}
