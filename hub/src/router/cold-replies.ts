import { silentLogger, type Component, type Logger } from '../core/index.js';
import { ColdRepliesRepository, TERMINAL_STATES, type Db } from '../store/index.js';
import type { TaskQueue, TaskRecord } from '../tasks/index.js';
import type { ColdTask, TaskQueueLike } from './task-queue.js';

/** Longest text a device is sent in one `cmd/say` (the payload schema's limit). */
export const MAX_SAY_CHARS = 1000;

/** A reply still to be spoken, as the API lists it (`GET /api/v1/replies/pending`). */
export interface PendingReply {
  taskId: string;
  deviceId: string;
  /** The task's state: a reply waits for its task to settle, then for its device to be online. */
  taskState: string;
  /** Why it is not spoken yet. */
  waitingFor: 'task' | 'device_online';
  createdAt: number;
  /** When the task settled (null while it runs). */
  settledAt: number | null;
  /** After this the reply expires unspoken (settled + maxAgeMs); null while the task runs. */
  expiresAt: number | null;
}

/** Options of {@link ColdReplies}. */
export interface ColdRepliesOptions {
  db: Db;
  queue: TaskQueue;
  /** Speaks on a device (`cmd/say`); rejects when the message could not be handed to MQTT. */
  say: (deviceId: string, text: string) => Promise<void>;
  /** True while the device is still provisioned. */
  deviceExists: (deviceId: string) => boolean;
  /**
   * True when the device is connected (its MQTT status says online). A reply waits for an offline device
   * (up to `maxAgeMs`) instead of being spoken into the void; without this every device counts as online.
   */
  deviceOnline?: (deviceId: string) => boolean;
  /** A result older than this (from settling to now) is not spoken; it stays in the API. */
  maxAgeMs: number;
  /** How often pending replies are checked against the queue (restarts, settlements by other processes). */
  sweepMs: number;
  logger?: Logger;
  now?: () => number;
}

function firstText(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const key of ['reply', 'text', 'summary', 'answer', 'output', 'message']) {
      const v = (value as Record<string, unknown>)[key];
      if (typeof v === 'string' && v.trim() !== '') return v.trim();
    }
  }
  return undefined;
}

function clip(text: string): string {
  return text.length <= MAX_SAY_CHARS ? text : `${text.slice(0, MAX_SAY_CHARS - 1).trimEnd()}…`;
}

/** What a device hears when its cold task settles: the result's text, or a short reason it did not work. */
export function coldReplyText(task: TaskRecord): string {
  const payload = (task.payload ?? {}) as { task?: unknown; request?: unknown };
  const request = typeof payload.request === 'string' && payload.request !== '' ? payload.request : undefined;
  const job = `${typeof payload.task === 'string' ? payload.task : task.type}${request ? ` ${request}` : ''}`;
  switch (task.state) {
    case 'succeeded':
      return clip(firstText(task.result) ?? `Done: ${job}. The result is in the Jarvis app.`);
    case 'cancelled':
      return clip(`I stopped working on: ${job}.`);
    default: {
      const reason = task.error?.message ? ` (${task.error.message.replace(/\s+/g, ' ').slice(0, 120)})` : '';
      return clip(`Sorry, I couldn't finish: ${job}${reason}.`);
    }
  }
}

/**
 * The hub side of the cold path (issue 8 item 5): enqueues the router's cold decisions as tasks, remembers in
 * the database which device asked, and when a task settles speaks its result (or why it failed) on that device,
 * exactly once. Settlements the hub did not see happen — while it was down, or by `jarvis task cancel` in another
 * process — are found by a sweep at start and every `sweepMs`; a reply for an offline device waits for it. A result older than `maxAgeMs` is not spoken (it
 * would come out of the blue); that outcome is recorded and logged, and the result stays in `/api/v1/tasks/:id`.
 */
export class ColdReplies implements Component, TaskQueueLike {
  readonly name = 'cold-replies';
  private readonly repo: ColdRepliesRepository;
  private readonly log: Logger;
  private readonly now: () => number;
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** Replies already logged as waiting for their offline device, with when they began to wait (one info line each). */
  private readonly waiting = new Map<string, number>();

  constructor(private readonly options: ColdRepliesOptions) {
    this.repo = new ColdRepliesRepository(options.db);
    this.log = options.logger ?? silentLogger();
    this.now = options.now ?? Date.now;
  }

  /** The router's task queue: a cold decision becomes a `router.<task>` task with the device id in its payload. */
  enqueue(task: ColdTask): { id: string } {
    const record = this.options.queue.enqueue({ type: task.type, payload: task.payload });
    const deviceId = task.payload.deviceId;
    if (deviceId) this.repo.add(record.id, deviceId, this.now());
    this.log.info({ task: record.id, type: task.type, device: deviceId }, 'cold request queued');
    // An idempotent enqueue can return a task that has already settled.
    if (TERMINAL_STATES.has(record.state)) this.track(this.report(record));
    return { id: record.id };
  }

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.unsubscribe = this.options.queue.onSettled((task) => this.track(this.report(task)));
    this.track(this.sweep());
    this.timer = setInterval(() => this.track(this.sweep()), this.options.sweepMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Every reply not spoken yet and not expired, oldest first, with what it waits for and when it expires. */
  pendingReplies(): PendingReply[] {
    return this.repo.pending().map((row) => {
      const task = this.options.queue.get(row.taskId);
      const settledAt = task && TERMINAL_STATES.has(task.state) ? (task.settledAt ?? null) : null;
      return {
        taskId: row.taskId,
        deviceId: row.deviceId,
        taskState: task?.state ?? 'gone',
        waitingFor: settledAt === null ? 'task' : 'device_online',
        createdAt: row.createdAt,
        settledAt,
        expiresAt: settledAt === null ? null : settledAt + this.options.maxAgeMs,
      };
    });
  }

  /** Reports every pending reply whose task has settled; returns when done (tests await it). */
  async sweep(): Promise<void> {
    for (const row of this.repo.pending()) {
      const task = this.options.queue.get(row.taskId);
      if (!task) {
        this.repo.claim(row.taskId, this.now(), 'task_gone');
        this.log.warn({ task: row.taskId, device: row.deviceId }, 'cold reply dropped: the task no longer exists');
        continue;
      }
      if (TERMINAL_STATES.has(task.state)) await this.report(task);
    }
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch((err: unknown) => this.log.error({ err }, 'cold reply failed')).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async report(task: TaskRecord): Promise<void> {
    const row = this.repo.get(task.id);
    if (!row || row.reportedAt !== null || !TERMINAL_STATES.has(task.state)) return;
    const now = this.now();
    const age = now - (task.settledAt ?? now);
    if (age > this.options.maxAgeMs) {
      if (this.repo.claim(task.id, now, 'too_old')) {
        const waited = this.waiting.has(task.id);
        this.waiting.delete(task.id);
        this.log.info(
          { task: task.id, device: row.deviceId, ageMs: age, maxAgeMs: this.options.maxAgeMs },
          waited ? 'cold result expired unspoken: the device stayed offline; it stays in the API' : 'cold result not spoken: it settled too long ago; it stays in the API',
        );
      }
      return;
    }
    if (!this.options.deviceExists(row.deviceId)) {
      if (this.repo.claim(task.id, now, 'device_gone')) this.log.info({ task: task.id, device: row.deviceId }, 'cold result not spoken: the device was removed');
      return;
    }
    if (this.options.deviceOnline && !this.options.deviceOnline(row.deviceId)) {
      if (!this.waiting.has(task.id)) {
        // Info, once: the user is waiting for an answer and should be able to see where it is.
        this.waiting.set(task.id, now);
        const expiresAt = (task.settledAt ?? now) + this.options.maxAgeMs;
        this.log.info({ task: task.id, device: row.deviceId, expiresAt: new Date(expiresAt).toISOString() }, 'cold result waits until the device is online (GET /api/v1/replies/pending)');
      }
      return;
    }
    if (!this.repo.claim(task.id, now, 'spoken')) return;
    try {
      await this.options.say(row.deviceId, coldReplyText(task));
      const since = this.waiting.get(task.id);
      this.waiting.delete(task.id);
      if (since !== undefined) this.log.info({ task: task.id, device: row.deviceId, state: task.state, waitedMs: now - since }, 'cold result spoken: the device is back online');
      else this.log.info({ task: task.id, device: row.deviceId, state: task.state }, 'cold result spoken');
    } catch (err) {
      this.repo.release(task.id);
      this.log.warn({ err, task: task.id, device: row.deviceId }, 'cold result could not be sent; will retry');
    }
  }
}
