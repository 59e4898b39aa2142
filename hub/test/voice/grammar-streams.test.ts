import { afterEach, describe, expect, it } from 'vitest';
import type { CommandOrigin, CommandOutcome } from '../../src/voice/command-service.js';
import { commandAudio, commandAudioSource, VoicePipeline, type CommandAudioSource, type SpeechLike } from '../../src/voice/voice-pipeline.js';
import { STREAM_HOLDBACK_MS } from '../../src/voice/grammar-streams.js';
import { deviceFeed } from './device-feed.js';
import type { Transcript, TranscribeOptions } from '../../src/stt/engine.js';
import type { GrammarCommandStream } from '../../src/stt/speech-service.js';
import type { GrammarNames } from '../../src/stt/grammar/slots.js';
import type { RaceResult } from '../../src/stt/racer.js';
import { denoiseUtterance, type CommandPause, type Utterance } from '../../src/audio/index.js';
import { estimateSnrDb, hear } from '../../src/voice/hearing-policy.js';
import { VoiceRunStore } from '../../src/voice/run-store.js';
import { fixtureToolsAvailable } from '../../../tests/fixtures/audio/index.js';
import { voiceFixture } from '../../../tests/fixtures/voice/index.js';

const DEVICE = 'aabbccdd';
const tools = fixtureToolsAvailable();

const transcript = (text: string): Transcript => ({ text, confidence: 0.9, segments: [], engine: 'grammar', timings: { queueMs: 0, decodeMs: 1, totalMs: 1 }, continues: false });

/** One grammar stream as the pipeline drives it: what was pushed, in order, and how it ended. */
interface Recorded {
  options: TranscribeOptions | undefined;
  pushes: Float32Array[];
  aborted: boolean;
  ended: boolean;
  /** Pushes after the end or the abort (must stay 0). */
  late: number;
  answer: (t: Transcript) => void;
  /** Ends what the stream left decoding after its answer (see `settled`); `answer` does it too unless `holdSettled`. */
  settle: () => void;
  /** The caller's bar for a streamed answer, as the pipeline passed it. */
  stands: ((t: Transcript) => boolean) | undefined;
}

/** A speech part with a streaming grammar whose answers the test releases; it records every push. */
class StreamingSpeech implements SpeechLike {
  readonly name = 'streaming-speech';
  readonly off: { whisper?: string; grammar?: string } = {};
  readonly streams: Recorded[] = [];
  readonly probes: Float32Array[] = [];
  /** Keep each stream's `settled()` pending after its answer until the test calls `settle`. */
  holdSettled = false;
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async setNames(_names: GrammarNames): Promise<void> {}
  command(_pcm: Float32Array, _options?: TranscribeOptions, grammarResult?: Promise<Transcript>): Promise<RaceResult> {
    // The grammar answers (there is no whisper here).
    return (grammarResult ?? Promise.resolve(transcript(''))).then((t) => ({ transcript: t, winner: 'grammar' as const }));
  }
  probe(pcm: Float32Array): Promise<{ transcript: Transcript; complete: boolean } | undefined> {
    this.probes.push(pcm);
    return Promise.resolve({ transcript: transcript(''), complete: false });
  }
  passive(): Promise<Transcript> {
    return new Promise(() => undefined);
  }
  commandStream(options?: TranscribeOptions & { stands?: (t: Transcript) => boolean }): GrammarCommandStream {
    let answer: (t: Transcript) => void = () => undefined;
    const answered = new Promise<Transcript>((resolve) => { answer = resolve; });
    let settle: () => void = () => undefined;
    const settled = new Promise<void>((resolve) => { settle = resolve; });
    const rec: Recorded = {
      options, pushes: [], aborted: false, ended: false, late: 0, stands: options?.stands,
      answer: (t) => { answer(t); if (!this.holdSettled) settle(); }, settle: () => settle(),
    };
    this.streams.push(rec);
    return {
      push: (pcm) => {
        if (rec.ended || rec.aborted) rec.late++;
        else rec.pushes.push(pcm.slice());
      },
      end: async () => {
        rec.ended = true;
        const t = await answered;
        return { transcript: t, complete: t.text !== '' };
      },
      // As the engine's: an aborted stream settles once its abandoned utterance is off the decoder.
      abort: () => { rec.aborted = true; if (!this.holdSettled) settle(); },
      settled: () => settled,
    };
  }
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function rig(speech: SpeechLike, utterances: Utterance[], grammarAudio?: CommandAudioSource, pauses: CommandPause[] = []) {
  const { audio, mute, events, stream, press, muteNow } = deviceFeed(DEVICE);
  const runs = new VoiceRunStore();
  const handled: Array<{ text: string; origin: CommandOrigin }> = [];
  const pipeline = new VoicePipeline({
    frontEnd: { wake: { enabled: false } },
    speech,
    engine: 'auto',
    passive: false,
    subscribeAudio: (l) => (audio.add(l), () => void audio.delete(l)),
    subscribeMute: (l) => (mute.add(l), () => void mute.delete(l)),
    subscribeDeviceEvents: (l) => (events.add(l), () => void events.delete(l)),
    isMuted: () => false,
    handleCommand: async (text, origin) => {
      handled.push({ text, origin });
      const decision = { intent: 'HassTurnOn' as const, slots: {}, path: 'hot' as const, tier: 0 as const, confidence: 1, targets: ['light.kitchen'] };
      return { decision, result: { ok: true, reply: 'Turned on the Kitchen Light.', calls: [] }, deviceId: origin.deviceId, area: 'Kitchen', replied: true, decidedAt: Date.now(), executedAt: Date.now() } satisfies CommandOutcome;
    },
    publishTranscript: () => undefined,
    hasTranscriptListeners: () => false,
    onEvent: (e) => runs.observe(e),
    ...(grammarAudio ? { grammarAudio } : {}),
  });
  // The pauses the front end offers (the audio a pause's answer is decoded from).
  const onPause = (pipeline as unknown as { onPause(p: CommandPause): void }).onPause.bind(pipeline);
  (pipeline as unknown as { onPause(p: CommandPause): void }).onPause = (p) => { pauses.push(p); onPause(p); };
  // The utterances the front end cuts (what the batch path would decode), seen beside the pipeline's own handling.
  const original = (pipeline as unknown as { onUtterance(u: Utterance): void }).onUtterance.bind(pipeline);
  (pipeline as unknown as { onUtterance(u: Utterance): void }).onUtterance = (u) => { utterances.push(u); original(u); };
  return { pipeline, runs, handled, stream, press, muteNow };
}

let current: VoicePipeline | undefined;
afterEach(async () => {
  await current?.stop();
  current = undefined;
});

describe.skipIf(!tools)('VoicePipeline with a grammar decoded while the command is spoken', () => {
  const command = (): Int16Array => voiceFixture({ text: 'turn on the kitchen lights', leadMs: 400, tailMs: 900 }).samples;

  it('feeds the command in order while it is spoken, ends it at the pause with exactly the audio the batch path would decode, and acts on that answer', async () => {
    const speech = new StreamingSpeech();
    const utterances: Utterance[] = [];
    const r = rig(speech, utterances);
    current = r.pipeline;
    await r.pipeline.start();
    // A device streams before its button is pressed: the command's pre-roll is there to start from.
    r.stream(new Int16Array(16000));
    r.stream(command(), r.press);
    expect(speech.streams).toHaveLength(1);
    const s = speech.streams[0]!;
    // Ended at the pause (the answer is pending), and most of the command was fed before that.
    expect(s.ended).toBe(true);
    const fed = concat(s.pushes);
    expect(s.pushes.length).toBeGreaterThan(10);
    s.answer(transcript('turn on the kitchen lights'));
    await r.pipeline.idle();
    expect(speech.probes).toHaveLength(0);
    expect(utterances).toHaveLength(1);
    // Everything pushed, in order, is the command's audio up to the pause: the utterance (cut after the speech) is its start.
    const u = utterances[0]!;
    const cut = commandAudio(u);
    expect(fed.length).toBeGreaterThanOrEqual(cut.length);
    expect(Array.from(fed.subarray(0, cut.length))).toEqual(Array.from(cut));
    // What was left for the end was the holdback and the pause, not the command.
    expect(s.pushes.at(-1)!.length).toBeLessThan((STREAM_HOLDBACK_MS + 300) * 16);
    expect(r.handled.map((h) => h.text)).toEqual(['turn on the kitchen lights']);
    expect(r.pipeline.status().grammarStream).toMatchObject({ started: 1, used: 1, misaligned: 0, dropped: 0 });
    expect(s.late).toBe(0);
  });

  it('a command opened on the stream\'s very first frames (a device that streams only while its button is held) is streamed too, aligned', async () => {
    const speech = new StreamingSpeech();
    const utterances: Utterance[] = [];
    const r = rig(speech, utterances);
    current = r.pipeline;
    await r.pipeline.start();
    r.stream(command(), r.press);
    expect(speech.streams).toHaveLength(1);
    speech.streams[0]!.answer(transcript('turn on the kitchen lights'));
    await r.pipeline.idle();
    const fed = concat(speech.streams[0]!.pushes);
    const cut = commandAudio(utterances[0]!);
    expect(Array.from(fed.subarray(0, cut.length))).toEqual(Array.from(cut));
    expect(speech.probes).toHaveLength(0);
    expect(r.pipeline.status().grammarStream).toMatchObject({ started: 1, used: 1, misaligned: 0 });
  });

  it('a mute while the command is being spoken abandons its stream: never ended, nothing more pushed, nothing handled', async () => {
    const speech = new StreamingSpeech();
    const utterances: Utterance[] = [];
    const r = rig(speech, utterances);
    current = r.pipeline;
    await r.pipeline.start();
    const samples = command();
    r.stream(new Int16Array(16000));
    // The first second: the command has begun and its stream has been fed.
    r.stream(samples.subarray(0, 16000), r.press);
    expect(speech.streams).toHaveLength(1);
    const s = speech.streams[0]!;
    expect(s.pushes.length).toBeGreaterThan(0);
    r.muteNow();
    expect(s.aborted).toBe(true);
    // Audio after the mute (the gate would drop it; here it reaches the pipeline anyway) starts no stream and feeds none.
    r.stream(samples.subarray(16000));
    await r.pipeline.idle();
    expect(s.ended).toBe(false);
    expect(s.late).toBe(0);
    expect(r.handled).toEqual([]);
    expect(r.runs.list().at(-1)!.reason).toBe('muted');
    expect(r.pipeline.status().grammarStream).toMatchObject({ started: 1, used: 0, dropped: 1 });
  });

  /** Whether `p` has settled after the event loop had a few turns. */
  const settledSoon = async (p: Promise<unknown>): Promise<boolean> => {
    let done = false;
    void p.then(() => { done = true; }, () => { done = true; });
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 10));
    return done;
  };

  it('idle() waits for the answer of a command ended at its pause (a redo takes long), and for what its stream left decoding', async () => {
    const speech = new StreamingSpeech();
    speech.holdSettled = true;
    const utterances: Utterance[] = [];
    const r = rig(speech, utterances);
    current = r.pipeline;
    await r.pipeline.start();
    r.stream(new Int16Array(16000));
    r.stream(command(), r.press);
    const s = speech.streams[0]!;
    expect(s.ended).toBe(true);
    // The answer is still being decoded (a streamed answer redone whole): the pipeline is not idle.
    const idle = r.pipeline.idle();
    expect(await settledSoon(idle)).toBe(false);
    s.answer(transcript('turn on the kitchen lights'));
    // Answered and acted on, but the stream's cancelled whole decode is still running: still not idle.
    expect(await settledSoon(idle)).toBe(false);
    expect(r.handled.map((h) => h.text)).toEqual(['turn on the kitchen lights']);
    s.settle();
    expect(await settledSoon(idle)).toBe(true);
  });

  it('a mute after the pause, while the streamed answer is still being decoded: nothing is handled when it arrives, and idle() still waits for it', async () => {
    const speech = new StreamingSpeech();
    const utterances: Utterance[] = [];
    const r = rig(speech, utterances);
    current = r.pipeline;
    await r.pipeline.start();
    r.stream(new Int16Array(16000));
    r.stream(command(), r.press);
    const s = speech.streams[0]!;
    expect(s.ended).toBe(true);
    r.muteNow();
    const idle = r.pipeline.idle();
    expect(await settledSoon(idle)).toBe(false);
    s.answer(transcript('turn on the kitchen lights'));
    await idle;
    expect(r.handled).toEqual([]);
    expect(r.runs.list().at(-1)!.reason).toBe('muted');
  });

  it('passes the hearing policy as the bar a streamed answer must clear: one the policy would ask about is decoded whole instead', async () => {
    const speech = new StreamingSpeech();
    const utterances: Utterance[] = [];
    const r = rig(speech, utterances);
    current = r.pipeline;
    await r.pipeline.start();
    r.stream(new Int16Array(16000));
    r.stream(command(), r.press);
    const stands = speech.streams[0]!.stands!;
    expect(stands).toBeTypeOf('function');
    // The e2e PTT case: the engine accepted it 2.26 over its clean threshold (-7), which is under the policy's sure bar (-4.5).
    const heard = (margin: number, wordMargin: number): Transcript => ({ ...transcript('turn on kitchen light'), margin, wordMargin, snrDb: 105 });
    expect(stands(heard(-4.74, -10))).toBe(false);
    expect(stands(heard(-3.6, -10))).toBe(true);
    // A worst word under the policy's word bar is asked about too.
    expect(stands(heard(-3.6, -40))).toBe(false);
    // A hearing the policy has no margins for acts as before.
    expect(stands(transcript('turn on the kitchen lights'))).toBe(true);
    speech.streams[0]!.answer(transcript('turn on the kitchen lights'));
    await r.pipeline.idle();
  });
});

/** The same speech part without streams: every command is decoded whole (`stt.streamCommands: false`). */
function wholeOnly(s: StreamingSpeech): SpeechLike {
  return {
    name: s.name, off: s.off, start: () => s.start(), stop: () => s.stop(), setNames: (n) => s.setNames(n), passive: () => s.passive(),
    command: (pcm, o, g) => s.command(pcm, o, g), probe: (pcm) => s.probe(pcm),
  };
}

/** The command in white noise at about 5 dB by the recogniser's estimate (the hearing policy's noisy band). */
function noisy(samples: Int16Array): Int16Array {
  let seed = 11;
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out[i] = Math.max(-32768, Math.min(32767, (samples[i] as number) + Math.round((seed / 2 ** 31 - 0.5) * 9000)));
  }
  return out;
}

describe('stt.commandAudio: what the grammar hears', () => {
  it('auto: RNNoise\'s output with an adapted acoustic model, the audio as sent with CMU\'s; a setting other than auto wins', () => {
    expect(commandAudioSource('auto', true)).toBe('denoised');
    expect(commandAudioSource('auto', false)).toBe('raw');
    expect(commandAudioSource('raw', true)).toBe('raw');
    expect(commandAudioSource('denoised', false)).toBe('denoised');
  });
});

describe.skipIf(!tools)('VoicePipeline: the grammar hears RNNoise\'s output (stt.commandAudio denoised)', () => {
  const command = (): Int16Array => voiceFixture({ text: 'turn on the kitchen lights', leadMs: 400, tailMs: 900 }).samples;

  it('a streamed command is fed RNNoise\'s output of exactly the audio decoded whole would be, from a fresh state at its start', async () => {
    const speech = new StreamingSpeech();
    const utterances: Utterance[] = [];
    const pauses: CommandPause[] = [];
    const r = rig(speech, utterances, 'denoised', pauses);
    current = r.pipeline;
    await r.pipeline.start();
    expect(r.pipeline.status().grammarAudio).toBe('denoised');
    r.stream(new Int16Array(16000));
    r.stream(command(), r.press);
    expect(speech.streams).toHaveLength(1);
    const s = speech.streams[0]!;
    expect(s.ended).toBe(true);
    expect(pauses.length).toBeGreaterThan(0);
    // Taken at the first pause: what was fed is the denoised audio of that pause's command audio, sample for sample.
    const raw = commandAudio(pauses[0]!);
    const fed = concat(s.pushes);
    expect(fed.length).toBe(raw.length);
    expect(Array.from(fed)).toEqual(Array.from(await denoiseUtterance(raw)));
    expect(Array.from(fed.subarray(0, 16000))).not.toEqual(Array.from(raw.subarray(0, 16000)));
    s.answer(transcript('turn on the kitchen lights'));
    await r.pipeline.idle();
    expect(speech.probes).toHaveLength(0);
    expect(r.handled.map((h) => h.text)).toEqual(['turn on the kitchen lights']);
    expect(r.pipeline.status().grammarStream).toMatchObject({ started: 1, used: 1, misaligned: 0 });
  });

  it('a command decoded whole is decoded on RNNoise\'s output of its audio; with raw, on the audio as sent', async () => {
    for (const mode of ['denoised', 'raw'] as const) {
      const speech = new StreamingSpeech();
      const pauses: CommandPause[] = [];
      const r = rig(wholeOnly(speech), [], mode, pauses);
      current = r.pipeline;
      await r.pipeline.start();
      r.stream(new Int16Array(16000));
      r.stream(command(), r.press);
      await r.pipeline.idle();
      expect(speech.streams).toHaveLength(0);
      expect(speech.probes.length).toBeGreaterThan(0);
      const raw = commandAudio(pauses[0]!);
      const want = mode === 'denoised' ? await denoiseUtterance(raw) : raw;
      expect(speech.probes[0]!.length).toBe(raw.length);
      expect(Array.from(speech.probes[0]!)).toEqual(Array.from(want));
      await r.pipeline.stop();
      current = undefined;
    }
  });

  it('a streamed answer stands by the SNR of the audio as sent, not the engine\'s estimate of the denoised audio', async () => {
    const speech = new StreamingSpeech();
    const pauses: CommandPause[] = [];
    const r = rig(speech, [], 'denoised', pauses);
    current = r.pipeline;
    await r.pipeline.start();
    const loud = noisy(command());
    r.stream(noisy(new Int16Array(16000)));
    r.stream(loud, r.press);
    expect(speech.streams).toHaveLength(1);
    const s = speech.streams[0]!;
    expect(s.ended).toBe(true);
    try {
      // The audio as sent is noisy (under 12 dB, below which the policy holds nothing sure); its denoised version reads clean.
      const raw = commandAudio(pauses[0]!);
      expect(estimateSnrDb(raw)).toBeLessThan(12);
      expect(estimateSnrDb(concat(s.pushes))).toBeGreaterThan(20);
      // Margins the policy acts on at the engine's estimate of what it decoded (the denoised audio, clean) ...
      const heard: Transcript = { ...transcript('turn on the kitchen light'), margin: 3, wordMargin: -5, snrDb: 62 };
      expect(hear(heard, 62).band).toBe('sure');
      // ... do not stand: the bar is judged at the SNR of the audio as sent.
      expect(s.stands!(heard)).toBe(false);
    } finally {
      s.answer(transcript(''));
      await r.pipeline.idle();
    }
  });
});
