import { DEVICE_TOPIC_PREFIX, decodePayload, encodePayload, isProtocolError, parseTopic, topicFor, type DeviceTopic, type PayloadOf } from '@jarvis/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import type { MuteGate } from '../audio/index.js';
import { type Component, type Logger, InternalError } from '../core/index.js';
import type { DeviceChanges, DeviceRegistry } from './device-registry.js';
import { discoveryMessages, HUB_STATUS_TOPIC, lastHeardTopic, removalTopics } from './discovery.js';
import { unregisteredMqttMetrics, type MqttMetrics, type MqttRejectReason } from './metrics.js';

/** An event a device published (`event/button`, `event/wake`). */
export type DeviceEvent =
  | { deviceId: string; topic: 'event/button'; payload: PayloadOf<'event/button'>; at: number }
  | { deviceId: string; topic: 'event/wake'; payload: PayloadOf<'event/wake'>; at: number };

/** Commands the hub may send to a device. */
export type CommandTopic = 'cmd/say' | 'cmd/led' | 'cmd/config';

/** What the hub knows about a device from MQTT. */
export interface DeviceMqttState {
  online: boolean;
  status: PayloadOf<'status'> | undefined;
  muted: boolean | undefined;
  lastHeardAt: number | undefined;
}

/** Construction parameters of {@link MqttDevicePlane}. */
export interface MqttDevicePlaneOptions {
  /** `mqtt://host:port` of the embedded or external broker. */
  url: string;
  username?: string;
  password?: string;
  registry: DeviceRegistry;
  gate: MuteGate;
  /** Persists a device's MQTT mute state so a restarted hub is muted before the broker says so. */
  persistMute: (deviceId: string, muted: boolean) => void;
  /**
   * Mute states to publish back as retained messages on connect. The embedded broker keeps retained
   * messages in memory only, so the hub restores them from the database after a restart.
   */
  restoreRetainedMute?: ReadonlyMap<string, boolean>;
  /** When the hub last received a datagram from a device (for the `last heard` entity). */
  udpLastHeard?: (deviceId: string) => number | undefined;
  discoveryPrefix: string;
  logger: Logger;
  /** The MQTT series, registered by the root (`registerMqttMetrics`); unregistered ones when absent. */
  metrics?: MqttMetrics;
  /** Wait for the first connection in `start()` (embedded broker) rather than connect in the background (external). */
  waitForConnect: boolean;
  lastHeardIntervalMs?: number;
}

/**
 * The hub's side of MQTT, the same against the embedded broker and an external one: subscribes to every
 * device's `status`, `state/mute` and `event/#`, validates each payload with `decodePayload` (a bad one
 * is logged naming the device and counted), feeds the mute gate, keeps Home Assistant discovery and the
 * hub's availability retained, and sends commands. Retained state of a device the registry does not
 * know yet (added by another process a moment ago) is kept for a minute and applied when it appears.
 */
export class MqttDevicePlane implements Component {
  readonly name = 'mqtt';
  private client: MqttClient | undefined;
  private readonly states = new Map<string, DeviceMqttState>();
  private readonly listeners = new Set<(e: DeviceEvent) => void>();
  private readonly rejected;
  private unsubscribeRegistry: (() => void) | undefined;
  private heardTimer: NodeJS.Timeout | undefined;
  private readonly publishedHeard = new Map<string, number>();
  /** Latest `status`/`state/mute` of devices not (yet) in the registry, applied if they appear. */
  private readonly pending = new Map<string, PendingRetained>();

  constructor(private readonly options: MqttDevicePlaneOptions) {
    this.rejected = (options.metrics ?? unregisteredMqttMetrics()).rejected;
  }

  async start(): Promise<void> {
    if (this.client) return;
    const { logger } = this.options;
    const client = mqtt.connect(this.options.url, {
      username: this.options.username,
      password: this.options.password,
      clientId: `jarvis-hub-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      will: { topic: HUB_STATUS_TOPIC, payload: Buffer.from('offline'), retain: true, qos: 1 },
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    client.on('connect', () => {
      logger.info({ url: redactUrl(this.options.url) }, 'hub connected to mqtt');
      void this.onConnect();
    });
    client.on('reconnect', () => logger.debug('reconnecting to mqtt'));
    client.on('error', (err) => logger.warn({ err: err.message }, 'mqtt client error'));
    this.unsubscribeRegistry = this.options.registry.onChange((c) => {
      this.applyPending(c);
      void this.onDevicesChanged(c);
    });
    this.heardTimer = setInterval(() => this.publishLastHeard(), this.options.lastHeardIntervalMs ?? 15_000);
    this.heardTimer.unref();
    if (this.options.waitForConnect) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('could not connect to the mqtt broker within 5 s')), 5000);
        client.once('connect', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await this.ready;
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.unsubscribeRegistry?.();
    if (this.heardTimer) clearInterval(this.heardTimer);
    if (!client) return;
    if (client.connected) {
      await client.publishAsync(HUB_STATUS_TOPIC, 'offline', { retain: true, qos: 1 }).catch(() => {});
    }
    await client.endAsync();
  }

  /** Subscribes to device events (buttons, wake); returns the unsubscribe function. */
  onEvent(listener: (e: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What MQTT says about a device. */
  stateOf(deviceId: string): DeviceMqttState {
    return this.states.get(deviceId) ?? { online: false, status: undefined, muted: undefined, lastHeardAt: undefined };
  }

  /** Sends a validated command to a device (QoS 1, not retained). */
  async sendCommand<K extends CommandTopic>(deviceId: string, topic: K, payload: PayloadOf<K>): Promise<void> {
    if (!this.client) throw new InternalError('JARVIS_INTERNAL_NOT_STARTED', 'mqtt is not started');
    await this.client.publishAsync(topicFor(deviceId, topic), encodePayload(topic, payload), { qos: 1 });
  }

  private ready: Promise<void> = Promise.resolve();

  private async onConnect(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.ready = (async () => {
      await client.subscribeAsync(
        ['status', 'state/mute', 'event/#'].map((t) => `${DEVICE_TOPIC_PREFIX}+/${t}`),
        { qos: 1 },
      );
      await client.publishAsync(HUB_STATUS_TOPIC, 'online', { retain: true, qos: 1 });
      for (const [deviceId, muted] of this.options.restoreRetainedMute ?? []) {
        if (!this.options.registry.byTextId(deviceId) || this.states.get(deviceId)?.muted !== undefined) continue;
        await client.publishAsync(topicFor(deviceId, 'state/mute'), encodePayload('state/mute', { muted }), { retain: true, qos: 1 });
      }
      for (const d of this.options.registry.list()) await this.publishDiscovery(d.deviceId);
    })().catch((err: unknown) => this.options.logger.error({ err }, 'mqtt setup after connect failed'));
    await this.ready;
  }

  private async publishDiscovery(deviceId: string): Promise<void> {
    const device = this.options.registry.byTextId(deviceId);
    if (!device || !this.client) return;
    for (const m of discoveryMessages(device, this.options.discoveryPrefix)) {
      await this.client.publishAsync(m.topic, m.payload, { retain: true, qos: 1 });
    }
  }

  private async onDevicesChanged(changes: DeviceChanges): Promise<void> {
    const client = this.client;
    if (!client?.connected) return;
    try {
      for (const d of changes.added) await this.publishDiscovery(d.deviceId);
      for (const d of changes.removed) {
        this.states.delete(d.deviceId);
        for (const topic of removalTopics(d.deviceId, this.options.discoveryPrefix)) {
          await client.publishAsync(topic, '', { retain: true, qos: 1 });
        }
      }
    } catch (err) {
      this.options.logger.error({ err }, 'could not update discovery after a device change');
    }
  }

  private onMessage(topic: string, payload: Buffer): void {
    let parsed: { deviceId: string; topic: DeviceTopic };
    try {
      parsed = parseTopic(topic);
    } catch (err) {
      return this.reject('unknown', 'bad_payload', `message on unknown topic ${topic}: ${(err as Error).message}`);
    }
    const { deviceId } = parsed;
    // An empty retained message is a deletion (device removed), not a payload.
    if (payload.length === 0) {
      if (parsed.topic === 'status' || parsed.topic === 'state/mute') this.pending.get(deviceId)?.messages.delete(parsed.topic);
      return;
    }
    // The look-up re-reads the devices table on a miss, so a device added a moment ago is found here.
    if (!this.options.registry.byTextId(deviceId)) {
      if (parsed.topic === 'status' || parsed.topic === 'state/mute') {
        // The broker sends retained state once; keep it so a device that turns up at the next registry
        // refresh does not count as offline (or unmuted) until it publishes again.
        this.keepPending(deviceId, parsed.topic, payload);
      }
      return this.reject('unknown', 'unknown_device', `message from unknown device ${deviceId} on ${topic}`);
    }
    this.apply(deviceId, parsed.topic, payload);
  }

  private apply(deviceId: string, deviceTopic: DeviceTopic, payload: Buffer): void {
    const { logger } = this.options;
    const topic = topicFor(deviceId, deviceTopic);
    const at = Date.now();
    const state = this.stateOf(deviceId);
    this.states.set(deviceId, state);
    try {
      switch (deviceTopic) {
        case 'status': {
          const status = decodePayload('status', payload);
          state.status = status;
          state.online = status.state === 'online';
          state.lastHeardAt = at;
          return;
        }
        case 'state/mute': {
          const mute = decodePayload('state/mute', payload);
          state.muted = mute.muted;
          state.lastHeardAt = at;
          // The gate first, synchronously: a store that fails to persist must not leave the device unmuted.
          this.options.gate.setMqttMuted(deviceId, mute.muted);
          try {
            this.options.persistMute(deviceId, mute.muted);
          } catch (err) {
            logger.error({ err, device: deviceId }, 'could not persist the mute state');
          }
          return;
        }
        case 'event/button':
        case 'event/wake': {
          state.lastHeardAt = at;
          const event =
            deviceTopic === 'event/button'
              ? ({ deviceId, topic: 'event/button', payload: decodePayload('event/button', payload), at } as const)
              : ({ deviceId, topic: 'event/wake', payload: decodePayload('event/wake', payload), at } as const);
          for (const l of this.listeners) {
            try {
              l(event);
            } catch (err) {
              logger.error({ err, device: deviceId }, 'device event listener failed');
            }
          }
          return;
        }
        default:
          return;
      }
    } catch (err) {
      const why = isProtocolError(err) ? `${err.code}: ${err.message}` : String(err);
      this.reject(deviceId, 'bad_payload', `device ${deviceId} sent a bad payload on ${topic}: ${why}`);
    }
  }

  private keepPending(deviceId: string, topic: 'status' | 'state/mute', payload: Buffer): void {
    const now = Date.now();
    for (const [id, p] of this.pending) if (now - p.at > PENDING_TTL_MS) this.pending.delete(id);
    let entry = this.pending.get(deviceId);
    if (!entry) {
      if (this.pending.size >= PENDING_MAX_DEVICES) {
        const oldest = this.pending.keys().next().value;
        if (oldest !== undefined) this.pending.delete(oldest);
      }
      entry = { at: now, messages: new Map() };
      this.pending.set(deviceId, entry);
    }
    entry.at = now;
    // Re-insert so the map stays in arrival order and replay keeps the order the broker delivered.
    entry.messages.delete(topic);
    entry.messages.set(topic, Buffer.from(payload));
  }

  private applyPending(changes: DeviceChanges): void {
    for (const d of changes.removed) this.pending.delete(d.deviceId);
    for (const d of changes.added) {
      const entry = this.pending.get(d.deviceId);
      if (!entry) continue;
      this.pending.delete(d.deviceId);
      if (Date.now() - entry.at > PENDING_TTL_MS) continue;
      this.options.logger.info({ device: d.deviceId, topics: [...entry.messages.keys()] }, 'applying state the device published before the hub knew it');
      for (const [topic, payload] of entry.messages) this.apply(d.deviceId, topic, payload);
    }
  }

  private publishLastHeard(): void {
    const client = this.client;
    if (!client?.connected) return;
    for (const d of this.options.registry.list()) {
      const udp = this.options.udpLastHeard?.(d.deviceId) ?? 0;
      const last = Math.max(udp, this.states.get(d.deviceId)?.lastHeardAt ?? 0);
      if (last === 0 || this.publishedHeard.get(d.deviceId) === last) continue;
      this.publishedHeard.set(d.deviceId, last);
      client.publish(lastHeardTopic(d.deviceId), new Date(last).toISOString(), { retain: true, qos: 0 });
    }
  }

  private reject(device: string, reason: MqttRejectReason, message: string): void {
    this.rejected.inc({ device, reason });
    this.options.logger.warn({ device, code: reason === 'unknown_device' ? 'JARVIS_MQTT_UNKNOWN_DEVICE' : 'JARVIS_MQTT_BAD_PAYLOAD' }, message);
  }
}

/** Retained state of a device the registry did not know yet. */
interface PendingRetained {
  at: number;
  messages: Map<'status' | 'state/mute', Buffer>;
}

/** How long state of an unknown device is kept: the registry polls every second, so this is generous. */
const PENDING_TTL_MS = 60_000;
/** Bounds the memory a broker full of unknown devices (an external one, without our ACLs) can take. */
const PENDING_MAX_DEVICES = 256;

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '[invalid url]';
  }
}
