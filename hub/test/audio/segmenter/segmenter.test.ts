import { afterEach, describe, expect, it } from 'vitest';
import { FrameFlag } from '@jarvis/protocol';
import { AudioFrontEnd } from '../../../src/audio/segmenter/front-end.js';
import { Segmenter } from '../../../src/audio/segmenter/segmenter.js';
import type { CommandPause, Utterance } from '../../../src/audio/segmenter/utterance.js';
import { AudioError } from '../../../src/audio/dsp/errors.js';
import type { VoiceEvent } from '../../../src/voice/events.js';
import { fixtureToolsAvailable, getAudioFixture } from '../../../../tests/fixtures/audio/index.js';
import { feed, T0 } from './feed.js';
import { energyDb, type DspFrame } from '../../../src/audio/dsp/frame.js';

const tools = fixtureToolsAvailable();
let fe: AudioFrontEnd | undefined;

afterEach(async () => {
  await fe?.stop();
  fe = undefined;
});

async function frontEnd(): Promise<{ fe: AudioFrontEnd; utterances: Utterance[]; events: VoiceEvent[] }> {
  const utterances: Utterance[] = [];
  const events: VoiceEvent[] = [];
  fe = new AudioFrontEnd({ wake: { enabled: false } }, { onUtterance: (u) => { utterances.push(u); u.run.end('done'); }, onEvent: (e) => events.push(e) });
  await fe.start();
  await fe.start();
  return { fe, utterances, events };
}

const types = (events: VoiceEvent[], runId?: string): string[] => events.filter((e) => !runId || e.runId === runId).map((e) => e.type);

describe('segmenter', () => {
  // The last four were outside 100 ms before the boundary fixes: the CI failure (the /s/ of "lights" at
  // 20 dB, end 110 ms early), the same /s/ at 5 dB (170 ms early), voicing fading out 60 dB down that
  // RNNoise still calls speech (190 ms late), and one noise frame after the speech (280 ms late).
  it.skipIf(!tools).each(['milk.en-gb', 'weather.en-us+f3.pink10', 'dentist.en-gb-x-rp.brown10', 'service.en-029.pink5', 'lights.en-gb-x-rp.pink20', 'lights.en-us.pink5', 'milk.en-us+f2', 'wake.en-us.pink5'])(
    'cuts %s into one passive utterance within 100 ms of the true boundaries',
    async (name) => {
      const { fe, utterances, events } = await frontEnd();
      const fx = getAudioFixture(name);
      feed(fe, 'dev1', fx.samples);
      expect(utterances).toHaveLength(1);
      const u = utterances[0]!;
      expect(u.kind).toBe('passive');
      expect(Math.abs(u.startTs - T0 - fx.manifest.speechStartMs)).toBeLessThanOrEqual(100);
      expect(Math.abs(u.endTs - T0 - fx.manifest.speechEndMs)).toBeLessThanOrEqual(100);
      // Pre-roll: the audio starts before the speech, and runs to just after its end.
      expect(u.audioStartTs).toBeLessThan(u.startTs);
      expect(u.pcm16k.length / 16).toBeGreaterThan(u.endTs - u.startTs);
      expect(types(events, u.run.id)).toEqual(['run-start', 'capture-start', 'speech-start', 'speech-end', 'capture-end', 'run-end']);
    },
  );

  it.skipIf(!tools)('starts a command on the PTT flag and keeps the whole phrase', async () => {
    const { fe, utterances } = await frontEnd();
    const fx = getAudioFixture('fan.en-us');
    feed(fe, 'dev1', fx.samples, { flagsAt: (ms) => (ms >= 500 && ms < 3500 ? FrameFlag.PTT : 0) });
    expect(utterances.map((u) => [u.kind, u.trigger])).toEqual([['command', 'ptt']]);
    expect(Math.abs(utterances[0]!.startTs - T0 - fx.manifest.speechStartMs)).toBeLessThanOrEqual(100);
    expect(Math.abs(utterances[0]!.endTs - T0 - fx.manifest.speechEndMs)).toBeLessThanOrEqual(100);
    // The same audio before the denoiser comes along for the recognisers, sample for sample as long.
    expect(utterances[0]!.raw16k?.length).toBe(utterances[0]!.pcm16k.length);
  });

  it.skipIf(!tools)('discards the open utterance when the device is muted', async () => {
    const { fe, utterances, events } = await frontEnd();
    const fx = getAudioFixture('lights.en-gb.pink10');
    const cut = fx.manifest.speechStartMs + 800;
    feed(fe, 'dev1', fx.samples, { toMs: cut });
    fe.onMute({ deviceId: 'dev1', muted: true, source: 'frame', at: T0 + cut });
    expect(utterances).toHaveLength(0);
    const ends = events.filter((e) => e.type === 'run-end');
    expect(ends.map((e) => e.data?.['reason'])).toEqual(['muted']);
    // What the device sends after unmuting starts afresh; the muted words never reappear.
    fe.onMute({ deviceId: 'dev1', muted: false, source: 'frame', at: T0 + cut });
    feed(fe, 'dev1', new Int16Array(16000), { fromMs: 0 });
    expect(utterances).toHaveLength(0);
  });

  it.skipIf(!tools)('a press after a stream ended starts the command of the next stream (press, then a new stream)', async () => {
    const { fe, utterances } = await frontEnd();
    const fx = getAudioFixture('fan.en-us');
    feed(fe, 'dev1', new Int16Array(16000), { streamId: 7 });
    // The old stream sent its last frame at T0 + 1000 ms; the press comes after it, the new stream after that.
    fe.onButton('dev1', { button: 'ptt', action: 'press' }, T0 + 1100);
    const next = new Int16Array(24000 + fx.samples.length);
    next.set(fx.samples, 24000);
    feed(fe, 'dev1', next, { streamId: 8 });
    feed(fe, 'dev1', new Int16Array(16000 * 3), { streamId: 8, fromMs: 0 });
    expect(utterances.map((u) => [u.kind, u.trigger])).toEqual([['command', 'ptt']]);
    expect(Math.abs(utterances[0]!.startTs - T0 - 1500 - fx.manifest.speechStartMs)).toBeLessThanOrEqual(100);
  });

  it.skipIf(!tools)('a press older than a few seconds does not start the next stream\'s command', async () => {
    const { fe, utterances } = await frontEnd();
    const fx = getAudioFixture('fan.en-us');
    feed(fe, 'dev1', new Int16Array(16000), { streamId: 7 });
    fe.onButton('dev1', { button: 'ptt', action: 'press' }, T0 - 10_000);
    feed(fe, 'dev1', fx.samples, { streamId: 8 });
    expect(utterances.map((u) => u.kind)).toEqual(['passive']);
  });

  it.skipIf(!tools)('ends a button-triggered run with no-speech when nobody talks', async () => {
    const { fe, utterances, events } = await frontEnd();
    feed(fe, 'dev1', new Int16Array(1600));
    fe.onButton('dev1', { button: 'action', action: 'click' }, T0 + 100);
    feed(fe, 'dev1', new Int16Array(16000 * 5), { fromMs: 100 });
    expect(utterances).toHaveLength(0);
    expect(types(events)).toEqual(['run-start', 'capture-start', 'wake', 'run-end']);
    expect(events.at(-1)?.data).toEqual({ reason: 'no-speech' });
  });

  it('rejects bad options and unlabelled frames with coded errors', () => {
    const sinks = { onUtterance: () => {}, onEvent: () => {} };
    expect(() => new Segmenter('d', sinks, { hangoverMs: 0 })).toThrow(AudioError);
    expect(() => new Segmenter('d', sinks, { preRollMs: -1 })).toThrowError(/preRollMs/);
    expect(() => new Segmenter('d', sinks, { maxCommandMs: Number.NaN })).toThrow(expect.objectContaining({ code: 'JARVIS_AUDIO_BAD_CONFIG' }));
    const s = new Segmenter('d', sinks);
    expect(() => s.push({ sampleRate: 16000, samples: new Float32Array(160), ts: 0, flags: 0, rawDb: 0 })).toThrow(expect.objectContaining({ code: 'JARVIS_AUDIO_BAD_FRAME' }));
    expect(() => s.push({ sampleRate: 48000, samples: new Float32Array(480), ts: 0, flags: 0, rawDb: 0, speech: true })).toThrow(expect.objectContaining({ code: 'JARVIS_AUDIO_BAD_FRAME' }));
  });

  it('honours a configurable hangover: a pause longer than it splits speech, a shorter one does not', () => {
    const run = (hangoverMs: number): number => {
      const out: Utterance[] = [];
      const s = new Segmenter('d', { onUtterance: (u) => out.push(u), onEvent: () => {} }, { hangoverMs });
      // 500 ms speech, 400 ms pause, 500 ms speech, 1 s silence.
      const pattern = [...Array(50).fill(true), ...Array(40).fill(false), ...Array(50).fill(true), ...Array(100).fill(false)] as boolean[];
      pattern.forEach((speech, i) => s.push({ sampleRate: 16000, samples: new Float32Array(160), ts: i * 10, flags: 0, rawDb: speech ? -20 : -60, speech }));
      return out.length;
    };
    expect(run(300)).toBe(2);
    expect(run(500)).toBe(1);
  });

  describe('end of speech on labelled frames', () => {
    // Deterministic 10 ms frames: a low hum for the room, a loud tone for voicing, alternating-sign hiss
    // for a fricative (every sample pair crosses zero), a quiet low tone with the hiss's energy.
    const tone = (hz: number, amp: number) => (i: number) => amp * Math.sin((2 * Math.PI * hz * i) / 16000);
    const kinds = {
      room: tone(150, 1e-4),
      voice: tone(220, 0.3),
      hiss: (i: number) => (i % 2 ? 0.01 : -0.01) * (1 + 0.3 * Math.sin(i)),
      hum: tone(120, 0.01445),
      faint: tone(220, 3e-4),
    };
    type Kind = keyof typeof kinds;

    /** Runs frames `[kind, count, vadSaysSpeech]` through a segmenter; returns its utterances and speech-end times. */
    function run(plan: [Kind, number, boolean][]): { utterances: Utterance[]; speechEnds: number[] } {
      const utterances: Utterance[] = [];
      const speechEnds: number[] = [];
      const s = new Segmenter('d', { onUtterance: (u) => utterances.push(u), onEvent: (e) => { if (e.type === 'speech-end') speechEnds.push(e.at); } });
      let n = 0;
      for (const [kind, count, speech] of plan) {
        for (let k = 0; k < count; k++, n++) {
          const samples = Float32Array.from({ length: 160 }, (_, i) => kinds[kind](n * 160 + i));
          const frame: DspFrame = { sampleRate: 16000, samples, ts: n * 10, flags: 0, rawDb: energyDb(samples), speech };
          s.push(frame);
        }
      }
      return { utterances, speechEnds };
    }

    it('ignores one voiced noise frame after the speech: it neither moves the end nor restarts the hangover', () => {
      const { utterances, speechEnds } = run([['room', 50, false], ['voice', 50, true], ['room', 25, false], ['room', 1, true], ['room', 60, false]]);
      expect(utterances.map((u) => u.endTs)).toEqual([1000]);
      expect(speechEnds).toEqual([1300]);
    });

    it('keeps speech that resumes just inside the hangover together, though the onset run ends past it', () => {
      const { utterances } = run([['room', 50, false], ['voice', 50, true], ['room', 28, false], ['voice', 5, true], ['room', 60, false]]);
      expect(utterances.map((u) => [u.startTs, u.endTs])).toEqual([[500, 1330]]);
    });

    it('extends the end over a word-final fricative the VAD dropped, but not over a hum of the same energy', () => {
      const hiss = run([['room', 50, false], ['voice', 50, true], ['hiss', 12, false], ['room', 60, false]]);
      expect(hiss.utterances.map((u) => u.endTs)).toEqual([1120]);
      const hum = run([['room', 50, false], ['voice', 50, true], ['hum', 12, false], ['room', 60, false]]);
      expect(hum.utterances.map((u) => u.endTs)).toEqual([1000]);
    });

    it('ends at the last frame within 40 dB of the loudest, however long the VAD hears voicing fade', () => {
      const { utterances } = run([['room', 50, false], ['voice', 50, true], ['faint', 20, true], ['room', 60, false]]);
      expect(utterances.map((u) => u.endTs)).toEqual([1000]);
    });
  });

  describe('early end of a command on a pause', () => {
    /** A PTT command on labelled frames: `plan` is [voiced?, frames]; `onPause` decides what each offer does. */
    function command(plan: [boolean, number][], onPause: (p: CommandPause, at: number) => void, options: { earlyEndPauseMs?: number; hold?: boolean } = {}) {
      const utterances: Utterance[] = [];
      const events: VoiceEvent[] = [];
      const s = new Segmenter('d', { onUtterance: (u) => utterances.push(u), onEvent: (e) => events.push(e), onCommandPause: (p) => onPause(p, now) }, options.earlyEndPauseMs === undefined ? {} : { earlyEndPauseMs: options.earlyEndPauseMs });
      let now = 0;
      let n = 0;
      const push = (speech: boolean): void => {
        const flags = n >= 5 && (options.hold || n < 10) ? FrameFlag.PTT : 0;
        now = (n + 1) * 10;
        s.push({ sampleRate: 16000, samples: new Float32Array(160).fill(speech ? 0.3 : 0.0001), ts: n * 10, flags, rawDb: speech ? -10 : -80, speech });
        n++;
      };
      for (const [speech, frames] of [[false, 20], ...plan] as [boolean, number][]) for (let k = 0; k < frames; k++) push(speech);
      return { utterances, events, push };
    }

    it('offers each pause once, after earlyEndPauseMs of silence, with the audio so far; end() closes it as complete-command', () => {
      const offers: { at: number; samples: number; lastVoicedTs: number }[] = [];
      let offer: CommandPause | undefined;
      const { utterances, events } = command([[true, 50], [false, 20]], (p, at) => { offer = p; offers.push({ at, samples: p.pcm16k.length, lastVoicedTs: p.lastVoicedTs }); });
      // Speech ends at 700 ms; the offer comes with the frame that ends 120 ms later, holding every frame so
      // far (the audio starts at 0: PTT at 50 ms with less than the 300 ms pre-roll before it).
      expect(offers).toEqual([{ at: 820, samples: 820 * 16, lastVoicedTs: 700 }]);
      expect(utterances).toHaveLength(0);
      expect(offer!.end()).toBe(true);
      expect(utterances.map((u) => [u.endReason, u.endTs, u.lastVoicedTs])).toEqual([['complete-command', 700, 700]]);
      expect(events.find((e) => e.type === 'speech-end')?.data).toEqual({ reason: 'complete-command' });
      // Ended once: a second end() does nothing.
      expect(offer!.end()).toBe(false);
      expect(utterances).toHaveLength(1);
    });

    it('refuses to end when speech went on after the pause, and offers the next pause afresh', () => {
      const offers: CommandPause[] = [];
      const { utterances, push } = command([[true, 50], [false, 15], [true, 30]], (p) => offers.push(p));
      expect(offers).toHaveLength(1);
      expect(offers[0]!.end()).toBe(false);
      for (let k = 0; k < 15; k++) push(false);
      expect(offers).toHaveLength(2);
      expect(offers[1]!.lastVoicedTs).toBe(1150);
      expect(utterances).toHaveLength(0);
      for (let k = 0; k < 30; k++) push(false);
      // Nobody ended it: the hangover does, and the utterance still holds both parts.
      expect(utterances.map((u) => [u.endReason, u.startTs, u.endTs])).toEqual([['silence', 200, 1150]]);
      expect(offers[1]!.end()).toBe(false);
    });

    it('offers nothing while PTT is held, when turned off, or for passive speech', () => {
      const offers: CommandPause[] = [];
      command([[true, 50], [false, 40]], (p) => offers.push(p), { hold: true });
      command([[true, 50], [false, 40]], (p) => offers.push(p), { earlyEndPauseMs: 0 });
      expect(offers).toHaveLength(0);
      const passive = new Segmenter('d', { onUtterance: () => {}, onEvent: () => {}, onCommandPause: (p) => offers.push(p) });
      for (let n = 0; n < 100; n++) passive.push({ sampleRate: 16000, samples: new Float32Array(160), ts: n * 10, flags: 0, rawDb: n >= 20 && n < 70 ? -10 : -80, speech: n >= 20 && n < 70 });
      expect(offers).toHaveLength(0);
    });

    it('rejects an earlyEndPauseMs outside 0..5000 and never waits longer than the hangover', () => {
      const sinks = { onUtterance: () => {}, onEvent: () => {} };
      expect(() => new Segmenter('d', sinks, { earlyEndPauseMs: -1 })).toThrow(expect.objectContaining({ code: 'JARVIS_AUDIO_BAD_CONFIG' }));
      expect(() => new Segmenter('d', sinks, { earlyEndPauseMs: Number.NaN })).toThrowError(/earlyEndPauseMs/);
      const offers: CommandPause[] = [];
      const { utterances } = command([[true, 50], [false, 40]], (p) => offers.push(p), { earlyEndPauseMs: 4000 });
      // Capped at the 300 ms hangover, which closes the utterance first: no offer is left to make.
      expect(offers).toHaveLength(0);
      expect(utterances.map((u) => u.endReason)).toEqual(['silence']);
    });
  });
});

describe('push-to-talk reported twice: in band and over MQTT', () => {
  /** A segmenter fed labelled frames; `flagged` frames carry PTT; `press` lists frame indexes where an MQTT press arrives. */
  function stream(plan: { frames: number; speech: (n: number) => boolean; flagged: (n: number) => boolean; press: number[] }) {
    const utterances: Utterance[] = [];
    const events: VoiceEvent[] = [];
    const s = new Segmenter('d', { onUtterance: (u) => { utterances.push(u); u.run.end('done'); }, onEvent: (e) => events.push(e) });
    for (let n = 0; n < plan.frames; n++) {
      if (plan.press.includes(n)) s.trigger('ptt', n * 10);
      const speech = plan.speech(n);
      s.push({ sampleRate: 16000, samples: new Float32Array(160).fill(speech ? 0.3 : 0.0001), ts: n * 10, flags: plan.flagged(n) ? FrameFlag.PTT : 0, rawDb: speech ? -10 : -80, speech });
    }
    const commands = events.filter((e) => e.type === 'run-start' && (e.data as { kind?: string } | undefined)?.kind === 'command').length;
    return { utterances, commands };
  }
  // Speech from frame 30 to 80, then silence long enough for the hangover; a second stretch of speech at 150-200.
  const speech = (n: number): boolean => (n >= 30 && n < 80) || (n >= 150 && n < 200);

  it('counts the flag and its late MQTT copy as one press: the copy that lands after the command ended starts nothing', () => {
    const { utterances, commands } = stream({ frames: 260, speech, flagged: (n) => n >= 20 && n < 30, press: [140] });
    expect(commands).toBe(1);
    expect(utterances.map((u) => [u.kind, u.trigger])).toEqual([['command', 'ptt'], ['passive', undefined]]);
  });

  it('still starts a command from an MQTT press when the device does not flag its audio', () => {
    const { utterances, commands } = stream({ frames: 260, speech, flagged: () => false, press: [140] });
    expect(commands).toBe(1);
    expect(utterances.map((u) => [u.kind, u.trigger])).toEqual([['passive', undefined], ['command', 'ptt']]);
  });
});
