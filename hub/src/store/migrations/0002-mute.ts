import type { Migration } from '../migration.js';

/** Mute state kept across restarts, and the audit trail of every mute transition (DESIGN.md §5). */
export const migration0002: Migration = {
  id: 2,
  name: 'mute-state-and-audit',
  up: `
    CREATE TABLE device_mute_state (
      device_id TEXT PRIMARY KEY,
      mqtt_muted INTEGER NOT NULL DEFAULT 0,
      updated_at INTEGER NOT NULL
    );
    -- no foreign key: the audit outlives a removed device
    CREATE TABLE mute_audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      device_id TEXT NOT NULL,
      muted INTEGER NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('mqtt', 'frame')),
      at INTEGER NOT NULL
    );
    CREATE INDEX mute_audit_device ON mute_audit (device_id, at);
  `,
};
