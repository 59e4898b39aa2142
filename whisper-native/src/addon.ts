import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { WhisperError } from './errors.js';

/** One segment as the binding returns it: times in ms from the start of the audio passed in. */
export interface NativeSegment {
  from: number;
  to: number;
  text: string;
  /** Mean token probability (format "detail" only). */
  confidence?: number;
  lang?: string;
}

/** The binding's model object (smart-whisper's `WhisperModel`). */
export interface NativeModel {
  readonly handle: unknown;
  readonly freed: boolean;
  free(): Promise<void>;
}

/** The raw binding: smart-whisper's C++ API compiled by `native/build.mjs`. Prefer {@link WhisperModel}. */
export interface WhisperAddon {
  WhisperModel: { load(path: string, gpu: boolean): Promise<NativeModel> };
  transcribe(handle: unknown, pcm: Float32Array, params: Record<string, unknown>, done: (segments: NativeSegment[] | Error) => void, progress: (s: NativeSegment) => void): void;
}

const require = createRequire(import.meta.url);
let cached: WhisperAddon | undefined;

/** Where the compiled addon lives (the same relative path from `src/` and `dist/`). */
export function whisperAddonPath(): string {
  return fileURLToPath(new URL('../native/build/Release/jarvis_whisper.node', import.meta.url));
}

/** Loads the fast whisper addon once; throws JARVIS_WHISPER_NATIVE_MISSING naming the command that builds it. */
export function loadWhisperAddon(): WhisperAddon {
  if (cached) return cached;
  const path = whisperAddonPath();
  if (!existsSync(path)) {
    throw new WhisperError('JARVIS_WHISPER_NATIVE_MISSING', `the whisper addon is not built (${path}); run \`npm rebuild -w @jarvis/whisper\` or \`node whisper-native/native/build.mjs\``);
  }
  // smart-whisper's binding logs every buffer reallocation unless NODE_ENV is production at load time.
  const env = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  try {
    cached = require(path) as WhisperAddon;
    return cached;
  } catch (err) {
    throw new WhisperError('JARVIS_WHISPER_NATIVE_MISSING', `the whisper addon at ${path} does not load: ${(err as Error).message}`, { cause: err });
  } finally {
    if (env === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = env;
  }
}
