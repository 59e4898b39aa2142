import type { Db } from './database.js';

/** Where a to-do stands: `suggested` waits for the user's approval, `open` is on the list. */
export type TodoStatus = 'suggested' | 'open' | 'done' | 'dismissed';

/** Every to-do status, for validation. */
export const TODO_STATUSES: readonly TodoStatus[] = ['suggested', 'open', 'done', 'dismissed'];

/** Home Assistant sync state of a to-do. */
export type TodoHaState = 'none' | 'pending' | 'synced' | 'failed';

/** A stored to-do with its provenance. */
export interface TodoRecord {
  id: number;
  text: string;
  dedupKey: string;
  kind: 'task' | 'item';
  status: TodoStatus;
  /** `YYYY-MM-DD` in the hub's time zone, or null. */
  dueDate: string | null;
  /** ms since epoch when a time of day was said, or null. */
  dueAt: number | null;
  deviceId: string | null;
  speaker: string | null;
  /** When the words were said (ms since epoch). */
  saidAt: number;
  /** The short evidence snippet, the only words kept from the rolling buffer. */
  snippet: string;
  mentions: number;
  lastHeardAt: number;
  createdAt: number;
  updatedAt: number;
  haUid: string | null;
  haState: TodoHaState;
  haAttempts: number;
  haError: string | null;
  notifiedAt: number | null;
}

/** What the observer stores for a new to-do. */
export interface NewTodo {
  text: string;
  dedupKey: string;
  kind: 'task' | 'item';
  status: TodoStatus;
  dueDate: string | null;
  dueAt: number | null;
  deviceId: string | null;
  speaker: string | null;
  saidAt: number;
  snippet: string;
  embedding: Float32Array;
  embedderId: string;
  haState: TodoHaState;
  now: number;
}

/** Fields a user or a correction may change. */
export interface TodoPatch {
  text?: string;
  dedupKey?: string;
  embedding?: Float32Array;
  dueDate?: string | null;
  dueAt?: number | null;
  status?: TodoStatus;
}

/** Longest snippet kept (characters): enough to recognise what was said, no more. */
export const MAX_SNIPPET_CHARS = 300;

interface Row {
  id: number; text: string; dedup_key: string; kind: 'task' | 'item'; status: TodoStatus; due_date: string | null;
  due_at: number | null; device_id: string | null; speaker: string | null; said_at: number; snippet: string;
  mentions: number; last_heard_at: number; created_at: number; updated_at: number; ha_uid: string | null;
  ha_state: TodoHaState; ha_attempts: number; ha_error: string | null; notified_at: number | null;
}

function fromRow(r: Row): TodoRecord {
  return {
    id: r.id, text: r.text, dedupKey: r.dedup_key, kind: r.kind, status: r.status, dueDate: r.due_date, dueAt: r.due_at,
    deviceId: r.device_id, speaker: r.speaker, saidAt: r.said_at, snippet: r.snippet, mentions: r.mentions,
    lastHeardAt: r.last_heard_at, createdAt: r.created_at, updatedAt: r.updated_at, haUid: r.ha_uid, haState: r.ha_state,
    haAttempts: r.ha_attempts, haError: r.ha_error, notifiedAt: r.notified_at,
  };
}

function blob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** The `todos` and `todo_vectors` tables (migration 20). Keeps each to-do's vector and status in step. */
export class TodosRepository {
  constructor(private readonly db: Db) {}

  /** Stores a new to-do and its vector; returns it. */
  insert(t: NewTodo): TodoRecord {
    return this.db.transaction(() => {
      const info = this.db
        .prepare(
          `INSERT INTO todos (text, dedup_key, kind, status, due_date, due_at, device_id, speaker, said_at, snippet,
             last_heard_at, created_at, updated_at, ha_state)
           VALUES (@text, @dedupKey, @kind, @status, @dueDate, @dueAt, @deviceId, @speaker, @saidAt, @snippet,
             @saidAt, @now, @now, @haState)`,
        )
        .run({ ...t, snippet: t.snippet.slice(0, MAX_SNIPPET_CHARS), embedding: undefined, embedderId: undefined });
      const id = BigInt(info.lastInsertRowid);
      this.db.prepare('INSERT INTO todo_vectors (rowid, embedding, embedder, status) VALUES (?, ?, ?, ?)').run(id, blob(t.embedding), t.embedderId, t.status);
      return this.get(Number(id))!;
    })();
  }

  /** One to-do, or undefined. */
  get(id: number): TodoRecord | undefined {
    const row = this.db.prepare('SELECT * FROM todos WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** To-dos newest first, optionally of some statuses. */
  list(options: { statuses?: readonly TodoStatus[]; limit?: number; offset?: number } = {}): TodoRecord[] {
    const statuses = options.statuses ?? [];
    const where = statuses.length > 0 ? `WHERE status IN (${statuses.map(() => '?').join(',')})` : '';
    const rows = this.db
      .prepare(`SELECT * FROM todos ${where} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...statuses, options.limit ?? 100, options.offset ?? 0) as Row[];
    return rows.map(fromRow);
  }

  /** Applies a patch; returns the updated to-do, or undefined when there is none with that id. */
  update(id: number, patch: TodoPatch, now: number): TodoRecord | undefined {
    return this.db.transaction(() => {
      const current = this.get(id);
      if (!current) return undefined;
      this.db
        .prepare(
          `UPDATE todos SET text = ?, dedup_key = ?, due_date = ?, due_at = ?, status = ?, updated_at = ? WHERE id = ?`,
        )
        .run(
          patch.text ?? current.text, patch.dedupKey ?? current.dedupKey,
          patch.dueDate === undefined ? current.dueDate : patch.dueDate,
          patch.dueAt === undefined ? current.dueAt : patch.dueAt,
          patch.status ?? current.status, now, id,
        );
      if (patch.embedding) this.db.prepare('UPDATE todo_vectors SET embedding = ? WHERE rowid = ?').run(blob(patch.embedding), BigInt(id));
      if (patch.status) this.db.prepare('UPDATE todo_vectors SET status = ? WHERE rowid = ?').run(patch.status, BigInt(id));
      return this.get(id);
    })();
  }

  /** Deletes a to-do and its vector (a cancellation or a purge: nothing of it stays). */
  remove(id: number): boolean {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM todo_vectors WHERE rowid = ?').run(BigInt(id));
      return this.db.prepare('DELETE FROM todos WHERE id = ?').run(id).changes > 0;
    })();
  }

  /** A to-do of one of `statuses` with exactly this normalised key, if any. */
  findByKey(dedupKey: string, statuses: readonly TodoStatus[]): TodoRecord | undefined {
    const row = this.db
      .prepare(`SELECT * FROM todos WHERE dedup_key = ? AND status IN (${statuses.map(() => '?').join(',')}) ORDER BY id DESC LIMIT 1`)
      .get(dedupKey, ...statuses) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** The `k` nearest stored vectors of one embedder among to-dos of `statuses`, by cosine distance (0 = same). */
  nearest(embedding: Float32Array, embedderId: string, statuses: readonly TodoStatus[], k = 5): { id: number; distance: number }[] {
    return (
      this.db
        .prepare(
          `SELECT rowid AS id, distance FROM todo_vectors
           WHERE embedding MATCH ? AND k = ? AND embedder = ? AND status IN (${statuses.map(() => '?').join(',')})
           ORDER BY distance`,
        )
        .all(blob(embedding), k, embedderId, ...statuses) as { id: number; distance: number }[]
    ).map((r) => ({ id: Number(r.id), distance: r.distance }));
  }

  /** Counts one more hearing of a to-do. */
  recordMention(id: number, heardAt: number): void {
    this.db.prepare('UPDATE todos SET mentions = mentions + 1, last_heard_at = max(last_heard_at, ?) WHERE id = ?').run(heardAt, id);
  }

  /** To-dos heard from a device (or any device) between two times, inclusive. */
  saidBetween(deviceId: string | null, from: number, to: number): TodoRecord[] {
    const rows = (
      deviceId === null
        ? this.db.prepare('SELECT * FROM todos WHERE said_at BETWEEN ? AND ? ORDER BY said_at').all(from, to)
        : this.db.prepare('SELECT * FROM todos WHERE device_id = ? AND said_at BETWEEN ? AND ? ORDER BY said_at').all(deviceId, from, to)
    ) as Row[];
    return rows.map(fromRow);
  }

  /** Records the Home Assistant sync state. */
  setHaState(id: number, state: TodoHaState, fields: { uid?: string | null; error?: string | null; attempted?: boolean } = {}): void {
    this.db
      .prepare(
        `UPDATE todos SET ha_state = ?, ha_uid = coalesce(?, ha_uid), ha_error = ?, ha_attempts = ha_attempts + ? WHERE id = ?`,
      )
      .run(state, fields.uid ?? null, fields.error ?? null, fields.attempted ? 1 : 0, id);
  }

  /** To-dos waiting for Home Assistant, oldest first. */
  pendingSync(limit = 50): TodoRecord[] {
    return (this.db.prepare(`SELECT * FROM todos WHERE ha_state IN ('pending', 'failed') ORDER BY id LIMIT ?`).all(limit) as Row[]).map(fromRow);
  }

  /** Records that the device was told about the to-do. */
  markNotified(id: number, at: number): void {
    this.db.prepare('UPDATE todos SET notified_at = ? WHERE id = ?').run(at, id);
  }
}
