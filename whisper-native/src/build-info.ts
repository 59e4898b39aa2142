import { existsSync, readFileSync } from 'node:fs';
import { loadWhisperAddon, whisperAddonPath } from './addon.js';
import { WhisperError } from './errors.js';

/** How the whisper addon was built (native/build.mjs writes it next to the addon). */
export interface WhisperBuildInfo {
  /** whisper.cpp release of the sources, e.g. `1.9.3`. */
  whisperCpp: string;
  /** The npm package the sources came from, e.g. `whisper.rn@0.7.4`. */
  sources: string;
  /** How the SIMD flags were chosen: auto (from /proc/cpuinfo), native (-march=native) or off. */
  simdMode: string;
  /** The vector-instruction flags passed to the compiler (`-mavx512f`, `-mavx2`, …). */
  simd: string[];
  /** `openmp` or `ggml` (ggml's own thread pool). */
  threading: string;
  /** Our changes compiled into whisper.cpp (native/build-config.cjs WHISPER_PATCHES); absent in older builds. */
  patches?: string[];
  optimization: string;
  compiler: string;
  /** Wall-clock seconds of the build. */
  buildSeconds: number;
  builtAt: string;
  /** ggml's own report of what it was compiled with (`AVX512 = 1 | OPENMP = 1 | …`). */
  systemInfo: string;
}

let cached: WhisperBuildInfo | undefined;

/** The build's flags, for `jarvis transcribe --help`, the hub's start log and `/api/v1/voice`. Throws JARVIS_WHISPER_NATIVE_MISSING. */
export function whisperBuildInfo(): WhisperBuildInfo {
  if (cached) return cached;
  const addon = loadWhisperAddon();
  const file = whisperAddonPath().replace(/\.node$/, '.json');
  if (!existsSync(file)) throw new WhisperError('JARVIS_WHISPER_NATIVE_MISSING', `${file} is missing: the addon was not built by native/build.mjs; run \`npm rebuild -w @jarvis/whisper\``);
  let recorded: Omit<WhisperBuildInfo, 'systemInfo'>;
  try {
    recorded = JSON.parse(readFileSync(file, 'utf8')) as Omit<WhisperBuildInfo, 'systemInfo'>;
  } catch (err) {
    throw new WhisperError('JARVIS_WHISPER_NATIVE_MISSING', `${file} does not parse: ${(err as Error).message}; run \`npm rebuild -w @jarvis/whisper\``, { cause: err });
  }
  cached = { ...recorded, systemInfo: addon.systemInfo().systemInfo.trim() };
  return cached;
}

/** One line: `whisper.cpp 1.9.3 (whisper.rn@0.7.4, patched: decoder-last-logits), avx512f avx512bw … avx2 fma f16c, ggml, -O3`. */
export function whisperBuildSummary(info: WhisperBuildInfo = whisperBuildInfo()): string {
  const simd = info.simd.length > 0 ? info.simd.map((f) => f.replace(/^-m(arch=)?/, '')).join(' ') : 'no SIMD flags';
  const patched = info.patches && info.patches.length > 0 ? `, patched: ${info.patches.join(' ')}` : '';
  return `whisper.cpp ${info.whisperCpp} (${info.sources}${patched}), ${simd}, ${info.threading}, ${info.optimization}`;
}
