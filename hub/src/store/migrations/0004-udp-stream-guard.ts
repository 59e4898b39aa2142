import type { Migration } from '../migration.js';

/**
 * The UDP replay guard of each device [UDP-4.5], so a restarted hub still rejects recordings of
 * streams it had superseded or of frames it had accepted.
 */
export const migration0004: Migration = {
  id: 4,
  name: 'udp-stream-guard',
  up: `
    CREATE TABLE udp_stream_guard (
      device_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
      -- the device's current stream id and the highest seq accepted in it (NULL before the first)
      stream_id INTEGER NOT NULL CHECK (stream_id > 0 AND stream_id <= 4294967295),
      highest_seq INTEGER CHECK (highest_seq >= 0 AND highest_seq <= 4294967295),
      -- JSON array of the stream ids it superseded, oldest first (at most 16 are kept)
      superseded TEXT NOT NULL DEFAULT '[]',
      updated_at INTEGER NOT NULL
    );
  `,
};
