import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FrameFlag } from '@jarvis/protocol';
import { createDefaultChain } from '../../../src/audio/dsp/chain.js';
import { DtwWakeDetector, type WakeTemplate } from '../../../src/audio/wake/dtw-wake.js';
import { enrollWithEspeak } from '../../../src/audio/wake/enroll.js';
import { WakeArbiter } from '../../../src/audio/wake/arbiter.js';
import { AudioFrontEnd } from '../../../src/audio/segmenter/front-end.js';
import type { Utterance } from '../../../src/audio/segmenter/utterance.js';
import type { VoiceEvent } from '../../../src/voice/events.js';
import { fixtureToolsAvailable, getAudioFixture } from '../../../../tests/fixtures/audio/index.js';
import { feed, T0 } from '../segmenter/feed.js';

const tools = fixtureToolsAvailable();
let templates: WakeTemplate[] = [];
let fe: AudioFrontEnd | undefined;

beforeAll(async () => {
  if (tools) templates = await enrollWithEspeak();
});
afterEach(async () => {
  await fe?.stop();
  fe = undefined;
});

/** Runs a fixture through the default chain and the detector; returns the detections. */
async function detections(name: string): Promise<number> {
  const chain = await createDefaultChain(16000);
  const det = new DtwWakeDetector(templates);
  let hits = 0;
  for (const f of chain.push(getAudioFixture(name).samples, 0)) if (det.push(f.samples, f.ts)) hits++;
  return hits;
}

// Voices the templates were NOT made from (see DEFAULT_ENROLL_VOICES).
const UNSEEN = ['en-gb-x-rp', 'en-us+m3', 'en-029'];
const COMMANDS = ['lights', 'time', 'timer', 'fan'];
const CHAT = ['milk', 'weather', 'game', 'dentist', 'travis', 'service', 'jars', 'harvey'];

describe('hub wake phrase (MFCC + DTW)', () => {
  it('rejects empty or malformed templates and a bad threshold with coded errors', () => {
    expect(() => new DtwWakeDetector([])).toThrow(expect.objectContaining({ code: 'JARVIS_WAKE_BAD_TEMPLATE' }));
    expect(() => new DtwWakeDetector([{ source: 'x', features: [new Float32Array(12)] }])).toThrow(expect.objectContaining({ code: 'JARVIS_WAKE_BAD_TEMPLATE' }));
    const ok = { source: 'y', features: Array.from({ length: 20 }, () => new Float32Array(12)) };
    expect(() => new DtwWakeDetector([ok], { threshold: 0 })).toThrow(expect.objectContaining({ code: 'JARVIS_AUDIO_BAD_CONFIG' }));
  });

  it('fails enrolment with JARVIS_WAKE_ENROLL_FAILED for a voice espeak-ng does not have', async () => {
    await expect(enrollWithEspeak('hey jarvis', ['no-such-voice-xx'])).rejects.toMatchObject({ code: 'JARVIS_WAKE_ENROLL_FAILED' });
  });

  it.skipIf(!tools)('hears "hey jarvis" from every unseen voice in clean audio and ≥ 75 % at 10 dB pink noise', async () => {
    let clean = 0;
    let noisy = 0;
    for (const v of UNSEEN) {
      for (const c of COMMANDS) {
        if ((await detections(`${c}.${v}`)) > 0) clean++;
        if ((await detections(`${c}.${v}.pink10`)) > 0) noisy++;
      }
    }
    expect(clean).toBe(UNSEEN.length * COMMANDS.length);
    expect(noisy / (UNSEEN.length * COMMANDS.length)).toBeGreaterThanOrEqual(0.75);
  }, 120_000);

  // Measured: 1 false accept in these 32 clips ("remind me to call the dentist on monday", en-gb-x-rp at
  // 10 dB pink, cost 11.8 against the en-gb-x-gbcwmd template); "hey travis" by en-us+m3 comes closest in clean audio (12.75).
  it.skipIf(!tools)('fires on at most 1 of 32 chit-chat clips, including "hey travis" and "harvey" (clean and 10 dB pink)', async () => {
    let falseAccepts = 0;
    for (const v of UNSEEN.slice(0, 2)) {
      for (const c of CHAT) falseAccepts += (await detections(`${c}.${v}`)) + (await detections(`${c}.${v}.pink10`));
    }
    expect(falseAccepts).toBeLessThanOrEqual(1);
  }, 120_000);

  it.skipIf(!tools)('opens a command utterance from the wake phrase and ends it within 100 ms of the speech', async () => {
    const utterances: Utterance[] = [];
    fe = new AudioFrontEnd({ wake: { templates } }, { onUtterance: (u) => { utterances.push(u); u.run.end('done'); } });
    await fe.start();
    const fx = getAudioFixture('lights.en-gb-x-rp.pink20');
    feed(fe, 'dev1', fx.samples);
    expect(utterances.map((u) => [u.kind, u.trigger])).toEqual([['command', 'hub-wake']]);
    const u = utterances[0]!;
    expect(u.wakeScore).toBeGreaterThan(0.5);
    expect(Math.abs(u.startTs - T0 - fx.manifest.speechStartMs)).toBeLessThanOrEqual(100);
    expect(Math.abs(u.endTs - T0 - fx.manifest.speechEndMs)).toBeLessThanOrEqual(100);
    expect(u.events.map((e) => e.type)).toEqual(['run-start', 'capture-start', 'speech-start', 'wake', 'speech-end', 'capture-end']);
  });
});

describe('wake arbitration', () => {
  const cand = (deviceId: string, at: number, score: number, snr: number) => ({ deviceId, at, score, snrDb: () => snr });

  it('keeps the best score, breaks near-ties on SNR, and is pending until the window closes', () => {
    const a = new WakeArbiter({ windowMs: 150 });
    const x = a.propose(cand('x', 1000, 0.9, 5));
    const y = a.propose(cand('y', 1100, 0.6, 30));
    expect(a.verdict(x, 1100)).toBe('pending');
    expect([a.verdict(x, 1150), a.verdict(y, 1150)]).toEqual(['won', 'lost']);
    const p = a.propose(cand('p', 5000, 0.8, 5));
    const q = a.propose(cand('q', 5010, 0.82, 20));
    expect([a.verdict(p, 5200), a.verdict(q, 5200)]).toEqual(['lost', 'won']);
    // Outside the window: a separate wake, each wins its own.
    const r = a.propose(cand('r', 9000, 0.5, 1));
    const s = a.propose(cand('s', 9200, 0.9, 9));
    expect([a.verdict(r, 9400), a.verdict(s, 9400)]).toEqual(['won', 'won']);
    expect(() => new WakeArbiter({ windowMs: -1 })).toThrow(expect.objectContaining({ code: 'JARVIS_AUDIO_BAD_CONFIG' }));
  });

  it.skipIf(!tools)('gives the utterance to the closer device when two hear the same wake', async () => {
    const utterances: Utterance[] = [];
    const events: VoiceEvent[] = [];
    fe = new AudioFrontEnd({ wake: { enabled: false } }, { onUtterance: (u) => { utterances.push(u); u.run.end('done'); }, onEvent: (e) => events.push(e) });
    await fe.start();
    // The same talker: near the kitchen device (20 dB SNR), far from the hall one (0 dB). Both devices'
    // own wake engines fire with the same score, so the speech-to-noise estimate decides.
    const near = getAudioFixture('timer.en-us.pink20');
    const far = getAudioFixture('timer.en-us.pink0');
    const wakeAt = near.manifest.speechStartMs + 700;
    const flagsAt = (shift: number) => (ms: number) => (ms >= wakeAt + shift && ms < wakeAt + shift + 40 ? FrameFlag.WAKE : 0);
    // Interleave the two devices' chunks as the UDP socket would.
    for (let ms = 0; ms + 20 <= near.manifest.durationMs; ms += 20) {
      feed(fe, 'far', far.samples, { fromMs: ms, toMs: ms + 20, flagsAt: flagsAt(40) });
      feed(fe, 'near', near.samples, { fromMs: ms, toMs: ms + 20, flagsAt: flagsAt(0) });
    }
    expect(utterances.map((u) => [u.deviceId, u.kind, u.trigger])).toEqual([['near', 'command', 'device-wake']]);
    expect(utterances[0]!.snrDb).toBeGreaterThan(10);
    const lost = events.filter((e) => e.deviceId === 'far' && e.type === 'run-end').map((e) => e.data?.['reason']);
    expect(lost).toEqual(['arbitration-lost']);
  });
});
