import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SttError } from './errors.js';

const require = createRequire(import.meta.url);

/** Names of the addons built by `hub/native/build.mjs` (whisper's lives in @jarvis/whisper). */
export type AddonName = 'pocketsphinx';

/** Where an addon's compiled module lives (same relative path from `src/stt` and `dist/stt`). */
export function addonPath(name: AddonName): string {
  return fileURLToPath(new URL(`../../native/${name}/build/Release/jarvis_${name}.node`, import.meta.url));
}

const cache = new Map<AddonName, unknown>();

/** Loads a native addon once; throws JARVIS_STT_NATIVE_MISSING naming the command that builds it. */
export function loadAddon<T>(name: AddonName): T {
  const hit = cache.get(name);
  if (hit) return hit as T;
  const path = addonPath(name);
  if (!existsSync(path)) {
    throw new SttError('JARVIS_STT_NATIVE_MISSING', `the ${name} addon is not built (${path}); run \`npm rebuild -w hub\` or \`node hub/native/build.mjs ${name}\``);
  }
  try {
    const mod = require(path) as T;
    cache.set(name, mod);
    return mod;
  } catch (err) {
    throw new SttError('JARVIS_STT_NATIVE_MISSING', `the ${name} addon at ${path} does not load: ${(err as Error).message}`, { cause: err });
  }
}
