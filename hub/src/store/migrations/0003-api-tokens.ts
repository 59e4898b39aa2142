import type { Migration } from '../migration.js';

/** Bearer tokens of the HTTP API, stored hashed. */
export const migration0003: Migration = {
  id: 3,
  name: 'api-tokens',
  up: `
    CREATE TABLE api_tokens (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL UNIQUE,
      -- first 8 characters, to find the row without scanning every hash
      prefix TEXT NOT NULL,
      hash TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
  `,
};
