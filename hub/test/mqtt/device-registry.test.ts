import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { SecretBox } from '../../src/core/secrets.js';
import { DeviceRegistry, type DeviceChanges } from '../../src/mqtt/device-registry.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { DevicesRepository } from '../../src/store/devices-repository.js';

const open: Db[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The hub's connection and a second one standing for `jarvis device add` in another process. */
function twoConnections() {
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-registry-'));
  dirs.push(dir);
  const box = new SecretBox(randomBytes(32));
  const hubDb = openDatabase(join(dir, 'jarvis.db'));
  const cliDb = openDatabase(join(dir, 'jarvis.db'));
  open.push(hubDb, cliDb);
  let clock = 1_000;
  const now = () => clock;
  // The poll interval is far beyond the test, so only look-up misses can refresh.
  const registry = new DeviceRegistry(hubDb, new DevicesRepository(hubDb, box), silentLogger(), 3_600_000, { missRefreshMs: 100, now });
  const changes: DeviceChanges[] = [];
  registry.onChange((c) => changes.push(c));
  return { registry, cli: new DevicesRepository(cliDb, box), changes, advance: (ms: number) => (clock += ms) };
}

describe('DeviceRegistry', () => {
  it('finds a device another process added a moment ago, without waiting for the poll', async () => {
    const { registry, cli, changes, advance } = twoConnections();
    await registry.start();
    try {
      advance(1_000);
      const { device, credentials } = cli.add({ name: 'desk', area: 'Office', kind: 'wearable' });
      expect(registry.keyFor(device.id)).toEqual(credentials.key);
      expect(registry.byTextId(device.deviceId)?.name).toBe('desk');
      expect(changes.map((c) => c.added.map((d) => d.deviceId))).toEqual([[device.deviceId]]);
    } finally {
      await registry.stop();
    }
  });

  it('re-checks after a miss at most once per missRefreshMs, so unknown ids cannot hammer the store', async () => {
    const { registry, cli, advance } = twoConnections();
    await registry.start();
    try {
      advance(1_000);
      expect(registry.keyFor(0x1234)).toBeUndefined(); // spends the refresh
      const { device } = cli.add({ name: 'desk', area: 'Office', kind: 'wearable' });
      advance(50);
      expect(registry.keyFor(device.id)).toBeUndefined();
      expect(registry.get(device.id)).toBeUndefined();
      advance(60);
      expect(registry.get(device.id)?.deviceId).toBe(device.deviceId);
      // Known devices never touch the store, whatever the clock says.
      expect(registry.keyFor(device.id)).toBeDefined();
    } finally {
      await registry.stop();
    }
  });

  it('sees removals and rotations at the next refresh and reports them to listeners', async () => {
    const { registry, cli, changes, advance } = twoConnections();
    const a = cli.add({ name: 'a', area: 'Lab', kind: 'wearable' }).device;
    const b = cli.add({ name: 'b', area: 'Lab', kind: 'satellite' }).device;
    await registry.start();
    try {
      cli.remove(a.id);
      const rotated = cli.rotateKey(b.id);
      advance(1_000);
      registry.refresh(false);
      expect(changes.at(-1)?.removed.map((d) => d.deviceId)).toEqual([a.deviceId]);
      expect(changes.at(-1)?.rotated.map((d) => d.deviceId)).toEqual([b.deviceId]);
      expect(registry.keyFor(b.id)).toEqual(rotated?.credentials.key);
      expect(registry.byTextId(a.deviceId)).toBeUndefined();
      expect(registry.byTextId('not-an-id')).toBeUndefined();
    } finally {
      await registry.stop();
    }
  });
});
