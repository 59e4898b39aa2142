import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { WorkerError } from './errors.js';
import { createLlmGenerateHandler } from './handlers/llm-generate.js';
import { createSttTranscribeHandler, type SttProgress } from './handlers/stt-transcribe.js';
import type { TaskHandler } from './task-handler.js';

export type { TaskContext, TaskHandler, HandlerPlugin } from './task-handler.js';

/** `echo`: returns its payload; for tests and smoke checks. */
export const echoHandler: TaskHandler = async (ctx) => ctx.payload;

/** `sleep`: waits `{ ms }` (at most 10 minutes) unless cancelled; returns `{ sleptMs }`. */
export const sleepHandler: TaskHandler = async (ctx) => {
  const ms = (ctx.payload as { ms?: unknown } | null)?.ms;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 600_000) {
    throw new WorkerError('JARVIS_WORKER_BAD_PAYLOAD', 'sleep needs {"ms": 0..600000}', false);
  }
  await delay(ms, undefined, { signal: ctx.signal });
  return { sleptMs: ms };
};

/** Settings of {@link builtinHandlers}. */
export interface BuiltinHandlerOptions {
  /** GGUF (llm.generate) and ggml whisper (stt.transcribe) models. */
  modelsDir?: string | undefined;
  /** The only directory stt.transcribe reads `audio.path` from; without it only inline WAVs are taken. */
  audioDir?: string | undefined;
  /** Called after each chunk of an stt.transcribe task. */
  onSttProgress?: (progress: SttProgress) => void;
}

/** The handlers every worker has; `llm.generate` and `stt.transcribe` take their models from `modelsDir`. */
export function builtinHandlers(options: BuiltinHandlerOptions = {}): Map<string, TaskHandler> {
  return new Map<string, TaskHandler>([
    ['echo', echoHandler],
    ['sleep', sleepHandler],
    ['llm.generate', createLlmGenerateHandler({ modelsDir: options.modelsDir })],
    ['stt.transcribe', createSttTranscribeHandler({ modelsDir: options.modelsDir, audioDir: options.audioDir, ...(options.onSttProgress ? { onProgress: options.onSttProgress } : {}) })],
  ]);
}

/** Loads a plugin module by path and returns its handlers; throws JARVIS_WORKER_BAD_PLUGIN. */
export async function loadPlugin(path: string): Promise<Map<string, TaskHandler>> {
  const url = pathToFileURL(isAbsolute(path) ? path : resolve(path)).href;
  let mod: { handlers?: unknown; default?: { handlers?: unknown } };
  try {
    mod = (await import(url)) as typeof mod;
  } catch (err) {
    throw new WorkerError('JARVIS_WORKER_BAD_PLUGIN', `cannot load plugin ${path}: ${(err as Error).message}`);
  }
  const handlers = mod.handlers ?? mod.default?.handlers;
  if (!handlers || typeof handlers !== 'object') throw new WorkerError('JARVIS_WORKER_BAD_PLUGIN', `plugin ${path} exports no "handlers" object`);
  const out = new Map<string, TaskHandler>();
  for (const [type, fn] of Object.entries(handlers)) {
    if (!/^[a-z][a-z0-9_.-]{0,63}$/.test(type)) throw new WorkerError('JARVIS_WORKER_BAD_PLUGIN', `plugin ${path}: "${type}" is not a valid task type`);
    if (typeof fn !== 'function') throw new WorkerError('JARVIS_WORKER_BAD_PLUGIN', `plugin ${path}: handler "${type}" is not a function`);
    out.set(type, fn as TaskHandler);
  }
  return out;
}
