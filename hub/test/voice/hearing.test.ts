/**
 * The hearing policy end to end through the voice pipeline, the command service, the router and the HA simulator:
 * an unsure spoken command is asked about on the device and acted on only after "yes"; an opposite disagreement or a
 * guessed chit-chat does nothing and says nothing. The recogniser is scripted (its margins are what the policy reads);
 * the audio is real speech through the front end.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HomeAssistantSimulator } from '@jarvis/ha-simulator';
import type { DeviceAudioChunk } from '../../src/audio/types.js';
import { HomeAssistantClient } from '../../src/home-assistant/client.js';
import { Allowlist } from '../../src/home-assistant/allowlist.js';
import { CommandRouter } from '../../src/router/command-router.js';
import { CommandService } from '../../src/voice/command-service.js';
import { VoicePipeline, type PipelineDeviceEvent, type SpeechLike } from '../../src/voice/voice-pipeline.js';
import type { HearingBars } from '../../src/voice/hearing-policy.js';
import { VoiceRunStore } from '../../src/voice/run-store.js';
import type { Transcript } from '../../src/stt/engine.js';
import type { RaceResult } from '../../src/stt/racer.js';
import { SttError } from '../../src/stt/errors.js';
import { fixtureHome } from '../home-assistant/helpers.js';
import { fixtureToolsAvailable } from '../../../tests/fixtures/audio/index.js';
import { voiceFixture } from '../../../tests/fixtures/voice/index.js';

const DEVICE = 'aabbccdd';
const tools = fixtureToolsAvailable();
const BARS: HearingBars = {
  sure: { clean: 5, noisy: 10, wordClean: -25, wordNoisy: -25 },
  ask: { clean: -10, noisy: -10, wordClean: -60, wordNoisy: -60 },
  confirm: 'action', disagreed: 'candidate', askQueries: true,
};

type Heard = Pick<Transcript, 'text' | 'margin' | 'wordMargin' | 'candidate' | 'alternative' | 'snrDb'>;

/**
 * The grammar recogniser as the speech service runs it with whisper off: `probe` is the grammar alone; `command`
 * answers with the grammar's result when it accepted, and fails with JARVIS_STT_MODEL_MISSING when it declined.
 */
class ScriptedSpeech implements SpeechLike {
  readonly name = 'scripted-speech';
  readonly off = { whisper: 'no model' };
  next: Heard = { text: '' };
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  private transcript(): Transcript {
    return { confidence: this.next.text ? 0.6 : 0, segments: [], engine: 'grammar', timings: { queueMs: 0, decodeMs: 1, totalMs: 1 }, ...this.next, ...(this.next.text ? {} : { rejected: 'out-of-grammar' as const }) };
  }
  async probe(): Promise<{ transcript: Transcript; complete: boolean }> {
    return { transcript: this.transcript(), complete: false };
  }
  /** Set: whisper is on and hears this when the grammar declines. */
  whisper: string | undefined;
  async command(_pcm: Float32Array, _o?: unknown, grammarResult?: Promise<Transcript>): Promise<RaceResult> {
    const t = grammarResult ? await grammarResult : this.transcript();
    if (t.text !== '') return { transcript: t, winner: 'grammar', grammar: t };
    if (this.whisper !== undefined) return { transcript: { text: this.whisper, confidence: 0.8, segments: [], engine: 'whisper', timings: { queueMs: 0, decodeMs: 1, totalMs: 1 } }, winner: 'whisper', grammar: t };
    throw new SttError('JARVIS_STT_MODEL_MISSING', 'whisper is off');
  }
  passive(): Promise<Transcript> {
    throw new Error('not used');
  }
  async setNames(): Promise<void> {}
}

let sim: HomeAssistantSimulator;
let ha: HomeAssistantClient;
let router: CommandRouter;
let pipeline: VoicePipeline;
let speech: ScriptedSpeech;
let runs: VoiceRunStore;
let said: string[];
let audio: Set<(c: DeviceAudioChunk) => void>;
let events: Set<(e: PipelineDeviceEvent) => void>;

beforeEach(async () => {
  sim = new HomeAssistantSimulator({ snapshot: fixtureHome(), token: 'tok' });
  await sim.start();
  ha = new HomeAssistantClient({ url: sim.url, token: 'tok', backoffInitialMs: 20, backoffMaxMs: 80, connectTimeoutMs: 3000 });
  await ha.start();
  await ha.waitUntilConnected();
  router = new CommandRouter({ client: ha, allowlist: new Allowlist({ entities: [], useHaExposure: true, optIn: [] }) });
  await router.start();
  said = [];
  const service = new CommandService({ deviceArea: (id) => (id === DEVICE ? 'kitchen' : undefined), say: async (_id, text) => void said.push(text), router });
  speech = new ScriptedSpeech();
  runs = new VoiceRunStore();
  audio = new Set();
  events = new Set();
  pipeline = new VoicePipeline({
    frontEnd: { wake: { enabled: false } }, speech, engine: 'auto', passive: false, hearingBars: BARS,
    subscribeAudio: (l) => (audio.add(l), () => void audio.delete(l)),
    subscribeMute: () => () => undefined,
    subscribeDeviceEvents: (l) => (events.add(l), () => void events.delete(l)),
    isMuted: () => false,
    handleCommand: (text, origin) => service.handleCommandText(text, origin),
    publishTranscript: () => undefined,
    hasTranscriptListeners: () => false,
    onEvent: (e) => runs.observe(e),
  });
  await pipeline.start();
});

afterEach(async () => {
  await pipeline.stop();
  await router.stop();
  await ha.stop();
  await sim.stop();
});

let clock = Date.now();
let stream = 0;
/** PTT + the spoken words (a stream of their own), heard by the scripted recogniser as `heard`; `noise`: white noise added, peak. */
async function say(words: string, heard: Heard, noise = 0): Promise<void> {
  speech.next = heard;
  const samples = Int16Array.from(voiceFixture({ text: words }).samples);
  let seed = 5;
  for (let i = 0; noise > 0 && i < samples.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    samples[i] = Math.max(-32768, Math.min(32767, (samples[i] as number) + Math.round((seed / 2 ** 31 - 0.5) * 2 * noise)));
  }
  const t0 = (clock += 60_000);
  const streamId = ++stream;
  for (let at = 0, k = 0; at < samples.length; at += 320, k++) {
    const chunk: DeviceAudioChunk = { deviceId: DEVICE, streamId, sampleRate: 16000, timestamp: at, samples: samples.subarray(at, at + 320), concealed: 0, flags: 0, receivedAt: t0 + at / 16 + 20 };
    for (const l of audio) l(chunk);
    if (k === 0) for (const l of events) l({ deviceId: DEVICE, topic: 'event/button', payload: { button: 'ptt', action: 'press' }, at: t0 });
  }
  await pipeline.idle();
}

const calls = (): string[] => sim.serviceCalls.map((c) => `${c.domain}.${c.service} ${[...c.entityIds].sort().join(',')}`);

describe.skipIf(!tools)('hearing policy through the voice pipeline', () => {
  it('an unsure command is asked about with no service call; "yes" then makes exactly that call', async () => {
    await say('turn off the kitchen lights', { text: 'turn off the kitchen light', margin: -4, wordMargin: -22 });
    expect(said).toEqual(['Did you say turn off the Kitchen Light?']);
    expect(calls()).toEqual([]);
    const asked = runs.list()[0]!;
    expect(asked.reason).toBe('done');
    expect(asked.events.find((e) => e.type === 'stt-end')?.data).toMatchObject({ hearing: 'unsure' });
    expect(asked.events.find((e) => e.type === 'reply')?.data).toMatchObject({ code: 'JARVIS_ROUTE_CONFIRM_PENDING', hearing: 'asked' });
    expect(pipeline.status().hearing).toEqual({ act: 0, confirm: 1, decline: 0 });

    await say('yes', { text: 'yes', margin: 2.6, wordMargin: 7.7 });
    expect(calls()).toEqual(['light.turn_off light.kitchen']);
    expect(said).toHaveLength(2);
    expect(pipeline.status().hearing.act).toBe(1);
  });

  it('a best path the recogniser declined but heard closely is asked about; "no" drops it', async () => {
    await say('turn on the kitchen lights', { text: '', margin: -8, wordMargin: -30, candidate: 'turn on the kitchen light' });
    expect(said).toEqual(['Did you say turn on the Kitchen Light?']);
    await say('no', { text: 'no', margin: 1, wordMargin: -5 });
    expect(said[1]).toBe("Okay, I won't.");
    await say('yes', { text: 'yes', margin: 2.6, wordMargin: 7.7 });
    expect(calls()).toEqual([]);
  });

  it('sure hearing acts at once; opposite disagreement, far guesses and guessed chit-chat do nothing and say nothing', async () => {
    await say('turn on the kitchen lights', { text: '', margin: -8, wordMargin: -30, candidate: 'turn on the kitchen light', alternative: 'turn off the kitchen light' });
    expect(runs.list()[0]!.reason).toBe('not-understood');
    await say('turn on the kitchen lights', { text: '', margin: -14, wordMargin: -30, candidate: 'turn on the kitchen light' });
    expect(runs.list()[0]!.reason).toBe('not-understood');
    await say('what a lovely day', { text: '', margin: -6, wordMargin: -30, candidate: 'what a lovely day' });
    expect(runs.list()[0]!.reason).toBe('not-understood');
    expect(said).toEqual([]);
    expect(calls()).toEqual([]);
    await say('turn on the kitchen lights', { text: 'turn on the kitchen light', margin: 7, wordMargin: -10 });
    expect(calls()).toEqual(['light.turn_on light.kitchen']);
    expect(said).toHaveLength(1);
    expect(said[0]).not.toMatch(/^Did you say/);
  });

  it('bands by the SNR of the audio as the device sent it, never by the engine\'s estimate of what it decoded (denoised audio reads clean)', async () => {
    // Margin 7 is sure in clean audio (noisy sure bar 10). The engine's estimate says 62 dB, as it would of RNNoise's
    // output; the audio sent is in loud white noise: unsure, asked.
    await say('turn on the kitchen lights', { text: 'turn on the kitchen light', margin: 7, wordMargin: -10, snrDb: 62 }, 4500);
    expect(said).toEqual(['Did you say turn on the Kitchen Light?']);
    expect(calls()).toEqual([]);
    const data = runs.list()[0]!.events.find((e) => e.type === 'stt-end')?.data as { hearing?: string; snrDb?: number };
    expect(data).toMatchObject({ hearing: 'unsure' });
    expect(data.snrDb).toBeLessThan(10);
    // And the other way: a clean clip the engine's estimate calls 5 dB is banded clean, and acted on.
    await say('turn on the kitchen lights', { text: 'turn on the kitchen light', margin: 7, wordMargin: -10, snrDb: 5 });
    expect(calls()).toEqual(['light.turn_on light.kitchen']);
  });

  it('with whisper on, whisper\'s text keeps its behaviour; when whisper hears nothing the close guess is asked about', async () => {
    speech.whisper = 'turn on the kitchen lights';
    await say('turn on the kitchen lights', { text: '', margin: -8, wordMargin: -30, candidate: 'turn off the kitchen light' });
    expect(calls()).toEqual(['light.turn_on light.kitchen']);
    expect(runs.list()[0]!.events.find((e) => e.type === 'stt-end')?.data).toMatchObject({ engine: 'whisper', text: 'turn on the kitchen lights' });
    speech.whisper = '';
    await say('turn off the kitchen lights', { text: '', margin: -8, wordMargin: -30, candidate: 'turn off the kitchen light' });
    expect(said.at(-1)).toBe('Did you say turn off the Kitchen Light?');
    expect(runs.list()[0]!.events.find((e) => e.type === 'stt-end')?.data).toMatchObject({ engine: 'grammar', text: 'turn off the kitchen light', hearing: 'close' });
    expect(calls()).toEqual(['light.turn_on light.kitchen']);
  });
});
