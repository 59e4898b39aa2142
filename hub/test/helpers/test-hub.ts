import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { DeviceBundle } from '@jarvis/protocol';
import { buildBundle } from '../../src/cli/device.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/core/logger.js';
import { startHub, type Hub } from '../../src/main.js';
import type { DeviceKind } from '../../src/store/devices-repository.js';

/** A hub on free ports in a temporary data dir, with its log lines captured. */
export interface TestHub {
  hub: Hub;
  dataDir: string;
  logs: string[];
  /** Provisions a device in the running hub and returns its bundle. */
  addDevice(name: string, kind?: DeviceKind): DeviceBundle;
  close(): Promise<void>;
}

/** Starts a real hub (embedded broker, UDP, API) on port 0 for a test. */
export async function startTestHub(env: Record<string, string> = {}, dataDir?: string): Promise<TestHub> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'jarvis-hub-'));
  const logs: string[] = [];
  const config = loadConfig({
    env: { JARVIS_DATA_DIR: dir, JARVIS_HOST: '127.0.0.1', JARVIS_HTTP_PORT: '0', JARVIS_UDP_PORT: '0', JARVIS_MQTT_PORT: '0', JARVIS_GRPC_PORT: '0', ...env },
  });
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }) });
  const hub = await startHub(config, logger, { only: 'device-plane' });
  return {
    hub,
    dataDir: dir,
    logs,
    addDevice(name, kind = 'wearable') {
      const { device, credentials } = hub.parts.devices.add({ name, area: 'Lab', kind });
      hub.parts.registry.refresh(true);
      return buildBundle(config, device, credentials);
    },
    async close() {
      await hub.stop();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Samples that say where they are: sample i has value (i % 30000) + 1, never 0 (a lost, moved or zeroed sample shows). */
export function positionSamples(n: number): Int16Array {
  const s = new Int16Array(n);
  for (let i = 0; i < n; i++) s[i] = (i % 30000) + 1;
  return s;
}
