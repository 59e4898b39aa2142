import type { Migration } from '../migration.js';

/**
 * People and the facts they tell Jarvis (the memory part). A person owns devices: a wearable is its
 * owner's; a device without an owner (a satellite in a shared room) is the household's. A fact belongs
 * to a person, or to the household when `person_id` is NULL; it keeps the device, time and place it was
 * said at, so a mute or "forget the last N minutes" can delete it. `fact_vectors` holds the hashed
 * n-gram embedding (sqlite-vec `vec0`, cosine), like `todo_vectors`.
 */
export const migration0050: Migration = {
  id: 50,
  name: 'memory-people-facts',
  up: `
    CREATE TABLE people (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
      created_at INTEGER NOT NULL
    );
    ALTER TABLE devices ADD COLUMN owner_person_id INTEGER REFERENCES people (id) ON DELETE SET NULL;
    CREATE TABLE facts (
      id INTEGER PRIMARY KEY,
      person_id INTEGER REFERENCES people (id) ON DELETE CASCADE,
      text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
      device_id TEXT,
      area TEXT,
      said_at INTEGER NOT NULL,
      replaces INTEGER
    );
    CREATE INDEX facts_person ON facts (person_id, said_at);
    CREATE INDEX facts_device_said ON facts (device_id, said_at);
    CREATE VIRTUAL TABLE fact_vectors USING vec0(
      embedding float[256] distance_metric=cosine,
      embedder text
    );
  `,
};
