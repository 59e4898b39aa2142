import type { Migration } from '../migration.js';

/**
 * The cold path's promise to answer (DESIGN.md §2): one row per task a device asked for, so its result is
 * spoken on that device exactly once, even when the task settled while the hub was down.
 */
export const migration0030: Migration = {
  id: 30,
  name: 'cold-replies',
  up: `
    CREATE TABLE cold_replies (
      task_id     TEXT PRIMARY KEY,
      device_id   TEXT NOT NULL,
      created_at  INTEGER NOT NULL,
      reported_at INTEGER,
      outcome     TEXT CHECK (outcome IN ('spoken', 'too_old', 'device_gone', 'task_gone'))
    );
    CREATE INDEX cold_replies_pending ON cold_replies (created_at) WHERE reported_at IS NULL;
  `,
};
