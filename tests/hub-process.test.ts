import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topicFor } from '@jarvis/protocol';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { datagram } from '../hub/test/helpers/frames.js';
import { startTestHub, type TestHub } from '../hub/test/helpers/test-hub.js';

const CLI = fileURLToPath(new URL('../hub/dist/cli.js', import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'jarvis-proc-'));
  dirs.push(d);
  return d;
}

function run(args: string[]): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, JARVIS_DATA_DIR: '' } });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (c) => (out += String(c)));
  child.stderr?.on('data', (c) => (err += String(c)));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

describe('the jarvis hub process', () => {
  it('starts on free ports, answers /healthz, picks up a device added by the CLI, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const hub = run(['hub', '--data-dir', dir, '--host', '127.0.0.1', '--http-port', '0', '--udp-port', '0', '--mqtt-port', '0', '--grpc-port', '0']);
    await expect.poll(() => hub.out().includes('jarvis hub started'), { timeout: 15_000, interval: 100 }).toBe(true);
    expect(hub.err()).toContain('Admin API token (shown once');
    const { ports } = JSON.parse(readFileSync(join(dir, 'hub-runtime.json'), 'utf8')) as { ports: { http: number; udp: number; mqtt: number } };
    expect(hub.out()).toContain(`"http":${ports.http}`);
    expect(await (await fetch(`http://127.0.0.1:${ports.http}/healthz`)).json()).toEqual({ status: 'ok' });

    const add = run(['device', 'add', 'desk', '--area', 'Office', '--json', '--data-dir', dir, '--host', '127.0.0.1']);
    expect(await add.exit).toBe(0);
    const bundle = JSON.parse(add.out()) as { deviceId: string; mqtt: { url: string; username: string; password: string } };
    expect(bundle.mqtt.url).toBe(`mqtt://127.0.0.1:${ports.mqtt}`);
    await expect.poll(() => hub.out().includes('"msg":"device added"'), { timeout: 5000, interval: 100 }).toBe(true);
    const client = await mqtt.connectAsync(bundle.mqtt.url, { username: bundle.mqtt.username, password: bundle.mqtt.password, clientId: `jarvis-${bundle.deviceId}-test`, reconnectPeriod: 0 });
    await client.publishAsync(topicFor(bundle.deviceId, 'status'), '{"state":"online"}', { qos: 1, retain: true });
    await client.endAsync();

    hub.child.kill('SIGTERM');
    const started = Date.now();
    expect(await hub.exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(hub.out()).toContain('jarvis hub stopped');
    expect(existsSync(join(dir, 'hub-runtime.json'))).toBe(false);
  });

  it('exits with code 2 and every problem on a bad config file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'jarvis.yaml'), 'http:\n  port: banana\nudp:\n  port: 99999\n');
    const hub = run(['hub', '--data-dir', dir]);
    expect(await hub.exit).toBe(2);
    expect(hub.err()).toMatch(/http\.port: /);
    expect(hub.err()).toMatch(/udp\.port: /);
    expect(hub.err()).toContain('JARVIS_CONFIG_INVALID');
  });
});

/** Sends datagrams to a hub's UDP port, as a device (or an attacker replaying one) would. */
async function sendUdp(port: number, datagrams: Uint8Array[]): Promise<void> {
  const sock = createSocket('udp4');
  try {
    for (const d of datagrams) await new Promise<void>((resolve, reject) => sock.send(d, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  } finally {
    sock.close();
  }
}

async function datagramsCounted(t: TestHub, deviceId: string, result: string): Promise<number> {
  const m = await t.hub.parts.metrics.getSingleMetric('jarvis_udp_datagrams_total')?.get();
  return m?.values.find((v) => v.labels['device'] === deviceId && v.labels['result'] === result)?.value ?? 0;
}

describe('hub restarts', () => {
  it('rejects a replay of recorded datagrams after a restart on the same data dir: earlier boot stale, current boot duplicates [UDP-4.5]', async () => {
    const dir = tempDir();
    const first = await startTestHub({}, dir);
    const bundle = first.addDevice('w');
    const device = { id: Number.parseInt(bundle.deviceId, 16), key: Buffer.from(bundle.key, 'hex') };
    // What an attacker on the LAN records: an earlier boot of the device, and the current one.
    const earlierBoot = [0, 1, 2, 3, 4].map((seq) => datagram(device, seq, { streamId: 1111 }));
    const currentBoot = [0, 1, 2, 3, 4].map((seq) => datagram(device, seq, { streamId: 2222 }));
    await sendUdp(first.hub.ports.udp, [...earlierBoot, ...currentBoot]);
    await expect.poll(() => datagramsCounted(first, bundle.deviceId, 'accepted')).toBe(10);
    await first.close();

    const second = await startTestHub({}, dir);
    try {
      const heard: number[] = [];
      second.hub.parts.ingest.onAudio((c) => heard.push(c.samples.length));
      await sendUdp(second.hub.ports.udp, [...earlierBoot, ...currentBoot]);
      await expect.poll(() => datagramsCounted(second, bundle.deviceId, 'stale_boot')).toBe(5);
      await expect.poll(() => datagramsCounted(second, bundle.deviceId, 'duplicate')).toBe(5);
      expect(await datagramsCounted(second, bundle.deviceId, 'accepted')).toBe(0);
      expect(heard).toEqual([]);
      // The device itself carries on with its current stream.
      await sendUdp(second.hub.ports.udp, [datagram(device, 5, { streamId: 2222 })]);
      await expect.poll(() => datagramsCounted(second, bundle.deviceId, 'accepted')).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('keeps a device muted across a restart of the hub (embedded broker forgets retained messages)', async () => {
    const dir = tempDir();
    const first = await startTestHub({}, dir);
    const bundle = first.addDevice('w');
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${first.hub.ports.mqtt}`, { username: bundle.mqtt.username, password: bundle.mqtt.password, clientId: `jarvis-${bundle.deviceId}-test`, reconnectPeriod: 0 });
    await c.publishAsync(topicFor(bundle.deviceId, 'state/mute'), '{"muted":true}', { qos: 1, retain: true });
    await expect.poll(() => first.hub.parts.gate.isMuted(bundle.deviceId)).toBe(true);
    await c.endAsync(true);
    await first.close();

    const second = await startTestHub({}, dir);
    try {
      expect(second.hub.parts.gate.isMuted(bundle.deviceId)).toBe(true);
      // And the broker serves the restored retained state to anyone who looks.
      const d = await mqtt.connectAsync(`mqtt://127.0.0.1:${second.hub.ports.mqtt}`, { username: bundle.mqtt.username, password: bundle.mqtt.password, clientId: `jarvis-${bundle.deviceId}-test`, reconnectPeriod: 0 });
      expect(second.hub.adminTokenFile).toBeUndefined();
      await d.endAsync(true);
      expect(second.hub.parts.mqtt.stateOf(bundle.deviceId).muted).toBe(true);
    } finally {
      await second.close();
    }
  });
});
