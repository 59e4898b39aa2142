import type { Component, Logger } from '../core/index.js';
import type { Db, DeviceRecord, DevicesRepository } from '../store/index.js';

/** What changed in the devices table since the last look. */
export interface DeviceChanges {
  added: DeviceRecord[];
  removed: DeviceRecord[];
  /** Devices whose key and MQTT password were rotated. */
  rotated: DeviceRecord[];
}

/** Tuning of {@link DeviceRegistry}'s look-ups. */
export interface DeviceRegistryOptions {
  /**
   * Least time between two refreshes caused by a look-up miss, ms. Bounds what a flood of datagrams
   * or messages naming unknown devices can cost (one `data_version` read per interval).
   */
  missRefreshMs?: number;
  now?: () => number;
}

/**
 * The running hub's view of the provisioned devices and their UDP keys. `jarvis device add|remove|
 * rotate-key` may run in another process, so the registry polls SQLite's `PRAGMA data_version` once a
 * second (it changes whenever another connection commits; a cheap read that touches no table) and
 * reloads the devices table when it moved. A look-up that misses does not wait for the poll: a device
 * added a moment ago may already be talking, so the miss re-checks `data_version` at once (at most
 * once per `missRefreshMs`) and looks again.
 */
export class DeviceRegistry implements Component {
  readonly name = 'devices';
  private byId = new Map<number, DeviceRecord>();
  private keys = new Map<number, Uint8Array>();
  private dataVersion = -1;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(changes: DeviceChanges) => void>();
  private lastRefreshAt = Number.NEGATIVE_INFINITY;
  private readonly missRefreshMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly repository: DevicesRepository,
    private readonly logger: Logger,
    private readonly pollMs = 1000,
    options: DeviceRegistryOptions = {},
  ) {
    this.missRefreshMs = options.missRefreshMs ?? 100;
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    if (this.timer) return;
    this.refresh(true);
    this.timer = setInterval(() => this.refresh(false), this.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The UDP key of a device, for the ingest (a Map lookup on the hot path; a miss re-checks the table). */
  keyFor(id: number): Uint8Array | undefined {
    return this.keys.get(id) ?? (this.refreshAfterMiss() ? this.keys.get(id) : undefined);
  }

  /** A device by numeric id; a miss re-checks the table. */
  get(id: number): DeviceRecord | undefined {
    return this.byId.get(id) ?? (this.refreshAfterMiss() ? this.byId.get(id) : undefined);
  }

  /** A device by its 8-hex-digit id; a miss re-checks the table. */
  byTextId(deviceId: string): DeviceRecord | undefined {
    return /^[0-9a-f]{8}$/.test(deviceId) ? this.get(Number.parseInt(deviceId, 16)) : undefined;
  }

  list(): DeviceRecord[] {
    return [...this.byId.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Subscribes to changes found by a refresh; returns the unsubscribe function. */
  onChange(listener: (changes: DeviceChanges) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reloads when another connection committed since the last look (or always with `force`, e.g. after
   * this process wrote itself, which does not move its own `data_version`).
   */
  refresh(force: boolean): DeviceChanges | undefined {
    let version: number;
    try {
      version = this.db.pragma('data_version', { simple: true }) as number;
    } catch (err) {
      this.logger.error({ err }, 'could not read data_version');
      return undefined;
    }
    if (!force && version === this.dataVersion) return undefined;
    this.dataVersion = version;
    const next = new Map(this.repository.list().map((d) => [d.id, d]));
    const changes: DeviceChanges = { added: [], removed: [], rotated: [] };
    for (const [id, d] of next) {
      const old = this.byId.get(id);
      if (!old) changes.added.push(d);
      else if (old.credentialVersion !== d.credentialVersion) changes.rotated.push(d);
    }
    for (const [id, d] of this.byId) if (!next.has(id)) changes.removed.push(d);
    if (changes.added.length + changes.removed.length + changes.rotated.length === 0 && this.byId.size === next.size) {
      this.byId = next;
      return changes;
    }
    this.byId = next;
    this.keys = this.repository.keys();
    for (const d of changes.added) this.logger.info({ device: d.deviceId, name: d.name }, 'device added');
    for (const d of changes.removed) this.logger.info({ device: d.deviceId, name: d.name }, 'device removed');
    for (const d of changes.rotated) this.logger.info({ device: d.deviceId, name: d.name }, 'device credentials rotated');
    for (const l of this.listeners) {
      try {
        l(changes);
      } catch (err) {
        this.logger.error({ err }, 'device change listener failed');
      }
    }
    return changes;
  }

  /**
   * Refreshes after a look-up miss unless another miss did within `missRefreshMs`; true when the table
   * was reloaded. Only misses count: a poll that ran just before another process inserted the device
   * must not hold back the device's first datagram.
   */
  private refreshAfterMiss(): boolean {
    const now = this.now();
    if (now - this.lastRefreshAt < this.missRefreshMs) return false;
    this.lastRefreshAt = now;
    return this.refresh(false) !== undefined;
  }
}
