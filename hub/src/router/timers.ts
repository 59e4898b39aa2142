import { EventEmitter } from 'node:events';
import type { Component } from '../core/index.js';

/** A timer the hub runs itself (timers never go to Home Assistant). */
export interface HubTimer {
  id: number;
  name: string | undefined;
  /** Area id of the device that started it, so "cancel the kitchen timer" finds it. */
  area: string | undefined;
  deviceId: string | undefined;
  durationS: number;
  startedAt: number;
  /** When it rings; while paused, when it would ring if resumed now is `now + pausedLeftS`. */
  endsAt: number;
  /** Seconds left when it was paused; undefined while running. */
  pausedLeftS?: number | undefined;
}

/** Which timer a cancel or status request means. */
export interface TimerQuery {
  name?: string | undefined;
  startSeconds?: number | undefined;
  area?: string | undefined;
}

/** Hub-local timers for Home Assistant's timer intents (start, cancel, add/remove time, pause/resume, status); emits `finished`. */
export class TimerService extends EventEmitter implements Component {
  readonly name = 'timers';
  private readonly timers = new Map<number, { timer: HubTimer; handle: NodeJS.Timeout }>();
  private nextId = 1;

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  async start(): Promise<void> {}

  /** Cancels every timer without firing them. */
  async stop(): Promise<void> {
    for (const { handle } of this.timers.values()) clearTimeout(handle);
    this.timers.clear();
  }

  /** Starts a timer. */
  add(durationS: number, options: { name?: string | undefined; area?: string | undefined; deviceId?: string | undefined } = {}): HubTimer {
    const startedAt = this.now();
    const timer: HubTimer = { id: this.nextId++, name: options.name, area: options.area, deviceId: options.deviceId, durationS, startedAt, endsAt: startedAt + durationS * 1000 };
    this.timers.set(timer.id, { timer, handle: this.arm(timer) });
    return timer;
  }

  private arm(timer: HubTimer): NodeJS.Timeout {
    const handle = setTimeout(() => {
      this.timers.delete(timer.id);
      this.emit('finished', timer);
    }, Math.max(0, timer.endsAt - this.now()));
    handle.unref();
    return handle;
  }

  /** Adds (or with a negative amount removes) time; a timer taken to zero rings now. Returns it, or undefined. */
  extend(query: TimerQuery, seconds: number): HubTimer | undefined {
    const t = this.find(query);
    if (!t) return undefined;
    const entry = this.timers.get(t.id)!;
    if (t.pausedLeftS !== undefined) {
      t.pausedLeftS = Math.max(0, t.pausedLeftS + seconds);
    } else {
      clearTimeout(entry.handle);
      t.endsAt = Math.max(this.now(), t.endsAt + seconds * 1000);
      entry.handle = this.arm(t);
    }
    t.durationS = Math.max(0, t.durationS + seconds);
    return t;
  }

  /** Pauses a running timer (it keeps its time left); returns it, or undefined when none matched or it was paused. */
  pause(query: TimerQuery = {}): HubTimer | undefined {
    const t = this.list().find((x) => x.pausedLeftS === undefined && this.matches(x, query));
    if (!t) return undefined;
    clearTimeout(this.timers.get(t.id)!.handle);
    t.pausedLeftS = Math.max(0, (t.endsAt - this.now()) / 1000);
    return t;
  }

  /** Resumes a paused timer; returns it, or undefined when none matched. */
  resume(query: TimerQuery = {}): HubTimer | undefined {
    const t = this.list().find((x) => x.pausedLeftS !== undefined && this.matches(x, query));
    if (!t) return undefined;
    t.endsAt = this.now() + t.pausedLeftS! * 1000;
    t.pausedLeftS = undefined;
    this.timers.get(t.id)!.handle = this.arm(t);
    return t;
  }

  /** Cancels every timer; returns how many there were. */
  cancelAll(): number {
    const n = this.timers.size;
    for (const { handle } of this.timers.values()) clearTimeout(handle);
    this.timers.clear();
    return n;
  }

  private matches(t: HubTimer, query: TimerQuery): boolean {
    return (!query.name || t.name?.toLowerCase() === query.name.toLowerCase())
      && (query.startSeconds === undefined || t.durationS === query.startSeconds)
      && (!query.area || t.area === query.area);
  }

  /** Running timers, soonest to finish first. */
  list(): HubTimer[] {
    return [...this.timers.values()].map((t) => t.timer).sort((a, b) => a.endsAt - b.endsAt);
  }

  /** The timer a query means: by name, by starting duration, by area, else the next to finish. */
  find(query: TimerQuery = {}): HubTimer | undefined {
    return this.list().find((t) => this.matches(t, query));
  }

  /** Cancels the timer a query means; returns it, or undefined when none matched. */
  cancel(query: TimerQuery = {}): HubTimer | undefined {
    const t = this.find(query);
    if (!t) return undefined;
    clearTimeout(this.timers.get(t.id)!.handle);
    this.timers.delete(t.id);
    return t;
  }

  /** Seconds left on a timer. */
  remainingS(timer: HubTimer): number {
    if (timer.pausedLeftS !== undefined) return Math.round(timer.pausedLeftS);
    return Math.max(0, Math.round((timer.endsAt - this.now()) / 1000));
  }
}
