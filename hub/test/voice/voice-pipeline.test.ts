import { afterEach, describe, expect, it } from 'vitest';
import type { CommandOrigin, CommandOutcome } from '../../src/voice/command-service.js';
import type { TranscriptSegment } from '../../src/observer/rolling-buffer.js';
import { commandAudio, prePassCovers, VoicePipeline, type SpeechLike } from '../../src/voice/voice-pipeline.js';
import { deviceFeed } from './device-feed.js';
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

/** A held speech part that has the grammar too: its pause probes are held like the commands. */
class HeldGrammarSpeech extends HeldSpeech {
  readonly probes: Array<{ pcm: Float32Array; resolve: (a: { transcript: Transcript; complete: boolean }) => void }> = [];
  probe(pcm: Float32Array): Promise<{ transcript: Transcript; complete: boolean } | undefined> {
    return new Promise((resolve) => this.probes.push({ pcm, resolve }));
  }
}

interface RigOptions {
  muted?: () => boolean;
  deviceArea?: (id: string) => string | undefined;
  engine?: 'auto' | 'whisper';
  whisperPrePass?: boolean;
  speech?: HeldSpeech;
}

function rig(options: RigOptions = {}) {
  const { audio, mute, events, stream, press, muteNow } = deviceFeed(DEVICE);
  const speech = options.speech ?? new HeldSpeech();
  const runs = new VoiceRunStore();
  const seen: VoiceEvent[] = [];
  const handled: Array<{ text: string; origin: CommandOrigin }> = [];
  const published: TranscriptSegment[] = [];
  const pipeline = new VoicePipeline({
    frontEnd: { wake: { enabled: false } },
    speech,
    engine: options.engine ?? 'auto',
    ...(options.whisperPrePass !== undefined ? { whisperPrePass: options.whisperPrePass } : {}),
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
  return { pipeline, speech, runs, seen, handled, published, stream, press, muteNow };
}

let current: VoicePipeline | undefined;

/** A rig whose pipeline is started (and stopped after the test). */
async function started(options: RigOptions = {}): Promise<ReturnType<typeof rig>> {
  const r = rig(options);
  current = r.pipeline;
  await r.pipeline.start();
  return r;
}
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

describe.skipIf(!tools)('VoicePipeline', () => {
  const command = (): Int16Array => voiceFixture({ text: 'turn on the kitchen lights' }).samples;

  it('a PTT command goes through STT to the command service and ends done, with the stages in order', async () => {
    const r = await started();
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
    const r = await started({ deviceArea: (id) => (id === DEVICE ? 'Kitchen' : undefined) });
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
    const r = await started();
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
    const r = await started({ muted: () => muted });
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
    const r = await started();
    r.press();
    r.stream(command());
    expect(r.speech.commands).toHaveLength(1);
    r.speech.commands[0]!.resolve({ transcript: transcript('turn on the kitchen lights'), winner: 'grammar' });
    await r.pipeline.idle();
    expect(r.handled.map((h) => h.text)).toEqual(['turn on the kitchen lights']);
  });

  it('passive speech goes to the transcript bus only: its run keeps no words', async () => {
    const r = await started();
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
    const r = await started();
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

describe.skipIf(!tools)('VoicePipeline with whisper alone: the pass begun at the pause', () => {
  const fixture = () => voiceFixture({ text: 'turn on the kitchen lights' });
  /** Two spoken pieces with `gapMs` of silence between the end of the first's speech and the start of the second's. */
  const withGap = (first: string, gapMs: number, second: string): Int16Array => {
    const a = voiceFixture({ text: first });
    const b = voiceFixture({ text: second });
    const head = a.samples.subarray(0, ((a.speechEndMs + gapMs) * 16) | 0);
    const tail = b.samples.subarray((b.speechStartMs * 16) | 0);
    const out = new Int16Array(head.length + tail.length);
    out.set(head);
    out.set(tail, head.length);
    return out;
  };
  const whisperSaid = (text: string): RaceResult => ({ transcript: transcript(text, 'whisper'), winner: 'whisper' });
  const sttStart = (r: ReturnType<typeof rig>) => r.runs.list()[0]!.events.find((e) => e.type === 'stt-start');

  it('starts at the pause and is the answer when nothing more is said: one pass, on audio the utterance keeps whole', async () => {
    const r = await started({ engine: 'whisper' });
    const fx = fixture();
    // Up to 200 ms after the speech: past the 120 ms pause, short of the 300 ms hangover.
    r.stream(fx.samples.subarray(0, (fx.speechEndMs + 200) * 16), r.press);
    expect(r.speech.commands).toHaveLength(1);
    expect(r.runs.list()[0]!.reason).toBeUndefined(); // the utterance has not ended: the pass began before the endpoint
    r.stream(fx.samples.subarray((fx.speechEndMs + 200) * 16));
    expect(r.speech.commands).toHaveLength(1); // the endpoint started no second pass
    expect(r.speech.commands[0]!.options?.signal?.aborted).toBe(false);
    r.speech.commands[0]!.resolve(whisperSaid('turn on the kitchen lights'));
    await r.pipeline.idle();
    expect(r.handled.map((h) => h.text)).toEqual(['turn on the kitchen lights']);
    const run = r.runs.list()[0]!;
    expect(run.events.find((e) => e.type === 'speech-end')?.data?.['reason']).toBe('silence');
    expect(sttStart(r)?.data?.['whisper']).toBe('from-pause');
    // The pass heard every sample the utterance was endpointed with (and at most a little silence after it).
    const heard = r.speech.commands[0]!.pcm;
    const audioMs = Number(sttStart(r)?.data?.['audioMs']);
    expect(heard.length / 16).toBeGreaterThanOrEqual(audioMs);
    expect(r.pipeline.status().prePass).toEqual({ enabled: true, started: 1, used: 1, discarded: 0 });
  });

  it('is cancelled when the speaker talks on after the pause, and the whole command is transcribed', async () => {
    const r = await started({ engine: 'whisper' });
    // A 200 ms gap: past the 120 ms pause offer, short of the 300 ms hangover.
    r.stream(withGap('turn on the kitchen', 200, 'lights please'), r.press);
    const passes = [...r.speech.commands];
    expect(passes.length).toBeGreaterThanOrEqual(2);
    // Every earlier pass was cancelled; the one left heard the whole command.
    expect(passes.slice(0, -1).map((p) => p.options?.signal?.aborted)).toEqual(passes.slice(0, -1).map(() => true));
    expect(passes.at(-1)!.options?.signal?.aborted).toBe(false);
    expect(passes.at(-1)!.pcm.length).toBeGreaterThan(passes[0]!.pcm.length + 16 * 500);
    for (const p of passes.slice(0, -1)) p.resolve(whisperSaid('turn on the kitchen')); // a stale answer comes back anyway
    passes.at(-1)!.resolve(whisperSaid('turn on the kitchen lights please'));
    await r.pipeline.idle();
    expect(r.handled.map((h) => h.text)).toEqual(['turn on the kitchen lights please']);
    const status = r.pipeline.status().prePass;
    expect(status).toEqual({ enabled: true, started: passes.length, used: 1, discarded: passes.length - 1 });
  });

  it('is not used for audio it did not hear: a faint tail the endpoint keeps past the pause gets a pass of its own', async () => {
    const r = await started({ engine: 'whisper' });
    const fx = fixture();
    // 200 ms of faint hiss right after the speech (a breath, a trailing fricative): the VAD calls it silence, so the
    // pause comes 120 ms after the speech, but the endpoint's tail walk keeps it in the utterance.
    const samples = fx.samples.slice();
    const from = Math.round(fx.speechEndMs * 16);
    let seed = 1;
    for (let i = from; i < from + 200 * 16; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      samples[i] = Math.round(((seed / 0x7fffffff) * 2 - 1) * 60);
    }
    r.stream(samples, r.press);
    expect(r.speech.commands).toHaveLength(2);
    const [pause, whole] = r.speech.commands;
    expect(pause!.options?.signal?.aborted).toBe(true);
    expect(whole!.pcm.length).toBeGreaterThan(pause!.pcm.length);
    expect(whole!.pcm.length / 16).toBe(Number(sttStart(r)?.data?.['audioMs']));
    expect(sttStart(r)?.data?.['whisper']).toBeUndefined();
    pause!.resolve(whisperSaid('turn on the kitchen light')); // the stale answer is never read
    whole!.resolve(whisperSaid('turn on the kitchen lights'));
    await r.pipeline.idle();
    expect(r.handled.map((h) => h.text)).toEqual(['turn on the kitchen lights']);
    expect(r.pipeline.status().prePass).toEqual({ enabled: true, started: 1, used: 0, discarded: 1 });
  });

  it('in 15 dB pink noise it is used though the utterance keeps more of its pad than the pause had: the speech was all heard', async () => {
    const r = await started({ engine: 'whisper' });
    r.stream(voiceFixture({ text: 'turn on the kitchen lights', leadMs: 400, tailMs: 900, noise: 'pink', snrDb: 15 }).samples, r.press);
    expect(r.speech.commands).toHaveLength(1);
    const audioMs = Number(sttStart(r)?.data?.['audioMs']);
    // What this case is about (measured on this fixture: pause 1880 ms of audio, utterance 1950 ms).
    expect(r.speech.commands[0]!.pcm.length / 16, 'the pass heard less than the utterance keeps').toBeLessThan(audioMs);
    expect(sttStart(r)?.data?.['whisper']).toBe('from-pause');
    r.speech.commands[0]!.resolve(whisperSaid('turn on the kitchen lights'));
    await r.pipeline.idle();
    expect(r.handled.map((h) => h.text)).toEqual(['turn on the kitchen lights']);
  });

  it('a mute during the pass, before the endpoint, cancels it and drops everything', async () => {
    const r = await started({ engine: 'whisper' });
    const fx = fixture();
    r.stream(fx.samples.subarray(0, (fx.speechEndMs + 200) * 16), r.press);
    expect(r.speech.commands).toHaveLength(1);
    r.muteNow();
    expect(r.speech.commands[0]!.options?.signal?.aborted).toBe(true);
    r.speech.commands[0]!.resolve(whisperSaid('turn on the kitchen lights')); // its answer arrives anyway
    r.stream(fx.samples.subarray((fx.speechEndMs + 200) * 16));
    await r.pipeline.idle();
    expect(r.handled).toEqual([]);
    expect(r.speech.commands).toHaveLength(1);
    const run = r.runs.list()[0]!;
    expect(run.reason).toBe('muted');
    expect(run.events.map((e) => e.type)).not.toContain('stt-end');
  });

  it('a mute after the endpoint, while the command waits for the pass, cancels it, drops its answer and runs no other', async () => {
    const r = await started({ engine: 'whisper' });
    r.stream(fixture().samples, r.press);
    expect(r.speech.commands).toHaveLength(1);
    expect(sttStart(r)?.data?.['whisper']).toBe('from-pause');
    r.muteNow();
    expect(r.speech.commands[0]!.options?.signal?.aborted).toBe(true);
    r.speech.commands[0]!.reject(new DOMException('cancelled', 'AbortError'));
    await r.pipeline.idle();
    expect(r.handled).toEqual([]);
    expect(r.speech.commands).toHaveLength(1);
    expect(r.runs.list()[0]!.reason).toBe('muted');
    expect(r.pipeline.status().inFlight).toBe(0);
  });

  it('a pass that failed is run again on the utterance\'s audio', async () => {
    const r = await started({ engine: 'whisper' });
    r.stream(fixture().samples, r.press);
    r.speech.commands[0]!.reject(Object.assign(new Error('decoder blew up'), { code: 'JARVIS_STT_DECODE_FAILED' }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.speech.commands).toHaveLength(2);
    expect(r.speech.commands[1]!.pcm.length / 16).toBe(Number(sttStart(r)?.data?.['audioMs']));
    r.speech.commands[1]!.resolve(whisperSaid('turn on the kitchen lights'));
    await r.pipeline.idle();
    expect(r.handled.map((h) => h.text)).toEqual(['turn on the kitchen lights']);
  });

  it('off (stt.prePass false): whisper starts only at the endpoint', async () => {
    const r = await started({ engine: 'whisper', whisperPrePass: false });
    const fx = fixture();
    r.stream(fx.samples.subarray(0, (fx.speechEndMs + 200) * 16), r.press);
    expect(r.speech.commands).toHaveLength(0);
    r.stream(fx.samples.subarray((fx.speechEndMs + 200) * 16));
    expect(r.speech.commands).toHaveLength(1);
    expect(sttStart(r)?.data?.['whisper']).toBeUndefined();
    r.speech.commands[0]!.resolve(whisperSaid('turn on the kitchen lights'));
    await r.pipeline.idle();
    expect(r.handled.map((h) => h.text)).toEqual(['turn on the kitchen lights']);
    expect(r.pipeline.status().prePass).toEqual({ enabled: false, started: 0, used: 0, discarded: 0 });
  });

  it('never runs with the grammar (engine auto): a pause gets the grammar\'s probe alone, whisper waits for the endpoint', async () => {
    const speech = new HeldGrammarSpeech();
    const r = await started({ speech });
    const fx = fixture();
    r.stream(fx.samples.subarray(0, (fx.speechEndMs + 200) * 16), r.press);
    expect(speech.probes).toHaveLength(1);
    expect(speech.commands).toHaveLength(0);
    speech.probes[0]!.resolve({ transcript: { ...transcript('turn on the kitchen'), confidence: 0.2 }, complete: false });
    r.stream(fx.samples.subarray((fx.speechEndMs + 200) * 16));
    expect(speech.commands).toHaveLength(1);
    expect(sttStart(r)?.data).toMatchObject({ engine: 'auto', grammar: 'from-pause' });
    expect(sttStart(r)?.data?.['whisper']).toBeUndefined();
    speech.commands[0]!.resolve({ transcript: transcript('turn on the kitchen lights'), winner: 'grammar' });
    await r.pipeline.idle();
    expect(r.pipeline.status().prePass).toEqual({ enabled: false, started: 0, used: 0, discarded: 0 });
  });
});

describe('prePassCovers', () => {
  const pcm = Float32Array.from({ length: 3200 }, (_, i) => Math.sin(i / 7));
  const pass = { pcm, lastVoicedTs: 5000 };
  it('takes a pass that heard the utterance\'s speech, sample for sample, up to where the endpoint says it ends', () => {
    // The utterance keeps less silence after its speech than the pause had: the pass heard all of it.
    expect(prePassCovers(pass, { pcm: pcm.subarray(0, 2800), lastVoicedTs: 5000, speechSamples: 1200 })).toBe(true);
    expect(prePassCovers(pass, { pcm, lastVoicedTs: 5000, speechSamples: 3200 })).toBe(true);
    // It missed part of the pad the utterance keeps after its end of speech, none of the speech.
    const padded = new Float32Array(3520);
    padded.set(pcm);
    expect(prePassCovers(pass, { pcm: padded, lastVoicedTs: 5000, speechSamples: 1920 })).toBe(true);
    expect(prePassCovers(pass, { pcm: padded, lastVoicedTs: 5000, speechSamples: 3200 })).toBe(true);
  });
  it('refuses one that missed speech or heard other audio', () => {
    // Speech after the pause (a later last voiced frame), or none counted at all.
    expect(prePassCovers(pass, { pcm: pcm.subarray(0, 2800), lastVoicedTs: 5400, speechSamples: 1200 })).toBe(false);
    expect(prePassCovers(pass, { pcm: pcm.subarray(0, 2800), speechSamples: 1200 })).toBe(false);
    // Speech past what the pass heard (a word-final fricative the endpoint's tail walk keeps past the pause).
    const longer = new Float32Array(3520);
    longer.set(pcm);
    expect(prePassCovers(pass, { pcm: longer, lastVoicedTs: 5000, speechSamples: 3201 })).toBe(false);
    // Other samples (a different wake cut, other audio): one sample differs, in the speech or in the pad.
    const other = pcm.slice(0, 2800);
    other[1234] = 0.5;
    expect(prePassCovers(pass, { pcm: other, lastVoicedTs: 5000, speechSamples: 1200 })).toBe(false);
    const otherPad = pcm.slice(0, 2800);
    otherPad[2700] = 0.5;
    expect(prePassCovers(pass, { pcm: otherPad, lastVoicedTs: 5000, speechSamples: 1200 })).toBe(false);
    expect(prePassCovers(pass, { pcm: pcm.subarray(160, 2960), lastVoicedTs: 5000, speechSamples: 1200 })).toBe(false);
    expect(prePassCovers(pass, { pcm: new Float32Array(0), lastVoicedTs: 5000, speechSamples: 0 })).toBe(false);
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
