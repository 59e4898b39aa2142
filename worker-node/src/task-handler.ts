/**
 * The handler contract: what one task attempt gets and what a handler or plugin looks like. Its own module so
 * that handlers.ts (which registers the built-in handlers) and the handlers it registers both import it,
 * instead of each other.
 */
/** What a handler gets for one attempt of one task. */
export interface TaskContext {
  taskId: string;
  type: string;
  /** Parsed JSON payload. */
  payload: unknown;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the hub cancels the task, the lease is lost, or the worker stops. */
  signal: AbortSignal;
}

/** Runs one task; resolves to the JSON-serialisable result. Throw a WorkerError with `retryable=false` to fail for good. */
export type TaskHandler = (ctx: TaskContext) => Promise<unknown>;

/** A plugin module: `export const handlers = { 'my.type': async (ctx) => ... }` (or the same as default export). */
export interface HandlerPlugin {
  handlers: Record<string, TaskHandler>;
}
