import { EventEmitter } from 'node:events';
import type { Component } from '../core/component.js';

/** A timer the hub runs itself (timers never go to Home Assistant). */
export interface HubTimer {
  id: number;
  name: string | undefined;
  /** Area id of the device that started it, so "cancel the kitchen timer" finds it. */
  area: string | undefined;
  deviceId: string | undefined;
  durationS: number;
  startedAt: number;
  endsAt: number;
}

/** Which timer a cancel or status request means. */
export interface TimerQuery {
  name?: string | undefined;
  startSeconds?: number | undefined;
  area?: string | undefined;
}

/** Hub-local timers for HassStartTimer/HassCancelTimer/HassTimerStatus; emits `finished` with the timer. */
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
    const handle = setTimeout(() => {
      this.timers.delete(timer.id);
      this.emit('finished', timer);
    }, durationS * 1000);
    handle.unref();
    this.timers.set(timer.id, { timer, handle });
    return timer;
  }

  /** Running timers, soonest to finish first. */
  list(): HubTimer[] {
    return [...this.timers.values()].map((t) => t.timer).sort((a, b) => a.endsAt - b.endsAt);
  }

  /** The timer a query means: by name, by starting duration, by area, else the next to finish. */
  find(query: TimerQuery = {}): HubTimer | undefined {
    let list = this.list();
    if (query.name) list = list.filter((t) => t.name?.toLowerCase() === query.name!.toLowerCase());
    if (query.startSeconds !== undefined) list = list.filter((t) => t.durationS === query.startSeconds);
    if (query.area) list = list.filter((t) => t.area === query.area);
    return list[0];
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
    return Math.max(0, Math.round((timer.endsAt - this.now()) / 1000));
  }
}
