import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { repliesRoutes } from '../../src/api/replies-routes.js';
import { createLogger } from '../../src/core/logger.js';
import { ColdReplies } from '../../src/router/cold-replies.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { SqliteTaskQueue } from '../../src/tasks/queue.js';

// Issue 18 finding 3: a cold answer for an offline device is kept (persisted, with a time limit), delivered when
// the device is next online (info log), expired with a log line, and listed in the API.

const HOUR = 3_600_000;
let dir: string;
let db: Db;
let now: number;
const online = new Set<string>();
let said: [string, string][];
let lines: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jarvis-pending-'));
  db = openDatabase(join(dir, 'hub.db'));
  now = 1_000_000;
  online.clear();
  said = [];
  lines = [];
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function make(database: Db = db): { cold: ColdReplies; queue: SqliteTaskQueue } {
  const queue = new SqliteTaskQueue(database, { now: () => now });
  const logger = createLogger({ level: 'info', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
  const cold = new ColdReplies({
    db: database, queue, maxAgeMs: HOUR, sweepMs: 60_000, logger, now: () => now,
    say: async (id, text) => void said.push([id, text]),
    deviceExists: () => true,
    deviceOnline: (id) => online.has(id),
  });
  return { cold, queue };
}
const logged = (msg: string): number => lines.filter((l) => (JSON.parse(l) as { msg: string }).msg === msg).length;

describe('pending cold replies', () => {
  it('wait for an offline device (logged once at info, listed with their expiry), survive a restart, and are spoken when it is back', async () => {
    const first = make();
    const { id } = first.cold.enqueue({ type: 'router.summarise', payload: { task: 'summarise', request: 'my day', text: 'my day', deviceId: '0000002a' } });
    expect(first.cold.pendingReplies()).toEqual([{ taskId: id, deviceId: '0000002a', taskState: 'queued', waitingFor: 'task', createdAt: now, settledAt: null, expiresAt: null }]);
    now += 1000;
    first.queue.cancel(id);
    await first.cold.sweep();
    await first.cold.sweep();
    expect(said).toEqual([]);
    expect(logged('cold result waits until the device is online (GET /api/v1/replies/pending)')).toBe(1);
    expect(first.cold.pendingReplies()).toMatchObject([{ taskId: id, waitingFor: 'device_online', taskState: 'cancelled', settledAt: now, expiresAt: now + HOUR }]);

    // The hub restarts: the reply is in the database, not in memory.
    await first.cold.stop();
    db.close();
    db = openDatabase(join(dir, 'hub.db'));
    const second = make(db);
    expect(second.cold.pendingReplies().map((r) => r.taskId)).toEqual([id]);
    await second.cold.sweep();
    now += 10 * 60_000;
    online.add('0000002a');
    await second.cold.sweep();
    expect(said).toEqual([['0000002a', 'I stopped working on: summarise my day.']]);
    expect(second.cold.pendingReplies()).toEqual([]);
    expect(lines.some((l) => l.includes('cold result spoken: the device is back online'))).toBe(true);
  });

  it('expire unspoken after the time limit, with a log line, and leave the list', async () => {
    const { cold, queue } = make();
    const { id } = cold.enqueue({ type: 'router.summarise', payload: { task: 'summarise', request: 'my day', text: 'my day', deviceId: '0000002a' } });
    queue.cancel(id);
    await cold.sweep();
    now += HOUR + 1;
    await cold.sweep();
    online.add('0000002a');
    await cold.sweep();
    expect(said).toEqual([]);
    expect(cold.pendingReplies()).toEqual([]);
    expect(logged('cold result expired unspoken: the device stayed offline; it stays in the API')).toBe(1);
  });
});

describe('GET /api/v1/replies/pending', () => {
  async function app(cold: ColdReplies) {
    const a = fastify();
    a.setErrorHandler((err, _req, reply) => (err instanceof ApiError ? reply.status(err.statusCode).send({ error: { code: err.code, message: err.message } }) : reply.status(500).send()));
    await a.register(repliesRoutes({ pendingReplies: () => cold.pendingReplies() }), { prefix: '/api/v1' });
    return a;
  }

  it('lists pending replies with ISO times, filtered by device, and rejects a malformed query with a code', async () => {
    const { cold, queue } = make();
    const { id } = cold.enqueue({ type: 'router.summarise', payload: { task: 'summarise', request: 'my day', text: 'my day', deviceId: '0000002a' } });
    cold.enqueue({ type: 'router.summarise', payload: { task: 'summarise', request: 'week', text: 'week', deviceId: '0000002b' } });
    queue.cancel(id);
    const a = await app(cold);
    try {
      const all = await a.inject({ url: '/api/v1/replies/pending' });
      expect(all.statusCode).toBe(200);
      expect(all.json().replies).toHaveLength(2);
      const one = await a.inject({ url: '/api/v1/replies/pending?deviceId=0000002a' });
      expect(one.json()).toEqual({ replies: [{ taskId: id, deviceId: '0000002a', taskState: 'cancelled', waitingFor: 'device_online', createdAt: new Date(now).toISOString(), settledAt: new Date(now).toISOString(), expiresAt: new Date(now + HOUR).toISOString() }] });
      for (const bad of ['?deviceId=KITCHEN', '?deviceId=', '?other=1']) {
        const r = await a.inject({ url: `/api/v1/replies/pending${bad}` });
        expect(r.statusCode, bad).toBe(400);
        expect(r.json().error.code).toBe('JARVIS_API_BAD_REQUEST');
      }
    } finally {
      await a.close();
    }
  });
});
