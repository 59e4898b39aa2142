import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The hub's data directory: `--data-dir`, else `$JARVIS_DATA_DIR`, else `~/.local/share/jarvis`.
 * Kept in one function so the config loader's resolution can replace it in one place.
 */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  const fromEnv = env['JARVIS_DATA_DIR'];
  if (fromEnv) return resolve(fromEnv);
  return join(env['HOME'] ?? homedir(), '.local', 'share', 'jarvis');
}

/** Path of the hub database inside a data directory. */
export function databasePath(dataDir: string): string {
  return join(dataDir, 'jarvis.db');
}

/** Where the tasks part keeps its CA. */
export function tasksDir(dataDir: string): string {
  return join(dataDir, 'tasks');
}
