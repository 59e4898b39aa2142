/**
 * The hub's one coded error base (CONVENTIONS.md 7). Every error the hub throws on purpose is a
 * {@link CodedError}: its `code` is a typed UPPER_SNAKE field (never parsed from a message) and its class
 * says whose fault it is:
 * - {@link InputError}: what a user, a device or a client sent is wrong (bad request, bad name, bad file);
 * - {@link ConfigError}: the configuration is wrong;
 * - {@link UpstreamError}: something the hub depends on failed (Home Assistant, a model server, a native addon);
 * - {@link InternalError}: the hub's own invariant broke or a part was used in the wrong state (a bug).
 * Each part keeps its own codes (and ERRORS.md documents every one).
 */

/** Whose fault an error is. */
export type ErrorFault = 'input' | 'config' | 'upstream' | 'internal';

/** The base of every coded error of the hub. */
export abstract class CodedError<C extends string = string> extends Error {
  abstract readonly fault: ErrorFault;
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Bad input from a user, a device or a client. */
export class InputError<C extends string = string> extends CodedError<C> {
  readonly fault = 'input';
}

/** The configuration is wrong. */
export class ConfigError<C extends string = string> extends CodedError<C> {
  readonly fault = 'config';
}

/** Something the hub depends on failed. */
export class UpstreamError<C extends string = string> extends CodedError<C> {
  readonly fault = 'upstream';
}

/** Codes of {@link InternalError}s that belong to no single part. */
export const INTERNAL_ERROR_CODES = ['JARVIS_INTERNAL_NOT_STARTED', 'JARVIS_INTERNAL_INVARIANT'] as const;

/** One of {@link INTERNAL_ERROR_CODES}. */
export type InternalErrorCode = (typeof INTERNAL_ERROR_CODES)[number];

/** The hub's own invariant broke, or a part was used before it started: a bug, not the user's doing. */
export class InternalError<C extends string = InternalErrorCode> extends CodedError<C> {
  readonly fault = 'internal';
}

/** Whether `err` is a coded error of the hub (any part, any fault). */
export function isCodedError(err: unknown): err is CodedError {
  return err instanceof CodedError;
}
