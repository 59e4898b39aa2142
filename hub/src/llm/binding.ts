import type { Llama } from 'node-llama-cpp';
import { LlmError } from './errors.js';

let shared: Promise<Llama> | undefined;

/**
 * The process's one llama.cpp binding, CPU build, from node-llama-cpp's prebuilt package. It is imported
 * lazily so a hub whose LLM is off never loads the native addon, and it never downloads or compiles
 * llama.cpp (`build: 'never'`, `skipDownload`): only the npm registry is reachable where Jarvis runs.
 */
export function sharedLlama(): Promise<Llama> {
  shared ??= (async () => {
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
    return getLlama({
      gpu: false,
      build: 'never',
      usePrebuiltBinaries: true,
      skipDownload: true,
      progressLogs: false,
      logLevel: LlamaLogLevel.error,
    });
  })().catch((err: unknown) => {
    shared = undefined;
    throw new LlmError('JARVIS_LLM_RUNTIME_MISSING', `node-llama-cpp could not load its prebuilt CPU binary (@node-llama-cpp/${process.platform}-${process.arch}): ${(err as Error).message}`, { cause: err });
  });
  return shared;
}
