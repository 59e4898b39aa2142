import type { Migration } from '../migration.js';

/** Provisioned devices and their credentials. */
export const migration0001: Migration = {
  id: 1,
  name: 'devices',
  up: `
    CREATE TABLE devices (
      id INTEGER PRIMARY KEY CHECK (id > 0 AND id <= 4294967295),
      name TEXT NOT NULL UNIQUE,
      area TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('wearable', 'satellite')),
      -- AES-256-GCM of the 32-byte UDP key under the master key file (core/secrets.ts)
      key_sealed BLOB NOT NULL,
      mqtt_username TEXT NOT NULL UNIQUE,
      -- scrypt hash: the password is only ever verified
      mqtt_password_hash TEXT NOT NULL,
      -- bumped by rotate-key so a running hub drops sessions made with the old credentials
      credential_version INTEGER NOT NULL DEFAULT 1,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
  `,
};
