/**
 * Issue 15 on the embedded broker, over real MQTT on loopback: client-id takeover (break 3), huge
 * unauthenticated packets (break 4), connection caps and the login timeout, and the login rate limit
 * (weak point 5). Each test says what happened before the fix.
 */
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { topicFor } from '@jarvis/protocol';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { SecretBox } from '../../src/core/secrets.js';
import type { BrokerLimits } from '../../src/mqtt/connection-guard.js';
import { EmbeddedBroker } from '../../src/mqtt/embedded-broker.js';
import { registerMqttMetrics } from '../../src/mqtt/metrics.js';
import type { LoginLimits } from '../../src/mqtt/login-limiter.js';
import { openDatabase } from '../../src/store/database.js';
import { DevicesRepository } from '../../src/store/devices-repository.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startBroker(limits: Partial<BrokerLimits> = {}, loginLimits: Partial<LoginLimits> = {}) {
  const db = openDatabase(':memory:');
  const devices = new DevicesRepository(db, new SecretBox(randomBytes(32)));
  const a = devices.add({ name: 'a', area: 'Lab', kind: 'wearable' });
  const b = devices.add({ name: 'b', area: 'Lab', kind: 'satellite' });
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
  let verifications = 0;
  const hub = { username: 'jarvis-hub', password: randomBytes(16).toString('hex') };
  const broker = new EmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    verifyDeviceLogin: (u, p) => {
      verifications++;
      return devices.verifyMqttLogin(u, p);
    },
    hubCredentials: hub,
    logger,
    metrics: registerMqttMetrics(new Registry()),
    limits,
    loginLimits,
  });
  await broker.start();
  cleanups.push(() => db.close());
  cleanups.push(() => broker.stop());
  const creds = (d: typeof a) => ({ username: d.device.mqttUsername, password: d.credentials.mqttPassword, id: d.device.deviceId });
  return { broker, url: `mqtt://127.0.0.1:${broker.port}`, a: creds(a), b: creds(b), hub, lines, verifications: () => verifications };
}

/** Connects through a socket bound to `localAddress` (another host on the LAN, as far as the broker can tell). */
function connectFrom(port: number, localAddress: string, options: IClientOptions): Promise<MqttClient> {
  const client = new MqttClient(() => netConnect({ port, host: '127.0.0.1', localAddress }), { reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4, ...options });
  cleanups.push(() => client.end(true));
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

const connackCode = (err: unknown): number | undefined => (err as { code?: number }).code;

describe('client ids belong to the identity [MQTT-6.9] (break 3)', () => {
  it("device A cannot take over device B's session: refused, B stays connected and no offline will is published", async () => {
    const s = await startBroker();
    const watcher = await mqtt.connectAsync(s.url, { username: s.hub.username, password: s.hub.password, clientId: 'jarvis-hub-test', reconnectPeriod: 0 });
    cleanups.push(() => watcher.endAsync(true));
    const seen: string[] = [];
    watcher.on('message', (_t, p) => seen.push(p.toString()));
    await watcher.subscribeAsync(topicFor(s.b.id, 'status'), { qos: 1 });

    const bId = `jarvis-${s.b.id}-edge`;
    const b = await mqtt.connectAsync(s.url, {
      username: s.b.username, password: s.b.password, clientId: bId, reconnectPeriod: 0,
      will: { topic: topicFor(s.b.id, 'status'), payload: Buffer.from('{"state":"offline"}'), qos: 1, retain: true },
    });
    cleanups.push(() => b.endAsync(true));
    let bClosed = false;
    b.on('close', () => (bClosed = true));

    // Before the fix: accepted, B kicked, B's last will "offline" published while B streams.
    const err = await mqtt.connectAsync(s.url, { username: s.a.username, password: s.a.password, clientId: bId, reconnectPeriod: 0 }).then(() => undefined, (e: unknown) => e);
    expect(connackCode(err)).toBe(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(bClosed).toBe(false);
    expect(b.connected).toBe(true);
    expect(seen).toEqual([]);
    expect(s.lines.some((l) => l.includes('JARVIS_MQTT_CLIENT_ID') && l.includes(s.a.id))).toBe(true);

    // The old, unbound id form is refused too; A's own ids work, one per role.
    for (const id of [`jarvis-wearable-${s.a.id}`, 'anything', '']) {
      const e = await mqtt.connectAsync(s.url, { username: s.a.username, password: s.a.password, clientId: id, reconnectPeriod: 0, clean: true }).then((c) => c.endAsync().then(() => undefined), (x: unknown) => x);
      expect(connackCode(e), id).toBe(2);
    }
    const own = await mqtt.connectAsync(s.url, { username: s.a.username, password: s.a.password, clientId: `jarvis-${s.a.id}-wearable`, reconnectPeriod: 0 });
    const check = await mqtt.connectAsync(s.url, { username: s.a.username, password: s.a.password, clientId: `jarvis-${s.a.id}-check`, reconnectPeriod: 0 });
    expect(own.connected && check.connected).toBe(true);
    await check.endAsync();
    await own.endAsync();
  });
});

/** A raw TCP client that sends a CONNECT fixed header declaring `declared` bytes, then streams up to `send` bytes of it. */
function bigConnect(port: number, declared: number, send: number, chunk: Buffer): Promise<{ sent: number; closedBy: 'server' | 'done' }> {
  return new Promise((resolve) => {
    const socket: Socket = netConnect({ port, host: '127.0.0.1' });
    const header = [0x10];
    let n = declared;
    do {
      let byte = n % 128;
      n = Math.floor(n / 128);
      if (n > 0) byte |= 0x80;
      header.push(byte);
    } while (n > 0);
    let sent = 0;
    let finished = false;
    const finish = (closedBy: 'server' | 'done'): void => {
      if (finished) return;
      finished = true;
      socket.destroy();
      resolve({ sent, closedBy });
    };
    socket.on('error', () => finish('server'));
    socket.on('close', () => finish('server'));
    socket.on('connect', () => {
      socket.write(Buffer.from(header));
      const pump = (): void => {
        while (!finished && sent < send) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
        if (sent >= send) setTimeout(() => finish('done'), 200);
      };
      pump();
    });
  });
}

describe('packet size and connection limits (break 4)', () => {
  it('closes a CONNECT declaring 260 MB before buffering it: 20 of them leave the RSS within a small bound', async () => {
    const s = await startBroker({ maxConnectionsPerAddress: 100 });
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    // Before the fix the broker buffered every byte sent: the same 20 × 16 MB through plain aedes peaked
    // at +210 MB here, and 2 × 260 MB grew the hub by 484 MB in the probe.
    const results = await Promise.all(Array.from({ length: 20 }, () => bigConnect(s.broker.port, 260 * 1024 * 1024, 16 * 1024 * 1024, chunk)));
    clearInterval(sampler);
    const grownMb = (Math.max(peak, process.memoryUsage().rss) - before) / 1024 / 1024;
    expect(results.every((r) => r.closedBy === 'server')).toBe(true);
    expect(Math.max(...results.map((r) => r.sent))).toBeLessThan(16 * 1024 * 1024);
    expect(grownMb).toBeLessThan(40);
    console.log(`20 CONNECTs declaring 260 MB: peak RSS growth ${grownMb.toFixed(1)} MB; at most ${(Math.max(...results.map((r) => r.sent)) / 1024 / 1024).toFixed(1)} MB sent before the hub closed a connection`);
    await expect.poll(() => s.broker.openConnections).toBe(0);
    expect(s.lines.some((l) => l.includes('JARVIS_MQTT_PACKET_TOO_LARGE'))).toBe(true);
  });

  it('small before login, larger after: a device may not send more than its limit, the hub may', async () => {
    const s = await startBroker({ maxPacketBytesBeforeLogin: 1024, maxPacketBytesDevice: 8192, maxPacketBytesHub: 65_536 });
    // A CONNECT over the pre-login limit (a long password) never reaches the password check.
    const err = await connectFrom(s.broker.port, '127.0.0.1', { username: s.a.username, password: 'x'.repeat(2000), clientId: `jarvis-${s.a.id}-wearable` }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeDefined();
    expect(s.verifications()).toBe(0);
    const dev = await mqtt.connectAsync(s.url, { username: s.a.username, password: s.a.password, clientId: `jarvis-${s.a.id}-wearable`, reconnectPeriod: 0 });
    cleanups.push(() => dev.endAsync(true));
    let devClosed = false;
    dev.on('close', () => (devClosed = true));
    dev.publish(topicFor(s.a.id, 'event/wake'), Buffer.alloc(10_000, 0x20), { qos: 0 });
    await expect.poll(() => devClosed).toBe(true);
    const hub = await mqtt.connectAsync(s.url, { username: s.hub.username, password: s.hub.password, clientId: 'jarvis-hub-test', reconnectPeriod: 0 });
    cleanups.push(() => hub.endAsync(true));
    await hub.publishAsync('homeassistant/sensor/x/config', Buffer.alloc(20_000, 0x20), { qos: 1 });
    expect(hub.connected).toBe(true);
  });

  it('caps connections per address and in total, and closes a connection that does not log in', async () => {
    const s = await startBroker({ maxConnectionsPerAddress: 3, maxConnections: 5, connectTimeoutMs: 300 });
    const open = (localAddress: string): Promise<Socket> =>
      new Promise((resolve) => {
        const sock = netConnect({ port: s.broker.port, host: '127.0.0.1', localAddress }, () => resolve(sock));
        sock.on('error', () => undefined);
        cleanups.push(() => sock.destroy());
      });
    const closed = (sock: Socket): Promise<number> => {
      const t0 = Date.now();
      return new Promise((r) => (sock.destroyed ? r(0) : sock.once('close', () => r(Date.now() - t0))));
    };
    const first = await Promise.all([open('127.0.0.2'), open('127.0.0.2'), open('127.0.0.2')]);
    const fourth = await open('127.0.0.2');
    await closed(fourth);
    await expect.poll(() => s.broker.openConnections).toBe(3);
    await Promise.all([open('127.0.0.3'), open('127.0.0.3')]);
    const sixth = await open('127.0.0.4');
    await closed(sixth);
    expect(s.lines.filter((l) => l.includes('JARVIS_MQTT_TOO_MANY_CONNECTIONS')).length).toBeGreaterThanOrEqual(2);
    // None of them sent a CONNECT: all closed by the login timeout.
    const waited = await Promise.all(first.map(closed));
    expect(Math.max(...waited)).toBeLessThan(5000);
    await expect.poll(() => s.broker.openConnections).toBe(0);
    expect(s.lines.some((l) => l.includes('JARVIS_MQTT_CONNECT_TIMEOUT'))).toBe(true);
  });
});

describe('login rate limit (weak point 5)', () => {
  it('a flood of wrong passwords from one address stops costing password checks; the device still logs in from its own', async () => {
    const s = await startBroker({}, { failuresPerAddress: 5, hashingPerUsername: 2 });
    const device = await connectFrom(s.broker.port, '127.0.0.1', { username: s.a.username, password: s.a.password, clientId: `jarvis-${s.a.id}-wearable` });
    await device.endAsync();
    const checksAfterDevice = s.verifications();
    const outcomes: (number | undefined)[] = [];
    for (let i = 0; i < 30; i++) {
      outcomes.push(await connectFrom(s.broker.port, '127.0.0.9', { username: s.a.username, password: `guess-${i}`, clientId: `jarvis-${s.a.id}-x${i}` }).then(() => 0, (e: unknown) => connackCode(e)));
    }
    expect(outcomes.slice(0, 5)).toEqual([4, 4, 4, 4, 4]);
    expect(new Set(outcomes.slice(5))).toEqual(new Set([3]));
    expect(s.verifications() - checksAfterDevice).toBe(5); // before the fix: 30 scrypt checks
    // The device reconnects in the middle of it: its password was verified recently, so no check at all.
    const again = await connectFrom(s.broker.port, '127.0.0.1', { username: s.a.username, password: s.a.password, clientId: `jarvis-${s.a.id}-wearable` });
    expect(again.connected).toBe(true);
    expect(s.verifications() - checksAfterDevice).toBe(5);
    expect(s.lines.some((l) => l.includes('JARVIS_MQTT_LOGIN_THROTTLED') && l.includes('127.0.0.9'))).toBe(true);
  });

  it('concurrent checks for one username from unknown addresses are bounded; a rotated password is not remembered', async () => {
    const s = await startBroker({}, { failuresPerAddress: 100, hashingPerUsername: 2 });
    const tries = await Promise.all(
      Array.from({ length: 12 }, (_, i) => connectFrom(s.broker.port, `127.0.1.${i + 1}`, { username: s.b.username, password: 'wrong', clientId: `jarvis-${s.b.id}-y${i}` }).then(() => 0, (e: unknown) => connackCode(e))),
    );
    expect(tries.filter((c) => c === 3).length).toBeGreaterThanOrEqual(6);
    expect(s.verifications()).toBeLessThanOrEqual(6);
    const ok = await connectFrom(s.broker.port, '127.0.0.1', { username: s.b.username, password: s.b.password, clientId: `jarvis-${s.b.id}-edge` });
    await ok.endAsync();
    s.broker.disconnectDevice(s.b.id, 999); // what the hub does when the device's credentials are rotated
    const before = s.verifications();
    const after = await connectFrom(s.broker.port, '127.0.0.1', { username: s.b.username, password: s.b.password, clientId: `jarvis-${s.b.id}-edge` });
    await after.endAsync();
    expect(s.verifications()).toBe(before + 1);
  });
});
