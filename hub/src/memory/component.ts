import type { MuteTransition } from '../audio/types.js';
import type { Component } from '../core/component.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Db } from '../store/database.js';
import { MemoryService } from './memory-service.js';

/** What {@link MemoryComponent} needs from the hub. */
export interface MemoryComponentOptions {
  db: Db;
  /** Mute transitions of every device: facts said in the stretch before a mute are deleted. */
  subscribeMute: (listener: (transition: MuteTransition) => void) => () => void;
  /** Stretch before a mute that is purged with it (ms); the observer's `muteTailMs`. */
  muteTailMs: number;
  clock?: () => number;
  logger?: Logger;
}

/**
 * The memory part (DESIGN.md §3): the fact store and the same privacy rule as the rolling buffer —
 * facts said in a muted stretch never exist; `forget(minutes)` does what "forget the last N minutes" does.
 */
export class MemoryComponent implements Component {
  readonly name = 'memory';
  readonly service: MemoryService;
  private unsubscribe: (() => void) | undefined;
  private readonly clock: () => number;
  private readonly log: Logger;

  constructor(private readonly options: MemoryComponentOptions) {
    this.clock = options.clock ?? Date.now;
    this.log = options.logger ?? silentLogger();
    this.service = new MemoryService({ db: options.db, clock: this.clock, logger: this.log });
  }

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.log.info({ embedder: this.service.embedder.id }, 'memory: lexical retrieval (BM25 + hashed n-gram embedding; no embedding model)');
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
