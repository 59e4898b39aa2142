import { EventEmitter } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import type { Capabilities, LeasedTask__Output } from '@jarvis/protocol';
import { detectCapabilities } from './capabilities.js';
import { call, createWorkerClient, errorCode, hubCredentials, isTransient, type WorkerServiceClient } from './client.js';
import { enroll } from './enroll.js';
import { WorkerError } from './errors.js';
import type { TaskHandler } from './handlers.js';
import { loadIdentity, saveIdentity, type WorkerIdentity } from './state.js';

/** The agent's states (CONVENTIONS.md 10); every transition is logged. */
export type AgentState = 'enrolling' | 'connecting' | 'ready' | 'draining' | 'stopped';

/** Options of {@link WorkerAgent}. */
export interface WorkerAgentOptions {
  stateDir: string;
  handlers: Map<string, TaskHandler>;
  /** Tasks run at once (default: CPU cores). */
  concurrency?: number;
  /** Directory whose files are advertised as models. */
  modelsDir?: string;
  logger?: Logger;
  /** Enroll first with this when the state directory holds no enrollment. */
  enroll?: { hub: string; token: string; name?: string };
  /** Reconnect backoff: doubles from `initialMs` up to `maxMs`, with jitter (defaults 250 ms, 30 s). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Long-poll length of each Pull (default 20 s). */
  pullWaitMs?: number;
  /** Capabilities to advertise instead of detecting them (tests). */
  capabilities?: Capabilities;
}

/** Capped exponential backoff with "equal jitter": between half and all of min(max, initial·2^attempt). */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(cap / 2 + random() * (cap / 2));
}

interface Running {
  task: LeasedTask__Output;
  ac: AbortController;
}

const FATAL = new Set([grpc.status.UNAUTHENTICATED, grpc.status.PERMISSION_DENIED]);

/**
 * The worker agent: enrolling → connecting → ready ⇄ connecting → draining → stopped. It pulls tasks up
 * to its free capacity, runs each with an AbortSignal, renews leases by heartbeat, reports results with
 * retries across hub restarts, and on drain finishes what it holds while taking nothing new.
 * Emits `state` (AgentState), `task-start` and `task-end` (LeasedTask).
 */
export class WorkerAgent extends EventEmitter {
  private current: AgentState = 'stopped';
  private readonly running = new Map<string, Running>();
  private readonly log: Logger;
  private client: WorkerServiceClient | undefined;
  private loop: Promise<void> | undefined;
  private wake = new AbortController();
  private pullAbort = new AbortController();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatMs = 1_000;
  private drainRequested = false;
  private hardStop = false;
  private identity: WorkerIdentity | undefined;
  /** Why the agent stopped when it stopped on its own (revoked, not enrolled). */
  fatalError: Error | undefined;

  constructor(private readonly o: WorkerAgentOptions) {
    super();
    this.log = o.logger ?? pino({ level: 'silent' });
  }

  /** The current state. */
  get state(): AgentState {
    return this.current;
  }

  /** Worker id once enrolled. */
  get workerId(): string | undefined {
    return this.identity?.workerId;
  }

  /** Tasks held right now. */
  get held(): number {
    return this.running.size;
  }

  /** Starts the agent in the background; resolves at once. Safe to call twice. */
  async start(): Promise<void> {
    if (this.loop) return;
    this.drainRequested = false;
    this.hardStop = false;
    this.loop = this.main().catch((err: unknown) => {
      this.fatalError = err as Error;
      this.log.error({ err }, 'worker agent failed');
      this.setState('stopped', (err as Error).message);
    });
  }

  /** Resolves when the agent has stopped (by drain, stop or a fatal error). */
  async stopped(): Promise<void> {
    await this.loop;
  }

  /** Finishes held tasks, takes nothing new, then stops. */
  async drain(): Promise<void> {
    if (!this.loop) return;
    this.drainRequested = true;
    if (this.current !== 'stopped' && this.current !== 'draining') this.setState('draining', 'drain requested');
    this.pullAbort.abort();
    this.wake.abort();
    await this.loop;
  }

  /** Aborts held tasks (they are reported retryable) and stops. Safe to call twice. */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.hardStop = true;
    for (const r of this.running.values()) r.ac.abort('shutdown');
    await this.drain();
  }

  private setState(next: AgentState, reason: string): void {
    if (next === this.current) return;
    const from = this.current;
    this.current = next;
    this.log.info({ from, to: next, reason, workerId: this.identity?.workerId }, `worker state ${from} -> ${next}`);
    this.emit('state', next);
  }

  private async main(): Promise<void> {
    this.identity = await this.loadOrEnroll();
    const caps = this.o.capabilities ?? (await detectCapabilities([...this.o.handlers.keys()], this.o.modelsDir));
    const creds = hubCredentials(this.identity.caPem, { keyPem: this.identity.keyPem, certChainPem: this.identity.certChainPem });
    const client = createWorkerClient(this.identity.hub, creds);
    this.client = client;
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.heartbeatMs);
    const { initialMs = 250, maxMs = 30_000 } = this.o.backoff ?? {};
    let failures = 0;
    try {
      while (!this.drainRequested) {
        this.setState('connecting', failures ? `retry ${failures}` : 'start');
        try {
          await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 5_000, (err) => (err ? reject(err) : resolve())));
        } catch (err) {
          failures++;
          const wait = backoffDelay(failures - 1, initialMs, maxMs);
          this.log.warn({ err: (err as Error).message, retryInMs: wait }, 'hub not reachable');
          await this.sleep(wait);
          continue;
        }
        this.setState('ready', 'connected');
        try {
          await this.pullLoop(caps, () => {
            failures = 0;
          });
        } catch (err) {
          const code = (err as { code?: number }).code;
          if (code !== undefined && FATAL.has(code)) {
            throw new WorkerError('JARVIS_WORKER_ENROLL_REFUSED', `hub refuses this worker (${errorCode(err) ?? code}): ${(err as Error).message}`);
          }
          if (this.drainRequested) break;
          failures++;
          const wait = backoffDelay(failures - 1, initialMs, maxMs);
          this.log.warn({ err: (err as Error).message, retryInMs: wait }, 'lost the hub');
          await this.sleep(wait);
        }
      }
      if (this.current !== 'draining') this.setState('draining', 'drain requested');
      while (this.running.size > 0) await delay(50);
    } finally {
      for (const r of this.running.values()) r.ac.abort('shutdown');
      clearInterval(this.heartbeatTimer);
      client.close();
      this.setState('stopped', this.fatalError ? 'error' : 'drained');
    }
  }

  private async loadOrEnroll(): Promise<WorkerIdentity> {
    try {
      return await loadIdentity(this.o.stateDir);
    } catch (err) {
      if (!(err instanceof WorkerError && err.code === 'JARVIS_WORKER_NOT_ENROLLED' && this.o.enroll)) throw err;
    }
    this.setState('enrolling', 'no enrollment in state dir');
    const caps = this.o.capabilities ?? (await detectCapabilities([...this.o.handlers.keys()], this.o.modelsDir));
    const id = await enroll({ ...this.o.enroll, capabilities: caps });
    await saveIdentity(this.o.stateDir, id);
    this.log.info({ workerId: id.workerId }, 'enrolled');
    return id;
  }

  private async pullLoop(caps: Capabilities, onSuccess: () => void): Promise<void> {
    const concurrency = this.o.concurrency ?? caps.cpuCores ?? 1;
    const waitMs = this.o.pullWaitMs ?? 20_000;
    while (!this.drainRequested) {
      const free = concurrency - this.running.size;
      if (free <= 0) {
        await this.sleep(60_000);
        continue;
      }
      this.pullAbort = new AbortController();
      const res = await call(this.client!, 'Pull', { capacity: free, taskTypes: [...this.o.handlers.keys()], capabilities: caps, waitMs }, waitMs + 10_000, this.pullAbort.signal);
      onSuccess();
      if (res.heartbeatIntervalMs && res.heartbeatIntervalMs !== this.heartbeatMs) {
        this.heartbeatMs = res.heartbeatIntervalMs;
        clearInterval(this.heartbeatTimer);
        this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.heartbeatMs);
      }
      for (const t of res.tasks) this.runTask(t);
    }
  }

  /** Sleeps up to `ms`, waking early on drain or when a slot frees. */
  private async sleep(ms: number): Promise<void> {
    if (this.wake.signal.aborted && !this.drainRequested) this.wake = new AbortController();
    try {
      await delay(ms, undefined, { signal: this.wake.signal });
    } catch {
      // woken early
    }
    if (!this.drainRequested) this.wake = new AbortController();
  }

  private async heartbeat(): Promise<void> {
    if (!this.client || this.running.size === 0) return;
    try {
      const res = await call(this.client, 'Heartbeat', { leaseIds: [...this.running.keys()], draining: this.drainRequested }, Math.max(1_000, this.heartbeatMs));
      for (const id of res.cancelLeaseIds) this.running.get(id)?.ac.abort('cancelled');
      for (const id of res.lostLeaseIds) this.running.get(id)?.ac.abort('lost');
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'heartbeat failed');
    }
  }

  private runTask(task: LeasedTask__Output): void {
    const ac = new AbortController();
    this.running.set(task.leaseId, { task, ac });
    this.log.info({ taskId: task.taskId, type: task.type, attempt: task.attempt }, 'task start');
    this.emit('task-start', task);
    void (async () => {
      try {
        let result: unknown;
        let failure: { code: string; message: string; retryable: boolean } | undefined;
        try {
          const handler = this.o.handlers.get(task.type);
          if (!handler) throw new WorkerError('JARVIS_WORKER_NO_HANDLER', `no handler for task type "${task.type}"`);
          let payload: unknown;
          try {
            payload = JSON.parse(task.payloadJson);
          } catch {
            throw new WorkerError('JARVIS_WORKER_BAD_PAYLOAD', 'payload is not JSON');
          }
          result = await handler({ taskId: task.taskId, type: task.type, payload, attempt: task.attempt, signal: ac.signal });
        } catch (err) {
          failure = {
            code: err instanceof WorkerError ? err.code : 'JARVIS_WORKER_HANDLER_ERROR',
            message: (err as Error)?.message ?? String(err),
            retryable: err instanceof WorkerError ? err.retryable : true,
          };
        }
        const reason: unknown = ac.signal.aborted ? ac.signal.reason : undefined;
        if (reason === 'lost') {
          this.log.warn({ taskId: task.taskId }, 'lease lost; result dropped');
        } else if (!failure) {
          await this.report('Complete', { taskId: task.taskId, leaseId: task.leaseId, resultJson: JSON.stringify(result ?? null) });
        } else if (reason === 'cancelled') {
          await this.report('Fail', { taskId: task.taskId, leaseId: task.leaseId, errorCode: 'JARVIS_WORKER_CANCELLED', errorMessage: 'cancelled by the hub', retryable: false, cancelled: true });
        } else if (reason === 'shutdown') {
          await this.report('Fail', { taskId: task.taskId, leaseId: task.leaseId, errorCode: 'JARVIS_WORKER_SHUTDOWN', errorMessage: 'worker stopped', retryable: true, cancelled: false });
        } else {
          this.log.warn({ taskId: task.taskId, code: failure.code, err: failure.message }, 'task failed');
          await this.report('Fail', { taskId: task.taskId, leaseId: task.leaseId, errorCode: failure.code, errorMessage: failure.message, retryable: failure.retryable, cancelled: false });
        }
      } finally {
        this.running.delete(task.leaseId);
        this.emit('task-end', task);
        if (!this.drainRequested) this.wake.abort();
      }
    })();
  }

  /** Sends Complete/Fail, retrying transient errors (hub restarting) while the lease could still be ours. */
  private async report(method: 'Complete' | 'Fail', request: Parameters<typeof call<'Complete'>>[2] | Parameters<typeof call<'Fail'>>[2]): Promise<void> {
    const { initialMs = 250, maxMs = 30_000 } = this.o.backoff ?? {};
    for (let attempt = 0; ; attempt++) {
      try {
        await call(this.client!, method, request as never, 10_000);
        return;
      } catch (err) {
        if (!isTransient(err) || this.hardStop || attempt >= 12) {
          this.log.warn({ method, err: (err as Error).message }, 'could not report task outcome');
          return;
        }
        await delay(backoffDelay(attempt, initialMs, Math.min(maxMs, 5_000)));
      }
    }
  }
}
