import { InputError } from '../core/index.js';

/**
 * Errors of the tasks part (CONVENTIONS.md 7). The code is stable and goes to gRPC status details,
 * HTTP error bodies and CLI output; the class name says the caller sent something we refuse.
 */

/** Every code this part raises, with what it means (a test checks each is documented here). */
export const TASK_ERROR_CODES = {
  JARVIS_TASK_BAD_REQUEST: 'a request field is missing or invalid; details name the fields',
  JARVIS_TASK_NOT_FOUND: 'no task with that id',
  JARVIS_TASK_NOT_CANCELLABLE: 'the task is already settled',
  JARVIS_TASK_IDEMPOTENCY_CONFLICT: 'the idempotency key was used for a task with a different type or payload',
  JARVIS_TOKEN_MALFORMED: 'the join token is not of the form jvt1.<ca-sha256>.<id>.<secret>',
  JARVIS_TOKEN_INVALID: 'unknown token id or wrong secret',
  JARVIS_TOKEN_EXPIRED: 'the join token has expired',
  JARVIS_TOKEN_EXHAUSTED: 'the join token has been used as many times as allowed',
  JARVIS_TOKEN_REVOKED: 'the join token was revoked',
  JARVIS_TOKEN_WRONG_HUB: "the token's CA fingerprint is not this hub's",
  JARVIS_TOKEN_NOT_FOUND: 'no join token with that id',
  JARVIS_CSR_INVALID: 'the certificate signing request does not parse or its signature is wrong',
  JARVIS_WORKER_UNAUTHENTICATED: 'the call carries no client certificate issued by this hub',
  JARVIS_WORKER_REVOKED: 'the worker was revoked',
  JARVIS_WORKER_UNKNOWN: 'the certificate names a worker this hub does not know',
  JARVIS_WORKER_NOT_FOUND: 'no worker with that id',
  JARVIS_LEASE_NOT_HELD: 'the lease is not held by the calling worker',
} as const;

/** A stable error code of the tasks part. */
export type TaskErrorCode = keyof typeof TASK_ERROR_CODES;

/** An error the caller caused (bad input, bad credentials, unknown ids). */
export class TaskError extends InputError<TaskErrorCode> {
  override readonly name = 'TaskError';
  /** Field-level problems, `path: message`, for INVALID_ARGUMENT / 400 bodies. */
  readonly details: readonly string[];

  constructor(code: TaskErrorCode, message: string, details: readonly string[] = []) {
    super(code, message);
    this.details = details;
  }
}

/** Turns zod issues into `path: message` lines. */
export function issuesToDetails(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
}
