import type { MuteTransition } from '../audio/index.js';
import { forFacility, silentLogger, type Component, type Logger } from '../core/index.js';
import { TodosRepository, type Db } from '../store/index.js';
import type { TextEmbedder } from './embedding.js';
import { HaTodoSync, type HaTodoGateway } from './ha-sync.js';
import { Observer, type Extractor, type TodoLlm } from './observer.js';
import { RollingBuffer, type TranscriptSegment, type TranscriptVerdict } from './rolling-buffer.js';
import { TodoService, type Notify } from './todo-service.js';
import { assertTimeZone } from './zoned-time.js';

/** Stops a subscription. */
export type Unsubscribe = () => void;

/** What main.ts hands the observer. */
export interface ObserverComponentOptions {
  db: Db;
  /** The hub's IANA time zone. */
  timeZone: string;
  /** Passive transcripts (idle STT lane); the listener says whether it kept each one, and why not. */
  subscribeTranscripts: (listener: (segment: TranscriptSegment) => TranscriptVerdict) => Unsubscribe;
  /** Mute transitions of every device. */
  subscribeMute: (listener: (transition: MuteTransition) => void) => Unsubscribe;
  /** Rolling buffer window (ms); default 5 minutes. */
  windowMs?: number;
  /** Stretch before a mute that is purged with it (ms); default 30 s. */
  muteTailMs?: number;
  /** New to-dos wait for approval (`suggested`) instead of going straight to `open`. */
  requireApproval?: boolean;
  settleMs?: number;
  notify?: Notify | null;
  /** Home Assistant to-do list to sync open to-dos to. */
  homeAssistant?: { gateway: HaTodoGateway; entityId: string } | null;
  llm?: TodoLlm | null;
  /** Which extractor reads transcripts (default `learned` when `weightsPath` is given, else `clauses`; `rules` the older string rules). */
  extractor?: Extractor;
  /** The learned stage's weights file (none is shipped: `npx tsx scripts/train-todo-classifier.ts --out FILE` makes one). */
  weightsPath?: string;
  embedder?: TextEmbedder;
  userLabels?: readonly string[];
  unlabelledIsUser?: boolean;
  /** How often settled to-dos are announced and synced, and the buffer evicted (ms); default 5 s. */
  tickMs?: number;
  clock?: () => number;
  logger?: Logger;
}

/**
 * The observer part of the hub (DESIGN.md §3): subscribes to passive transcripts and mute transitions,
 * keeps the rolling buffer and the to-do list (`todos`, which `api/observer-routes.ts` serves as `/api/v1/todos`).
 */
export class ObserverComponent implements Component {
  readonly name = 'observer';
  /** The to-do list (for the API and for other parts). */
  readonly todos: TodoService;
  /** The observer itself (for `forget`). */
  readonly observer: Observer;
  private readonly buffer: RollingBuffer;
  private subscriptions: Unsubscribe[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: ObserverComponentOptions) {
    this.logger = options.logger ? forFacility(options.logger, 'hub:observer') : silentLogger();
    const clock = options.clock ?? Date.now;
    const repository = new TodosRepository(options.db);
    this.buffer = new RollingBuffer({ clock, ...(options.windowMs !== undefined ? { windowMs: options.windowMs } : {}), ...(options.muteTailMs !== undefined ? { muteTailMs: options.muteTailMs } : {}) });
    const ha = options.homeAssistant ? new HaTodoSync(options.homeAssistant.gateway, options.homeAssistant.entityId, repository, this.logger) : null;
    this.todos = new TodoService({
      repository, ha, notify: options.notify ?? null, clock, logger: this.logger,
      ...(options.requireApproval !== undefined ? { requireApproval: options.requireApproval } : {}),
      ...(options.settleMs !== undefined ? { settleMs: options.settleMs } : {}),
      ...(options.embedder ? { embedder: options.embedder } : {}),
    });
    this.observer = new Observer({
      timeZone: options.timeZone, buffer: this.buffer, todos: this.todos, llm: options.llm ?? null, clock, logger: this.logger,
      ...(options.userLabels ? { userLabels: options.userLabels } : {}),
      ...(options.unlabelledIsUser !== undefined ? { unlabelledIsUser: options.unlabelledIsUser } : {}),
      ...(options.extractor ? { extractor: options.extractor } : {}),
      ...(options.weightsPath ? { weightsPath: options.weightsPath } : {}),
    });
  }

  /** The rolling buffer's size and age (nothing it holds), for the dashboard. */
  bufferStats(): ReturnType<RollingBuffer['stats']> {
    return this.buffer.stats();
  }

  /** "Forget the last N minutes" of one device or all (for the API route and the spoken command). */
  forget(minutes: number, deviceId?: string): Promise<{ segments: number; todos: number }> {
    return this.observer.forget(minutes, deviceId);
  }

  async start(): Promise<void> {
    if (this.subscriptions.length > 0) return;
    assertTimeZone(this.options.timeZone);
    this.subscriptions.push(
      this.options.subscribeTranscripts((segment): TranscriptVerdict => {
        try {
          return this.observer.offer(segment);
        } catch (err) {
          this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'bad transcript segment dropped');
          return { observed: false, reason: 'malformed' };
        }
      }),
      this.options.subscribeMute((t) => {
        this.observer.muteTransition(t.deviceId, t.muted, t.at).catch((err: unknown) => {
          this.logger.error({ err: err instanceof Error ? err.message : String(err), deviceId: t.deviceId }, 'mute purge failed');
        });
      }),
    );
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 5_000);
    this.timer.unref();
  }

  /** Evicts old segments, announces settled to-dos and retries HA sync; one run at a time. */
  tick(): Promise<void> {
    this.ticking ??= (async () => {
      try {
        this.buffer.evictExpired();
        await this.todos.flushSettled();
      } catch (err) {
        this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'observer tick failed');
      } finally {
        this.ticking = undefined;
      }
    })();
    return this.ticking;
  }

  async stop(): Promise<void> {
    for (const unsubscribe of this.subscriptions) unsubscribe();
    this.subscriptions = [];
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.observer.whenIdle();
    await this.ticking;
  }
}
