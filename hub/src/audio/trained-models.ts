import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenWakeWordFiles } from './wake/openwakeword.js';

/**
 * Where `jarvis models pull` puts the trained audio models inside the models directory
 * (`$JARVIS_DATA_DIR/models`): one folder per catalogue entry, holding the files extracted from its archive.
 */
export const TRAINED_MODEL_LAYOUT = {
  'hey-jarvis': { melspectrogram: 'melspectrogram.onnx', embedding: 'embedding_model.onnx', wake: 'hey_jarvis_v0.1.onnx' },
  'silero-vad': { vad: 'silero_vad_v5.onnx' },
} as const;

/** openWakeWord's "hey jarvis" files in `modelsDir`, or undefined when any is missing. */
export function pulledWakeFiles(modelsDir: string): OpenWakeWordFiles | undefined {
  const l = TRAINED_MODEL_LAYOUT['hey-jarvis'];
  const dir = join(modelsDir, 'hey-jarvis');
  const files = { melspectrogram: join(dir, l.melspectrogram), embedding: join(dir, l.embedding), wake: join(dir, l.wake) };
  return Object.values(files).every((f) => existsSync(f)) ? files : undefined;
}

/** Silero VAD v5 in `modelsDir`, or undefined. */
export function pulledSileroFile(modelsDir: string): string | undefined {
  const f = join(modelsDir, 'silero-vad', TRAINED_MODEL_LAYOUT['silero-vad'].vad);
  return existsSync(f) ? f : undefined;
}
