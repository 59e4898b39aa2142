import type { Migration } from '../migration.js';

/** Join tokens (secrets stored hashed) and the enrolled workers they admitted. */
export const migration0011: Migration = {
  id: 11,
  name: 'workers-and-join-tokens',
  up: `
    CREATE TABLE join_tokens (
      id          TEXT PRIMARY KEY,
      secret_hash TEXT NOT NULL,
      labels      TEXT NOT NULL DEFAULT '{}',
      max_uses    INTEGER NOT NULL CHECK (max_uses >= 1),
      uses        INTEGER NOT NULL DEFAULT 0,
      expires_at  INTEGER NOT NULL,
      created_at  INTEGER NOT NULL,
      revoked_at  INTEGER
    );
    CREATE TABLE workers (
      id               TEXT PRIMARY KEY,
      name             TEXT NOT NULL,
      token_id         TEXT REFERENCES join_tokens (id),
      labels           TEXT NOT NULL DEFAULT '{}',
      capabilities     TEXT NOT NULL DEFAULT '{}',
      cert_fingerprint TEXT NOT NULL,
      cert_not_after   INTEGER NOT NULL,
      enrolled_at      INTEGER NOT NULL,
      last_seen_at     INTEGER,
      revoked_at       INTEGER
    );
  `,
};
