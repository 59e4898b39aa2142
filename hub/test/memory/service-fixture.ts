import { afterEach } from 'vitest';
import { openDatabase, type Db } from '../../src/store/database.js';
import { migrations } from '../../src/store/migrations/index.js';
import { MemoryService } from '../../src/memory/index.js';

/** A memory service on a fresh in-memory database with a clock that ticks 1 s per read; closed after each test. */
export function useMemoryService(): () => MemoryService {
  let db: Db | undefined;
  afterEach(() => {
    db?.close();
    db = undefined;
  });
  return () => {
    db = openDatabase(':memory:', { migrations });
    let now = Date.parse('2026-03-02T12:00:00Z');
    return new MemoryService({ db, clock: () => (now += 1000) });
  };
}
