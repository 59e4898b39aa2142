import { CodedError, type ErrorFault } from '../core/index.js';

/** Stable codes of the observer and the to-do API (CONVENTIONS.md 7). */
export const OBSERVER_ERROR_CODES = {
  JARVIS_OBSERVER_BAD_TIMEZONE: 'the time zone is not a known IANA zone',
  JARVIS_OBSERVER_BAD_TIME: 'a time is not a valid ISO 8601 instant',
  JARVIS_OBSERVER_BAD_LINE: 'an input line is not `SPEAKER: text`',
  JARVIS_OBSERVER_BAD_JSON: 'an input line is not valid JSON',
  JARVIS_OBSERVER_BAD_RECORD: 'an input record lacks a field or has the wrong type',
  JARVIS_OBSERVER_BAD_SEGMENT: 'a transcript segment is malformed',
  JARVIS_OBSERVER_BAD_ARGUMENT: 'a method was called with an invalid argument',
  JARVIS_OBSERVER_BAD_WEIGHTS: 'the learned to-do stage\'s weights file is missing, unreadable or malformed',
  JARVIS_OBSERVER_TRANSCRIPT_REFUSED: 'the observer did not keep a posted transcript; `reason` says why',
  JARVIS_TODO_NOT_FOUND: 'no to-do has that id',
  JARVIS_TODO_BAD_REQUEST: 'the request body, parameters or query are invalid',
  JARVIS_TODO_BAD_TRANSITION: 'the to-do is not in a status that allows this action',
  JARVIS_TODO_HA_SYNC_FAILED: 'Home Assistant rejected or did not answer a to-do call',
} as const;

/** One of the observer's error codes. */
export type ObserverErrorCode = keyof typeof OBSERVER_ERROR_CODES;

/** An error of the observer or the to-do API, with a stable code and the HTTP status it maps to. */
export class ObserverError extends CodedError<ObserverErrorCode> {
  override readonly name = 'ObserverError';
  /** Home Assistant failing a to-do sync is upstream's fault, a bad weights file the setup's; every other code is bad input. */
  readonly fault: ErrorFault;
  constructor(
    code: ObserverErrorCode,
    message: string,
    readonly statusCode = 400,
  ) {
    super(code, message);
    this.fault = code === 'JARVIS_TODO_HA_SYNC_FAILED' ? 'upstream' : code === 'JARVIS_OBSERVER_BAD_WEIGHTS' ? 'config' : 'input';
  }
}
