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
  const before = await datagramsCounted(t, device);
  const report = await simulateWearable({
    bundle: device.bundle,
    audio: { samples: fixture.samples, sampleRate: fixture.sampleRate },
    seed: 3,
    ...(ptt ? { pttAt: [0] } : {}),
    ...sim,
  });
  await received(t, device, before + report.framesSent);
  // The front end holds audio until the wake detector has scored it (its inference falls behind on a busy
  // machine): wait for it, then for STT and the command.
  await t.hub.parts.voice!.pipeline.frontEnd.idle();
  await t.hub.parts.voice!.pipeline.idle();
  return report;
}

/** How long {@link received} waits for the hub to take in what was sent: far beyond any event-loop stall. */
const RECEIVE_WAIT_MS = 20_000;

/**
 * Waits until the hub's device stream has counted `total` datagrams (all it had before and every one the simulator
 * sent) and its jitter buffer is empty:
 * the hub's UDP socket is read on the same (busy) event loop as the simulator ran on, so the last datagrams may
 * still be queued when the simulator returns. A fixed pause guessed how long that takes. A datagram the kernel
 * dropped never arrives: after RECEIVE_WAIT_MS the test goes on and its own assertions judge what the hub made
 * of the audio it got.
 */
async function received(t: PartsHub, device: TestDevice, total: number): Promise<void> {
  for (const until = Date.now() + RECEIVE_WAIT_MS; Date.now() < until; await new Promise((r) => setTimeout(r, 20))) {
    const stream = await streamOf(t, device);
    if (stream && datagramsOf(stream) >= total && stream.bufferDepth === 0) return;
  }
}

type StreamJson = { datagrams: Record<string, number>; bufferDepth: number };

/** The device's live stream statistics from the hub's API (null before its first datagram). */
async function streamOf(t: PartsHub, device: TestDevice): Promise<StreamJson | null> {
  const json = (await t.api('GET', `/api/v1/devices/${device.bundle.deviceId}`)).json['device'] as { stream: StreamJson | null };
  return json.stream;
}

const datagramsOf = (stream: StreamJson): number => Object.values(stream.datagrams).reduce((n, v) => n + v, 0);

/** Datagrams of every result the hub has counted for the device so far. */
async function datagramsCounted(t: PartsHub, device: TestDevice): Promise<number> {
  const stream = await streamOf(t, device);
  return stream ? datagramsOf(stream) : 0;
}
