import { CodedError, type ErrorFault } from '../core/index.js';

/** Stable codes of the local LLM part (CONVENTIONS.md 7); each is documented here and checked by a test. */
export const LLM_ERROR_CODES = {
  JARVIS_LLM_OFF: 'the local LLM is off (no model file); the message names the `jarvis models pull` command that turns it on',
  JARVIS_LLM_RUNTIME_MISSING: "node-llama-cpp's prebuilt CPU binary could not be loaded (it is never downloaded or built at run time)",
  JARVIS_LLM_LOAD_FAILED: 'the GGUF file exists but llama.cpp could not load it (corrupt, truncated or not a GGUF)',
  JARVIS_LLM_NOT_STARTED: 'a call came before start() or after stop()',
  JARVIS_LLM_TIMEOUT: 'the call did not finish within its time budget (waiting in the queue counts); the runtime stays usable',
  JARVIS_LLM_ABORTED: "the caller's AbortSignal fired before the call finished",
  JARVIS_LLM_QUEUE_FULL: 'too many calls are waiting; the call was refused at once instead of piling up',
  JARVIS_LLM_BAD_REQUEST: 'a call had an empty prompt, a bad token or temperature limit, or a JSON schema the grammar builder refused',
  JARVIS_LLM_BAD_OUTPUT: 'the model output did not parse or validate against the requested schema (e.g. cut off by maxTokens)',
  JARVIS_LLM_FAILED: 'llama.cpp failed while evaluating (context overflow and the like)',
} as const;

/** One of the stable error codes of the LLM part. */
export type LlmErrorCode = keyof typeof LLM_ERROR_CODES;

/** Whose fault each code is (core/errors.ts). */
const LLM_ERROR_FAULTS: Record<LlmErrorCode, ErrorFault> = {
  JARVIS_LLM_OFF: 'config',
  JARVIS_LLM_RUNTIME_MISSING: 'upstream',
  JARVIS_LLM_LOAD_FAILED: 'upstream',
  JARVIS_LLM_NOT_STARTED: 'internal',
  JARVIS_LLM_TIMEOUT: 'upstream',
  JARVIS_LLM_ABORTED: 'input',
  JARVIS_LLM_QUEUE_FULL: 'upstream',
  JARVIS_LLM_BAD_REQUEST: 'input',
  JARVIS_LLM_BAD_OUTPUT: 'upstream',
  JARVIS_LLM_FAILED: 'upstream',
};

/** An error of the local LLM part with a stable code; the message says what and where. */
export class LlmError extends CodedError<LlmErrorCode> {
  readonly fault: ErrorFault;
  constructor(code: LlmErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, `${code}: ${message}`, options);
    this.name = 'LlmError';
    this.fault = LLM_ERROR_FAULTS[code];
  }
}

/** True when `err` is an {@link LlmError} with one of `codes` (any code when none given). */
export function isLlmError(err: unknown, ...codes: LlmErrorCode[]): err is LlmError {
  return err instanceof LlmError && (codes.length === 0 || codes.includes(err.code));
}
