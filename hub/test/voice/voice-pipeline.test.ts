import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceAudioChunk, MuteTransition } from '../../src/audio/types.js';
import type { CommandOrigin, CommandOutcome } from '../../src/voice/command-service.js';
import type { TranscriptSegment } from '../../src/observer/rolling-buffer.js';
import { commandAudio, VoicePipeline, type PipelineDeviceEvent, type SpeechLike } from '../../src/voice/voice-pipeline.js';
import type { Transcript, TranscribeOptions } from '../../src/stt/engine.js';
import type { GrammarNames } from '../../src/stt/grammar/slots.js';
import type { RaceResult } from '../../src/stt/racer.js';
import type { VoiceEvent } from '../../src/voice/events.js';
import { VoiceRunStore } from '../../src/voice/run-store.js';
import { fixtureToolsAvailable } from '../../../tests/fixtures/audio/index.js';
import { voiceFixture } from '../../../tests/fixtures/voice/index.js';

const DEVICE = 'aabbccdd';
const tools = fixtureToolsAvailable();
if (!tools) console.warn('voice pipeline tests skipped: espeak-ng and sox make their spoken fixtures');

/** A speech part whose answers the test releases by hand, so a mute can land while STT is in flight. */
class HeldSpeech implements SpeechLike {
  readonly name = 'held-speech';
  readonly off: { whisper?: string; grammar?: string } = {};
  readonly commands: Array<{ pcm: Float32Array; options: TranscribeOptions | undefined; resolve: (r: RaceResult) => void; reject: (e: unknown) => void }> = [];
  readonly passives: Array<{ resolve: (t: Transcript) => void }> = [];
  names: GrammarNames[] = [];
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  command(pcm: Float32Array, options?: TranscribeOptions): Promise<RaceResult> {
    return new Promise((resolve, reject) => this.commands.push({ pcm, options, resolve, reject }));
  }
  passive(): Promise<Transcript> {
    return new Promise((resolve) => this.passives.push({ resolve }));
  }
  async setNames(names: GrammarNames): Promise<void> {
    this.names.push(names);
  }
}

const transcript = (text: string, engine: 'grammar' | 'whisper' = 'grammar'): Transcript => ({ text, confidence: 0.9, segments: [], engine, timings: { queueMs: 0, decodeMs: 1, totalMs: 1 } });

function rig(options: { muted?: () => boolean; deviceArea?: (id: string) => string | undefined } = {}) {
  const audio = new Set<(c: DeviceAudioChunk) => void>();
  const mute = new Set<(t: MuteTransition) => void>();
  const events = new Set<(e: PipelineDeviceEvent) => void>();
  const speech = new HeldSpeech();
  const runs = new VoiceRunStore();
  const seen: VoiceEvent[] = [];
  const handled: Array<{ text: string; origin: CommandOrigin }> = [];
  const published: TranscriptSegment[] = [];
  const pipeline = new VoicePipeline({
    frontEnd: { wake: { enabled: false } },
    speech,
    engine: 'auto',
    passive: true,
    subscribeAudio: (l) => (audio.add(l), () => void audio.delete(l)),
    subscribeMute: (l) => (mute.add(l), () => void mute.delete(l)),
    subscribeDeviceEvents: (l) => (events.add(l), () => void events.delete(l)),
    isMuted: options.muted ?? (() => false),
    ...(options.deviceArea ? { deviceArea: options.deviceArea } : {}),
    handleCommand: async (text, origin) => {
      handled.push({ text, origin });
      const decision = { intent: 'HassTurnOn' as const, slots: {}, path: 'hot' as const, tier: 0 as const, confidence: 1, targets: ['light.kitchen'] };
      return { decision, result: { ok: true, reply: 'Turned on the Kitchen Light.', calls: [] }, deviceId: origin.deviceId, area: 'Kitchen', replied: true, decidedAt: Date.now(), executedAt: Date.now() } satisfies CommandOutcome;
    },
    publishTranscript: (s) => published.push(s),
    hasTranscriptListeners: () => true,
    onEvent: (e) => {
      seen.push(e);
      runs.observe(e);
    },
  });
  const t0 = Date.now();
  /** Streams samples as 20 ms chunks; `onFirst` runs after the first chunk (a PTT press). */
  const stream = (samples: Int16Array, onFirst?: () => void): void => {
    for (let at = 0, k = 0; at < samples.length; at += 320, k++) {
      const chunk: DeviceAudioChunk = { deviceId: DEVICE, streamId: 7, sampleRate: 16000, timestamp: at, samples: samples.subarray(at, at + 320), concealed: 0, flags: 0, receivedAt: t0 + at / 16 + 20 };
      for (const l of audio) l(chunk);
      if (k === 0) onFirst?.();
    }
  };
  const press = (): void => {
    for (const l of events) l({ deviceId: DEVICE, topic: 'event/button', payload: { button: 'ptt', action: 'press' }, at: t0 });
  };
  const muteNow = (): void => {
    for (const l of mute) l({ deviceId: DEVICE, muted: true, source: 'mqtt', at: Date.now() });
  };
  return { pipeline, speech, runs, seen, handled, published, stream, press, muteNow };
}

let current: VoicePipeline | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

describe.skipIf(!tools)('VoicePipeline', () => {
  const command = (): Int16Array => voiceFixture({ text: 'turn on the kitchen lights' }).samples;

  it('a PTT command goes through STT to the command service and ends done, with the stages in order', async () => {
    const r = rig();
    current = r.pipeline;
    await r.pipeline.start();
    r.stream(command(), r.press);
    expect(r.speech.commands).toHaveLength(1);
    r.speech.commands[0]!.resolve({ transcript: transcript('turn on the kitchen lights'), winner: 'grammar' });
    await r.pipeline.idle();
    expect(r.handled).toEqual([{ text: 'turn on the kitchen lights', origin: { deviceId: DEVICE, issuedAt: expect.any(Number) } }]);
    const run = r.runs.list()[0]!;
    expect(run.reason).toBe('done');
    expect(run.events.map((e) => e.type)).toEqual(['run-start', 'capture-start', 'wake', 'speech-start', 'speech-end', 'capture-end', 'stt-start', 'stt-end', 'intent-start', 'intent-end', 'reply', 'run-end']);
    // The grammar was rebuilt at start with the bare kind words as targets.
    expect(r.speech.names[0]?.entities).toContain('the lights');
  });

  it('hands the speaking device\'s area to speech (its area\'s grammar is tried first), and none for a device without one', async () => {
    const r = rig({ deviceArea: (id) => (id === DEVICE ? 'Kitchen' : undefined) });
    current = r.pipeline;
    await r.pipeline.start();
    r.stream(command(), r.press);
    expect(r.speech.commands).toHaveLength(1);
    expect(r.speech.commands[0]!.options?.area).toBe('Kitchen');
    r.speech.commands[0]!.resolve({ transcript: transcript('turn on the kitchen lights'), winner: 'grammar' });
    await r.pipeline.idle();
    const plain = rig();
    await plain.pipeline.start();
    try {
      plain.stream(command(), plain.press);
      expect(plain.speech.commands[0]!.options?.area).toBeUndefined();
      plain.speech.commands[0]!.resolve({ transcript: transcript('turn on the kitchen lights'), winner: 'grammar' });
      await plain.pipeline.idle();
    } finally {
      await plain.pipeline.stop();
    }
  });

  it('a mute while STT is in flight drops the result: the run ends muted and the command service never hears it', async () => {
    const r = rig();
    current = r.pipeline;
    await r.pipeline.start();
    r.stream(command(), r.press);
    expect(r.speech.commands).toHaveLength(1);
    r.muteNow();
    r.speech.commands[0]!.resolve({ transcript: transcript('turn on the kitchen lights'), winner: 'grammar' });
    await r.pipeline.idle();
    expect(r.handled).toEqual([]);
    const run = r.runs.list()[0]!;
    expect(run.reason).toBe('muted');
    expect(run.events.map((e) => e.type)).not.toContain('stt-end');
    expect(r.pipeline.status().inFlight).toBe(0);
  });

  it('ignores a PTT press from a muted device, so no command waits for the first unmuted audio', async () => {
    let muted = true;
    const r = rig({ muted: () => muted });
    current = r.pipeline;
    await r.pipeline.start();
    r.stream(new Int16Array(3200)); // the device is known to the front end (silence)
    r.press();
    muted = false;
    r.stream(command());
    expect(r.speech.commands).toHaveLength(0);
    // The speech was passive talk instead; let it finish so the pipeline can stop.
    for (const p of r.speech.passives) p.resolve(transcript('', 'whisper'));
    await r.pipeline.idle();
  });

  it('a PTT press that comes before the first audio of a stream arms the command for that stream', async () => {
    const r = rig();
    current = r.pipeline;
    await r.pipeline.start();
    r.press();
    r.stream(command());
    expect(r.speech.commands).toHaveLength(1);
    r.speech.commands[0]!.resolve({ transcript: transcript('turn on the kitchen lights'), winner: 'grammar' });
    await r.pipeline.idle();
    expect(r.handled.map((h) => h.text)).toEqual(['turn on the kitchen lights']);
  });

  it('passive speech goes to the transcript bus only: its run keeps no words', async () => {
    const r = rig();
    current = r.pipeline;
    await r.pipeline.start();
    r.stream(voiceFixture({ text: 'we are out of milk and eggs' }).samples);
    expect(r.speech.passives.length).toBeGreaterThanOrEqual(1);
    for (const p of r.speech.passives) p.resolve(transcript('we are out of milk and eggs', 'whisper'));
    await r.pipeline.idle();
    expect(r.published.map((s) => s.text)).toContain('we are out of milk and eggs');
    const passiveRuns = r.runs.list().filter((run) => run.kind === 'passive');
    expect(passiveRuns.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(passiveRuns)).not.toContain('milk');
    expect(r.seen.filter((e) => e.type === 'stt-end').every((e) => e.data?.['text'] === undefined)).toBe(true);
  });

  it('an STT failure ends the run with its code; a rejected grammar with whisper off ends it not-understood', async () => {
    const r = rig();
    current = r.pipeline;
    await r.pipeline.start();
    r.stream(command(), r.press);
    r.speech.commands[0]!.reject(Object.assign(new Error('decoder blew up'), { code: 'JARVIS_STT_DECODE_FAILED' }));
    await r.pipeline.idle();
    expect(r.runs.list()[0]!.events.find((e) => e.type === 'error')?.data).toEqual({ code: 'JARVIS_STT_DECODE_FAILED', message: 'decoder blew up' });
    r.stream(new Int16Array(8000));
    r.stream(command(), r.press);
    r.speech.commands[1]!.reject(Object.assign(new Error('whisper is off'), { code: 'JARVIS_STT_MODEL_MISSING' }));
    await r.pipeline.idle();
    expect(r.runs.list()[0]!.reason).toBe('not-understood');
    expect(r.handled).toEqual([]);
  });
});

describe('commandAudio', () => {
  const base = { pcm16k: new Float32Array(16000 * 3), audioStartTs: 1000, events: [{ type: 'wake' as const, runId: 'r', deviceId: DEVICE, at: 2000 }] };
  it('drops the wake phrase of a hub-wake command and keeps every other command whole', () => {
    expect(commandAudio({ ...base, trigger: 'hub-wake' }).length).toBe(16000 * 2);
    expect(commandAudio({ ...base, trigger: 'ptt' }).length).toBe(16000 * 3);
    // A wake decided too late to leave half a second keeps the whole utterance.
    expect(commandAudio({ ...base, trigger: 'hub-wake', events: [{ ...base.events[0]!, at: 3800 }] }).length).toBe(16000 * 3);
  });
});
