import type { Database as Db } from 'better-sqlite3';
import type { MemoryLogger } from './logger.js';
import { MemoryService } from './memory-service.js';

/** A mute switch of one device, as the audio part's mute gate reports it (only what the memory reads). */
export interface MuteSwitch {
  deviceId: string;
  muted: boolean;
  /** Hub wall-clock time, ms. */
  at: number;
}

/** What {@link MemoryComponent} needs from the hub. */
export interface MemoryComponentOptions {
  db: Db;
  /** Mute transitions of every device: facts said in the stretch before a mute are deleted. */
  subscribeMute: (listener: (transition: MuteSwitch) => void) => () => void;
  /** Stretch before a mute that is purged with it (ms); the observer's `muteTailMs`. */
  muteTailMs: number;
  clock?: () => number;
  logger?: MemoryLogger;
}

/**
 * The memory part (DESIGN.md §3): the fact store and the same privacy rule as the rolling buffer —
 * facts said in a muted stretch never exist; `forget(minutes)` does what "forget the last N minutes" does.
 */
export class MemoryComponent {
  readonly name = 'memory';
  readonly service: MemoryService;
  private unsubscribe: (() => void) | undefined;
  private readonly clock: () => number;
  private readonly log: MemoryLogger | undefined;

  constructor(private readonly options: MemoryComponentOptions) {
    this.clock = options.clock ?? Date.now;
    this.log = options.logger;
    this.service = new MemoryService({ db: options.db, clock: this.clock, ...(this.log ? { logger: this.log } : {}) });
  }

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.log?.info({ embedder: this.service.embedder.id }, 'memory: lexical retrieval (BM25 + hashed n-gram embedding; no embedding model)');
    this.unsubscribe = this.options.subscribeMute((t) => {
      if (t.muted) this.service.purge(t.deviceId, t.at - this.options.muteTailMs);
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** "Forget the last N minutes" (one device or all): deletes the facts said in that stretch. */
  forget(minutes: number, deviceId?: string): number {
    return this.service.purge(deviceId ?? null, this.clock() - minutes * 60_000);
  }
}
