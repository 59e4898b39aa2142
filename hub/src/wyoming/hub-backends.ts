/**
 * The hub's own parts as Wyoming backends: SpeechService (command recogniser first, whisper for the
 * rest) for STT and the enrolled-template wake detector for the configured wake phrase.
 */
import { existsSync } from 'node:fs';
import { DEFAULT_ENROLL_VOICES, enrollWithEspeak } from '../audio/index.js';
import type { Logger } from '../core/index.js';
import type { RaceResult } from '../stt/index.js';
import type { ArtifactInfo, WakeModelInfo, WakeSession, WyomingSttBackend, WyomingWakeBackend } from './backends.js';
import { WakeModels, dtwWakeModel } from './wake-backends.js';

/** STT through the hub's speech service; `models` as `info` lists them. */
export function speechSttBackend(speech: { command(pcm: Float32Array): Promise<RaceResult> }, engines: { grammar: boolean; whisperModel: { name: string; path: string } }): WyomingSttBackend {
  const models: ArtifactInfo[] = [];
  if (engines.grammar) {
    models.push({ name: 'jarvis-command-grammar', description: 'Jarvis command recogniser (PocketSphinx on the command language)', version: null, attribution: { name: 'CMU PocketSphinx', url: 'https://github.com/cmusphinx/pocketsphinx' }, installed: true, languages: ['en'] });
  }
  models.push({ name: engines.whisperModel.name, description: `whisper.cpp ${engines.whisperModel.name}`, version: null, attribution: { name: 'OpenAI Whisper / whisper.cpp', url: 'https://github.com/ggml-org/whisper.cpp' }, installed: existsSync(engines.whisperModel.path), languages: ['en'] });
  return {
    models: () => models,
    async transcribe(pcm) {
      const r = await speech.command(pcm);
      return { text: r.transcript.text, engine: r.transcript.engine };
    },
  };
}

/**
 * The wake phrase as enrolled templates (espeak-ng voices), made on first use so the hub starts at
 * once; `models()` lists it right away (installed once the templates exist).
 */
export function enrolledWakeBackend(phrase: string, logger: Logger): WyomingWakeBackend & { ready(): Promise<void> } {
  const name = phrase.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_');
  let models: WakeModels | undefined;
  let failed: string | undefined;
  let making: Promise<void> | undefined;
  const prepare = (): Promise<void> =>
    (making ??= enrollWithEspeak(phrase, DEFAULT_ENROLL_VOICES)
      .then((templates) => {
        models = new WakeModels([dtwWakeModel({ name, phrase }, templates)]);
      })
      .catch((err: unknown) => {
        failed = (err as Error).message;
        logger.warn({ err }, 'wyoming: wake word templates could not be made; wake detection is off');
      }));
  const info = (): WakeModelInfo => ({ name, phrase, description: `"${phrase}" (enrolled templates)`, version: null, attribution: { name: 'Jarvis', url: 'https://github.com/jarvis-hub/jarvis' }, installed: models !== undefined, languages: ['en'] });
  return {
    ready: prepare,
    prepare: () => void prepare(),
    models: () => (failed ? [] : [info()]),
    open(names, onDetection): WakeSession | undefined {
      return models?.open(names, onDetection);
    },
  };
}
