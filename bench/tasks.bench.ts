/**
 * Worker dispatch: submit → handler start latency and throughput with 4 in-process workers running
 * `echo` over real mTLS gRPC, and the raw unary call rate on the same kind of channel as the ceiling.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinHandlers, call, createWorkerClient, enroll, hubCredentials, saveIdentity, WorkerAgent, type TaskHandler } from '@jarvis/worker';
import { silentLogger } from '../hub/src/core/logger.js';
import { openDatabase } from '../hub/src/store/database.js';
import { TasksComponent } from '../hub/src/tasks/component.js';
import { distribution, type Benchmark } from './lib.js';

const WORKERS = 4;

export const benchmarks: Benchmark[] = [
  {
    name: 'tasks.',
    async run(emit) {
      const dir = mkdtempSync(join(tmpdir(), 'jarvis-bench-tasks-'));
      const db = openDatabase(join(dir, 'jarvis.db'));
      const tasks = new TasksComponent({ db, dataDir: dir, logger: silentLogger(), host: '127.0.0.1', port: 0, leaseMs: 30_000 });
      await tasks.start();
      const address = `127.0.0.1:${tasks.port}`;
      const started = new Map<string, number>();
      const echo: TaskHandler = async (ctx) => {
        started.set(ctx.taskId, performance.now());
        return ctx.payload;
      };
      const agents: WorkerAgent[] = [];
      const identities = [];
      for (let i = 0; i < WORKERS; i++) {
        const id = await enroll({ hub: address, token: tasks.tokens.create().token, name: `bench-${i}` });
        identities.push(id);
        const stateDir = join(dir, `w${i}`);
        await saveIdentity(stateDir, id);
        const handlers = builtinHandlers();
        handlers.set('echo', echo);
        const agent = new WorkerAgent({ stateDir, handlers, concurrency: 4, pullWaitMs: 20_000 });
        await agent.start();
        agents.push(agent);
      }
      try {
        await new Promise<void>((resolve) => {
          const check = (): void => (agents.every((a) => a.state === 'ready') ? resolve() : void setTimeout(check, 10));
          check();
        });

        // Latency: one task at a time, so each measures a full submit → long-poll wake → lease → start.
        const latencies: number[] = [];
        for (let i = 0; i < 220; i++) {
          const t0 = performance.now();
          const task = tasks.queue.enqueue({ type: 'echo', payload: i });
          while (!started.has(task.id)) await new Promise((r) => setImmediate(r));
          if (i >= 20) latencies.push(started.get(task.id)! - t0);
          await settledSoon(tasks, task.id);
        }
        emit(distribution('tasks.dispatch_latency_ms', 'ms', latencies, { workers: WORKERS, handler: 'echo' }));

        // Throughput: a burst of tasks, from first submit to last result recorded.
        const n = 1_000;
        const t0 = performance.now();
        const ids: string[] = [];
        for (let i = 0; i < n; i++) ids.push(tasks.queue.enqueue({ type: 'echo', payload: i }).id);
        const last = ids.at(-1)!;
        await new Promise<void>((resolve) => {
          const check = (): void => (tasks.queue.counts().queued === 0 && tasks.queue.counts().leased === 0 && tasks.queue.get(last)?.state === 'succeeded' ? resolve() : void setTimeout(check, 5));
          check();
        });
        const seconds = (performance.now() - t0) / 1000;
        emit({ name: 'tasks.dispatch_per_s', value: Math.round(n / seconds), unit: 'tasks/s', n, workers: WORKERS, handler: 'echo' });

        // Ceiling: unary calls (Heartbeat with no leases: TLS + auth lookup, no queue work), 16 in flight.
        const id = identities[0]!;
        const client = createWorkerClient(address, hubCredentials(id.caPem, { keyPem: id.keyPem, certChainPem: id.certChainPem }));
        for (let i = 0; i < 200; i++) await call(client, 'Heartbeat', { leaseIds: [] }, 5_000);
        const calls = 4_000;
        let next = 0;
        const r0 = performance.now();
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            while (next++ < calls) await call(client, 'Heartbeat', { leaseIds: [] }, 5_000);
          }),
        );
        const rs = (performance.now() - r0) / 1000;
        client.close();
        emit({ name: 'grpc.raw_unary_per_s', value: Math.round(calls / rs), unit: 'calls/s', n: calls, inFlight: 16, note: 'same run as tasks.dispatch_per_s' });
      } finally {
        await Promise.all(agents.map((a) => a.stop()));
        await tasks.stop();
        db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];

async function settledSoon(tasks: TasksComponent, id: string): Promise<void> {
  while (tasks.queue.get(id)?.state !== 'succeeded') await new Promise((r) => setTimeout(r, 1));
}
