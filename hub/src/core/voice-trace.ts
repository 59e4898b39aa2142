/**
 * The voice trace (CONVENTIONS.md 9): while a voice run's command executes, the router and the executor
 * report their decision and service calls to the run through AsyncLocalStorage.
 *
 * It lives in core/ because the stages on both sides use it: voice/ opens the trace around a run, router/
 * reports into it; neither has to import the other for it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** One Home Assistant service call as a voice run records it. */
export interface TracedCall {
  domain: string;
  service: string;
  entityIds: string[];
}

/**
 * Hooks the stages after speech-to-text call while a voice run's command executes: the router reports its
 * decision and each service call it sends and gets acknowledged. Stages that run outside a voice run (the
 * text-command API) find no trace and report nothing.
 */
export interface VoiceTrace {
  intentDecided(data: Record<string, unknown>, at: number): void;
  actionStarted(call: TracedCall, at: number): void;
  actionEnded(call: TracedCall, outcome: { ok: boolean; code?: string }, at: number): void;
}

const storage = new AsyncLocalStorage<VoiceTrace>();

/** Runs `fn` with `trace` as the current voice trace of everything it awaits. */
export function withVoiceTrace<T>(trace: VoiceTrace, fn: () => T): T {
  return storage.run(trace, fn);
}

/** The voice trace of the run whose command is executing, if any. */
export function currentVoiceTrace(): VoiceTrace | undefined {
  return storage.getStore();
}
