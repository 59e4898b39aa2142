import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sharedModel } from '../../../tests/helpers/shared-models.js';

const candidates = [
  process.env['JARVIS_TEST_MODELS_DIR'] ? `${process.env['JARVIS_TEST_MODELS_DIR']}/llama-2-tiny-random.gguf` : undefined,
  fileURLToPath(new URL('../../../../shared/models/llama-2-tiny-random.gguf', import.meta.url)),
  sharedModel('llama-2-tiny-random.gguf'),
].filter((p): p is string => p !== undefined);

/** The random-weights test GGUF (shared/models), or undefined when it is absent. */
export const TINY_LLM = candidates.find((p) => existsSync(p));

/** True when LLM tests must skip; says which file is missing once. */
export const noTinyLlm = TINY_LLM === undefined;
if (noTinyLlm) console.warn('skipping LLM model tests: llama-2-tiny-random.gguf is not in ../shared/models (or $JARVIS_TEST_MODELS_DIR)');
