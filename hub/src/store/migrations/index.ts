import type { Migration } from '../migration.js';
import { migration0020 } from './0020-todos.js';
import { migration0010 } from './0010-tasks.js';
import { migration0011 } from './0011-workers.js';

/**
 * Every migration, in order. Ranges are reserved per part so parts can add theirs independently:
 * 1–9 devices and mute audit (core), 10–19 tasks and workers, 20–29 to-dos, 30–39 Home Assistant and
 * router, 40–49 voice runs. Append an import and an entry; never renumber.
 */
export const migrations: readonly Migration[] = [
  migration0010,
  migration0011,
];
