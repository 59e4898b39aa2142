import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../hub/src/core/logger.js';
import { openDatabase, type Db } from '../hub/src/store/database.js';
import { TasksComponent, type TasksComponentOptions } from '../hub/src/tasks/component.js';
import { databasePath } from '../hub/src/tasks/data-dir.js';

/** A hub tasks part on a temp data dir and a free port, torn down by `close()`. */
export interface TestHub {
  dir: string;
  db: Db;
  tasks: TasksComponent;
  address: string;
  /** Stops the gRPC server and starts a new one on the same port and database (a hub restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the tasks part with short leases, as the tests need. */
export async function startTestHub(options: Partial<TasksComponentOptions> = {}): Promise<TestHub> {
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-hub-'));
  const db = openDatabase(databasePath(dir));
  const make = (port: number): TasksComponent =>
    new TasksComponent({ db, dataDir: dir, logger: silentLogger(), host: '127.0.0.1', port, leaseMs: 1_500, retryBaseMs: 0, ...options });
  const hub: TestHub = {
    dir,
    db,
    tasks: make(0),
    address: '',
    async restart() {
      const port = hub.tasks.port;
      await hub.tasks.stop();
      hub.tasks = make(port);
      await hub.tasks.start();
    },
    async close() {
      await hub.tasks.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await hub.tasks.start();
  hub.address = `127.0.0.1:${hub.tasks.port}`;
  return hub;
}

/** A temp directory removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
