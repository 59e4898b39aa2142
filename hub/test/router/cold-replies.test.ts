import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { ColdReplies, coldReplyText, MAX_SAY_CHARS } from '../../src/router/cold-replies.js';
import { ColdRepliesRepository } from '../../src/store/cold-replies-repository.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { SqliteTaskQueue, type TaskRecord } from '../../src/tasks/queue.js';

const base = { payload: { task: 'summarise', request: 'summarise my day' }, error: null, result: null } as unknown as TaskRecord;

describe('coldReplyText', () => {
  it('speaks the result text, or says the job is done, failed or stopped', () => {
    expect(coldReplyText({ ...base, state: 'succeeded', result: 'A quiet day.' })).toBe('A quiet day.');
    expect(coldReplyText({ ...base, state: 'succeeded', result: { summary: 'Two meetings.', tokens: 40 } })).toBe('Two meetings.');
    expect(coldReplyText({ ...base, state: 'succeeded', result: { tokens: 40 } })).toBe('Done: summarise summarise my day. The result is in the Jarvis app.');
    expect(coldReplyText({ ...base, state: 'dead', error: { code: 'X', message: 'model\nmissing', attempt: 3, workerId: null, at: 0 } })).toBe("Sorry, I couldn't finish: summarise summarise my day (model missing).");
    expect(coldReplyText({ ...base, state: 'cancelled' })).toBe('I stopped working on: summarise summarise my day.');
    const long = coldReplyText({ ...base, state: 'succeeded', result: 'x'.repeat(5000) });
    expect(long).toHaveLength(MAX_SAY_CHARS);
  });
});

describe('ColdReplies', () => {
  let db: Db;
  let now = 1_000_000;
  beforeEach(() => {
    db = openDatabase(':memory:');
    now = 1_000_000;
  });
  afterEach(() => db.close());

  function make(online: Set<string>, said: [string, string][], fail = false): { cold: ColdReplies; queue: SqliteTaskQueue } {
    const queue = new SqliteTaskQueue(db, { now: () => now });
    const cold = new ColdReplies({
      db, queue, maxAgeMs: 60_000, sweepMs: 60_000, logger: silentLogger(), now: () => now,
      say: async (id, text) => {
        if (fail) throw new Error('not connected');
        said.push([id, text]);
      },
      deviceExists: (id) => id !== 'gone0000',
      deviceOnline: (id) => online.has(id),
    });
    return { cold, queue };
  }

  it('keeps the device id, waits while the device is offline, then speaks once', async () => {
    const said: [string, string][] = [];
    const online = new Set<string>();
    const { cold, queue } = make(online, said);
    const { id } = cold.enqueue({ type: 'router.summarise', payload: { task: 'summarise', request: 'my day', text: 'my day', deviceId: '0000002a' } });
    expect(queue.get(id)!.payload).toMatchObject({ deviceId: '0000002a' });
    queue.cancel(id);
    await cold.sweep();
    expect(said).toEqual([]);
    online.add('0000002a');
    await cold.sweep();
    await cold.sweep();
    expect(said).toEqual([['0000002a', 'I stopped working on: summarise my day.']]);
  });

  it('records why a reply is not spoken: too old, device removed', async () => {
    const said: [string, string][] = [];
    const { cold, queue } = make(new Set(['0000002a', 'gone0000']), said);
    const old = cold.enqueue({ type: 'router.plan', payload: { task: 'plan', request: 'a trip', text: 'a trip', deviceId: '0000002a' } });
    const gone = cold.enqueue({ type: 'router.plan', payload: { task: 'plan', request: 'a party', text: 'a party', deviceId: 'gone0000' } });
    queue.cancel(old.id);
    queue.cancel(gone.id);
    now += 120_000;
    await cold.sweep();
    const repo = new ColdRepliesRepository(db);
    expect(repo.get(old.id)?.outcome).toBe('too_old');
    expect(repo.get(gone.id)?.outcome).toBe('too_old');
    expect(said).toEqual([]);
    const fresh = cold.enqueue({ type: 'router.plan', payload: { task: 'plan', request: 'a picnic', text: 'a picnic', deviceId: 'gone0000' } });
    queue.cancel(fresh.id);
    await cold.sweep();
    expect(repo.get(fresh.id)?.outcome).toBe('device_gone');
  });

  it('retries a reply whose send failed; a task without a device is not tracked', async () => {
    const said: [string, string][] = [];
    const failing = make(new Set(['0000002a']), said, true);
    const { id } = failing.cold.enqueue({ type: 'router.write', payload: { task: 'write', request: 'a poem', text: 'a poem', deviceId: '0000002a' } });
    failing.queue.cancel(id);
    await failing.cold.sweep();
    expect(new ColdRepliesRepository(db).get(id)).toMatchObject({ reportedAt: null, outcome: null });
    const working = make(new Set(['0000002a']), said);
    await working.cold.sweep();
    expect(said).toHaveLength(1);
    const anonymous = working.cold.enqueue({ type: 'router.write', payload: { task: 'write', request: 'x', text: 'x' } });
    expect(new ColdRepliesRepository(db).get(anonymous.id)).toBeUndefined();
  });
});
