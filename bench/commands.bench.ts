import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topicFor } from '@jarvis/protocol';
import mqtt from 'mqtt';
import { buildBundle } from '../hub/src/cli/device.js';
import { loadConfig } from '../hub/src/config/load.js';
import { silentLogger } from '../hub/src/core/logger.js';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { HomeAssistantSimulator } from '@jarvis/ha-simulator';
import { startHub } from '../hub/src/main.js';
import { distribution, type Benchmark } from './lib.js';

const HOME = new URL('../tests/fixtures/registry/home.json', import.meta.url).pathname;
const ROUNDS = 200;

/**
 * `commands.http_ms` and `commands.reply_ms`: a text command over real HTTP to a hub with every part, against
 * the HA simulator over its websocket — from sending the request to the response (the HA call acknowledged),
 * and to the reply arriving on the device's `cmd/say` over MQTT. The hot path minus speech recognition.
 */
export const benchmarks: Benchmark[] = [
  {
    name: 'commands.',
    async run(emit) {
      const dir = mkdtempSync(join(tmpdir(), 'jarvis-bench-commands-'));
      const sim = new HomeAssistantSimulator({ snapshot: loadRegistrySnapshot(HOME), token: 'bench' });
      await sim.start();
      const config = loadConfig({
        env: { JARVIS_DATA_DIR: dir, JARVIS_HOST: '127.0.0.1', JARVIS_HTTP_PORT: '0', JARVIS_UDP_PORT: '0', JARVIS_MQTT_PORT: '0', JARVIS_GRPC_PORT: '0', JARVIS_HOME_ASSISTANT_URL: sim.url, JARVIS_HOME_ASSISTANT_TOKEN: 'bench' },
      });
      const hub = await startHub(config, silentLogger());
      try {
        await hub.parts.homeAssistant?.client?.waitUntilConnected(10_000);
        const token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
        const { device, credentials } = hub.parts.devices.add({ name: 'bench', area: 'Kitchen', kind: 'wearable' });
        hub.parts.registry.refresh(true);
        const bundle = buildBundle(config, device, credentials);
        const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${hub.ports.mqtt}`, { username: bundle.mqtt.username, password: bundle.mqtt.password, reconnectPeriod: 0 });
        let onSay: (() => void) | undefined;
        client.on('message', () => onSay?.());
        await client.subscribeAsync(topicFor(bundle.deviceId, 'cmd/say'), { qos: 1 });
        const url = `http://127.0.0.1:${hub.ports.http}/api/v1/commands`;
        const http: number[] = [];
        const reply: number[] = [];
        for (let i = 0; i < ROUNDS + 20; i++) {
          const text = i % 2 === 0 ? 'turn on the lights' : 'turn off the kitchen light';
          const said = new Promise<number>((resolve) => (onSay = () => resolve(performance.now())));
          const t0 = performance.now();
          const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ text, deviceId: bundle.deviceId }) });
          await res.arrayBuffer();
          const t1 = performance.now();
          if (res.status !== 200) throw new Error(`command failed with HTTP ${res.status}`);
          const t2 = await said;
          if (i >= 20) {
            http.push(t1 - t0);
            reply.push(t2 - t0);
          }
        }
        if (sim.serviceCalls.length !== ROUNDS + 20) throw new Error(`expected ${ROUNDS + 20} service calls, got ${sim.serviceCalls.length}`);
        await client.endAsync(true);
        emit(distribution('commands.http_ms', 'ms', http, { path: 'POST /api/v1/commands -> tier0 -> HA call_service acknowledged' }));
        emit(distribution('commands.reply_ms', 'ms', reply, { path: 'POST /api/v1/commands -> cmd/say at the device (MQTT)' }));
      } finally {
        await hub.stop();
        await sim.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
