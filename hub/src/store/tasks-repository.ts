import type { Db } from './database.js';

/** Lifecycle states of a task: queued → leased → succeeded | failed | dead, or cancelled from either. */
export type TaskState = 'queued' | 'leased' | 'succeeded' | 'failed' | 'dead' | 'cancelled';

/** Every state, for validation of filters. */
export const TASK_STATES: readonly TaskState[] = ['queued', 'leased', 'succeeded', 'failed', 'dead', 'cancelled'];

/** States a task never leaves. */
export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set(['succeeded', 'failed', 'dead', 'cancelled']);

/** One recorded failure of one attempt. */
export interface TaskFailure {
  code: string;
  message: string;
  attempt: number;
  workerId: string | null;
  /** ms since epoch */
  at: number;
}

/** A task as stored, with JSON columns parsed. */
export interface TaskRecord {
  id: string;
  type: string;
  payload: unknown;
  priority: number;
  requires: string[];
  idempotencyKey: string | null;
  state: TaskState;
  attempts: number;
  maxAttempts: number;
  leaseId: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  notBefore: number;
  cancelRequested: boolean;
  result: unknown;
  error: TaskFailure | null;
  errors: TaskFailure[];
  createdAt: number;
  updatedAt: number;
  settledAt: number | null;
}

/** What a new row needs. */
export interface NewTaskRow {
  id: string;
  type: string;
  payload: unknown;
  priority: number;
  requires: string[];
  idempotencyKey: string | null;
  maxAttempts: number;
  now: number;
}

interface Row {
  id: string; type: string; payload: string; priority: number; requires: string; idempotency_key: string | null;
  state: TaskState; attempts: number; max_attempts: number; lease_id: string | null; lease_owner: string | null;
  lease_expires_at: number | null; not_before: number; cancel_requested: number; result: string | null;
  error: string | null; errors: string; created_at: number; updated_at: number; settled_at: number | null;
}

function toRecord(r: Row): TaskRecord {
  return {
    id: r.id,
    type: r.type,
    payload: JSON.parse(r.payload) as unknown,
    priority: r.priority,
    requires: JSON.parse(r.requires) as string[],
    idempotencyKey: r.idempotency_key,
    state: r.state,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    leaseId: r.lease_id,
    leaseOwner: r.lease_owner,
    leaseExpiresAt: r.lease_expires_at,
    notBefore: r.not_before,
    cancelRequested: r.cancel_requested === 1,
    result: r.result === null ? null : (JSON.parse(r.result) as unknown),
    error: r.error === null ? null : (JSON.parse(r.error) as TaskFailure),
    errors: JSON.parse(r.errors) as TaskFailure[],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    settledAt: r.settled_at,
  };
}

/** Filter for {@link TasksRepository.list}. */
export interface TaskListFilter {
  state?: TaskState;
  type?: string;
  limit?: number;
}

/**
 * SQL for the `tasks` table. Every method is one statement; the queue (`hub/src/tasks/queue.ts`) wraps
 * the ones that must be atomic together in `db.transaction`.
 */
export class TasksRepository {
  private cached: ReturnType<TasksRepository['prepare']> | undefined;

  constructor(readonly db: Db) {}

  /** Statements are prepared on first use, so constructing a repository touches nothing. */
  private get stmts(): ReturnType<TasksRepository['prepare']> {
    return (this.cached ??= this.prepare());
  }

  private prepare() {
    const db = this.db;
    return {
      insert: db.prepare(
        `INSERT INTO tasks (id, type, payload, priority, requires, idempotency_key, state, max_attempts, created_at, updated_at)
         VALUES (@id, @type, @payload, @priority, @requires, @idempotencyKey, 'queued', @maxAttempts, @now, @now)`,
      ),
      byId: db.prepare('SELECT * FROM tasks WHERE id = ?'),
      byKey: db.prepare('SELECT * FROM tasks WHERE idempotency_key = ?'),
      byLease: db.prepare('SELECT * FROM tasks WHERE lease_id = ?'),
      candidates: db.prepare(
        `SELECT * FROM tasks WHERE state = 'queued' AND not_before <= ? ORDER BY priority DESC, seq LIMIT ?`,
      ),
      lease: db.prepare(
        `UPDATE tasks SET state = 'leased', attempts = attempts + 1, lease_id = @leaseId, lease_owner = @owner,
           lease_expires_at = @expiresAt, updated_at = @now WHERE id = @id AND state = 'queued'`,
      ),
      renew: db.prepare(
        `UPDATE tasks SET lease_expires_at = @expiresAt, updated_at = @now
         WHERE lease_id = @leaseId AND lease_owner = @owner AND state = 'leased'`,
      ),
      expired: db.prepare(`SELECT * FROM tasks WHERE state = 'leased' AND lease_expires_at <= ?`),
      succeed: db.prepare(
        `UPDATE tasks SET state = 'succeeded', result = @result, lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL,
           updated_at = @now, settled_at = @now WHERE id = @id AND state IN ('queued', 'leased')`,
      ),
      requeue: db.prepare(
        `UPDATE tasks SET state = 'queued', lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL, not_before = @notBefore,
           error = @error, errors = @errors, updated_at = @now WHERE id = @id`,
      ),
      settle: db.prepare(
        `UPDATE tasks SET state = @state, lease_id = NULL, lease_owner = NULL, lease_expires_at = NULL,
           error = @error, errors = @errors, updated_at = @now, settled_at = @now WHERE id = @id`,
      ),
      requestCancel: db.prepare(`UPDATE tasks SET cancel_requested = 1, updated_at = ? WHERE id = ?`),
      retryDead: db.prepare(
        `UPDATE tasks SET state = 'queued', attempts = 0, not_before = @now, cancel_requested = 0, settled_at = NULL, updated_at = @now
         WHERE id = @id AND state = 'dead'`,
      ),
      count: db.prepare(`SELECT state, COUNT(*) AS n FROM tasks GROUP BY state`),
    };
  }

  /** Puts a dead-lettered task back in the queue with fresh attempts (its error history stays); false unless it was dead. */
  retryDead(id: string, now: number): boolean {
    return this.stmts.retryDead.run({ id, now }).changes > 0;
  }

  /** Inserts a queued task. */
  insert(row: NewTaskRow): void {
    this.stmts.insert.run({
      ...row,
      payload: JSON.stringify(row.payload),
      requires: JSON.stringify(row.requires),
    });
  }

  /** A task by id, or undefined. */
  get(id: string): TaskRecord | undefined {
    const r = this.stmts.byId.get(id) as Row | undefined;
    return r && toRecord(r);
  }

  /** The task submitted earlier with this idempotency key, or undefined. */
  getByIdempotencyKey(key: string): TaskRecord | undefined {
    const r = this.stmts.byKey.get(key) as Row | undefined;
    return r && toRecord(r);
  }

  /** The task currently or last held under this lease id, or undefined. */
  getByLease(leaseId: string): TaskRecord | undefined {
    const r = this.stmts.byLease.get(leaseId) as Row | undefined;
    return r && toRecord(r);
  }

  /** Newest first. */
  list(filter: TaskListFilter = {}): TaskRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.state) { where.push('state = ?'); params.push(filter.state); }
    if (filter.type) { where.push('type = ?'); params.push(filter.type); }
    const sql = `SELECT * FROM tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, filter.limit ?? 100) as Row[]).map(toRecord);
  }

  /** Queued tasks ready to run, highest priority then oldest first. */
  candidates(now: number, limit: number): TaskRecord[] {
    return (this.stmts.candidates.all(now, limit) as Row[]).map(toRecord);
  }

  /** Moves a queued task to leased; false when it was no longer queued. */
  markLeased(id: string, leaseId: string, owner: string, expiresAt: number, now: number): boolean {
    return this.stmts.lease.run({ id, leaseId, owner, expiresAt, now }).changes === 1;
  }

  /** Extends a lease still held by `owner`; false when it is not. */
  renew(leaseId: string, owner: string, expiresAt: number, now: number): boolean {
    return this.stmts.renew.run({ leaseId, owner, expiresAt, now }).changes === 1;
  }

  /** Leased tasks whose lease ended at or before `now`. */
  expiredLeases(now: number): TaskRecord[] {
    return (this.stmts.expired.all(now) as Row[]).map(toRecord);
  }

  /** Records the result; false when the task was already settled (the first result stands). */
  succeed(id: string, result: unknown, now: number): boolean {
    return this.stmts.succeed.run({ id, result: JSON.stringify(result ?? null), now }).changes === 1;
  }

  /** Puts the task back in the queue after a failed or abandoned attempt. */
  requeue(id: string, notBefore: number, errors: TaskFailure[], now: number): void {
    const last = errors.at(-1) ?? null;
    this.stmts.requeue.run({ id, notBefore, error: last && JSON.stringify(last), errors: JSON.stringify(errors), now });
  }

  /** Ends the task in a terminal state other than succeeded. */
  settle(id: string, state: 'failed' | 'dead' | 'cancelled', errors: TaskFailure[], now: number): void {
    const last = errors.at(-1) ?? null;
    this.stmts.settle.run({ id, state, error: last && JSON.stringify(last), errors: JSON.stringify(errors), now });
  }

  /** Flags a leased task so the next heartbeat tells its worker to stop. */
  requestCancel(id: string, now: number): void {
    this.stmts.requestCancel.run(now, id);
  }

  /** Number of tasks per state. */
  countByState(): Record<TaskState, number> {
    const out = Object.fromEntries(TASK_STATES.map((s) => [s, 0])) as Record<TaskState, number>;
    for (const r of this.stmts.count.all() as { state: TaskState; n: number }[]) out[r.state] = r.n;
    return out;
  }
}
