import type { ServerResponse } from 'node:http';
import type { Component } from '../core/index.js';
import type { DeviceStreamStats } from '../audio/index.js';

/** One point of a device's link quality over the last interval, rates in 0..1. */
export interface LinkStatsPoint {
  at: number;
  lossRate: number;
  concealRate: number;
  lateRate: number;
}

/** A device's input level and the VAD's speech decision, as the audio front end last saw them. */
export interface DeviceLevel {
  dbfs: number;
  speech: boolean;
  at: number;
}

/** What the live events read from the running hub; each source is optional (a part that is off sends nothing). */
export interface LiveEventsOptions {
  /** Devices whose link stats are sampled. */
  deviceIds: () => readonly string[];
  streamStats: (deviceId: string) => DeviceStreamStats | undefined;
  /** The audio front end's current levels (hub VAD), by device. */
  levels?: () => ReadonlyMap<string, DeviceLevel>;
  /**
   * Pushed sources: each subscribes a listener and returns its unsubscribe. The listener takes the SSE event
   * type and its JSON data (`run`, `mute`, ...).
   */
  subscriptions?: readonly ((emit: (type: string, data: unknown) => void) => () => void)[];
  /**
   * Polled sources: a cheap fingerprint per event type (e.g. the newest `updated_at` of the to-dos); when it
   * changes the event is sent with no data, and the page reloads what it shows.
   */
  watch?: Record<string, () => string>;
  /** How often link stats are sampled (default 5000 ms; the dashboard's sparkline shows the last 60). */
  statsIntervalMs?: number;
  /** How often levels are sent while a device has audio (default 200 ms). */
  levelIntervalMs?: number;
  /** How often watched fingerprints are compared (default 1000 ms). */
  watchIntervalMs?: number;
  /** Points of link-stats history kept per device (default 60). */
  historyPoints?: number;
  now?: () => number;
}

interface Counters {
  accepted: number;
  late: number;
  lost: number;
  forwarded: number;
  concealed: number;
}

function countersOf(s: DeviceStreamStats): Counters {
  return { accepted: s.datagrams.accepted, late: s.datagrams.late, lost: s.lostFrames, forwarded: s.forwardedSamples, concealed: s.concealedSamples };
}

/** Link-quality rates between two samples of a device's stream counters. */
export function linkRates(before: Counters | undefined, after: Counters): Omit<LinkStatsPoint, 'at'> {
  const d = (k: keyof Counters): number => Math.max(0, after[k] - (before?.[k] ?? 0));
  const ratio = (a: number, b: number): number => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);
  return {
    lossRate: ratio(d('lost'), d('lost') + d('accepted')),
    concealRate: ratio(d('concealed'), d('forwarded')),
    lateRate: ratio(d('late'), d('late') + d('accepted')),
  };
}

/** One SSE message. */
export function sseMessage(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data ?? null)}\n\n`;
}

/**
 * The hub's live events for the dashboard (`GET /api/v1/events`, server-sent events): voice runs as they
 * happen, device levels from the hub's VAD, link stats with a few minutes of history, and "changed" signals
 * for to-dos, tasks, workers and devices. Keeps the link history while nobody watches, so a page opened later
 * still draws the last minutes.
 */
export class LiveEvents implements Component {
  readonly name = 'live-events';
  private readonly clients = new Set<ServerResponse>();
  private readonly history = new Map<string, LinkStatsPoint[]>();
  private readonly lastCounters = new Map<string, Counters>();
  private readonly fingerprints = new Map<string, string>();
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void)[] = [];
  private readonly now: () => number;

  constructor(private readonly options: LiveEventsOptions) {
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    if (this.timers.length > 0) return;
    const o = this.options;
    this.timers.push(setInterval(() => this.sampleStats(), o.statsIntervalMs ?? 5000));
    this.timers.push(setInterval(() => this.sendLevels(), o.levelIntervalMs ?? 200));
    if (o.watch) {
      for (const [type, fp] of Object.entries(o.watch)) this.fingerprints.set(type, safe(fp));
      this.timers.push(setInterval(() => this.compareWatched(), o.watchIntervalMs ?? 1000));
    }
    // A comment every 15 s keeps proxies and idle timeouts from closing the stream.
    this.timers.push(setInterval(() => this.write(': keep-alive\n\n'), 15_000));
    for (const t of this.timers) t.unref();
    for (const s of o.subscriptions ?? []) this.unsubscribe.push(s((type, data) => this.broadcast(type, data)));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const u of this.unsubscribe.splice(0)) u();
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  /** Open streams. */
  get clientCount(): number {
    return this.clients.size;
  }

  /** Link-stats history of every device, oldest first. */
  historySnapshot(): Record<string, LinkStatsPoint[]> {
    return Object.fromEntries([...this.history].map(([id, points]) => [id, [...points]]));
  }

  /** Adds an open SSE response (headers already sent); sends `hello` with the history at once. */
  attach(res: ServerResponse): void {
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    res.write(sseMessage('hello', { at: this.now(), history: this.historySnapshot() }));
  }

  /** Sends an event to every open stream. */
  broadcast(type: string, data: unknown): void {
    this.write(sseMessage(type, data));
  }

  /** Samples every device's stream counters once (the timer's job; tests call it directly). */
  sampleStats(): void {
    const at = this.now();
    const ids = new Set(this.options.deviceIds());
    for (const id of [...this.history.keys()]) if (!ids.has(id)) this.history.delete(id);
    const max = this.options.historyPoints ?? 60;
    for (const id of ids) {
      const stats = this.options.streamStats(id);
      if (!stats) continue;
      const now = countersOf(stats);
      const point: LinkStatsPoint = { at, ...linkRates(this.lastCounters.get(id), now) };
      this.lastCounters.set(id, now);
      const list = this.history.get(id) ?? [];
      list.push(point);
      if (list.length > max) list.splice(0, list.length - max);
      this.history.set(id, list);
      this.broadcast('device-stats', { deviceId: id, ...point });
    }
  }

  private sendLevels(): void {
    if (this.clients.size === 0 || !this.options.levels) return;
    const at = this.now();
    const levels: Record<string, { dbfs: number; speech: boolean }> = {};
    for (const [id, l] of this.options.levels()) {
      if (at - l.at > 1500) continue;
      levels[id] = { dbfs: Math.round(l.dbfs * 10) / 10, speech: l.speech };
    }
    if (Object.keys(levels).length > 0) this.broadcast('device-level', { at, levels });
  }

  private compareWatched(): void {
    for (const [type, fp] of Object.entries(this.options.watch ?? {})) {
      const value = safe(fp);
      if (value === this.fingerprints.get(type)) continue;
      this.fingerprints.set(type, value);
      this.broadcast(type, { changed: true });
    }
  }

  private write(text: string): void {
    for (const c of this.clients) {
      if (!c.writableEnded) c.write(text);
    }
  }
}

function safe(fp: () => string): string {
  try {
    return fp();
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}
