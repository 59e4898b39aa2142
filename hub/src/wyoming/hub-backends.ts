/**
 * The hub's own parts as Wyoming backends: SpeechService (command recogniser first, whisper for the
 * rest) for STT and the enrolled-template wake detector for the configured wake phrase.
 */
import { existsSync } from 'node:fs';
import { DEFAULT_ENROLL_VOICES, DenoiseWorker, denoiseUtterance, enrollWithEspeak } from '../audio/index.js';
import type { Logger } from '../core/index.js';
import type { RaceResult, Transcript, TranscribeOptions } from '../stt/index.js';
import type { ArtifactInfo, WakeModelInfo, WakeSession, WyomingSttBackend, WyomingWakeBackend } from './backends.js';
import { WakeModels, dtwWakeModel } from './wake-backends.js';

/** What {@link speechSttBackend} needs of the speech service. */
export interface WyomingSpeech {
  command(pcm: Float32Array, options?: TranscribeOptions, grammarResult?: Promise<Transcript>): Promise<RaceResult>;
  probe?(pcm: Float32Array, options?: TranscribeOptions): Promise<{ transcript: Transcript } | undefined>;
}

/**
 * STT through the hub's speech service; `models` as `info` lists them. `grammarAudio` is what the command grammar
 * hears, as for a device's commands (config `stt.commandAudio`, resolved by the voice pipeline's
 * `commandAudioSource`): `denoised` gives it RNNoise's output of the utterance from a fresh state (on a denoise
 * thread of its own, off the event loop; on this thread if that fails), while whisper always gets the audio as sent.
 */
export function speechSttBackend(
  speech: WyomingSpeech,
  engines: { grammar: boolean; whisperModel: { name: string; path: string }; grammarAudio?: 'raw' | 'denoised' },
): WyomingSttBackend {
  const models: ArtifactInfo[] = [];
  if (engines.grammar) {
    models.push({ name: 'jarvis-command-grammar', description: 'Jarvis command recogniser (PocketSphinx on the command language)', version: null, attribution: { name: 'CMU PocketSphinx', url: 'https://github.com/cmusphinx/pocketsphinx' }, installed: true, languages: ['en'] });
  }
  models.push({ name: engines.whisperModel.name, description: `whisper.cpp ${engines.whisperModel.name}`, version: null, attribution: { name: 'OpenAI Whisper / whisper.cpp', url: 'https://github.com/ggml-org/whisper.cpp' }, installed: existsSync(engines.whisperModel.path), languages: ['en'] });
  let worker: DenoiseWorker | undefined;
  const denoised = engines.grammar && engines.grammarAudio === 'denoised' && speech.probe !== undefined;
  const grammarOnDenoised = async (pcm: Float32Array): Promise<Transcript> => {
    const heard = await (worker ??= new DenoiseWorker()).denoise(pcm).catch(() => denoiseUtterance(pcm));
    const probed = await speech.probe!(heard);
    if (!probed) throw new Error('the command grammar is off');
    return probed.transcript;
  };
  return {
    models: () => models,
    async transcribe(pcm) {
      const r = denoised ? await speech.command(pcm, {}, grammarOnDenoised(pcm)) : await speech.command(pcm);
      return { text: r.transcript.text, engine: r.transcript.engine };
    },
    async close() {
      await worker?.close();
      worker = undefined;
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
