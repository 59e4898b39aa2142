/**
 * The agent's lifecycle as an explicit state machine (CONVENTIONS.md 10, as wyoming-satellite): every
 * transition is checked against the table and logged, so a journal shows exactly what the satellite did.
 */
import type { Logger } from './logger.js';

/** The states of a running agent. */
export const EDGE_STATES = ['starting', 'connecting', 'streaming', 'muted', 'reconnecting', 'stopped'] as const;
/** A state of the agent. */
export type EdgeState = (typeof EDGE_STATES)[number];

/** Which states each state may move to; anything else is a bug and throws. */
export const EDGE_TRANSITIONS: Readonly<Record<EdgeState, readonly EdgeState[]>> = {
  starting: ['connecting', 'stopped'],
  connecting: ['streaming', 'muted', 'reconnecting', 'stopped'],
  streaming: ['muted', 'reconnecting', 'stopped'],
  muted: ['streaming', 'reconnecting', 'stopped'],
  reconnecting: ['connecting', 'stopped'],
  stopped: [],
};

/** One transition, as logged and as seen by listeners. */
export interface EdgeTransition {
  from: EdgeState;
  to: EdgeState;
  reason: string;
  at: number;
}

/** Holds the current state, enforces the transition table and logs each move. */
export class EdgeStateMachine {
  private current: EdgeState = 'starting';
  private readonly listeners = new Set<(t: EdgeTransition) => void>();
  private readonly history: EdgeTransition[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current state. */
  get state(): EdgeState {
    return this.current;
  }

  /** Every transition so far (oldest first), for `check`, tests and diagnostics. */
  get transitions(): readonly EdgeTransition[] {
    return this.history;
  }

  /** Moves to `to`; a move to the same state is a no-op, a move the table forbids throws. */
  go(to: EdgeState, reason: string): void {
    const from = this.current;
    if (from === to) return;
    if (!EDGE_TRANSITIONS[from].includes(to)) throw new Error(`illegal agent transition ${from} -> ${to} (${reason})`);
    this.current = to;
    const t: EdgeTransition = { from, to, reason, at: this.now() };
    this.history.push(t);
    if (this.history.length > 1000) this.history.shift();
    this.logger.info({ from, to, reason }, `state ${from} -> ${to}: ${reason}`);
    for (const l of this.listeners) l(t);
  }

  /** Subscribes to transitions; returns the unsubscribe function. */
  onTransition(listener: (t: EdgeTransition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Settings of {@link Backoff}. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Relative spread of each delay, 0-1. */
  jitter: number;
  /** Growth per failed attempt; default 2. */
  factor?: number;
  /** Uniform random source in [0, 1); injectable for tests. */
  random?: () => number;
}

/**
 * Capped exponential backoff with jitter: delays grow by `factor` from `initialMs` up to `maxMs`, each
 * spread by ±`jitter` so a house full of satellites does not hammer a restarting hub in lockstep.
 */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** Failed attempts since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next(): number {
    const { initialMs, maxMs, jitter } = this.options;
    const factor = this.options.factor ?? 2;
    const random = this.options.random ?? Math.random;
    const base = Math.min(maxMs, initialMs * factor ** Math.min(this.attempt, 60));
    this.attempt++;
    const spread = base * jitter * (2 * random() - 1);
    return Math.max(0, Math.min(maxMs, Math.round(base + spread)));
  }

  /** Starts again from `initialMs` after a success. */
  reset(): void {
    this.attempt = 0;
  }
}
