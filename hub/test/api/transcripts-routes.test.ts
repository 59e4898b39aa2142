import { Writable } from 'node:stream';
import fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { commandRoutes, dropReason } from '../../src/api/command-routes.js';
import type { MuteTransition } from '../../src/audio/types.js';
import { createLogger } from '../../src/core/logger.js';
import { ObserverComponent } from '../../src/observer/index.js';
import { TranscriptBus } from '../../src/voice/transcripts.js';
import { FakeClock, todoDb } from '../observer/helpers.js';

const DEV = '0000002a';
const T0 = Date.parse('2026-03-02T15:00:00Z');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test app with the hub's pino logger
let app: FastifyInstance<any, any, any, any> | undefined;
let observer: ObserverComponent | undefined;
afterEach(async () => {
  await app?.close();
  await observer?.stop();
  app = undefined;
  observer = undefined;
});

/** The transcripts API over a real transcript bus and a real observer, on one fake clock. */
async function hub(opts: { observer?: boolean } = {}) {
  const clock = new FakeClock(T0);
  const bus = new TranscriptBus();
  const muteListeners = new Set<(t: MuteTransition) => void>();
  const lines: string[] = [];
  if (opts.observer ?? true) {
    observer = new ObserverComponent({
      db: todoDb().db,
      timeZone: 'America/New_York',
      subscribeTranscripts: (l) => bus.subscribe(l),
      subscribeMute: (l) => (muteListeners.add(l), () => void muteListeners.delete(l)),
      clock: clock.read,
    });
    await observer.start();
  }
  app = fastify({ loggerInstance: createLogger({ level: 'info', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) }) });
  await app.register(
    commandRoutes({
      handleCommandText: () => Promise.reject(new Error('unused')),
      publishTranscript: (s) => bus.publish(s),
      transcriptListeners: () => bus.size,
      forget: (minutes, deviceId) => observer!.forget(minutes, deviceId),
      deviceExists: (id) => id === DEV,
      isMuted: () => false,
    }, clock.read),
    { prefix: '/api/v1' },
  );
  const post = async (payload: unknown) => {
    const res = await app!.inject({ method: 'POST', url: '/api/v1/transcripts', payload: payload as Record<string, unknown> });
    return { status: res.statusCode, json: res.json() as Record<string, unknown> };
  };
  const mute = (muted: boolean, at: number): void => { for (const l of muteListeners) l({ deviceId: DEV, muted, at } as MuteTransition); };
  return { clock, post, mute, lines };
}

const refused = (reason: string) => ({ status: 200, json: expect.objectContaining({ published: false, observed: false, reason, dropped: reason, code: 'JARVIS_OBSERVER_TRANSCRIPT_REFUSED', message: expect.any(String) }) });

describe('POST /api/v1/transcripts says whether the observer kept the text', () => {
  it('kept: 202 observed; the same words over the same time again: refused as a duplicate, and logged at info', async () => {
    const h = await hub();
    const text = { deviceId: DEV, speaker: 'USER', text: 'I need to call the plumber tomorrow.', startedAt: T0 - 3000, endedAt: T0 - 500 };
    expect(await h.post(text)).toEqual({ status: 202, json: { published: true, observed: true, listeners: 1 } });
    expect(await h.post(text)).toEqual(refused('duplicate'));
    // Different words at the same time are kept.
    expect((await h.post({ ...text, text: 'And we are out of eggs.' })).json).toMatchObject({ observed: true });
    const logged = h.lines.map((l) => JSON.parse(l) as { level: number; msg: string; reason?: string }).filter((l) => l.msg.startsWith('transcript not observed'));
    expect(logged).toEqual([expect.objectContaining({ level: 30, reason: 'duplicate' })]);
  });

  it('a text overlapping a mute that has ended, or the seconds before it, is refused as muted-stretch', async () => {
    const h = await hub();
    h.mute(true, T0 - 10_000);
    h.mute(false, T0 - 8_000);
    // The gate says unmuted (no live mute), yet the observer never keeps speech from that stretch.
    expect(await h.post({ deviceId: DEV, text: 'buy eggs', startedAt: T0 - 12_000, endedAt: T0 - 9_000 })).toEqual(refused('muted-stretch'));
    expect((await h.post({ deviceId: DEV, text: 'buy eggs', startedAt: T0 - 7_000, endedAt: T0 - 6_000 })).json).toMatchObject({ observed: true });
  });

  it('a forgotten stretch, a text older than the window, and a text without words are refused, each with its reason', async () => {
    const h = await hub();
    await h.post({ deviceId: DEV, text: 'something said a minute ago', startedAt: T0 - 60_000, endedAt: T0 - 58_000 });
    const forgot = await app!.inject({ method: 'POST', url: '/api/v1/transcripts/forget', payload: { minutes: 2, deviceId: DEV } });
    expect(forgot.statusCode).toBe(200);
    expect(await h.post({ deviceId: DEV, text: 'a late transcript of that stretch', startedAt: T0 - 90_000, endedAt: T0 - 88_000 })).toEqual(refused('forgotten'));
    expect(await h.post({ deviceId: DEV, text: 'from long ago', startedAt: T0 - 20 * 60_000, endedAt: T0 - 19 * 60_000 })).toEqual(refused('too-old'));
    expect(await h.post({ deviceId: DEV, text: '[BLANK_AUDIO]' })).toEqual(refused('no-words'));
    expect(await h.post({ deviceId: DEV, text: '(wind blowing) ...' })).toEqual(refused('no-words'));
  });

  it('nobody listening: refused as no-listener instead of published: true', async () => {
    const h = await hub({ observer: false });
    expect(await h.post({ deviceId: DEV, text: 'buy eggs' })).toEqual({ status: 200, json: expect.objectContaining({ published: false, observed: false, reason: 'no-listener', listeners: 0 }) });
  });

  it('malformed input: coded 400s (or 404 for an unknown device), and nothing is published', async () => {
    const h = await hub();
    const bad = async (payload: unknown, status = 400, code = 'JARVIS_COMMAND_BAD_REQUEST') => {
      const res = await h.post(payload);
      expect(res.status, JSON.stringify(payload)).toBe(status);
      expect((res.json['error'] as { code: string }).code).toBe(code);
    };
    await bad({ text: 'buy eggs' });
    await bad({ deviceId: DEV });
    await bad({ deviceId: DEV, text: '   ' });
    await bad({ deviceId: DEV, text: 'x'.repeat(2001) });
    await bad({ deviceId: DEV, text: 'buy eggs', startedAt: T0, endedAt: T0 - 1000 });
    await bad({ deviceId: DEV, text: 'buy eggs', startedAt: -5 });
    await bad({ deviceId: DEV, text: 'buy eggs', published: true });
    await bad({ deviceId: 'DEADBEEF', text: 'buy eggs' });
    await bad({ deviceId: 'deadbeef', text: 'buy eggs' }, 404, 'JARVIS_COMMAND_UNKNOWN_DEVICE');
    const notJson = await app!.inject({ method: 'POST', url: '/api/v1/transcripts', headers: { 'content-type': 'application/json' }, payload: '{"deviceId":' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('JARVIS_COMMAND_BAD_REQUEST');
    expect(observer!.observer.stats.segments + observer!.observer.stats.rejected).toBe(0);
  });
});

describe('dropReason', () => {
  it('a listener that kept it or did not judge it means taken; only when every listener refused is there a reason', () => {
    expect(dropReason([{ observed: false, reason: 'duplicate' }], 1)).toBe('duplicate');
    expect(dropReason([{ observed: false, reason: 'duplicate' }, { observed: true }], 2)).toBeUndefined();
    expect(dropReason([{ observed: false, reason: 'duplicate' }], 2)).toBeUndefined();
    expect(dropReason(3, 1)).toBeUndefined();
    expect(dropReason([{ observed: false, reason: 'made-up' }], 1)).toBeUndefined();
    expect(dropReason([], 0)).toBe('no-listener');
  });
});

describe('TranscriptBus.publish', () => {
  it('returns the verdicts of the listeners that judge, and ignores what the others return', () => {
    const bus = new TranscriptBus();
    const got: string[] = [];
    bus.subscribe((s) => got.push(s.text));
    bus.subscribe(() => ({ observed: false, reason: 'duplicate' }));
    bus.subscribe(() => ({ observed: 'maybe' }));
    expect(bus.publish({ deviceId: DEV, text: 'hello', startedAt: 1, endedAt: 2 })).toEqual([{ observed: false, reason: 'duplicate' }]);
    expect(got).toEqual(['hello']);
  });
});
