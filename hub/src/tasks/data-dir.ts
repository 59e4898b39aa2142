import { join } from 'node:path';

/** Path of the hub database inside a data directory (resolved by the config loader's `resolveDataDir`). */
export function databasePath(dataDir: string): string {
  return join(dataDir, 'jarvis.db');
}

/** Where the tasks part keeps its CA. */
export function tasksDir(dataDir: string): string {
  return join(dataDir, 'tasks');
}
