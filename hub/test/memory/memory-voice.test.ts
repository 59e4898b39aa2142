import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceAudioChunk } from '../../src/audio/types.js';
import { memoryCommand, type MemoryService } from '../../src/memory/index.js';
import type { Transcript } from '../../src/stt/engine.js';
import type { RaceResult } from '../../src/stt/racer.js';
import { CommandService } from '../../src/voice/command-service.js';
import { VoiceRunStore } from '../../src/voice/run-store.js';
import { VoicePipeline, type PipelineDeviceEvent, type SpeechLike } from '../../src/voice/voice-pipeline.js';
import { fixtureToolsAvailable } from '../../../tests/fixtures/audio/index.js';
import { voiceFixture } from '../../../tests/fixtures/voice/index.js';
import { useMemoryService } from './service-fixture.js';

/**
 * Memory by voice, as far as it can be tested without the spoken carrier in the grammar: the words are
 * spoken (espeak-ng), the command is taken by PTT, and the speech part answers with whisper's transcript of
 * them (injected, punctuated and capitalised as whisper writes). From there the real voice pipeline, command
 * service and memory run: "remember that …" is stored with the device, "where is …" is answered on the device.
 */
const DEVICE = 'aabbccdd';
const tools = fixtureToolsAvailable();
const service = useMemoryService();

/** A speech part whose command answers the test gives by hand. */
class InjectedSpeech implements SpeechLike {
  readonly name = 'injected-speech';
  readonly off: { whisper?: string; grammar?: string } = {};
  readonly commands: Array<(r: RaceResult) => void> = [];
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  command(): Promise<RaceResult> {
    return new Promise((resolve) => this.commands.push(resolve));
  }
  passive(): Promise<Transcript> {
    return Promise.resolve({ text: '', confidence: 0, segments: [], engine: 'whisper', timings: { queueMs: 0, decodeMs: 0, totalMs: 0 } });
  }
  async setNames(): Promise<void> {}
}

const whisper = (text: string): RaceResult => ({ transcript: { text, confidence: 0.8, segments: [], engine: 'whisper', timings: { queueMs: 0, decodeMs: 1, totalMs: 1 } }, winner: 'whisper' });

let pipeline: VoicePipeline | undefined;
afterEach(async () => {
  await pipeline?.stop();
  pipeline = undefined;
});

function rig(memory: MemoryService) {
  const audio = new Set<(c: DeviceAudioChunk) => void>();
  const events = new Set<(e: PipelineDeviceEvent) => void>();
  const speech = new InjectedSpeech();
  const runs = new VoiceRunStore();
  const said: string[] = [];
  const routed: string[] = [];
  const commands = new CommandService({
    deviceArea: (id) => (id === DEVICE ? 'Kitchen' : undefined),
    say: async (_id, text) => void said.push(text),
    // Anything the memory does not take would reach the router: the test checks nothing does.
    router: { handle: async (text) => { routed.push(text); return { decision: { intent: null, slots: {}, path: 'passive', tier: 0, confidence: 0, targets: [] }, result: { ok: false, reply: '', calls: [] }, decidedAt: Date.now(), executedAt: Date.now() }; } },
    interceptors: [memoryCommand(memory)],
  });
  pipeline = new VoicePipeline({
    frontEnd: { wake: { enabled: false } },
    speech,
    engine: 'auto',
    passive: false,
    subscribeAudio: (l) => (audio.add(l), () => void audio.delete(l)),
    subscribeMute: () => () => undefined,
    subscribeDeviceEvents: (l) => (events.add(l), () => void events.delete(l)),
    isMuted: () => false,
    handleCommand: (text, origin) => commands.handleCommandText(text, origin),
    publishTranscript: () => undefined,
    hasTranscriptListeners: () => false,
    onEvent: (e) => runs.observe(e),
  });
  const t0 = Date.now();
  let sent = 0;
  /** Presses PTT and streams the words spoken, then a second of silence, as 20 ms chunks. */
  const speak = (words: string): void => {
    const spoken = voiceFixture({ text: words }).samples;
    const samples = new Int16Array(spoken.length + 16000);
    samples.set(spoken);
    for (const l of events) l({ deviceId: DEVICE, topic: 'event/button', payload: { button: 'ptt', action: 'press' }, at: t0 + sent / 16 });
    for (let at = 0; at < samples.length; at += 320) {
      const chunk: DeviceAudioChunk = { deviceId: DEVICE, streamId: 7, sampleRate: 16000, timestamp: sent + at, samples: samples.subarray(at, at + 320), concealed: 0, flags: 0, receivedAt: t0 + (sent + at) / 16 + 20 };
      for (const l of audio) l(chunk);
    }
    sent += samples.length;
  };
  return { pipeline, speech, runs, said, routed, speak };
}

describe.skipIf(!tools)('memory by voice (spoken words, whisper transcript injected)', () => {
  it('"remember that …" is stored with the device that heard it, and "where is …" is answered on that device', async () => {
    const memory = service();
    const r = rig(memory);
    await r.pipeline.start();

    r.speak('remember that the spare key is under the blue pot');
    expect(r.speech.commands).toHaveLength(1);
    r.speech.commands[0]!(whisper(' Remember that the spare key is under the blue pot.'));
    await r.pipeline.idle();
    expect(memory.list()).toEqual([expect.objectContaining({ text: 'the spare key is under the blue pot', deviceId: DEVICE, area: 'Kitchen', personId: null })]);
    expect(r.said).toEqual(["Okay, I'll remember that the spare key is under the blue pot."]);

    r.speak('where is the spare key');
    expect(r.speech.commands).toHaveLength(2);
    r.speech.commands[1]!(whisper(' Where is the spare key?'));
    await r.pipeline.idle();
    expect(r.said[1]).toBe('You told me the spare key is under the blue pot.');

    // Corrected as a whole statement, then asked in the old words.
    r.speak('actually the spare key is in the green pot');
    r.speech.commands[2]!(whisper(' Actually, the spare key is in the green pot.'));
    await r.pipeline.idle();
    expect(r.said[2]).toBe('Okay, I changed it: the spare key is in the green pot.');
    r.speak('where is the key under the blue pot');
    r.speech.commands[3]!(whisper(' Where is the key under the blue pot?'));
    await r.pipeline.idle();
    expect(r.said[3]).toBe('You told me the spare key is in the green pot.');
    expect(memory.list().map((f) => f.text)).toEqual(['the spare key is in the green pot']);

    expect(r.routed).toEqual([]);
    const ends = r.runs.list().filter((run) => run.kind === 'command').map((run) => run.reason);
    expect(ends).toEqual(['done', 'done', 'done', 'done']);
    const intents = r.runs.list().flatMap((run) => run.events.filter((e) => e.type === 'intent-end').map((e) => e.data?.['intent']));
    expect(intents.sort()).toEqual(['JarvisRecall', 'JarvisRecall', 'JarvisRemember', 'JarvisRemember']);
  });
});
