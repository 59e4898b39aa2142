/**
 * The whisper pre-pass (issue 17) with the real speech part: whisper.cpp and the shared weightless tiny.en test
 * model (it hears nothing, so only the plumbing and the number of passes are checked; speed is for
 * `bench/hotpath.bench.ts`, never a timed test).
 */
import { existsSync } from 'node:fs';
import { WhisperModel } from '@jarvis/whisper';
import { afterEach, describe, expect, it } from 'vitest';
import { SpeechService } from '../../src/stt/speech-service.js';
import { VoicePipeline } from '../../src/voice/voice-pipeline.js';
import { deviceFeed } from './device-feed.js';
import { VoiceRunStore } from '../../src/voice/run-store.js';
import { fixtureToolsAvailable } from '../../../tests/fixtures/audio/index.js';
import { voiceFixture } from '../../../tests/fixtures/voice/index.js';
import { sharedModel } from '../../../tests/helpers/shared-models.js';

const MODEL = sharedModel('for-tests-ggml-tiny.en.bin');
const DEVICE = 'aabbccdd';
const ready = existsSync(MODEL) && fixtureToolsAvailable();
if (!ready) console.warn('whisper pre-pass tests skipped: they need the shared test model and espeak-ng/sox');

/** Every native whisper pass the hub starts, and how it ended. */
function recordPasses(): { passes: Array<{ samples: number; outcome?: 'done' | 'failed' }>; stop: () => void } {
  const passes: Array<{ samples: number; outcome?: 'done' | 'failed' }> = [];
  const original = WhisperModel.prototype.pass;
  WhisperModel.prototype.pass = function (this: WhisperModel, pcm, params, options) {
    const rec: { samples: number; outcome?: 'done' | 'failed' } = { samples: pcm.length };
    passes.push(rec);
    const out = original.call(this, pcm, params, options);
    out.then(() => void (rec.outcome = 'done'), () => void (rec.outcome = 'failed'));
    return out;
  };
  return { passes, stop: () => void (WhisperModel.prototype.pass = original) };
}

function rig(prePass: boolean) {
  const { audio, mute, events, stream, press, muteNow } = deviceFeed(DEVICE);
  const speech = new SpeechService({ whisper: { modelPath: MODEL, threads: 1 } });
  const runs = new VoiceRunStore();
  const handled: string[] = [];
  const pipeline = new VoicePipeline({
    frontEnd: { wake: { enabled: false } },
    speech,
    engine: 'whisper',
    whisperPrePass: prePass,
    passive: false,
    subscribeAudio: (l) => (audio.add(l), () => void audio.delete(l)),
    subscribeMute: (l) => (mute.add(l), () => void mute.delete(l)),
    subscribeDeviceEvents: (l) => (events.add(l), () => void events.delete(l)),
    isMuted: () => false,
    handleCommand: async (text) => {
      handled.push(text);
      throw new Error('the weightless model hears nothing: no command can follow');
    },
    publishTranscript: () => {},
    hasTranscriptListeners: () => false,
    onEvent: (e) => runs.observe(e),
  });
  return { pipeline, speech, runs, handled, stream, press, muteNow };
}

let current: { stop(): Promise<void> } | undefined;
let recorder: ReturnType<typeof recordPasses> | undefined;

/** A rig whose pipeline is started (and stopped after the test). */
async function started(prePass: boolean): Promise<ReturnType<typeof rig>> {
  const r = rig(prePass);
  current = r.pipeline;
  await r.pipeline.start();
  return r;
}
afterEach(async () => {
  await current?.stop();
  current = undefined;
  recorder?.stop();
  recorder = undefined;
});

/** Waits until `done()` holds (a pass finishing in the background), polling. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe.skipIf(!ready)('VoicePipeline with whisper.cpp alone: the pass begun at the pause', () => {
  const fx = () => voiceFixture({ text: 'turn on the kitchen lights' });

  it('runs whisper once: during the hangover, on the speech so far, and the utterance takes its answer', async () => {
    recorder = recordPasses();
    const r = await started(true);
    const f = fx();
    // Past the 120 ms pause, short of the 300 ms hangover: the pass starts and finishes before the endpoint.
    r.stream(f.samples.subarray(0, (f.speechEndMs + 200) * 16), r.press);
    await until(() => recorder!.passes[0]?.outcome !== undefined);
    expect(r.runs.list()[0]!.reason).toBeUndefined();
    expect(recorder.passes.map((p) => p.outcome)).toEqual(['done']);
    r.stream(f.samples.subarray((f.speechEndMs + 200) * 16));
    await r.pipeline.idle();
    const run = r.runs.list()[0]!;
    expect(run.events.find((e) => e.type === 'stt-start')?.data?.['whisper']).toBe('from-pause');
    expect(run.events.find((e) => e.type === 'stt-end')?.data).toMatchObject({ engine: 'whisper', text: '' });
    expect(run.reason).toBe('not-understood');
    expect(recorder.passes).toHaveLength(1);
    expect(r.speech.stats?.commands).toBe(1);
    expect(r.pipeline.status().prePass).toEqual({ enabled: true, started: 1, used: 1, discarded: 0 });
  });

  it('without it (stt.prePass false) whisper runs once, after the endpoint', async () => {
    recorder = recordPasses();
    const r = await started(false);
    const f = fx();
    r.stream(f.samples.subarray(0, (f.speechEndMs + 200) * 16), r.press);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(recorder.passes).toHaveLength(0);
    r.stream(f.samples.subarray((f.speechEndMs + 200) * 16));
    await r.pipeline.idle();
    expect(recorder.passes).toHaveLength(1);
    expect(r.runs.list()[0]!.reason).toBe('not-understood');
  });

  it('a mute while the pass runs cancels it: nothing of the command is transcribed or handled', async () => {
    recorder = recordPasses();
    const r = await started(true);
    const f = fx();
    r.stream(f.samples.subarray(0, (f.speechEndMs + 200) * 16), r.press);
    expect(r.pipeline.status().prePass.started).toBe(1);
    r.muteNow();
    r.stream(f.samples.subarray((f.speechEndMs + 200) * 16));
    await r.pipeline.idle();
    // The scheduler had started it or not; either way it did not finish as an answer and no other pass ran.
    await until(() => recorder!.passes.every((p) => p.outcome !== undefined));
    expect(recorder.passes.length).toBeLessThanOrEqual(1);
    expect(r.speech.stats?.commands).toBe(0);
    const run = r.runs.list()[0]!;
    expect(run.reason).toBe('muted');
    expect(run.events.map((e) => e.type)).not.toContain('stt-start');
    expect(r.handled).toEqual([]);
    expect(r.pipeline.status().prePass).toEqual({ enabled: true, started: 1, used: 0, discarded: 1 });
  });
});
