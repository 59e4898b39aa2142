/**
 * Issue 15, break 2: a revoked worker must get nothing more. Before: revocation was checked only when a
 * Pull started, so a Pull already waiting (up to 30 s) was handed a task submitted 4 s after the
 * revocation, payload and all, and used up an attempt. Real grpc-js with mTLS on loopback; the revocation
 * comes through a second database connection, as `jarvis worker revoke` (another process) does it.
 */
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { call, createWorkerClient, enroll, hubCredentials } from '@jarvis/worker';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../hub/src/core/logger.js';
import { openDatabase } from '../hub/src/store/database.js';
import { WorkersRepository } from '../hub/src/store/workers-repository.js';
import { databasePath } from '../hub/src/tasks/data-dir.js';
import { startTestHub, type TestHub } from './workers-helpers.js';

let hub: TestHub;
beforeEach(async () => {
  hub = await startTestHub({ leaseMs: 10_000 });
});
afterEach(async () => {
  await hub.close();
});

async function enrolled(name: string): Promise<{ workerId: string; client: ReturnType<typeof createWorkerClient> }> {
  const { token } = hub.tasks.tokens.create();
  const id = await enroll({ hub: hub.address, token, name });
  return { workerId: id.workerId, client: createWorkerClient(hub.address, hubCredentials(id.caPem, { keyPem: id.keyPem, certChainPem: id.certChainPem })) };
}

/** `jarvis worker revoke ID`: its own connection to the hub's database. */
function revokeFromCli(workerId: string): void {
  const db = openDatabase(databasePath(hub.dir));
  try {
    expect(new WorkersRepository(db).revokeWorker(workerId, Date.now())).toBe(true);
  } finally {
    db.close();
  }
}

describe('a revoked worker [GRPC-5.3]', () => {
  it('a Pull waiting for work ends at once with PERMISSION_DENIED, and a task submitted after the revocation stays queued', async () => {
    const w = await enrolled('evicted');
    const started = Date.now();
    const pulling = call(w.client, 'Pull', { capacity: 1, waitMs: 30_000 }, 35_000).then(
      (res) => ({ res, err: undefined }),
      (err: unknown) => ({ res: undefined, err: err as grpc.ServiceError }),
    );
    await new Promise((r) => setTimeout(r, 300));
    revokeFromCli(w.workerId);
    const revokedAt = Date.now();
    const outcome = await pulling;
    const endedAfterMs = Date.now() - revokedAt;
    expect(outcome.res).toBeUndefined();
    expect(outcome.err?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(outcome.err?.details).toContain('JARVIS_WORKER_REVOKED');
    // Ends within the wait's poll interval (250 ms) plus scheduling, far inside the 30 s it asked for.
    expect(endedAfterMs).toBeLessThan(5_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    const task = hub.tasks.queue.enqueue({ type: 'echo', payload: { secret: 'for trusted workers only' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(hub.tasks.queue.get(task.id)).toMatchObject({ state: 'queued', attempts: 0, leaseOwner: null });
    w.client.close();
  });

  it('a task that arrives while the Pull waits is never leased to the worker once it is revoked (same transaction)', async () => {
    const w = await enrolled('racer');
    const pulling = call(w.client, 'Pull', { capacity: 1, waitMs: 30_000 }, 35_000).catch((err: unknown) => err as grpc.ServiceError);
    await new Promise((r) => setTimeout(r, 300));
    revokeFromCli(w.workerId);
    // The enqueue wakes the waiting Pull at once, before its poll timer: the lease must still be refused.
    const task = hub.tasks.queue.enqueue({ type: 'echo', payload: 1 });
    const err = (await pulling) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(hub.tasks.queue.get(task.id)).toMatchObject({ state: 'queued', attempts: 0 });
    w.client.close();
  });

  it('revocation ends the leases the worker holds: another worker gets the task', async () => {
    const a = await enrolled('holder');
    const task = hub.tasks.queue.enqueue({ type: 'echo', payload: 2 });
    const got = await call(a.client, 'Pull', { capacity: 1, waitMs: 0 }, 5_000);
    expect(got.tasks?.map((t) => t.taskId)).toEqual([task.id]);
    revokeFromCli(a.workerId);
    const hb = (await call(a.client, 'Heartbeat', { leaseIds: [got.tasks?.[0]?.leaseId as string] }, 5_000).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(hb.code).toBe(grpc.status.PERMISSION_DENIED);
    const b = await enrolled('successor');
    const next = await call(b.client, 'Pull', { capacity: 1, waitMs: 5_000 }, 10_000);
    expect(next.tasks?.map((t) => t.taskId)).toEqual([task.id]);
    expect(hub.tasks.queue.get(task.id)?.leaseOwner).toBe(b.workerId);
    a.client.close();
    b.client.close();
  });
});

describe('audit: refused enrollments are logged at info (issue 15, weak point 7)', () => {
  it('names the code and the peer, never the token', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
    const audited = await startTestHub({ logger });
    try {
      const { token, record } = audited.tasks.tokens.create();
      audited.tasks.tokens.revoke(record.id);
      await expect(enroll({ hub: audited.address, token, name: 'late' })).rejects.toThrow();
      const refused = lines.map((l) => JSON.parse(l) as { level: number; msg: string; code?: string; peer?: string }).filter((l) => l.msg.startsWith('enrollment refused'));
      expect(refused).toMatchObject([{ level: 30, code: 'JARVIS_TOKEN_REVOKED' }]);
      expect(refused[0]?.peer).toMatch(/127\.0\.0\.1/);
      expect(lines.join('\n')).not.toContain(token.split('.').at(-1) as string);
    } finally {
      await audited.close();
    }
  });
});
