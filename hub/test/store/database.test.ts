import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { umask } from 'node:process';
import { describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/store/database.js';
import { migrations } from '../../src/store/migrations/index.js';

const m = (id: number, name: string): { id: number; name: string; up: string } => ({ id, name, up: `CREATE TABLE t${id} (x INTEGER)` });

describe('migrations', () => {
  it('applies every hub migration once, in id order, and records each', () => {
    const db = openDatabase(':memory:');
    const rows = db.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: number }[];
    expect(rows.map((r) => r.id)).toEqual([...migrations].map((x) => x.id).sort((a, b) => a - b));
    expect(migrate(db, migrations)).toEqual([]);
    expect(db.pragma('user_version', { simple: true })).toBe(Math.max(...migrations.map((x) => x.id)));
    expect(db.prepare('SELECT vec_version() AS v').get()).toMatchObject({ v: expect.stringMatching(/^v/) });
  });

  it('applies a lower-numbered migration that ships after a higher one (parts own id ranges)', () => {
    const db = openDatabase(':memory:', { migrations: [m(1, 'one'), m(30, 'thirty')] });
    expect(migrate(db, [m(1, 'one'), m(4, 'four'), m(30, 'thirty')])).toEqual([4]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 't4'").get()).toBeDefined();
    expect(db.pragma('user_version', { simple: true })).toBe(30);
  });

  it('rolls back a failing migration whole and records nothing for it', () => {
    const db = openDatabase(':memory:', { migrations: [m(1, 'one')] });
    const bad = { id: 2, name: 'bad', up: 'CREATE TABLE t2 (x INTEGER); CREATE TABLE t2 (y INTEGER);' };
    expect(() => migrate(db, [m(1, 'one'), bad])).toThrow(/already exists/);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 't2'").get()).toBeUndefined();
    expect(db.prepare('SELECT id FROM schema_migrations WHERE id = 2').get()).toBeUndefined();
  });

  it('refuses duplicate ids', () => {
    const db = openDatabase(':memory:', { migrations: [] });
    expect(() => migrate(db, [m(3, 'a'), m(3, 'b')])).toThrow('duplicate migration id 3');
  });
});

describe('database files are private (issue 15, weak point 9)', () => {
  it('creates the database 0600 (and SQLite its -wal/-shm with the same mode), and tightens an existing 0644 one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-db-mode-'));
    const old = umask(0o022);
    try {
      const path = join(dir, 'jarvis.db');
      const db = openDatabase(path);
      db.prepare('CREATE TABLE IF NOT EXISTS x (y)').run();
      db.prepare('INSERT INTO x VALUES (1)').run();
      for (const f of [path, `${path}-wal`, `${path}-shm`]) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
      db.close();
      chmodSync(path, 0o644); // a database made by an older hub
      openDatabase(path).close();
      expect((statSync(path).mode & 0o777).toString(8)).toBe('600');
    } finally {
      umask(old);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
