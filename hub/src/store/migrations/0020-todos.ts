import type { Migration } from '../migration.js';

/**
 * To-dos the observer captured, with provenance (device, time, short snippet) and Home Assistant sync
 * state, plus their vectors for de-duplication (sqlite-vec `vec0`, cosine). The vector size is that of
 * the hashed n-gram embedder; another embedder gets its own table in a later migration.
 */
export const migration0020: Migration = {
  id: 20,
  name: 'todos',
  up: `
    CREATE TABLE todos (
      id INTEGER PRIMARY KEY,
      text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
      dedup_key TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('task', 'item')),
      status TEXT NOT NULL CHECK (status IN ('suggested', 'open', 'done', 'dismissed')),
      due_date TEXT CHECK (due_date IS NULL OR due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
      due_at INTEGER,
      device_id TEXT,
      speaker TEXT,
      said_at INTEGER NOT NULL,
      snippet TEXT NOT NULL CHECK (length(snippet) <= 300),
      mentions INTEGER NOT NULL DEFAULT 1,
      last_heard_at INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      ha_uid TEXT,
      ha_state TEXT NOT NULL DEFAULT 'none' CHECK (ha_state IN ('none', 'pending', 'synced', 'failed')),
      ha_attempts INTEGER NOT NULL DEFAULT 0,
      ha_error TEXT,
      notified_at INTEGER
    );
    CREATE INDEX todos_status_created ON todos (status, created_at);
    CREATE INDEX todos_device_said ON todos (device_id, said_at);
    CREATE INDEX todos_dedup_key ON todos (dedup_key);
    CREATE VIRTUAL TABLE todo_vectors USING vec0(
      embedding float[256] distance_metric=cosine,
      embedder text,
      status text
    );
  `,
};
