import { useEffect, useState } from 'preact/hooks';
import { live, type LiveEvent } from './api.js';

/** One point of a device's link quality, as rates in 0..1 over the last interval. */
export interface StatsPoint {
  at: number;
  lossRate: number;
  concealRate: number;
  lateRate: number;
}

/** The hub VAD's view of a device right now. */
export interface DeviceLevel {
  /** Input level of the last window in dBFS (-100 for silence or no audio). */
  dbfs: number;
  speech: boolean;
  at: number;
}

/** How many stats points a sparkline shows (the hub sends one every few seconds). */
export const HISTORY_POINTS = 60;

/**
 * The live state every page reads: one server-sent-events stream for the whole dashboard, fanned out to the
 * pages that subscribe. Levels and link stats are kept here so a page opened later still has the last minutes.
 */
class LiveStore {
  readonly levels = new Map<string, DeviceLevel>();
  readonly history = new Map<string, StatsPoint[]>();
  connected = false;
  private readonly listeners = new Set<(e: LiveEvent) => void>();
  private close: (() => void) | undefined;

  start(): void {
    if (this.close) return;
    this.close = live(
      (e) => this.receive(e),
      (open) => {
        this.connected = open;
        this.emit({ type: 'connection', data: { open } });
      },
    );
  }

  stop(): void {
    this.close?.();
    this.close = undefined;
  }

  subscribe(listener: (e: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private receive(e: LiveEvent): void {
    if (e.type === 'hello') {
      const hello = e.data as { history?: Record<string, StatsPoint[]> };
      for (const [id, points] of Object.entries(hello.history ?? {})) this.history.set(id, points.slice(-HISTORY_POINTS));
    } else if (e.type === 'device-level') {
      const d = e.data as { levels: Record<string, { dbfs: number; speech: boolean }>; at: number };
      for (const [id, l] of Object.entries(d.levels)) this.levels.set(id, { dbfs: l.dbfs, speech: l.speech, at: d.at });
    } else if (e.type === 'device-stats') {
      const d = e.data as { deviceId: string } & StatsPoint;
      const list = this.history.get(d.deviceId) ?? [];
      list.push({ at: d.at, lossRate: d.lossRate, concealRate: d.concealRate, lateRate: d.lateRate });
      if (list.length > HISTORY_POINTS) list.splice(0, list.length - HISTORY_POINTS);
      this.history.set(d.deviceId, list);
    }
    this.emit(e);
  }

  private emit(e: LiveEvent): void {
    for (const l of this.listeners) l(e);
  }
}

/** The dashboard's one live stream. */
export const liveStore = new LiveStore();

/** Re-renders the calling component on every live event whose type is in `types` (all when empty). */
export function useLive(types: readonly string[], onEvent?: (e: LiveEvent) => void): number {
  const [tick, setTick] = useState(0);
  useEffect(
    () =>
      liveStore.subscribe((e) => {
        if (types.length > 0 && !types.includes(e.type)) return;
        onEvent?.(e);
        setTick((t) => t + 1);
      }),
    [types.join(',')],
  );
  return tick;
}
