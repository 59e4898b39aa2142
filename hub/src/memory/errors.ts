import { InputError } from '../core/index.js';

/** Codes of the memory part (documented in hub/ERRORS.md). */
export const MEMORY_ERROR_CODES = ['JARVIS_MEMORY_BAD_ARGUMENT', 'JARVIS_MEMORY_NOT_FOUND'] as const;

/** One memory error code. */
export type MemoryErrorCode = (typeof MEMORY_ERROR_CODES)[number];

/** A request the memory cannot take: bad input (the caller's fault) or a fact that does not exist. */
export class MemoryError extends InputError<MemoryErrorCode> {
  constructor(code: MemoryErrorCode, message: string) {
    super(code, message);
    this.name = 'MemoryError';
  }
}
