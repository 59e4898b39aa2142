/**
 * Issue 15, break 1: replays after a hub crash. A real hub process streams a device's boot, is killed
 * with SIGKILL, restarts on the same data directory, and an attacker replays everything it recorded.
 * SPEC [UDP-4.5.3]: only frames of the current boot sent in the last second before the crash (plus the
 * scheduling delay of the write) may be accepted again, each once; everything older never.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STREAM_GUARD_PERSIST_MS } from '@jarvis/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { datagram, type TestDevice } from '../hub/test/helpers/frames.js';

const dist = fileURLToPath(new URL('../hub/dist/', import.meta.url));
/** A hub (device plane) in its own process: prints its UDP port, its device, and every audio chunk it lets through. */
const CHILD = `
import { loadConfig } from '${dist}config/index.js';
import { startHub } from '${dist}main.js';
import { silentLogger } from '${dist}core/logger.js';
const dir = process.argv[1];
const config = loadConfig({ env: { JARVIS_DATA_DIR: dir, JARVIS_HOST: '127.0.0.1', JARVIS_HTTP_PORT: '0', JARVIS_UDP_PORT: '0', JARVIS_MQTT_PORT: '0', JARVIS_GRPC_PORT: '0' } });
const hub = await startHub(config, silentLogger(), { only: 'device-plane' });
let device = hub.parts.devices.list()[0];
let key;
if (!device) {
  const added = hub.parts.devices.add({ name: 'w', area: 'Lab', kind: 'wearable' });
  device = added.device;
  key = Buffer.from(added.credentials.key).toString('hex');
  hub.parts.registry.refresh(true);
}
hub.parts.ingest.onAudio((c) => { if (c.concealed === 0) process.stdout.write(JSON.stringify({ heard: c.timestamp / 320 }) + '\\n'); });
process.stdout.write(JSON.stringify({ ready: hub.ports.udp, id: device.id, key }) + '\\n');
`;

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function startChild(dir: string): Promise<{ child: ChildProcess; udp: number; id: number; key?: string; heard: number[] }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const heard: number[] = [];
  let buffered = '';
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`hub child exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buffered.slice(0, nl)) as { ready?: number; id?: number; key?: string; heard?: number };
        buffered = buffered.slice(nl + 1);
        if (msg.heard !== undefined) heard.push(msg.heard);
        if (msg.ready !== undefined) resolve({ child, udp: msg.ready, id: msg.id as number, key: msg.key, heard });
      }
    });
  });
}

async function send(port: number, datagrams: Uint8Array[], gapMs = 0, sentAt?: number[]): Promise<void> {
  const sock = createSocket('udp4');
  try {
    for (const d of datagrams) {
      await new Promise<void>((resolve, reject) => sock.send(d, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
      sentAt?.push(Date.now());
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
  } finally {
    sock.close();
  }
}

describe('[UDP-4.5.3] replay after kill -9 of the hub', () => {
  it('accepts again at most the frames of the last second before the crash, each once, and nothing older', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-kill9-'));
    dirs.push(dir);
    const first = await startChild(dir);
    const device: TestDevice = { id: first.id, key: Buffer.from(first.key as string, 'hex') };
    const frames = Array.from({ length: 150 }, (_, seq) => datagram(device, seq, { streamId: 5, deviceId: device.id }));
    const sentAt: number[] = [];
    await send(first.udp, frames, 20, sentAt); // 3 s of a live stream, recorded by the attacker
    await new Promise((r) => setTimeout(r, 150));
    expect(first.heard.length).toBeGreaterThan(140);
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise((r) => first.child.once('exit', r));

    const second = await startChild(dir);
    const windowMs = STREAM_GUARD_PERSIST_MS + 500; // the persist interval plus scheduling slack on a loaded machine
    const outside = frames.filter((_, seq) => killedAt - (sentAt[seq] as number) > windowMs);
    const inside = frames.filter((_, seq) => killedAt - (sentAt[seq] as number) <= windowMs);
    expect(outside.length).toBeGreaterThan(60);
    // Outside the window: none of it, ever.
    await send(second.udp, outside);
    await new Promise((r) => setTimeout(r, 400));
    expect(second.heard).toEqual([]);
    // Inside: at most those frames, each at most once, even replayed twice.
    await send(second.udp, [...inside, ...inside]);
    await new Promise((r) => setTimeout(r, 400));
    const replayed = second.heard.slice();
    expect(new Set(replayed).size).toBe(replayed.length);
    expect(replayed.every((seq) => killedAt - (sentAt[seq] as number) <= windowMs)).toBe(true);
    expect(replayed.length).toBeLessThanOrEqual(inside.length);
    // The device, still on boot 5, carries on: its next frames are heard.
    await send(second.udp, [150, 151, 152, 153, 154].map((seq) => datagram(device, seq, { streamId: 5, deviceId: device.id })));
    await expect.poll(() => second.heard.includes(154), { timeout: 3000 }).toBe(true);
    // And a recording of an earlier boot is refused, whatever happened to the hub.
    const before = second.heard.length;
    await send(second.udp, [datagram(device, 900, { streamId: 4, deviceId: device.id })]);
    await new Promise((r) => setTimeout(r, 300));
    expect(second.heard.length).toBe(before);
    console.log(`kill -9 replay: ${replayed.length} of ${frames.length} recorded frames accepted again (window: ${inside.length} frames sent in the last ${windowMs} ms)`);
  }, 40_000);
});
