import { z } from 'zod';

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone of this machine, used when `time.zone` is not set. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Wall-clock settings: the IANA zone used for spoken times, timers and to-do due dates. */
export const timeSection = z
  .strictObject({
    /** IANA zone such as `Europe/Berlin`; default the machine's zone. */
    zone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').default(systemTimeZone),
  })
  .prefault({});

/** The intent router and its cold path (heavy requests that become worker tasks). */
export const routerSection = z
  .strictObject({
    /**
     * A cold task's result is spoken on the device that asked only if it settled less than this long ago
     * (a summary finished while the hub was down for a day is left in the API, not read out of the blue).
     */
    coldReplyMaxAgeMs: z.number().int().min(1000).max(7 * 24 * 3_600_000).default(3_600_000),
    /** How often the hub looks for settled cold tasks it has not reported yet (other processes, restarts). */
    coldReplySweepMs: z.number().int().min(100).max(600_000).default(5000),
  })
  .prefault({});

/** Passive to-do capture: the rolling transcript buffer and the to-do list. */
export const observerSection = z
  .strictObject({
    /** How long passive transcripts stay in memory, ms (default 5 minutes). */
    windowMs: z.number().int().min(10_000).max(3_600_000).default(300_000),
    /** On a switch to mute, transcripts that ended this long before it are purged too, ms (default 30 s). */
    muteTailMs: z.number().int().min(0).max(600_000).default(30_000),
    /** A new to-do waits this long for a correction ("actually, Thursday") before the device is told and HA gets it, ms. */
    settleMs: z.number().int().min(0).max(600_000).default(20_000),
    /** New to-dos wait as `suggested` until accepted in the API, instead of going straight to `open`. */
    requireApproval: z.boolean().default(false),
    /** Home Assistant to-do list that open to-dos are added to (e.g. `todo.shopping_list`); unset = no sync. */
    todoEntity: z.string().regex(/^todo\.[a-z0-9_]+$/, 'must be a todo entity id such as todo.shopping_list').optional(),
    /**
     * The learned to-do stage's weights file (model data, never shipped: `npx tsx scripts/train-todo-classifier.ts
     * --out FILE` makes one). Set: the clause reader plus the learned stage; unset: the clause reader alone. A missing
     * or malformed file is logged as JARVIS_OBSERVER_BAD_WEIGHTS and the clause reader reads alone.
     */
    todoWeights: z.string().min(1, 'must be a file path').optional(),
  })
  .prefault({});
