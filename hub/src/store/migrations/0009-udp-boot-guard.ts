import type { Migration } from '../migration.js';

/**
 * Datagram version 2 [UDP-2.10]: the replay guard keeps the highest boot counter per device and key
 * epoch instead of the last 16 random stream ids. The old rows describe version-1 streams, which the
 * hub no longer accepts, so they are dropped with their table.
 */
export const migration0009: Migration = {
  id: 9,
  name: 'udp-boot-guard',
  up: `
    DROP TABLE udp_stream_guard;
    CREATE TABLE udp_stream_guard (
      device_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
      -- fingerprint of the key the counter belongs to (deviceKeyId); rotate-key starts a new epoch
      key_id TEXT NOT NULL CHECK (length(key_id) = 16),
      -- highest boot counter accepted, and the highest seq accepted in that boot (NULL before the first)
      boot INTEGER NOT NULL CHECK (boot > 0 AND boot <= 4294967295),
      highest_seq INTEGER CHECK (highest_seq >= 0 AND highest_seq <= 4294967295),
      updated_at INTEGER NOT NULL
    );
  `,
};
