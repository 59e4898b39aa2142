import type { Migration } from '../migration.js';

/** The durable task queue (DESIGN.md §3 tasks/): one row per task, its lease and its outcome. */
export const migration0010: Migration = {
  id: 10,
  name: 'tasks',
  up: `
    CREATE TABLE tasks (
      seq              INTEGER PRIMARY KEY AUTOINCREMENT,
      id               TEXT NOT NULL UNIQUE,
      type             TEXT NOT NULL,
      payload          TEXT NOT NULL,
      priority         INTEGER NOT NULL DEFAULT 0,
      requires         TEXT NOT NULL DEFAULT '[]',
      idempotency_key  TEXT UNIQUE,
      state            TEXT NOT NULL CHECK (state IN ('queued','leased','succeeded','failed','dead','cancelled')),
      attempts         INTEGER NOT NULL DEFAULT 0,
      max_attempts     INTEGER NOT NULL,
      lease_id         TEXT,
      lease_owner      TEXT,
      lease_expires_at INTEGER,
      not_before       INTEGER NOT NULL DEFAULT 0,
      cancel_requested INTEGER NOT NULL DEFAULT 0,
      result           TEXT,
      error            TEXT,
      errors           TEXT NOT NULL DEFAULT '[]',
      created_at       INTEGER NOT NULL,
      updated_at       INTEGER NOT NULL,
      settled_at       INTEGER
    );
    CREATE INDEX tasks_ready ON tasks (state, priority DESC, seq) WHERE state = 'queued';
    CREATE INDEX tasks_leases ON tasks (lease_expires_at) WHERE state = 'leased';
    CREATE INDEX tasks_by_state ON tasks (state, seq);
  `,
};
