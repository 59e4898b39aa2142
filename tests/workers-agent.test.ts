import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import type { WorkerError} from '@jarvis/worker';
import { builtinHandlers, call, createWorkerClient, enroll, hubCredentials, saveIdentity, WorkerAgent, type TaskHandler, type WorkerIdentity } from '@jarvis/worker';
import type { TaskRecord } from '../hub/src/tasks/queue.js';
import { startTestHub, tempDir, type TestHub } from './workers-helpers.js';

let hub: TestHub;
const cleanups: (() => Promise<void> | void)[] = [];
beforeEach(async () => {
  hub = await startTestHub();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await hub.close();
});

async function enrolled(): Promise<{ id: WorkerIdentity; stateDir: string }> {
  const { token } = hub.tasks.tokens.create();
  const id = await enroll({ hub: hub.address, token });
  const state = tempDir('jarvis-worker-');
  cleanups.push(state.remove);
  await saveIdentity(state.dir, id);
  return { id, stateDir: state.dir };
}

async function startAgent(extra: Record<string, TaskHandler> = {}, concurrency = 2): Promise<WorkerAgent> {
  const { stateDir } = await enrolled();
  const handlers = builtinHandlers();
  for (const [k, v] of Object.entries(extra)) handlers.set(k, v);
  const agent = new WorkerAgent({ stateDir, handlers, concurrency, pullWaitMs: 500, backoff: { initialMs: 50, maxMs: 500 } });
  cleanups.push(() => agent.stop());
  await agent.start();
  return agent;
}

function settled(id: string): Promise<TaskRecord> {
  return new Promise((resolve) => {
    const existing = hub.tasks.queue.get(id);
    if (existing && ['succeeded', 'failed', 'dead', 'cancelled'].includes(existing.state)) return resolve(existing);
    const off = hub.tasks.queue.onSettled((t) => {
      if (t.id === id) {
        off();
        resolve(t);
      }
    });
  });
}

describe('worker agent against the hub [GRPC-5.4–5.7]', () => {
  it('runs echo and records the result; reaches ready through connecting', async () => {
    const { stateDir } = await enrolled();
    const agent = new WorkerAgent({ stateDir, handlers: builtinHandlers(), concurrency: 1, pullWaitMs: 500 });
    cleanups.push(() => agent.stop());
    const states: string[] = [];
    agent.on('state', (s: string) => states.push(s));
    await agent.start();
    const task = hub.tasks.queue.enqueue({ type: 'echo', payload: { hello: 'world' } });
    const done = await settled(task.id);
    expect(done.state).toBe('succeeded');
    expect(done.result).toEqual({ hello: 'world' });
    expect(done.attempts).toBe(1);
    await agent.drain();
    expect(states).toEqual(['connecting', 'ready', 'draining', 'stopped']);
  });

  it('dead-letters a poison task with every attempt\'s error', async () => {
    await startAgent({ poison: async () => { throw new Error('boom'); } });
    const task = hub.tasks.queue.enqueue({ type: 'poison', maxAttempts: 3 });
    const done = await settled(task.id);
    expect(done.state).toBe('dead');
    expect(done.attempts).toBe(3);
    expect(done.errors.map((e) => [e.code, e.message, e.attempt])).toEqual([
      ['JARVIS_WORKER_HANDLER_ERROR', 'boom', 1],
      ['JARVIS_WORKER_HANDLER_ERROR', 'boom', 2],
      ['JARVIS_WORKER_HANDLER_ERROR', 'boom', 3],
    ]);
  });

  it('fails at once on a non-retryable error', async () => {
    await startAgent();
    const bad = hub.tasks.queue.enqueue({ type: 'sleep', payload: { ms: 'soon' } });
    expect((await settled(bad.id)).state).toBe('failed');
    expect(hub.tasks.queue.get(bad.id)?.error?.code).toBe('JARVIS_WORKER_BAD_PAYLOAD');
  });

  it('cancellation reaches a running handler through its AbortSignal', async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    let sawAbort = false;
    await startAgent({
      'wait.forever': (ctx) =>
        new Promise((_resolve, reject) => {
          started();
          ctx.signal.addEventListener('abort', () => {
            sawAbort = true;
            reject(new Error('aborted'));
          });
        }),
    });
    const task = hub.tasks.queue.enqueue({ type: 'wait.forever' });
    await running;
    expect(hub.tasks.queue.cancel(task.id).state).toBe('leased');
    const done = await settled(task.id);
    expect(done.state).toBe('cancelled');
    expect(sawAbort).toBe(true);
    expect(done.error?.code).toBe('JARVIS_WORKER_CANCELLED');
  });

  it('runs only tasks whose required capabilities the worker offers', async () => {
    await startAgent();
    const gpu = hub.tasks.queue.enqueue({ type: 'echo', payload: 1, requires: ['gpu'] });
    const plain = hub.tasks.queue.enqueue({ type: 'echo', payload: 2 });
    expect((await settled(plain.id)).state).toBe('succeeded');
    expect(hub.tasks.queue.get(gpu.id)?.state).toBe('queued');
  });

  it('drains on request: finishes what it holds, takes nothing new', async () => {
    const agent = await startAgent({}, 1);
    const long = hub.tasks.queue.enqueue({ type: 'sleep', payload: { ms: 400 } });
    await new Promise<void>((r) => agent.once('task-start', () => r()));
    const drained = agent.drain();
    const later = hub.tasks.queue.enqueue({ type: 'echo', payload: 'later' });
    await drained;
    expect(agent.state).toBe('stopped');
    expect(hub.tasks.queue.get(long.id)?.state).toBe('succeeded');
    expect(hub.tasks.queue.get(later.id)?.state).toBe('queued');
  });
});

describe('bad requests get INVALID_ARGUMENT with details [GRPC-5.8]', () => {
  it('names each bad field', async () => {
    const { id } = await enrolled();
    const client = createWorkerClient(hub.address, hubCredentials(id.caPem, { keyPem: id.keyPem, certChainPem: id.certChainPem }));
    cleanups.push(() => client.close());
    const expectBad = async (p: Promise<unknown>, ...fields: string[]): Promise<void> => {
      const err = (await p.then(() => undefined, (e: unknown) => e)) as grpc.ServiceError;
      expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
      expect(err.metadata.get('jarvis-error-code')).toEqual(['JARVIS_TASK_BAD_REQUEST']);
      const details = JSON.parse(String(err.metadata.get('jarvis-error-details')[0])) as string[];
      for (const f of fields) expect(details.some((d) => d.startsWith(`${f}:`)), `${f} in ${details.join(' | ')}`).toBe(true);
      expect(err.details).toContain('JARVIS_TASK_BAD_REQUEST');
    };
    await expectBad(call(client, 'Pull', { capacity: 0, waitMs: 999_999 }, 5_000), 'capacity', 'waitMs');
    await expectBad(call(client, 'Pull', { capacity: 1, taskTypes: ['Bad Type!'] }, 5_000), 'taskTypes.0');
    await expectBad(call(client, 'Complete', { taskId: 'x', leaseId: 'y', resultJson: '{' }, 5_000), 'taskId', 'leaseId', 'resultJson');
    await expectBad(call(client, 'Fail', { taskId: 'x', leaseId: 'y', errorCode: 'lower' }, 5_000), 'taskId', 'errorCode');
    await expectBad(call(client, 'Heartbeat', { leaseIds: ['nope'] }, 5_000), 'leaseIds.0');
    await expectBad(call(client, 'Enroll', { token: '', csrPem: 'x' }, 5_000), 'token', 'csrPem');
    const tokenErr = (await call(client, 'Enroll', { token: 'jvt1.zz', csrPem: '-----BEGIN CERTIFICATE REQUEST-----' }, 5_000).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(tokenErr.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(tokenErr.details).toContain('JARVIS_TOKEN_MALFORMED');
  });

  it('an unknown task id is NOT_FOUND and a stale lease changes nothing', async () => {
    const { id } = await enrolled();
    const client = createWorkerClient(hub.address, hubCredentials(id.caPem, { keyPem: id.keyPem, certChainPem: id.certChainPem }));
    cleanups.push(() => client.close());
    const uuid = '00000000-0000-4000-8000-000000000000';
    const err = (await call(client, 'Complete', { taskId: uuid, leaseId: uuid, resultJson: '1' }, 5_000).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.NOT_FOUND);
    const task = hub.tasks.queue.enqueue({ type: 'echo' });
    const pulled = await call(client, 'Pull', { capacity: 1, taskTypes: ['echo'], waitMs: 0 }, 5_000);
    const leaseId = pulled.tasks[0]!.leaseId;
    expect(await call(client, 'Complete', { taskId: task.id, leaseId: uuid, resultJson: '"forged"' }, 5_000)).toEqual({ recorded: false, state: 'leased' });
    expect(await call(client, 'Complete', { taskId: task.id, leaseId, resultJson: '"first"' }, 5_000)).toEqual({ recorded: true, state: 'succeeded' });
    expect(await call(client, 'Complete', { taskId: task.id, leaseId, resultJson: '"second"' }, 5_000)).toEqual({ recorded: false, state: 'succeeded' });
    expect(hub.tasks.queue.get(task.id)?.result).toBe('first');
  });
});

describe('worker errors', () => {
  it('a worker without enrollment stops with JARVIS_WORKER_NOT_ENROLLED', async () => {
    const state = tempDir('jarvis-worker-');
    cleanups.push(state.remove);
    const agent = new WorkerAgent({ stateDir: state.dir, handlers: builtinHandlers() });
    await agent.start();
    await agent.stopped();
    expect(agent.state).toBe('stopped');
    expect((agent.fatalError as WorkerError).code).toBe('JARVIS_WORKER_NOT_ENROLLED');
  });
});
