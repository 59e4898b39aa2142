import { createSocket } from 'node:dgram';
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Codec, decodeAudioFrame, FrameFlag, MessageType, verifyAudioFrame, type AudioFrame, type DeviceBundle } from '@jarvis/protocol';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { EdgeAgent } from '../src/agent.js';
import { encodeWav } from '../src/capture/wav.js';
import { parseEdgeConfig } from '../src/config.js';
import { connectMqtt } from '../src/control/mqtt-connect.js';
import { capturingLogger } from './helpers/logs.js';

const dir = mkdtempSync(join(tmpdir(), 'edge-agent-'));
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A bare broker (no ACL) and a UDP sink standing in for the hub, so the test can inject any command. */
async function fakeHub(): Promise<{ bundle: DeviceBundle; frames: AudioFrame[]; watcher: MqttClient; seen: Map<string, string[]>; clientIds: string[] }> {
  const broker = await Aedes.createBroker();
  const clientIds: string[] = [];
  broker.on('client', (c) => clientIds.push(c.id));
  const server: Server = createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const udp = createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  const key = 'cd'.repeat(32);
  const frames: AudioFrame[] = [];
  udp.on('message', (m) => {
    verifyAudioFrame(m, Buffer.from(key, 'hex'));
    frames.push(decodeAudioFrame(m));
  });
  const mqttPort = (server.address() as { port: number }).port;
  const watcher = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { reconnectPeriod: 0 });
  const seen = new Map<string, string[]>();
  watcher.on('message', (topic, payload) => seen.set(topic, [...(seen.get(topic) ?? []), payload.toString()]));
  await watcher.subscribeAsync('jarvis/v1/#');
  cleanups.push(async () => {
    await watcher.endAsync(true);
    await new Promise<void>((r) => broker.close(() => r()));
    server.close();
    udp.close();
  });
  const bundle: DeviceBundle = {
    version: 1, deviceId: '000000aa', name: 'desk', area: 'Office', kind: 'satellite', key,
    mqtt: { url: `mqtt://127.0.0.1:${mqttPort}`, username: '000000aa', password: 'pw' },
    hub: { udp: `127.0.0.1:${(udp.address() as { port: number }).port}`, http: 'http://127.0.0.1:1' },
  };
  return { bundle, frames, watcher, seen, clientIds };
}

function files(name: string, mute: string, ptt: string): { wav: string; mute: string; ptt: string; temp: string; wireless: string } {
  const wav = join(dir, `${name}.wav`);
  writeFileSync(wav, encodeWav(Int16Array.from({ length: 3200 }, (_, i) => (i % 200) * 50), 16000));
  const paths = { wav, mute: join(dir, `${name}.mute`), ptt: join(dir, `${name}.ptt`), temp: join(dir, `${name}.temp`), wireless: join(dir, `${name}.wireless`) };
  writeFileSync(paths.mute, mute);
  writeFileSync(paths.ptt, ptt);
  writeFileSync(paths.temp, '51234\n');
  writeFileSync(paths.wireless, 'h1\nh2\n wlan0: 0000   60.  -57.  -256  0 0 0 0 0 0\n');
  return paths;
}

async function agentFor(bundle: DeviceBundle, f: ReturnType<typeof files>): Promise<{ agent: EdgeAgent; entries: () => Array<Record<string, unknown>> }> {
  const { logger, entries } = capturingLogger();
  const config = parseEdgeConfig({
    audio: { source: 'file', file: f.wav, loop: true },
    gpio: { mute: { file: f.mute, debounceMs: 10 }, ptt: { file: f.ptt, debounceMs: 10 } },
    speech: { engine: 'none' },
    health: { thermalFile: f.temp, wirelessFile: f.wireless },
    stateDir: join(dir, 'state'),
  });
  const agent = new EdgeAgent({ config, bundle, logger, player: { play: async () => undefined } });
  cleanups.push(() => agent.stop());
  await agent.start();
  return { agent, entries };
}

describe('edge agent control plane', () => {
  it('starts muted when the switch is on: retained mute state, MUTED keep-alives, no audio; health in the status', async () => {
    const hub = await fakeHub();
    const { agent } = await agentFor(hub.bundle, files('muted', '1\n', '0\n'));
    await expect.poll(() => agent.state, { timeout: 5000 }).toBe('muted');
    await expect.poll(() => hub.frames.length, { timeout: 4000 }).toBeGreaterThanOrEqual(2);
    expect(hub.frames.every((f) => f.type === MessageType.KEEPALIVE && f.flags === FrameFlag.MUTED && f.codec === Codec.NONE)).toBe(true);
    await expect.poll(() => hub.seen.get('jarvis/v1/device/000000aa/state/mute')?.map((p) => (JSON.parse(p) as { muted: boolean }).muted)).toEqual([true]);
    const status = JSON.parse(hub.seen.get('jarvis/v1/device/000000aa/status')?.[0] ?? '{}') as Record<string, unknown>;
    expect(status).toMatchObject({ state: 'online', kind: 'satellite', cpuTempC: 51.2, rssi: -57, streamId: hub.frames[0]?.streamId });
  });

  it('push-to-talk publishes press/release events and marks frames with PTT', async () => {
    const hub = await fakeHub();
    const f = files('ptt', '0\n', '0\n');
    const { agent } = await agentFor(hub.bundle, f);
    await expect.poll(() => hub.frames.filter((x) => x.type === MessageType.AUDIO).length, { timeout: 5000 }).toBeGreaterThan(3);
    appendFileSync(f.ptt, '1\n');
    await expect.poll(() => hub.frames.some((x) => x.flags & FrameFlag.PTT), { timeout: 3000 }).toBe(true);
    appendFileSync(f.ptt, '0\n');
    await expect.poll(() => hub.seen.get('jarvis/v1/device/000000aa/event/button')?.map((p) => (JSON.parse(p) as { action: string }).action), { timeout: 3000 }).toEqual(['press', 'release']);
    expect(agent.stats().pttHeld).toBe(false);
  });

  it('rejects malformed commands with a coded log line naming the device, and keeps working', async () => {
    const hub = await fakeHub();
    const { agent, entries } = await agentFor(hub.bundle, files('bad-cmd', '0\n', '0\n'));
    await expect.poll(() => agent.state, { timeout: 5000 }).toBe('streaming');
    const base = 'jarvis/v1/device/000000aa/';
    await hub.watcher.publishAsync(`${base}cmd/say`, '{"volume":2}', { qos: 1 });
    await hub.watcher.publishAsync(`${base}cmd/led`, 'not json', { qos: 1 });
    await hub.watcher.publishAsync(`${base}cmd/config`, JSON.stringify({ frameMs: 25 }), { qos: 1 });
    await hub.watcher.publishAsync(`${base}cmd/config`, JSON.stringify({ vadSensitivity: 0.5, frameMs: 40 }), { qos: 1 });
    await expect.poll(() => agent.stats().commandsRejected, { timeout: 3000 }).toBe(3);
    const rejected = entries().filter((e) => e['msg'] && String(e['msg']).startsWith('rejected command'));
    expect(rejected.map((e) => [e['code'], e['device']])).toEqual([['JARVIS_PROTO_BAD_PAYLOAD', '000000aa'], ['JARVIS_PROTO_BAD_PAYLOAD', '000000aa'], ['JARVIS_PROTO_BAD_PAYLOAD', '000000aa']]);
    expect(String(rejected[0]?.['msg'])).toMatch(/text/);
    await expect.poll(() => entries().some((e) => String(e['msg']).includes('vadSensitivity not supported')), { timeout: 3000 }).toBe(true);
    await expect.poll(() => hub.frames.some((x) => x.type === MessageType.AUDIO && x.payload.length === 1280), { timeout: 3000 }).toBe(true);
    expect(agent.state).toBe('streaming');
  });
});

describe('edge agent boot counter [UDP-2.16] and client id [MQTT-6.9]', () => {
  it('sends a boot counter saved in its state dir that grows across runs and reconnections', async () => {
    const hub = await fakeHub();
    const stateDir = mkdtempSync(join(tmpdir(), 'edge-state-'));
    const first = await agentWithState(hub.bundle, files('boot-a', '0\n', '0\n'), stateDir);
    await expect.poll(() => hub.frames.length, { timeout: 5000 }).toBeGreaterThan(2);
    const firstBoot = hub.frames[0]?.streamId as number;
    expect(JSON.parse(readFileSync(join(stateDir, 'boot-000000aa.json'), 'utf8'))).toMatchObject({ boot: firstBoot });
    expect(statSync(join(stateDir, 'boot-000000aa.json')).mode & 0o777).toBe(0o600);
    await first.stop();
    const before = hub.frames.length;
    await agentWithState(hub.bundle, files('boot-b', '0\n', '0\n'), stateDir);
    await expect.poll(() => hub.frames.length, { timeout: 5000 }).toBeGreaterThan(before + 2);
    expect(new Set(hub.frames.slice(before).map((f) => f.streamId))).toEqual(new Set([firstBoot + 1]));
  });

  it('refuses to start on a corrupt counter, sending nothing', async () => {
    const hub = await fakeHub();
    const stateDir = mkdtempSync(join(tmpdir(), 'edge-state-'));
    writeFileSync(join(stateDir, 'boot-000000aa.json'), '{"keyId":"nothex","boot":3}');
    await expect(agentWithState(hub.bundle, files('boot-bad', '0\n', '0\n'), stateDir)).rejects.toMatchObject({ code: 'JARVIS_EDGE_STATE' });
    await new Promise((r) => setTimeout(r, 300));
    expect(hub.frames).toHaveLength(0);
  });

  it('logs in as jarvis-<id>-edge, and a check probe as jarvis-<id>-check does not kick it', async () => {
    const hub = await fakeHub();
    const { agent } = await agentFor(hub.bundle, files('client-id', '0\n', '0\n'));
    await expect.poll(() => agent.state, { timeout: 5000 }).toBe('streaming');
    expect(hub.clientIds).toContain('jarvis-000000aa-edge');
    const probe = await connectMqtt({ bundle: hub.bundle, connectTimeoutMs: 3000, keepaliveS: 30, probe: true });
    await probe.endAsync();
    expect(hub.clientIds).toContain('jarvis-000000aa-check');
    await new Promise((r) => setTimeout(r, 200));
    expect(agent.stats().connects).toBe(1);
    expect(agent.state).toBe('streaming');
  });
});

async function agentWithState(bundle: DeviceBundle, f: ReturnType<typeof files>, stateDir: string): Promise<EdgeAgent> {
  const { logger } = capturingLogger();
  const config = parseEdgeConfig({
    audio: { source: 'file', file: f.wav, loop: true },
    speech: { engine: 'none' },
    health: { thermalFile: f.temp, wirelessFile: f.wireless },
    stateDir,
  });
  const agent = new EdgeAgent({ config, bundle, logger, player: { play: async () => undefined } });
  cleanups.push(() => agent.stop());
  await agent.start();
  return agent;
}
