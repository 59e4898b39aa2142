import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/store/database.js';
import { SqliteTaskQueue, type TaskRecord } from '../../src/tasks/queue.js';
import { TaskError, TASK_ERROR_CODES } from '../../src/tasks/errors.js';

let db: Db;
let clock: number;
let q: SqliteTaskQueue;
beforeEach(() => {
  db = openDatabase(':memory:');
  clock = 1_000_000;
  q = new SqliteTaskQueue(db, { leaseMs: 1_000, retryBaseMs: 100, now: () => clock });
});
afterEach(() => db.close());

const all = { capacity: 10, types: [], tags: [] };
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof TaskError) return `${err.code} ${err.details.join('; ')}`;
    throw err;
  }
  throw new Error('did not throw');
};

describe('SqliteTaskQueue', () => {
  it('leases by priority then age, up to capacity, honouring types and required capabilities', () => {
    const low = q.enqueue({ type: 'echo', payload: 1 });
    const high = q.enqueue({ type: 'echo', payload: 2, priority: 5 });
    const gpu = q.enqueue({ type: 'echo', payload: 3, requires: ['gpu'] });
    q.enqueue({ type: 'other' });
    const leases = q.lease('w1', { capacity: 5, types: ['echo'], tags: [] });
    expect(leases.map((l) => l.task.id)).toEqual([high.id, low.id]);
    expect(leases[0]!.task.attempts).toBe(1);
    expect(q.lease('w2', { capacity: 5, types: ['echo'], tags: ['gpu'] }).map((l) => l.task.id)).toEqual([gpu.id]);
  });

  it('returns an expired lease to the queue and dead-letters after max attempts', () => {
    const t = q.enqueue({ type: 'echo', maxAttempts: 2 });
    q.lease('w1', all);
    clock += 1_001;
    expect(q.reapExpired()).toBe(1);
    expect(q.get(t.id)?.state).toBe('queued');
    const second = q.lease('w2', all);
    expect(second[0]?.task.attempts).toBe(2);
    const settled: TaskRecord[] = [];
    q.onSettled((x) => settled.push(x));
    clock += 1_001;
    q.reapExpired();
    expect(q.get(t.id)?.state).toBe('dead');
    expect(settled.map((s) => s.state)).toEqual(['dead']);
    expect(q.get(t.id)?.errors.map((e) => e.code)).toEqual(['JARVIS_LEASE_EXPIRED', 'JARVIS_LEASE_EXPIRED']);
  });

  it('heartbeats renew held leases and report lost and cancelled ones', () => {
    const a = q.enqueue({ type: 'echo' });
    const [la] = q.lease('w1', all);
    clock += 900;
    const hb = q.heartbeat('w1', [la!.leaseId, 'not-a-lease']);
    expect(hb.renewed).toEqual([{ leaseId: la!.leaseId, expiresAt: clock + 1_000 }]);
    expect(hb.lost).toEqual(['not-a-lease']);
    clock += 900;
    expect(q.reapExpired()).toBe(0);
    q.cancel(a.id);
    expect(q.heartbeat('w1', [la!.leaseId]).cancel).toEqual([la!.leaseId]);
    expect(q.heartbeat('w2', [la!.leaseId]).lost).toEqual([la!.leaseId]);
  });

  it('retries with backoff, fails non-retryable errors at once, records one result', () => {
    const t = q.enqueue({ type: 'echo', maxAttempts: 3 });
    const [l1] = q.lease('w1', all);
    expect(q.fail('w1', t.id, l1!.leaseId, { code: 'X', message: 'x', retryable: true, cancelled: false })).toEqual({ recorded: true, state: 'queued' });
    expect(q.lease('w1', all)).toEqual([]); // not before the backoff
    clock += 100;
    const [l2] = q.lease('w1', all);
    expect(q.complete('w1', t.id, l2!.leaseId, { ok: 1 })).toEqual({ recorded: true, state: 'succeeded' });
    expect(q.complete('w1', t.id, l2!.leaseId, { ok: 2 })).toEqual({ recorded: false, state: 'succeeded' });
    expect(q.get(t.id)?.result).toEqual({ ok: 1 });
    const u = q.enqueue({ type: 'echo' });
    const [l3] = q.lease('w1', all);
    expect(q.fail('w1', u.id, l3!.leaseId, { code: 'BAD', message: 'no', retryable: false, cancelled: false }).state).toBe('failed');
  });

  it('idempotency keys return the first task, and conflict on different input', () => {
    const a = q.enqueue({ type: 'echo', payload: { x: 1 }, idempotencyKey: 'k' });
    expect(q.enqueue({ type: 'echo', payload: { x: 1 }, idempotencyKey: 'k' }).id).toBe(a.id);
    expect(codeOf(() => q.enqueue({ type: 'echo', payload: { x: 2 }, idempotencyKey: 'k' }))).toContain('JARVIS_TASK_IDEMPOTENCY_CONFLICT');
  });

  it('cancels queued tasks at once and refuses settled or unknown ones', () => {
    const t = q.enqueue({ type: 'echo' });
    expect(q.cancel(t.id).state).toBe('cancelled');
    expect(codeOf(() => q.cancel(t.id))).toContain('JARVIS_TASK_NOT_CANCELLABLE');
    expect(codeOf(() => q.cancel('nope'))).toContain('JARVIS_TASK_NOT_FOUND');
  });

  it('rejects malformed submissions with field details', () => {
    const msg = codeOf(() => q.enqueue({ type: 'Bad Type', priority: 1.5, maxAttempts: 0, requires: [''] } as never));
    expect(msg).toContain('JARVIS_TASK_BAD_REQUEST');
    for (const f of ['type:', 'priority:', 'maxAttempts:', 'requires.0:']) expect(msg).toContain(f);
    expect(codeOf(() => q.enqueue({ type: 'echo', payload: 'x'.repeat(1_000_001) }))).toContain('payload:');
  });

  it('documents every error code it can raise', () => {
    for (const code of Object.keys(TASK_ERROR_CODES)) expect(code).toMatch(/^JARVIS_[A-Z_]+$/);
  });
});
