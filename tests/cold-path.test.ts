import { openDatabase } from '../hub/src/store/database.js';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinHandlers, enroll, saveIdentity, WorkerAgent, WorkerError, type TaskHandler } from '@jarvis/worker';
import { ColdRepliesRepository } from '../hub/src/store/cold-replies-repository.js';
import { SqliteTaskQueue } from '../hub/src/tasks/queue.js';
import { startPartsHub, type PartsHub } from './hub-parts-helpers.js';
import { tempDir } from './workers-helpers.js';

let t: PartsHub | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await t?.close();
  t = undefined;
});

/** An enrolled in-process worker with handlers for the router's cold task types. */
async function startWorker(hub: PartsHub, handlers: Record<string, TaskHandler>): Promise<WorkerAgent> {
  const { token } = hub.services.tasks!.tokens.create();
  const identity = await enroll({ hub: `127.0.0.1:${hub.hub.ports.grpc!}`, token });
  const state = tempDir('jarvis-cold-worker-');
  cleanups.push(state.remove);
  await saveIdentity(state.dir, identity);
  const all = builtinHandlers();
  for (const [k, v] of Object.entries(handlers)) all.set(k, v);
  const agent = new WorkerAgent({ stateDir: state.dir, handlers: all, concurrency: 1, pullWaitMs: 300, backoff: { initialMs: 50, maxMs: 500 } });
  cleanups.push(() => agent.stop());
  await agent.start();
  return agent;
}

type Result = { ok: boolean; reply: string; taskId?: string };

describe('the cold path: heavy requests become tasks, results go back to the device that asked', () => {
  it('"summarise my day" is queued with the device id, a worker completes it, the device hears the result once', async () => {
    t = await startPartsHub({ env: { JARVIS_ROUTER_COLD_REPLY_SWEEP_MS: '200' } });
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    const seen: unknown[] = [];
    await startWorker(t, {
      'router.summarise': async (ctx) => {
        seen.push(ctx.payload);
        return { text: 'You had three meetings and fixed the boiler.' };
      },
    });
    const res = await t.api('POST', '/api/v1/commands', { text: 'summarise my day', deviceId: kitchen.bundle.deviceId });
    expect(res.status).toBe(200);
    expect(res.json['decision']).toMatchObject({ intent: 'JarvisColdTask', path: 'cold' });
    const result = res.json['result'] as Result;
    expect(result.taskId).toMatch(/\S/);
    await kitchen.heard(/on it/i);
    expect(await kitchen.heard(/three meetings/)).toBe('You had three meetings and fixed the boiler.');
    expect(seen).toEqual([expect.objectContaining({ task: 'summarise', deviceId: kitchen.bundle.deviceId })]);

    const task = await t.api('GET', `/api/v1/tasks/${result.taskId!}`);
    expect(task.json['task']).toMatchObject({ type: 'router.summarise', state: 'succeeded', result: { text: 'You had three meetings and fixed the boiler.' }, payload: { deviceId: kitchen.bundle.deviceId } });
    // Later sweeps do not repeat it.
    await new Promise((r) => setTimeout(r, 700));
    expect(kitchen.said.filter((s) => /three meetings/.test(s))).toHaveLength(1);
  });

  it('a failing task is reported with a short reason', async () => {
    t = await startPartsHub({ homeAssistant: false });
    const office = await t.device('desk', 'Office');
    await startWorker(t, { 'router.research': async () => { throw new WorkerError('JARVIS_WORKER_BAD_PAYLOAD', 'no search engine configured', false); } });
    const res = await t.api('POST', '/api/v1/commands', { text: 'research heat pumps', deviceId: office.bundle.deviceId });
    expect((res.json['result'] as Result).taskId).toBeDefined();
    expect(await office.heard(/couldn't finish/)).toMatch(/^Sorry, I couldn't finish: research .*heat pumps.*no search engine configured/);
  });

  it('a task settled while the hub was down is reported once after the restart, when the device is back', async () => {
    t = await startPartsHub({ homeAssistant: false, env: { JARVIS_ROUTER_COLD_REPLY_SWEEP_MS: '100' } });
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    const res = await t.api('POST', '/api/v1/commands', { text: 'summarise my week', deviceId: kitchen.bundle.deviceId });
    const taskId = (res.json['result'] as Result).taskId!;
    await t.hub.stop();

    // While the hub is down, another process settles the task (as `jarvis task cancel` would).
    const db = openDatabase(join(t.dataDir, 'jarvis.db'));
    expect(new SqliteTaskQueue(db).cancel(taskId).state).toBe('cancelled');
    db.close();

    await t.restart();
    // The hub sweeps at start, but the device is not connected yet: the reply waits for it.
    await new Promise((r) => setTimeout(r, 300));
    expect(new ColdRepliesRepository(t.hub.parts.db).get(taskId)).toMatchObject({ reportedAt: null });
    const again = await t.reconnect(kitchen.bundle);
    expect(await again.heard(/stopped working on: summarise .*week/)).toBeDefined();
    await new Promise((r) => setTimeout(r, 500));
    expect(again.said).toHaveLength(1);
    expect(new ColdRepliesRepository(t.hub.parts.db).get(taskId)).toMatchObject({ outcome: 'spoken' });
  });

  it('does not read out a result that settled too long ago, and says why in the log', async () => {
    t = await startPartsHub({ homeAssistant: false, env: { JARVIS_ROUTER_COLD_REPLY_SWEEP_MS: '100', JARVIS_ROUTER_COLD_REPLY_MAX_AGE_MS: '1000' } });
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    const res = await t.api('POST', '/api/v1/commands', { text: 'summarise my week', deviceId: kitchen.bundle.deviceId });
    const taskId = (res.json['result'] as Result).taskId!;
    await t.hub.stop();
    const db = openDatabase(join(t.dataDir, 'jarvis.db'));
    new SqliteTaskQueue(db, { now: () => Date.now() - 60_000 }).cancel(taskId);
    db.close();
    await t.restart();
    const again = await t.reconnect(kitchen.bundle);
    await expect.poll(() => new ColdRepliesRepository(t!.hub.parts.db).get(taskId)?.outcome).toBe('too_old');
    expect(again.said).toEqual([]);
    expect(t.logs.some((l) => l.includes('settled too long ago') && l.includes(taskId))).toBe(true);
  });
});
