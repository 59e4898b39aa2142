/** Errors of the Wyoming part (hub/ERRORS.md "Wyoming"). */

/** Stable codes of the Wyoming part. */
export const WYOMING_ERROR_CODES = [
  'JARVIS_WYOMING_BAD_ORDER',
  'JARVIS_WYOMING_UNSUPPORTED',
  'JARVIS_WYOMING_STT_FAILED',
  'JARVIS_WYOMING_HANDLE_FAILED',
  'JARVIS_WYOMING_NO_WAKE',
  'JARVIS_WYOMING_REFUSED',
  'JARVIS_WYOMING_BAD_CONFIG',
  'JARVIS_WYOMING_TTS_FAILED',
  'JARVIS_WYOMING_SATELLITE_LOST',
  'JARVIS_WYOMING_BAD_ADDRESS',
  'JARVIS_WYOMING_TOO_LONG',
] as const;

/** One Wyoming error code. */
export type WyomingErrorCode = (typeof WYOMING_ERROR_CODES)[number];

/** A Wyoming-side failure with a stable code (sent to the peer in an `error` event where there is one). */
export class WyomingError extends Error {
  readonly code: WyomingErrorCode;

  constructor(code: WyomingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WyomingError';
    this.code = code;
  }
}
