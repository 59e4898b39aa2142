import { join } from 'node:path';
import { findModel, loadCatalogue } from '../stt/index.js';

/** The catalogue model the router's tier 1 uses unless configured otherwise (`jarvis models pull` name). */
export const DEFAULT_LLM_MODEL = { name: 'qwen2.5-0.5b-instruct-q4_k_m', file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf' } as const;

/**
 * Where the LLM's GGUF lives: `<dataDir>/models/<file>` (DESIGN.md §6), the same folder `jarvis models pull`
 * writes to. `file` may be an absolute path to use a model kept elsewhere.
 */
export function llmModelPath(dataDir: string, file: string = DEFAULT_LLM_MODEL.file): string {
  return file.startsWith('/') ? file : join(dataDir, 'models', file);
}

/**
 * The GGUF the `llm` section names: its `path`, else the catalogue model's file in `<dataDir>/models`
 * (`catalogueFile` is `config.modelCatalogue`).
 */
export function llmModelFile(
  llm: { path?: string | undefined; model: string },
  dataDir: string,
  catalogueFile: string | undefined,
): { modelPath: string; modelName: string } {
  if (llm.path) return { modelPath: llm.path, modelName: llm.model };
  let file: string = llm.model;
  try {
    file = findModel(loadCatalogue(catalogueFile), llm.model).file;
  } catch {
    // An unknown name still gives a path; the runtime then reports the file as missing with the pull command.
  }
  return { modelPath: llmModelPath(dataDir, file), modelName: llm.model };
}
