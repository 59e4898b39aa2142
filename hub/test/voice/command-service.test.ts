import { describe, expect, it } from 'vitest';
import { CommandService, forgetMinutes } from '../../src/voice/command-service.js';
import { CommandError } from '../../src/voice/command-errors.js';
import { TranscriptBus } from '../../src/voice/transcripts.js';
import { silentLogger } from '../../src/core/logger.js';
import { normalizeText } from '../../src/language/normalize.js';

describe('forgetMinutes', () => {
  it.each([
    ['forget the last five minutes', 5],
    ['Jarvis, forget the last 10 minutes', 10],
    ['please forget the past hour', 60],
    ['forget the last two hours', 120],
    ['delete what I said in the last 3 minutes', 3],
    ['forget the last minute', 1],
  ])('%s → %d', (text, minutes) => {
    expect(forgetMinutes(normalizeText(text))).toBe(minutes);
  });

  it.each(['forget it', 'I always forget the last ten minutes of a film', 'forget the milk', 'turn off the lights'])('%s is not a forget command', (text) => {
    expect(forgetMinutes(normalizeText(text))).toBeUndefined();
  });
});

describe('CommandService', () => {
  const service = (): { s: CommandService; said: [string, string][] } => {
    const said: [string, string][] = [];
    const s = new CommandService({
      deviceArea: (id) => (id === '0000002a' ? 'Kitchen' : undefined),
      say: async (id, text) => void said.push([id, text]),
      logger: silentLogger(),
    });
    return { s, said };
  };

  it('rejects empty, overlong and unknown-device commands with coded errors, before anything runs', async () => {
    const { s, said } = service();
    const code = (p: Promise<unknown>): Promise<string> => p.then(() => 'resolved', (e: unknown) => (e instanceof CommandError ? `${e.code} ${e.statusCode}` : String(e)));
    expect(await code(s.handleCommandText('  '))).toBe('JARVIS_COMMAND_BAD_REQUEST 400');
    expect(await code(s.handleCommandText('x'.repeat(501)))).toBe('JARVIS_COMMAND_BAD_REQUEST 400');
    expect(await code(s.handleCommandText('turn on the lights', { deviceId: 'ffffffff' }))).toBe('JARVIS_COMMAND_UNKNOWN_DEVICE 404');
    expect(await code(s.handleCommandText('turn on the lights', { deviceId: '0000002a' }))).toBe('JARVIS_COMMAND_UNAVAILABLE 503');
    expect(said).toEqual([]);
  });

  it('gives interceptors the device area and says their reply on the device', async () => {
    const { s, said } = service();
    const seen: unknown[] = [];
    s.addInterceptor(async (_text, normalized, origin) => {
      seen.push([normalized, origin.area]);
      return normalized === 'ping' ? { decision: { intent: null, slots: {}, path: 'hot', tier: 0, confidence: 1, targets: [] }, result: { ok: true, reply: 'pong', calls: [] }, decidedAt: 1, executedAt: 2 } : undefined;
    });
    const out = await s.handleCommandText('Ping!', { deviceId: '0000002a' });
    expect(out).toMatchObject({ area: 'Kitchen', deviceId: '0000002a', replied: true, result: { reply: 'pong' } });
    expect(said).toEqual([['0000002a', 'pong']]);
    expect(seen).toEqual([['ping', 'Kitchen']]);
  });

  it('reports a reply that could not be sent instead of failing the command', async () => {
    const s = new CommandService({ deviceArea: () => 'Office', say: async () => { throw new Error('mqtt is not started'); } });
    s.addInterceptor(async () => ({ decision: { intent: null, slots: {}, path: 'hot', tier: 0, confidence: 1, targets: [] }, result: { ok: true, reply: 'hi', calls: [] }, decidedAt: 1, executedAt: 2 }));
    expect((await s.handleCommandText('hello', { deviceId: '00000001' })).replied).toBe(false);
  });
});

describe('TranscriptBus', () => {
  it('delivers to every subscriber, survives a throwing one, and unsubscribes', () => {
    const bus = new TranscriptBus(silentLogger());
    const got: string[] = [];
    const off = bus.subscribe((s) => got.push(`a:${s.text}`));
    bus.subscribe(() => {
      throw new Error('boom');
    });
    bus.subscribe((s) => got.push(`c:${s.text}`));
    const segment = { deviceId: '0000002a', text: 'hello', startedAt: 1, endedAt: 2 };
    bus.publish(segment);
    off();
    bus.publish({ ...segment, text: 'again' });
    expect(got).toEqual(['a:hello', 'c:hello', 'c:again']);
    expect(bus.size).toBe(2);
  });
});
