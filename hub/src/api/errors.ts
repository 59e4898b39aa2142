import { CodedError, type ErrorFault } from '../core/index.js';

/** Stable codes of HTTP API errors; the body is always `{ error: { code, message } }`. */
export const API_ERROR_CODES = [
  'JARVIS_API_UNAUTHORIZED',
  'JARVIS_API_NOT_FOUND',
  'JARVIS_API_BAD_REQUEST',
  'JARVIS_API_UNSUPPORTED_MEDIA_TYPE',
  'JARVIS_API_PAYLOAD_TOO_LARGE',
  'JARVIS_API_NOT_READY',
  'JARVIS_API_INTERNAL',
  'JARVIS_API_CSRF',
  'JARVIS_API_TOO_MANY_ATTEMPTS',
  'JARVIS_API_CONFLICT',
  'JARVIS_API_UNAVAILABLE',
] as const;

/** One of {@link API_ERROR_CODES}, or a code another part registers for its routes. */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number] | (string & {});

/** An error a route throws on purpose: the handler turns it into a JSON error with this status and code. */
export class ApiError extends CodedError<ApiErrorCode> {
  /** A 4xx is the client's fault, 502–504 a dependency's, any other 5xx the hub's own. */
  readonly fault: ErrorFault;

  constructor(
    readonly statusCode: number,
    code: ApiErrorCode,
    message: string,
  ) {
    super(code, message);
    this.name = 'ApiError';
    this.fault = statusCode < 500 ? 'input' : statusCode >= 502 && statusCode <= 504 ? 'upstream' : 'internal';
  }
}
