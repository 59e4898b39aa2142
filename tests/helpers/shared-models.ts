import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tests/helpers/shared-models.ts). */
const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * The folder of the models tests and benchmarks use (never in git): `$JARVIS_SHARED_MODELS` if set (relative
 * to the repository root), else `../shared/models` next to the repository, so a clone anywhere works.
 */
export function sharedModelsDir(): string {
  const override = process.env['JARVIS_SHARED_MODELS'];
  if (override) return isAbsolute(override) ? override : resolve(REPO_ROOT, override);
  return resolve(REPO_ROOT, '..', 'shared', 'models');
}

/** The path of one shared model file, e.g. `sharedModel('for-tests-ggml-tiny.en.bin')`. */
export function sharedModel(name: string): string {
  return join(sharedModelsDir(), name);
}
