import { CodedError, type ErrorFault } from '../core/index.js';

/** Stable codes of the voice pipeline and its runs API (HTTP status in brackets where one applies). */
export const VOICE_ERROR_CODES = {
  /** [400] a `/api/v1/runs` query or parameter is malformed (the message names it). */
  JARVIS_VOICE_BAD_REQUEST: 400,
  /** [404] no run with that id in the in-memory ring buffer (it never existed or was evicted). */
  JARVIS_VOICE_RUN_NOT_FOUND: 404,
  /** A command run failed after speech-to-text in a way that is no one's spoken fault (the run's `error` event). */
  JARVIS_VOICE_COMMAND_FAILED: 500,
  /** A speech-to-text engine failed on an utterance (the run's `error` event; the engine's own code is in the message). */
  JARVIS_VOICE_STT_FAILED: 500,
} as const;

/** One of {@link VOICE_ERROR_CODES}. */
export type VoiceErrorCode = keyof typeof VOICE_ERROR_CODES;

/** An error of the voice pipeline with a stable code; `statusCode` is what the API answers. */
export class VoiceError extends CodedError<VoiceErrorCode> {
  override readonly name = 'VoiceError';
  readonly statusCode: number;
  /** A bad query or an unknown run is the client's fault; a failed engine an upstream's; a failed command the hub's. */
  readonly fault: ErrorFault;

  constructor(code: VoiceErrorCode, message: string) {
    super(code, message);
    this.statusCode = VOICE_ERROR_CODES[code];
    this.fault = code === 'JARVIS_VOICE_STT_FAILED' ? 'upstream' : this.statusCode < 500 ? 'input' : 'internal';
  }
}
