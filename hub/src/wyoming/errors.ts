/** Errors of the Wyoming part (hub/ERRORS.md "Wyoming"). */

import { CodedError, type ErrorFault } from '../core/index.js';

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

/** Whose fault each code is (core/errors.ts): the peer's, the config's, or a recogniser/voice/satellite's. */
const WYOMING_ERROR_FAULTS: Record<WyomingErrorCode, ErrorFault> = {
  JARVIS_WYOMING_BAD_ORDER: 'input',
  JARVIS_WYOMING_UNSUPPORTED: 'input',
  JARVIS_WYOMING_STT_FAILED: 'upstream',
  JARVIS_WYOMING_HANDLE_FAILED: 'internal',
  JARVIS_WYOMING_NO_WAKE: 'input',
  JARVIS_WYOMING_REFUSED: 'input',
  JARVIS_WYOMING_BAD_CONFIG: 'config',
  JARVIS_WYOMING_TTS_FAILED: 'upstream',
  JARVIS_WYOMING_SATELLITE_LOST: 'upstream',
  JARVIS_WYOMING_BAD_ADDRESS: 'config',
  JARVIS_WYOMING_TOO_LONG: 'input',
};

/** A Wyoming-side failure with a stable code (sent to the peer in an `error` event where there is one). */
export class WyomingError extends CodedError<WyomingErrorCode> {
  readonly fault: ErrorFault;

  constructor(code: WyomingErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'WyomingError';
    this.fault = WYOMING_ERROR_FAULTS[code];
  }
}
