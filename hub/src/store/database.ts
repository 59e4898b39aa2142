import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { Migration } from './migration.js';
import { migrations as allMigrations } from './migrations/index.js';
import { InternalError } from '../core/index.js';

/** The better-sqlite3 handle type, re-exported so repositories need not import the driver themselves. */
export type Db = Database.Database;

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Migrations to apply; defaults to all of the hub's. Tests may pass a subset. */
  migrations?: readonly Migration[];
  readonly?: boolean;
}

/**
 * Opens the hub's SQLite database (a file path, or `:memory:` for tests): WAL journal, foreign keys
 * on, sqlite-vec loaded, pending migrations applied in one transaction each. The only place in the hub
 * that opens the database (DESIGN.md §3).
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  if (path !== ':memory:' && !options.readonly) makePrivate(path);
  const db = new Database(path, { readonly: options.readonly ?? false });
  try {
    if (path !== ':memory:' && !options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    sqliteVec.load(db);
    if (!options.readonly) migrate(db, options.migrations ?? allMigrations);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * The database holds device keys (sealed), password hashes and transcripts-derived to-dos: only the hub's
 * user may read it. A new file is created 0600 before SQLite opens it (SQLite gives its -wal and -shm
 * files the database file's mode), and an existing one, with its -wal/-shm, is tightened to 0600.
 */
function makePrivate(path: string): void {
  try {
    closeSync(openSync(path, 'a', 0o600));
  } catch {
    return; // an unwritable path fails in SQLite's open with a better message
  }
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch {
      // -wal/-shm exist only while a connection is open
    }
  }
}

/**
 * Applies every migration not yet recorded in `schema_migrations`, in id order, each in its own
 * transaction. Parts own reserved id ranges and add migrations independently, so a lower id can ship
 * after a higher one: applied ids are recorded one by one rather than as a high-water mark.
 * `user_version` mirrors the highest applied id for tools that look at it.
 */
export function migrate(db: Db, migrations: readonly Migration[]): number[] {
  const sorted = [...migrations].sort((a, b) => a.id - b.id);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.id === sorted[i - 1]!.id) throw new InternalError('JARVIS_INTERNAL_INVARIANT', `duplicate migration id ${sorted[i]!.id}`);
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const done = new Set((db.prepare('SELECT id FROM schema_migrations').all() as { id: number }[]).map((r) => r.id));
  const record = db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const m of sorted) {
    if (done.has(m.id)) continue;
    db.transaction(() => {
      db.exec(m.up);
      record.run(m.id, m.name, Date.now());
      const highest = db.pragma('user_version', { simple: true }) as number;
      if (m.id > highest) db.pragma(`user_version = ${m.id}`);
    })();
    applied.push(m.id);
  }
  return applied;
}
