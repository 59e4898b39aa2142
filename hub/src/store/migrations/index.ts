import type { Migration } from '../migration.js';
import { migration0001 } from './0001-devices.js';
import { migration0002 } from './0002-mute.js';
import { migration0003 } from './0003-api-tokens.js';
import { migration0004 } from './0004-udp-stream-guard.js';
import { migration0006 } from './0006-software-mute.js';
import { migration0007 } from './0007-mosquitto-password.js';
import { migration0009 } from './0009-udp-boot-guard.js';
import { migration0010 } from './0010-tasks.js';
import { migration0011 } from './0011-workers.js';
import { migration0020 } from './0020-todos.js';
import { migration0030 } from './0030-cold-replies.js';
import { migration0050 } from './0050-memory.js';
import { migration0051 } from './0051-fact-history.js';

/**
 * Every migration, in order. Ranges are reserved per part so parts can add theirs independently:
 * 1–9 devices and mute audit (core), 10–19 tasks and workers, 20–29 to-dos, 30–39 Home Assistant and
 * router, 40–49 voice runs, 50–59 memory (people, facts). Append an import and an entry; never renumber.
 */
export const migrations: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0006,
  migration0007,
  migration0009,
  migration0010,
  migration0011,
  migration0020,
  migration0030,
  migration0050,
  migration0051,
];
