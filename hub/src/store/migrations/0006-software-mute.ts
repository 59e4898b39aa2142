import type { Migration } from '../migration.js';

/**
 * The software mute set from the API (dashboard): audited with source `api` and who set it, and kept across
 * restarts beside the device's MQTT mute state. SQLite cannot widen a CHECK in place, so the audit table is
 * copied into one that allows the new source.
 */
export const migration0006: Migration = {
  id: 6,
  name: 'software-mute',
  up: `
    CREATE TABLE mute_audit_v2 (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      device_id TEXT NOT NULL,
      muted INTEGER NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('mqtt', 'frame', 'api')),
      -- the API token's name for source 'api'
      actor TEXT,
      at INTEGER NOT NULL
    );
    INSERT INTO mute_audit_v2 (id, device_id, muted, source, at) SELECT id, device_id, muted, source, at FROM mute_audit;
    DROP TABLE mute_audit;
    ALTER TABLE mute_audit_v2 RENAME TO mute_audit;
    CREATE INDEX mute_audit_device ON mute_audit (device_id, at);
    ALTER TABLE device_mute_state ADD COLUMN api_muted INTEGER NOT NULL DEFAULT 0;
  `,
};
