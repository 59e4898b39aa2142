import { createSocket, type Socket } from 'node:dgram';
import { decodeAudioFrame, formatDeviceId, isProtocolError, peekDeviceId, STREAM_GUARD_PERSIST_MS, verifyAudioFrame } from '@jarvis/protocol';
import { InternalError, type Component, type Logger } from '../core/index.js';
import { DeviceStream, type DatagramResult, type DeviceStreamOptions, type DeviceStreamStats, type StreamGuardState } from './device-stream.js';
import type { MuteGate } from './mute-gate.js';
import type { DeviceAudioChunk } from './types.js';
import { unregisteredIngestMetrics, type IngestMetrics } from './ingest-metrics.js';

/** Looks up a device's UDP key by its numeric id; undefined for an unknown device. */
export type DeviceKeyLookup = (deviceId: number) => Uint8Array | undefined;

/**
 * Where the replay guard of every device stream survives a hub restart [UDP-4.5] (the hub passes its
 * `UdpStreamsRepository`). Keyed by the numeric device id.
 */
export interface StreamGuardStore {
  load(): Map<number, StreamGuardState>;
  save(states: ReadonlyMap<number, StreamGuardState>): void;
}

/** Construction parameters of {@link UdpIngest}. */
export interface UdpIngestOptions {
  host: string;
  port: number;
  receiveBufferBytes?: number;
  stream: DeviceStreamOptions;
  keyFor: DeviceKeyLookup;
  gate: MuteGate;
  logger: Logger;
  /** Its Prometheus series, registered by the root (`registerIngestMetrics`); unregistered ones when absent. */
  metrics?: IngestMetrics;
  /** Interval of the play-out timer that releases frames stuck behind a lost one. */
  pollIntervalMs?: number;
  /** Persists the replay guard; without it a restarted hub forgets every device's boot counter. */
  streamGuard?: StreamGuardStore;
  /**
   * How often changed guards are written, ms (also at once when a boot counter grows, and at stop).
   * A crash re-opens at most this much of the current boot to a replay [UDP-4.5.3]; SPEC fixes it at
   * `STREAM_GUARD_PERSIST_MS` (1000), so only tests set it.
   */
  guardFlushMs?: number;
  /** How often dropped datagrams are summed up in one info line per device, ms (default 60000). */
  dropLogIntervalMs?: number;
  now?: () => number;
}

/**
 * The UDP audio port (DESIGN.md §2): authenticates every datagram with the sender's key (peek id →
 * key → verify → decode), then hands it to that device's {@link DeviceStream}. Anything bad is dropped,
 * counted under `jarvis_udp_datagrams_total{result}` and logged at debug level with the peer.
 */
export class UdpIngest implements Component {
  readonly name = 'udp';
  private socket: Socket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly streams = new Map<number, DeviceStream>();
  private readonly listeners = new Set<(chunk: DeviceAudioChunk) => void>();
  private readonly metrics: IngestMetrics;
  private unsubscribeMute: (() => void) | undefined;
  private boundPort: number | undefined;
  private readonly now: () => number;
  private restoredGuards = new Map<number, StreamGuardState>();
  private guardTimer: NodeJS.Timeout | undefined;
  private guardStore: StreamGuardStore | undefined;
  private dropTimer: NodeJS.Timeout | undefined;
  /** Datagrams dropped since the last summary, by device and result (audit at info level, as rates). */
  private drops = new Map<string, Map<DatagramResult, number>>();
  private dropsSince = 0;
  /** When a device's refused boot counter was last logged, so a replay flood logs once per interval. */
  private readonly staleLoggedAt = new Map<string, number>();

  constructor(private readonly options: UdpIngestOptions) {
    this.metrics = options.metrics ?? unregisteredIngestMetrics();
    this.now = options.now ?? Date.now;
  }

  /** The bound port (after `start()`). */
  get port(): number {
    if (this.boundPort === undefined) throw new InternalError('JARVIS_INTERNAL_NOT_STARTED', 'udp ingest is not started');
    return this.boundPort;
  }

  async start(): Promise<void> {
    if (this.socket) return;
    if (this.options.streamGuard) {
      try {
        this.restoredGuards = this.options.streamGuard.load();
        this.guardStore = this.options.streamGuard;
        this.guardTimer = setInterval(() => this.flushGuards(), this.options.guardFlushMs ?? STREAM_GUARD_PERSIST_MS);
        this.guardTimer.unref();
      } catch (err) {
        // Audio still flows; only replays of streams from before this start go undetected.
        this.options.logger.error({ err }, 'udp replay guard could not be loaded; recordings of earlier boots are not rejected until devices send again');
      }
    }
    this.dropsSince = this.now();
    this.dropTimer = setInterval(() => this.logDrops(), this.options.dropLogIntervalMs ?? 60_000);
    this.dropTimer.unref();
    this.unsubscribeMute = this.options.gate.onMute((t) => {
      this.metrics.muted.set({ device: t.deviceId }, t.muted ? 1 : 0);
      if (t.muted) {
        const stream = [...this.streams.values()].find((s) => s.deviceId === t.deviceId);
        stream?.muted();
      }
    });
    const socket = createSocket({ type: this.options.host.includes(':') ? 'udp6' : 'udp4' });
    socket.on('message', (msg, rinfo) => this.handleDatagram(msg, `${rinfo.address}:${rinfo.port}`));
    socket.on('error', (err) => this.options.logger.error({ err }, 'udp socket error'));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port, this.options.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    if (this.options.receiveBufferBytes) {
      try {
        socket.setRecvBufferSize(this.options.receiveBufferBytes);
      } catch (err) {
        this.options.logger.warn({ err }, 'could not enlarge the UDP receive buffer');
      }
    }
    this.socket = socket;
    this.boundPort = socket.address().port;
    this.timer = setInterval(() => this.poll(), this.options.pollIntervalMs ?? 10);
    this.timer.unref();
    this.options.logger.info({ port: this.boundPort, host: this.options.host }, 'udp audio ingest listening');
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.guardTimer) clearInterval(this.guardTimer);
    this.guardTimer = undefined;
    if (this.dropTimer) clearInterval(this.dropTimer);
    this.dropTimer = undefined;
    this.logDrops();
    this.unsubscribeMute?.();
    this.unsubscribeMute = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
    // After the socket is closed, so the last datagrams' progress is in what is written.
    this.flushGuards();
  }

  /** Subscribes to audio that passed the mute gate; returns the unsubscribe function. */
  onAudio(listener: (chunk: DeviceAudioChunk) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Marks a device muted in the gauge from the start (restored state). */
  publishMuteGauge(deviceId: string, muted: boolean): void {
    this.metrics.muted.set({ device: deviceId }, muted ? 1 : 0);
  }

  /** Live stats of every device heard since start. */
  allStats(): DeviceStreamStats[] {
    return [...this.streams.values()].map((s) => ({ ...s.stats, datagrams: { ...s.stats.datagrams } }));
  }

  /** Live stats of one device, by text id. */
  statsFor(deviceId: string): DeviceStreamStats | undefined {
    const s = [...this.streams.values()].find((x) => x.deviceId === deviceId);
    return s ? { ...s.stats, datagrams: { ...s.stats.datagrams } } : undefined;
  }

  /** Forgets a removed device's stream. */
  forget(numericId: number): void {
    this.streams.delete(numericId);
    this.restoredGuards.delete(numericId);
  }

  /** Writes the replay guards that changed since the last write (or only `only`'s); a failed write is retried next time. */
  flushGuards(only?: number): void {
    const store = this.guardStore;
    if (!store) return;
    const changed = new Map<number, StreamGuardState>();
    for (const [id, s] of this.streams) {
      if (only !== undefined && id !== only) continue;
      const state = s.takeGuardChange();
      if (state) changed.set(id, state);
    }
    if (changed.size === 0) return;
    try {
      store.save(changed);
    } catch (err) {
      for (const id of changed.keys()) this.streams.get(id)?.guardNotSaved();
      this.options.logger.error({ err }, 'could not persist the udp replay guard');
    }
  }

  /** Processes one datagram as if it arrived from `peer`; the socket calls this, tests and benchmarks may too. */
  handleDatagram(datagram: Uint8Array, peer = 'local'): DatagramResult {
    const now = this.now();
    let numericId: number;
    try {
      numericId = peekDeviceId(datagram);
    } catch (err) {
      return this.reject('malformed', 'unknown', peer, err);
    }
    const key = this.options.keyFor(numericId);
    if (!key) return this.reject('unknown_device', 'unknown', peer, undefined, numericId);
    const deviceId = formatDeviceId(numericId);
    const stream = this.streamFor(numericId, deviceId);
    try {
      verifyAudioFrame(datagram, key);
    } catch (err) {
      const result = isProtocolError(err, 'JARVIS_PROTO_BAD_TAG') ? 'bad_tag' : 'malformed';
      stream.count(result);
      return this.reject(result, deviceId, peer, err);
    }
    if (stream.useKey(key)) {
      this.options.logger.info({ device: deviceId }, 'device key rotated: its boot counter starts a new epoch [UDP-2.16]');
      this.flushGuards(numericId);
    }
    let frame;
    try {
      frame = decodeAudioFrame(datagram);
    } catch (err) {
      stream.count('malformed');
      return this.reject('malformed', deviceId, peer, err);
    }
    const highestBoot = stream.stats.streamId;
    const result = stream.handle(frame, now);
    this.metrics.datagrams.inc({ device: deviceId, result });
    if (result === 'stale_boot') this.logStaleBoot(deviceId, frame.streamId, highestBoot ?? 0, peer, now);
    if (result !== 'accepted' && result !== 'muted') this.countDrop(deviceId, result);
    return result;
  }

  /** A lower boot counter is either a replay of an earlier boot or a device that lost its counter: say which to do. */
  private logStaleBoot(deviceId: string, boot: number, highest: number, peer: string, now: number): void {
    const last = this.staleLoggedAt.get(deviceId);
    if (last !== undefined && now - last < 10_000) return;
    this.staleLoggedAt.set(deviceId, now);
    this.options.logger.warn(
      { device: deviceId, boot, highestBoot: highest, peer, code: 'JARVIS_UDP_STALE_BOOT' },
      `refused boot counter ${boot} of device ${deviceId}: it is below ${highest}, so this is a replay of an earlier boot or the device lost its counter (then give it a new key: jarvis device rotate-key)`,
    );
  }

  private countDrop(deviceId: string, result: DatagramResult): void {
    let byResult = this.drops.get(deviceId);
    if (!byResult) this.drops.set(deviceId, (byResult = new Map()));
    byResult.set(result, (byResult.get(result) ?? 0) + 1);
  }

  /** One info line per device with what was dropped since the last one, as counts and a rate (audit). */
  private logDrops(): void {
    const now = this.now();
    const seconds = Math.max(1, (now - this.dropsSince) / 1000);
    for (const [device, byResult] of this.drops) {
      const dropped = Object.fromEntries(byResult);
      const total = [...byResult.values()].reduce((a, b) => a + b, 0);
      this.options.logger.info({ device, dropped, perSecond: Math.round((total / seconds) * 100) / 100, seconds: Math.round(seconds) }, `dropped ${total} datagrams of ${device} in ${Math.round(seconds)} s`);
    }
    this.drops = new Map();
    this.dropsSince = now;
  }

  /** Releases frames that waited long enough for a missing one. */
  poll(): void {
    const now = this.now();
    for (const s of this.streams.values()) s.poll(now);
  }

  private streamFor(numericId: number, deviceId: string): DeviceStream {
    let s = this.streams.get(numericId);
    if (!s) {
      // A higher boot counter is written before its first frame goes further [UDP-4.5.1].
      s = new DeviceStream(deviceId, this.options.stream, this.options.gate, (chunk) => this.deliver(chunk), () => this.flushGuards(numericId));
      const restored = this.restoredGuards.get(numericId);
      if (restored) {
        s.restoreGuard(restored);
        this.restoredGuards.delete(numericId);
      }
      this.streams.set(numericId, s);
    }
    return s;
  }

  private deliver(chunk: DeviceAudioChunk): void {
    this.metrics.forwarded.inc({ device: chunk.deviceId }, chunk.samples.length);
    if (chunk.concealed > 0) this.metrics.concealed.inc({ device: chunk.deviceId }, chunk.concealed);
    for (const l of this.listeners) {
      try {
        l(chunk);
      } catch (err) {
        this.options.logger.error({ err, device: chunk.deviceId }, 'audio listener failed');
      }
    }
  }

  private reject(result: DatagramResult, device: string, peer: string, err: unknown, claimedId?: number): DatagramResult {
    this.metrics.datagrams.inc({ device, result });
    this.countDrop(device, result); // 'unknown' is one key, however many forged sources
    if (this.options.logger.isLevelEnabled('debug')) {
      const code = isProtocolError(err) ? err.code : result === 'unknown_device' ? 'JARVIS_UDP_UNKNOWN_DEVICE' : 'JARVIS_UDP_MALFORMED';
      this.options.logger.debug(
        { peer, device, claimedId, code, reason: err instanceof Error ? err.message : undefined },
        `dropped datagram: ${result}`,
      );
    }
    return result;
  }
}
