import { existsSync } from 'node:fs';
import { simulateWearable, type SimulateWearableOptions, type SimulationReport } from '@jarvis/wearable';
import { fixtureToolsAvailable } from './fixtures/audio/index.js';
import type { VoiceFixture } from './fixtures/voice/index.js';
import { startPartsHub, type PartsHub, type PartsHubOptions, type TestDevice } from './hub-parts-helpers.js';
import { sharedModel } from './helpers/shared-models.js';

/** whisper.cpp's tiny.en test model (real shapes, no weights: it transcribes nothing). */
export const WHISPER_TEST_MODEL = sharedModel('for-tests-ggml-tiny.en.bin');
/** A GGUF with random weights: tier-1 plumbing only. */
export const LLM_TEST_MODEL = sharedModel('llama-2-tiny-random.gguf');

/** Why the voice end-to-end tests cannot run here, or undefined when they can. */
export function voiceSkipReason(): string | undefined {
  if (!fixtureToolsAvailable()) return 'espeak-ng and sox are needed to make the spoken fixtures';
  if (!existsSync(WHISPER_TEST_MODEL)) return `whisper test model ${WHISPER_TEST_MODEL} is absent`;
  return undefined;
}

/** A parts hub with the voice pipeline on the test whisper model and the HA simulator, ready for speech. */
export async function startVoiceHub(options: PartsHubOptions = {}): Promise<PartsHub> {
  const t = await startPartsHub({
    ...options,
    env: { JARVIS_STT_WHISPER_PATH: WHISPER_TEST_MODEL, JARVIS_LLM_ENABLED: 'false', ...options.env },
  });
  const voice = t.hub.parts.voice;
  if (!voice) throw new Error('the voice part did not start');
  // The grammar must hold the home's names before anyone speaks.
  if (options.homeAssistant !== false) {
    for (let i = 0; i < 200 && voice.pipeline.status().names.entities === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await voice.pipeline.namesSettled();
  }
  return t;
}

/** Options of {@link speak}. */
export interface SpeakOptions extends Partial<Omit<SimulateWearableOptions, 'bundle' | 'audio'>> {
  /** Tap PTT at the stream's start (the simulator's `pttAt: [0]`: the PTT frame flag plus the MQTT `event/button`). */
  ptt?: boolean;
}

/**
 * Streams a fixture from a simulated wearable with the device's bundle, tapping PTT as the stream starts the
 * way the wearable does it: the first frames carry the PTT flag [UDP-2.6] and the press goes out on the
 * device's own MQTT login. The flag rides with the audio, so the command starts at its first frame however
 * late MQTT delivers the press on a busy machine (pressing over MQTT alone raced the speech: under load the
 * press landed after speech had started and the run began passive). Resolves when the voice pipeline has
 * finished every utterance.
 */
export async function speak(t: PartsHub, device: TestDevice, fixture: VoiceFixture, options: SpeakOptions = {}): Promise<SimulationReport> {
  const { ptt = true, ...sim } = options;
  const report = await simulateWearable({
    bundle: device.bundle,
    audio: { samples: fixture.samples, sampleRate: fixture.sampleRate },
    seed: 3,
    ...(ptt ? { pttAt: [0] } : {}),
    ...sim,
  });
  // Let the jitter buffer release the tail and the segmenter's hangover pass, then wait for STT and the command.
  await new Promise((r) => setTimeout(r, 400));
  await t.hub.parts.voice!.pipeline.idle();
  return report;
}
