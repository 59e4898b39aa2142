import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { topicFor, type DeviceBundle } from '@jarvis/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { buildBundle } from '../hub/src/cli/device.js';
import { loadConfig } from '../hub/src/config/load.js';
import { createLogger } from '../hub/src/core/logger.js';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { HomeAssistantSimulator } from '@jarvis/ha-simulator';
import { startHub, type Hub, type HubParts } from '../hub/src/main.js';
import { DevicesRepository, type DeviceKind } from '../hub/src/store/devices-repository.js';
import { openDatabase } from '../hub/src/store/database.js';
import { loadOrCreateMasterKey, SecretBox } from '../hub/src/core/secrets.js';
import { exportMosquitto, readHubEnv } from '../hub/src/mqtt/mosquitto-export.js';
import { startMosquitto, type Mosquitto } from './helpers/mosquitto.js';

/** The demo home every integration test uses (three floors, ten rooms). */
export const FIXTURE_HOME = new URL('./fixtures/registry/home.json', import.meta.url).pathname;

/** A device logged in to the hub's broker, recording every `cmd/say` it receives. */
export interface TestDevice {
  bundle: DeviceBundle;
  client: MqttClient;
  said: string[];
  /** Resolves with the first `cmd/say` text (from index `from` on) that matches. */
  heard(match: RegExp, from?: number): Promise<string>;
}

/** A hub started in-process with every part of `parts.ts`, on free ports, with an optional HA simulator. */
export interface PartsHub {
  hub: Hub;
  services: HubParts;
  dataDir: string;
  logs: string[];
  ha: HomeAssistantSimulator | undefined;
  /** Calls the API with the admin token through fastify's inject. */
  api(method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Provisions a device in an area and connects it (status online, subscribed to its commands). */
  device(name: string, area: string, kind?: DeviceKind): Promise<TestDevice>;
  /** Connects an already provisioned device again (after a restart). */
  reconnect(bundle: DeviceBundle): Promise<TestDevice>;
  /** The real Mosquitto in front of the hub, with `broker: 'mosquitto'`. */
  mosquitto: Mosquitto | undefined;
  /** Stops the hub (not the simulator) and starts a new one on the same data dir. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@link startPartsHub}. */
export interface PartsHubOptions {
  /** Run the HA simulator and point the hub at it (default true). */
  homeAssistant?: boolean;
  env?: Record<string, string>;
  /**
   * `mosquitto`: a real Mosquitto in front of the hub, fed by the hub's own export (`mqtt.exportDir`,
   * reloaded through its pid file), instead of the embedded broker (default `embedded`).
   */
  broker?: 'embedded' | 'mosquitto';
  /** Registry snapshot the HA simulator serves (default {@link FIXTURE_HOME}). */
  home?: string;
  /** Called with the hub's fresh data dir before the hub starts (to place model data where the hub looks for it). */
  prepareDataDir?: (dataDir: string) => void;
}

/** Starts the HA simulator (unless turned off) and a real hub with all parts against it. */
export async function startPartsHub(options: PartsHubOptions = {}): Promise<PartsHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jarvis-parts-'));
  options.prepareDataDir?.(dataDir);
  const ha = options.homeAssistant === false ? undefined : new HomeAssistantSimulator({ snapshot: loadRegistrySnapshot(options.home ?? FIXTURE_HOME), token: 'sim-token' });
  await ha?.start();
  const logs: string[] = [];
  const clients: MqttClient[] = [];
  const env: Record<string, string> = {
    JARVIS_DATA_DIR: dataDir, JARVIS_HOST: '127.0.0.1', JARVIS_HTTP_PORT: '0', JARVIS_UDP_PORT: '0', JARVIS_MQTT_PORT: '0', JARVIS_GRPC_PORT: '0',
    JARVIS_TIME_ZONE: 'UTC',
    // Tests read /metrics through inject (a loopback peer); the default needs the API token (issue 15).
    JARVIS_API_METRICS: 'loopback',
    ...(ha ? { JARVIS_HOME_ASSISTANT_URL: ha.url, JARVIS_HOME_ASSISTANT_TOKEN: 'sim-token' } : {}),
    ...options.env,
  };
  let mosquitto: Mosquitto | undefined;
  if (options.broker === 'mosquitto') {
    const exportDir = join(dataDir, 'mosquitto');
    // The hub's login to the broker comes from a first export, as a person would do it before pointing the hub at it.
    const store = openDatabase(join(dataDir, 'jarvis.db'));
    exportMosquitto(new DevicesRepository(store, new SecretBox(loadOrCreateMasterKey(join(dataDir, 'secret.key')))), exportDir, { discoveryPrefix: 'homeassistant' });
    store.close();
    mosquitto = await startMosquitto(exportDir);
    const login = readHubEnv(exportDir)!;
    Object.assign(env, {
      JARVIS_MQTT_URL: mosquitto.url, JARVIS_MQTT_USERNAME: login.username, JARVIS_MQTT_PASSWORD: login.password,
      JARVIS_MQTT_EXPORT_DIR: exportDir, JARVIS_MQTT_EXPORT_RELOAD_PID_FILE: mosquitto.pidFile,
    });
  }
  const config = loadConfig({ env });
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }) });
  const boot = async (): Promise<Hub> => {
    const hub = await startHub(config, logger);
    await hub.parts.homeAssistant?.client?.waitUntilConnected(10_000);
    return hub;
  };
  let hub = await boot();
  const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();

  const connect = async (bundle: DeviceBundle): Promise<TestDevice> => {
    const login = (): Promise<MqttClient> => mqtt.connectAsync(mosquitto ? mosquitto.url : `mqtt://127.0.0.1:${hub.ports.mqtt}`, {
      username: bundle.mqtt.username, password: bundle.mqtt.password, clientId: `jarvis-${bundle.deviceId}-test`, reconnectPeriod: 0,
      will: { topic: topicFor(bundle.deviceId, 'status'), payload: Buffer.from('{"state":"offline"}'), retain: true, qos: 1 },
    });
    // Mosquitto learns a new device when the hub's export makes it reload: a few tries at most.
    let client: MqttClient | undefined;
    for (let attempt = 0; !client; attempt++) {
      try {
        client = await login();
      } catch (err) {
        if (!mosquitto || attempt >= 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    clients.push(client);
    const said: string[] = [];
    const waiters = new Set<() => void>();
    client.on('message', (topic, payload) => {
      if (topic !== topicFor(bundle.deviceId, 'cmd/say')) return;
      said.push((JSON.parse(payload.toString()) as { text: string }).text);
      for (const w of [...waiters]) w();
    });
    await client.subscribeAsync(topicFor(bundle.deviceId, 'cmd/say'), { qos: 1 });
    await client.publishAsync(topicFor(bundle.deviceId, 'status'), JSON.stringify({ state: 'online', kind: bundle.kind }), { retain: true, qos: 1 });
    const current = hub;
    for (let i = 0; i < 100 && !current.parts.mqtt.stateOf(bundle.deviceId).online; i++) await new Promise((r) => setTimeout(r, 20));
    return {
      bundle, client, said,
      heard: (match, from = 0) => new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`device ${bundle.name} did not hear ${String(match)}; it heard ${JSON.stringify(said)}`));
        }, 10_000);
        const check = (): void => {
          const hit = said.slice(from).find((t) => match.test(t));
          if (hit === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(hit);
        };
        waiters.add(check);
        check();
      }),
    };
  };

  const closeClients = async (): Promise<void> => {
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  };

  return {
    get hub() {
      return hub;
    },
    get services() {
      return hub.parts;
    },
    dataDir,
    logs,
    ha,
    async api(method, url, body) {
      const res = await hub.parts.api.fastify.inject({
        method, url, headers: { authorization: `Bearer ${token}` },
        ...(body === undefined ? {} : typeof body === 'string' ? { payload: body, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } } : { payload: body as Record<string, unknown> }),
      });
      return { status: res.statusCode, json: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {} };
    },
    async device(name, area, kind = 'wearable') {
      const { device, credentials } = hub.parts.devices.add({ name, area, kind });
      hub.parts.registry.refresh(true);
      return connect(buildBundle(config, device, credentials));
    },
    reconnect: connect,
    async restart() {
      await closeClients();
      await hub.stop();
      hub = await boot();
    },
    mosquitto,
    async close() {
      await closeClients();
      await hub.stop();
      await mosquitto?.stop();
      await ha?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
