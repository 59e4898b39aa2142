import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { type Db, TasksRepository, TERMINAL_STATES, type TaskFailure, type TaskListFilter, type TaskRecord, type TaskState } from '../store/index.js';
import { TaskError, issuesToDetails } from './errors.js';

export type { TaskRecord, TaskState, TaskFailure, TaskListFilter };

/** Largest payload accepted, as JSON text: big inputs (recordings) travel by reference, not inline. */
export const MAX_PAYLOAD_BYTES = 1_000_000;

/** Schema of {@link TaskQueue.enqueue}'s input, shared by the HTTP API and the CLI. */
export const enqueueInputSchema = z.object({
  type: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'must be 1-64 chars of a-z 0-9 _ . - starting with a letter'),
  payload: z.unknown().optional(),
  priority: z.number().int().min(-1000).max(1000).optional(),
  requires: z.array(z.string().min(1).max(100)).max(32).optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
});

/** What a caller submits. */
export type EnqueueInput = z.input<typeof enqueueInputSchema>;

/** The cold path's view of the queue: the router, the API and the CLI submit and watch tasks through it. */
export interface TaskQueue {
  /** Adds a task (or returns the one already submitted with the same idempotency key). */
  enqueue(input: EnqueueInput): TaskRecord;
  /** A task by id, or undefined. */
  get(id: string): TaskRecord | undefined;
  /** Tasks, newest first. */
  list(filter?: TaskListFilter): TaskRecord[];
  /** Cancels a queued task at once, or asks the worker running it to stop. */
  cancel(id: string): TaskRecord;
  /** Calls `listener` whenever a task reaches a terminal state; returns an unsubscribe function. */
  onSettled(listener: (task: TaskRecord) => void): () => void;
}

/** Tuning of the queue. */
export interface QueueOptions {
  /** How long a lease lasts without a heartbeat, in ms (default 30 s). */
  leaseMs?: number;
  /** Delay before the first retry, doubled per attempt and capped at 60 s (default 1 s; 0 retries at once). */
  retryBaseMs?: number;
  /** Attempts when the submitter does not say (default 3). */
  defaultMaxAttempts?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

/** What a worker asks for in a Pull. */
export interface LeaseRequest {
  capacity: number;
  /** Task types it can run; empty means any. */
  types: readonly string[];
  /** Capability tags it offers (`gpu`, `model:ggml-base.en.bin`, `zone=attic`). */
  tags: readonly string[];
}

/** A task handed to a worker. */
export interface Lease {
  task: TaskRecord;
  leaseId: string;
  expiresAt: number;
}

/** Outcome of Complete/Fail. */
export interface SettleOutcome {
  /** True when this call changed the task. */
  recorded: boolean;
  state: TaskState;
}

/** Outcome of a heartbeat. */
export interface HeartbeatOutcome {
  renewed: { leaseId: string; expiresAt: number }[];
  cancel: string[];
  lost: string[];
}

/** How a worker describes a failed attempt. */
export interface FailInput {
  code: string;
  message: string;
  retryable: boolean;
  cancelled: boolean;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The durable queue in SQLite [GRPC-5.4–5.7]. Every transition is one transaction, so a hub crash
 * leaves each task in exactly one state; leases live in the database, so a restarted hub keeps them.
 * Execution is at least once (an expired lease runs again elsewhere); the recorded result is exactly once.
 */
export class SqliteTaskQueue implements TaskQueue {
  private readonly repo: TasksRepository;
  private readonly events = new EventEmitter();
  readonly leaseMs: number;
  private readonly retryBaseMs: number;
  private readonly defaultMaxAttempts: number;
  private readonly now: () => number;

  constructor(private readonly db: Db, options: QueueOptions = {}) {
    this.repo = new TasksRepository(db);
    this.leaseMs = options.leaseMs ?? 30_000;
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.defaultMaxAttempts = options.defaultMaxAttempts ?? 3;
    this.now = options.now ?? Date.now;
    this.events.setMaxListeners(0);
  }

  enqueue(input: EnqueueInput): TaskRecord {
    const parsed = enqueueInputSchema.safeParse(input);
    if (!parsed.success) throw new TaskError('JARVIS_TASK_BAD_REQUEST', 'invalid task', issuesToDetails(parsed.error.issues));
    const v = parsed.data;
    const payload = v.payload ?? null;
    const json = JSON.stringify(payload);
    if (json === undefined || Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) {
      throw new TaskError('JARVIS_TASK_BAD_REQUEST', 'invalid task', [`payload: must be JSON of at most ${MAX_PAYLOAD_BYTES} bytes`]);
    }
    const task = this.db.transaction((): TaskRecord => {
      if (v.idempotencyKey) {
        const existing = this.repo.getByIdempotencyKey(v.idempotencyKey);
        if (existing) {
          if (existing.type !== v.type || !sameJson(existing.payload, payload)) {
            throw new TaskError('JARVIS_TASK_IDEMPOTENCY_CONFLICT', `idempotency key already used by task ${existing.id} with a different type or payload`, [
              'idempotencyKey: already used',
            ]);
          }
          return existing;
        }
      }
      const id = randomUUID();
      this.repo.insert({
        id,
        type: v.type,
        payload,
        priority: v.priority ?? 0,
        requires: [...new Set(v.requires ?? [])].sort(),
        idempotencyKey: v.idempotencyKey ?? null,
        maxAttempts: v.maxAttempts ?? this.defaultMaxAttempts,
        now: this.now(),
      });
      return this.repo.get(id)!;
    })();
    this.events.emit('available');
    return task;
  }

  get(id: string): TaskRecord | undefined {
    return this.repo.get(id);
  }

  list(filter: TaskListFilter = {}): TaskRecord[] {
    return this.repo.list(filter);
  }

  /** Tasks per state, for metrics and `jarvis task list`. */
  counts(): Record<TaskState, number> {
    return this.repo.countByState();
  }

  cancel(id: string): TaskRecord {
    const settled: TaskRecord[] = [];
    const task = this.db.transaction((): TaskRecord => {
      const t = this.repo.get(id);
      if (!t) throw new TaskError('JARVIS_TASK_NOT_FOUND', `no task ${id}`);
      if (TERMINAL_STATES.has(t.state)) throw new TaskError('JARVIS_TASK_NOT_CANCELLABLE', `task ${id} is already ${t.state}`);
      const now = this.now();
      if (t.state === 'queued') {
        this.repo.settle(id, 'cancelled', t.errors, now);
        const after = this.repo.get(id)!;
        settled.push(after);
        return after;
      }
      this.repo.requestCancel(id, now);
      return this.repo.get(id)!;
    })();
    this.emitSettled(settled);
    return task;
  }

  /** Retries a dead-lettered task: queued again with fresh attempts; undefined unless it was dead. */
  retryDead(id: string): TaskRecord | undefined {
    if (!this.repo.retryDead(id, this.now())) return undefined;
    this.events.emit('available');
    return this.repo.get(id);
  }

  onSettled(listener: (task: TaskRecord) => void): () => void {
    this.events.on('settled', listener);
    return () => this.events.off('settled', listener);
  }

  /** Calls `listener` when new work may be available (enqueue, requeue); returns an unsubscribe function. */
  onAvailable(listener: () => void): () => void {
    this.events.on('available', listener);
    return () => this.events.off('available', listener);
  }

  /** Leases up to `capacity` ready tasks the worker can run, highest priority first. */
  lease(workerId: string, request: LeaseRequest): Lease[] {
    if (request.capacity <= 0) return [];
    this.reapExpired();
    const types = new Set(request.types);
    const tags = new Set(request.tags);
    return this.db.transaction((): Lease[] => {
      const now = this.now();
      const out: Lease[] = [];
      for (const t of this.repo.candidates(now, Math.max(64, request.capacity * 8))) {
        if (types.size > 0 && !types.has(t.type)) continue;
        if (!t.requires.every((r) => tags.has(r))) continue;
        const leaseId = randomUUID();
        const expiresAt = now + this.leaseMs;
        if (!this.repo.markLeased(t.id, leaseId, workerId, expiresAt, now)) continue;
        out.push({ task: this.repo.get(t.id)!, leaseId, expiresAt });
        if (out.length >= request.capacity) break;
      }
      return out;
    })();
  }

  /** Renews the leases `workerId` still holds; reports the ones to cancel and the ones it lost. */
  heartbeat(workerId: string, leaseIds: readonly string[]): HeartbeatOutcome {
    this.reapExpired();
    return this.db.transaction((): HeartbeatOutcome => {
      const now = this.now();
      const out: HeartbeatOutcome = { renewed: [], cancel: [], lost: [] };
      for (const leaseId of new Set(leaseIds)) {
        const t = this.repo.getByLease(leaseId);
        if (!t || t.leaseOwner !== workerId || t.state !== 'leased') {
          out.lost.push(leaseId);
          continue;
        }
        const expiresAt = now + this.leaseMs;
        this.repo.renew(leaseId, workerId, expiresAt, now);
        out.renewed.push({ leaseId, expiresAt });
        if (t.cancelRequested) out.cancel.push(leaseId);
      }
      return out;
    })();
  }

  /** Records a result; a second completion, or one under a lease the worker no longer holds, changes nothing. */
  complete(workerId: string, taskId: string, leaseId: string, result: unknown): SettleOutcome {
    const settled: TaskRecord[] = [];
    const outcome = this.db.transaction((): SettleOutcome => {
      const t = this.repo.get(taskId);
      if (!t) throw new TaskError('JARVIS_TASK_NOT_FOUND', `no task ${taskId}`);
      if (t.state !== 'leased' || t.leaseId !== leaseId || t.leaseOwner !== workerId) return { recorded: false, state: t.state };
      this.repo.succeed(taskId, result, this.now());
      const after = this.repo.get(taskId)!;
      settled.push(after);
      return { recorded: true, state: after.state };
    })();
    this.emitSettled(settled);
    return outcome;
  }

  /** Records a failed attempt: retry later, fail, dead-letter, or acknowledge a cancellation. */
  fail(workerId: string, taskId: string, leaseId: string, failure: FailInput): SettleOutcome {
    const settled: TaskRecord[] = [];
    let requeued = false;
    const outcome = this.db.transaction((): SettleOutcome => {
      const t = this.repo.get(taskId);
      if (!t) throw new TaskError('JARVIS_TASK_NOT_FOUND', `no task ${taskId}`);
      if (t.state !== 'leased' || t.leaseId !== leaseId || t.leaseOwner !== workerId) return { recorded: false, state: t.state };
      const now = this.now();
      const errors = [...t.errors, { code: failure.code, message: failure.message, attempt: t.attempts, workerId, at: now }];
      const state = this.nextState(t, failure.retryable, failure.cancelled);
      if (state === 'queued') {
        this.repo.requeue(taskId, now + this.backoff(t.attempts), errors, now);
        requeued = true;
      } else {
        this.repo.settle(taskId, state, errors, now);
        settled.push(this.repo.get(taskId)!);
      }
      return { recorded: true, state };
    })();
    this.emitSettled(settled);
    if (requeued) this.events.emit('available');
    return outcome;
  }

  /** Returns tasks whose lease expired to the queue (or dead-letters them); returns how many it touched. */
  reapExpired(): number {
    const settled: TaskRecord[] = [];
    const n = this.db.transaction((): number => {
      const now = this.now();
      const expired = this.repo.expiredLeases(now);
      for (const t of expired) {
        const errors = [
          ...t.errors,
          { code: 'JARVIS_LEASE_EXPIRED', message: `lease held by worker ${t.leaseOwner ?? '?'} expired without a heartbeat`, attempt: t.attempts, workerId: t.leaseOwner, at: now },
        ];
        const state = this.nextState(t, true, t.cancelRequested);
        if (state === 'queued') this.repo.requeue(t.id, now, errors, now);
        else {
          this.repo.settle(t.id, state, errors, now);
          settled.push(this.repo.get(t.id)!);
        }
      }
      return expired.length;
    })();
    this.emitSettled(settled);
    if (n > settled.length) this.events.emit('available');
    return n;
  }

  private nextState(t: TaskRecord, retryable: boolean, cancelled: boolean): 'queued' | 'failed' | 'dead' | 'cancelled' {
    if (cancelled && t.cancelRequested) return 'cancelled';
    if (!retryable) return 'failed';
    if (t.cancelRequested) return 'cancelled';
    return t.attempts >= t.maxAttempts ? 'dead' : 'queued';
  }

  private backoff(attempts: number): number {
    if (this.retryBaseMs <= 0) return 0;
    return Math.min(60_000, this.retryBaseMs * 2 ** Math.max(0, attempts - 1));
  }

  private emitSettled(tasks: readonly TaskRecord[]): void {
    for (const t of tasks) {
      for (const listener of this.events.listeners('settled') as ((task: TaskRecord) => void)[]) {
        try {
          listener(t);
        } catch {
          // A listener's bug must not undo a committed transition or starve the other listeners.
        }
      }
    }
  }
}

/** Capability tags a worker offers, from what it reports and the labels of the token that admitted it. */
export function capabilityTags(caps: { gpus?: readonly unknown[]; models?: readonly string[] } | null | undefined, labels: Record<string, string>): string[] {
  const tags = new Set<string>();
  if (caps?.gpus && caps.gpus.length > 0) tags.add('gpu');
  for (const m of caps?.models ?? []) tags.add(`model:${m}`);
  for (const [k, v] of Object.entries(labels)) tags.add(`${k}=${v}`);
  return [...tags].sort();
}
