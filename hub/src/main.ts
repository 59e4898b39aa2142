import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { devicesRoutes } from './api/devices-routes.js';
import { ApiServer } from './api/server.js';
import { MuteGate } from './audio/mute-gate.js';
import type { DeviceAudioChunk, MuteTransition } from './audio/types.js';
import { UdpIngest } from './audio/udp-ingest.js';
import type { JarvisConfig } from './config/schema.js';
import type { Component } from './core/component.js';
import { Lifecycle } from './core/lifecycle.js';
import { forFacility, type Logger } from './core/logger.js';
import { loadOrCreateMasterKey, randomSecret, SecretBox, writePrivateFile } from './core/secrets.js';
import { DeviceRegistry } from './mqtt/device-registry.js';
import { MqttDevicePlane } from './mqtt/device-plane.js';
import { EmbeddedBroker } from './mqtt/embedded-broker.js';
import { hubParts } from './parts.js';
import { openDatabase, type Db } from './store/database.js';
import { DevicesRepository } from './store/devices-repository.js';
import { TokensRepository } from './store/tokens-repository.js';
import { UdpStreamsRepository } from './store/udp-streams-repository.js';

/** Ports the hub actually listens on (after port 0 was resolved). */
export interface HubPorts {
  http: number;
  udp: number;
  /** Embedded broker port; undefined with an external broker. */
  mqtt: number | undefined;
  /** Set by the part that serves gRPC (tasks), if any. */
  grpc: number | undefined;
}

/** Everything a part of the hub may use; built by {@link startHub}. */
export interface HubContext {
  config: JarvisConfig;
  /** Root logger; take a child with `forFacility(logger, 'hub:<part>')`. */
  logger: Logger;
  db: Db;
  /** The hub's Prometheus registry (`/metrics`); register your metrics here, not on the global one. */
  metrics: Registry;
  devices: DevicesRepository;
  registry: DeviceRegistry;
  gate: MuteGate;
  ingest: UdpIngest;
  mqtt: MqttDevicePlane;
  /** Add `/api/v1` routes with `api.addRoutes(plugin, '/prefix')` in your part's `create()`. */
  api: ApiServer;
  /** Filled as servers bind; a part serving gRPC sets `ports.grpc`. */
  ports: HubPorts;
  /** Audio that passed the mute gate, per device. */
  onAudio(listener: (chunk: DeviceAudioChunk) => void): () => void;
  /** Every mute transition; drop that device's open utterance and recent transcripts on `muted: true`. */
  onMute(listener: (t: MuteTransition) => void): () => void;
}

/** An optional part of the hub: builds its components from the context (listed in `parts.ts`). */
export interface HubPart {
  name: string;
  create(ctx: HubContext): Component | readonly Component[] | undefined | Promise<Component | readonly Component[] | undefined>;
}

/** A running hub. */
export interface Hub {
  config: JarvisConfig;
  ports: HubPorts;
  context: HubContext;
  /** Where the admin token was written on first start (undefined when it already existed). */
  adminTokenFile: string | undefined;
  /** Stops every component in reverse start order; safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startHub}. */
export interface StartHubOptions {
  /** Parts to start instead of `hubParts` (tests). */
  parts?: readonly HubPart[];
  /** Shows the admin token once on first start (the CLI writes it to stderr). */
  announce?: (text: string) => void;
}

/** File in the data dir where a running hub records its ports, so the CLI can build bundles. */
export const RUNTIME_FILE = 'hub-runtime.json';

/** The address written into device bundles when `publicHost` is not set. */
export function defaultPublicHost(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

function loopbackFor(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

/**
 * The composition root (DESIGN.md §3): opens the store, then starts the device registry, MQTT (embedded
 * broker unless `mqtt.url`), the UDP ingest, the optional parts and finally the HTTP API; stops in
 * reverse. A failure while starting stops what already started and rethrows.
 */
export async function startHub(config: JarvisConfig, logger: Logger, options: StartHubOptions = {}): Promise<Hub> {
  const life = new Lifecycle(forFacility(logger, 'hub:main'));
  const ports: HubPorts = { http: 0, udp: 0, mqtt: undefined, grpc: undefined };
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const runtimeFile = join(config.dataDir, RUNTIME_FILE);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    rmSync(runtimeFile, { force: true });
    await life.stopAll();
    logger.info('jarvis hub stopped');
  };

  try {
    const box = new SecretBox(loadOrCreateMasterKey(join(config.dataDir, 'secret.key')));
    const db = openDatabase(join(config.dataDir, 'jarvis.db'));
    await life.start({ name: 'store', start: async () => {}, stop: async () => void db.close() });

    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics, prefix: 'jarvis_process_' });
    const devices = new DevicesRepository(db, box);
    const registry = await life.start(new DeviceRegistry(db, devices, forFacility(logger, 'hub:devices')));

    const muteLog = forFacility(logger, 'hub:mute');
    const gate = new MuteGate(
      (t) => {
        devices.addMuteAudit(t.deviceId, t.muted, t.source, t.at);
        muteLog.info({ device: t.deviceId, muted: t.muted, source: t.source }, t.muted ? 'device muted' : 'device unmuted');
      },
      Date.now,
      (err) => muteLog.error({ err }, 'mute listener failed'),
    );
    const restoredMute = devices.mqttMuteStates();
    gate.restore(restoredMute);

    let mqttUrl: string;
    let mqttUser: string | undefined;
    let mqttPassword: string | undefined;
    let broker: EmbeddedBroker | undefined;
    if (config.mqtt.url) {
      mqttUrl = config.mqtt.url;
      mqttUser = config.mqtt.username;
      mqttPassword = config.mqtt.password;
    } else {
      mqttUser = 'jarvis-hub';
      mqttPassword = randomSecret(32);
      broker = await life.start(
        new EmbeddedBroker({
          host: config.host,
          port: config.mqtt.port,
          verifyDeviceLogin: (u, p) => devices.verifyMqttLogin(u, p),
          hubCredentials: { username: mqttUser, password: mqttPassword },
          logger: forFacility(logger, 'hub:mqtt-broker'),
          metrics,
        }),
      );
      ports.mqtt = broker.port;
      mqttUrl = `mqtt://${loopbackFor(config.host)}:${broker.port}`;
    }

    const ingest = new UdpIngest({
      host: config.host,
      port: config.udp.port,
      receiveBufferBytes: config.udp.receiveBufferBytes,
      stream: config.ingest,
      keyFor: (id) => registry.keyFor(id),
      gate,
      streamGuard: new UdpStreamsRepository(db),
      logger: forFacility(logger, 'hub:udp'),
      metrics,
    });
    for (const [deviceId, muted] of restoredMute) ingest.publishMuteGauge(deviceId, muted);

    const mqtt = await life.start(
      new MqttDevicePlane({
        url: mqttUrl,
        username: mqttUser,
        password: mqttPassword,
        registry,
        gate,
        persistMute: (id, muted) => devices.setMqttMuteState(id, muted),
        restoreRetainedMute: broker ? restoredMute : undefined,
        udpLastHeard: (id) => ingest.statsFor(id)?.lastHeardAt,
        discoveryPrefix: config.mqtt.discoveryPrefix,
        logger: forFacility(logger, 'hub:mqtt'),
        metrics,
        waitForConnect: broker !== undefined,
      }),
    );
    registry.onChange((changes) => {
      for (const d of changes.removed) {
        broker?.disconnectDevice(d.deviceId);
        ingest.forget(d.id);
        gate.forget(d.deviceId);
      }
      for (const d of changes.rotated) broker?.disconnectDevice(d.deviceId, d.credentialVersion);
    });

    await life.start(ingest);
    ports.udp = ingest.port;

    const tokens = new TokensRepository(db);
    const api = new ApiServer({
      host: config.host,
      port: config.http.port,
      logger: forFacility(logger, 'hub:api'),
      metrics,
      verifyToken: (t) => tokens.verify(t),
      publicMetrics: config.api.publicMetrics,
      readiness: { database: () => db.open, udp: () => ports.udp > 0 },
    });
    api.addRoutes(
      devicesRoutes({
        registry,
        gate,
        streamStats: (id) => ingest.statsFor(id),
        mqttState: (id) => mqtt.stateOf(id),
      }),
    );

    const context: HubContext = {
      config,
      logger,
      db,
      metrics,
      devices,
      registry,
      gate,
      ingest,
      mqtt,
      api,
      ports,
      onAudio: (l) => ingest.onAudio(l),
      onMute: (l) => gate.onMute(l),
    };

    for (const part of options.parts ?? hubParts) {
      const made = await part.create(context);
      const list: readonly Component[] = made === undefined ? [] : Array.isArray(made) ? made : [made as Component];
      for (const c of list) await life.start(c);
    }

    await life.start(api);
    ports.http = api.port;

    let adminTokenFile: string | undefined;
    if (!tokens.has('admin')) {
      const token = tokens.create('admin');
      adminTokenFile = join(config.dataDir, 'admin-token');
      writePrivateFile(adminTokenFile, `${token}\n`);
      options.announce?.(`Admin API token (shown once, also written to ${adminTokenFile}):\n  ${token}\n`);
      logger.info({ file: adminTokenFile }, 'created the admin API token');
    }

    writeFileSync(runtimeFile, `${JSON.stringify({ pid: process.pid, ports, startedAt: new Date().toISOString() })}\n`, { mode: 0o600 });
    logger.info({ ports, dataDir: config.dataDir }, 'jarvis hub started');
    return { config, ports, context, adminTokenFile, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
