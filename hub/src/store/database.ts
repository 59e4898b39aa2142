import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import type { Migration } from './migration.js';
import { migrations as allMigrations } from './migrations/index.js';

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

/** Applies the migrations whose id is above the database's `user_version`, in id order. */
export function migrate(db: Db, migrations: readonly Migration[]): number[] {
  const sorted = [...migrations].sort((a, b) => a.id - b.id);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.id === sorted[i - 1]!.id) throw new Error(`duplicate migration id ${sorted[i]!.id}`);
  }
  const current = db.pragma('user_version', { simple: true }) as number;
  const applied: number[] = [];
  for (const m of sorted) {
    if (m.id <= current) continue;
    db.transaction(() => {
      db.exec(m.up);
      db.pragma(`user_version = ${m.id}`);
    })();
    applied.push(m.id);
  }
  return applied;
}
