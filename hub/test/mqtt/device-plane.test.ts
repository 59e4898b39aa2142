import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { topicFor } from '@jarvis/protocol';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { MuteGate } from '../../src/audio/mute-gate.js';
import type { MuteTransition } from '../../src/audio/types.js';
import { createLogger } from '../../src/core/logger.js';
import { SecretBox } from '../../src/core/secrets.js';
import { DeviceRegistry } from '../../src/mqtt/device-registry.js';
import { MqttDevicePlane } from '../../src/mqtt/device-plane.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { DevicesRepository } from '../../src/store/devices-repository.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * A device plane against a bare aedes broker (like an external one), with the hub's registry on one
 * SQLite connection and `jarvis device add` on another. The registry never polls on its own here and
 * its clock only moves when the test says, so each refresh happens exactly where the test puts it.
 */
async function setup(opts: { persistMute?: (deviceId: string, muted: boolean) => void } = {}) {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(async () => {
    await new Promise<void>((r) => broker.close(() => r()));
    await new Promise<void>((r) => server.close(() => r()));
  });
  const url = `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`;

  const dir = mkdtempSync(join(tmpdir(), 'jarvis-plane-'));
  const box = new SecretBox(randomBytes(32));
  const dbs: Db[] = [openDatabase(join(dir, 'jarvis.db')), openDatabase(join(dir, 'jarvis.db'))];
  cleanups.push(() => {
    for (const db of dbs) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const [hubDb, cliDb] = dbs as [Db, Db];

  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }) });
  let clock = 1_000;
  const registry = new DeviceRegistry(hubDb, new DevicesRepository(hubDb, box), logger, 3_600_000, { missRefreshMs: 100, now: () => clock });
  const audits: MuteTransition[] = [];
  const gate = new MuteGate((t) => audits.push(t));
  const plane = new MqttDevicePlane({
    url,
    registry,
    gate,
    persistMute: opts.persistMute ?? (() => {}),
    discoveryPrefix: 'homeassistant',
    logger,
    waitForConnect: true,
  });
  await registry.start();
  await plane.start();
  cleanups.push(async () => {
    await plane.stop();
    await registry.stop();
  });
  const device: MqttClient = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  cleanups.push(() => device.endAsync(true));
  return { registry, gate, plane, audits, logs, device, cli: new DevicesRepository(cliDb, box), advance: (ms: number) => (clock += ms) };
}

const unknownLines = (logs: string[], deviceId: string) => logs.filter((l) => l.includes('JARVIS_MQTT_UNKNOWN_DEVICE') && l.includes(deviceId));

describe('MqttDevicePlane and devices added by another process', () => {
  it('finds a device added a moment ago on the first message, without waiting for the registry poll', async () => {
    const { gate, plane, logs, device, cli, advance } = await setup();
    advance(1_000);
    const d = cli.add({ name: 'desk', area: 'Office', kind: 'wearable' }).device;
    await device.publishAsync(topicFor(d.deviceId, 'status'), JSON.stringify({ state: 'online', streamId: 77 }), { retain: true, qos: 1 });
    await device.publishAsync(topicFor(d.deviceId, 'state/mute'), JSON.stringify({ muted: true }), { retain: true, qos: 1 });
    await expect.poll(() => gate.isMuted(d.deviceId)).toBe(true);
    expect(plane.stateOf(d.deviceId).status?.streamId).toBe(77);
    expect(unknownLines(logs, d.deviceId)).toEqual([]);
  });

  it('applies the retained status and mute a device published before the registry knew it, once it appears', async () => {
    const { registry, gate, plane, audits, logs, device, cli, advance } = await setup();
    // A miss for another id just refreshed, and the clock does not move: the rate limit holds the next
    // miss back, so these messages arrive while the registry does not know the device yet.
    expect(registry.byTextId('ffffffff')).toBeUndefined();
    const d = cli.add({ name: 'desk', area: 'Office', kind: 'wearable' }).device;
    await device.publishAsync(topicFor(d.deviceId, 'status'), JSON.stringify({ state: 'online', battery: 90 }), { retain: true, qos: 1 });
    await device.publishAsync(topicFor(d.deviceId, 'state/mute'), JSON.stringify({ muted: true, source: 'switch' }), { retain: true, qos: 1 });
    await expect.poll(() => unknownLines(logs, d.deviceId).length).toBe(2);
    expect(gate.isMuted(d.deviceId)).toBe(false);
    expect(plane.stateOf(d.deviceId).online).toBe(false);

    advance(1_000);
    registry.refresh(false); // the registry's once-a-second poll
    // Synchronously in the refresh: no window in which frames could pass the gate.
    expect(gate.isMuted(d.deviceId)).toBe(true);
    expect(audits.map((a) => [a.deviceId, a.muted, a.source])).toEqual([[d.deviceId, true, 'mqtt']]);
    expect(plane.stateOf(d.deviceId)).toMatchObject({ online: true, muted: true, status: { state: 'online', battery: 90 } });
  });

  it('forgets pending state the device deleted, and state of devices that never appear', async () => {
    const { registry, gate, plane, logs, device, cli, advance } = await setup();
    expect(registry.byTextId('ffffffff')).toBeUndefined(); // a miss refreshes now; the next is rate-limited
    const d = cli.add({ name: 'desk', area: 'Office', kind: 'wearable' }).device;
    await device.publishAsync(topicFor(d.deviceId, 'state/mute'), JSON.stringify({ muted: true }), { retain: true, qos: 1 });
    await device.publishAsync(topicFor(d.deviceId, 'state/mute'), '', { retain: true, qos: 1 });
    await device.publishAsync(topicFor('0000abcd', 'status'), JSON.stringify({ state: 'online' }), { retain: true, qos: 1 });
    await expect.poll(() => unknownLines(logs, '0000abcd').length).toBe(1);
    advance(1_000);
    registry.refresh(false);
    expect(gate.isMuted(d.deviceId)).toBe(false);
    expect(plane.stateOf(d.deviceId).muted).toBeUndefined();
    expect(plane.stateOf('0000abcd').online).toBe(false);
  });
});

describe('MqttDevicePlane mute', () => {
  it('mutes the gate even when the mute state cannot be persisted', async () => {
    const { gate, logs, device, cli, advance } = await setup({
      persistMute: () => {
        throw new Error('disk full');
      },
    });
    advance(1_000);
    const d = cli.add({ name: 'desk', area: 'Office', kind: 'wearable' }).device;
    await device.publishAsync(topicFor(d.deviceId, 'state/mute'), JSON.stringify({ muted: true }), { retain: true, qos: 1 });
    await expect.poll(() => logs.some((l) => l.includes('could not persist the mute state') && l.includes('disk full'))).toBe(true);
    expect(gate.isMuted(d.deviceId)).toBe(true);
    expect(logs.some((l) => l.includes('JARVIS_MQTT_BAD_PAYLOAD'))).toBe(false);
  });
});
