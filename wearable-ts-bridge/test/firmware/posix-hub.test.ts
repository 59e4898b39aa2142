/**
 * The firmware core on the host (firmware/posix/: the POSIX HAL, real UDP, MQTT through libmosquitto)
 * against a REAL hub (embedded broker, UDP ingest, mute gate) on free ports. A UDP relay between the
 * device and the hub decodes every datagram on the wire (what left the device) and forwards it to the
 * hub's current port, so a hub restart on a new UDP port needs no change on the device; the MQTT port is
 * fixed so the device can log in again after the restart. The microphone is an espeak-ng speech WAV,
 * looped; the switches are a GPIO file the test writes; NVS is a file the test reads.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Codec, FrameFlag, MessageType, decodeAudioFrame, topicFor } from '@jarvis/protocol';
import type { DeviceBundle } from '@jarvis/protocol';
import type { DeviceAudioChunk } from '../../../hub/src/audio/types.js';
import type { DeviceEvent } from '../../../hub/src/mqtt/device-plane.js';
import { startTestHub } from '../../../hub/test/helpers/test-hub.js';
import type { TestHub } from '../../../hub/test/helpers/test-hub.js';
import { getAudioFixture } from '../../../tests/fixtures/audio/index.js';
import { runWearableCli } from '../../src/cli-main.js';
import { encodeWav } from '../../src/wav.js';
import { captureIO } from '../helpers/cli-io.js';
import { ptyPair } from '../helpers/pty-pair.js';
import type { PtyPair } from '../helpers/pty-pair.js';
import { buildPosixFirmware } from './build-posix.js';

const RATE = 16000;

interface WireFrame {
  type: number;
  flags: number;
  streamId: number;
  seq: number;
  timestamp: number;
  codec: number;
  payloadBytes: number;
}

/** The firmware process: its log lines (stderr) and exit. */
interface Device {
  proc: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

let binary = '';
let dir = '';
let hub: TestHub;
let hubDir = '';
let hubEnv: Record<string, string> = {};
let relay: Socket;
let bundle: DeviceBundle;
let bundlePath = '';
let nvsPath = '';
let gpioPath = '';
let wavPath = '';
let wav: Int16Array;
const wire: WireFrame[] = [];
let chunks: DeviceAudioChunk[] = [];
const events: DeviceEvent[] = [];
let device: Device | undefined;
let streamId = 0;
/** Started with the hub: python's start-up is slow on a loaded box. */
let ptyStarting: Promise<PtyPair> | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function attach(h: TestHub): void {
  h.hub.parts.ingest.onAudio((c) => {
    if (c.deviceId === bundle.deviceId) chunks.push(c);
  });
  h.hub.parts.mqtt.onEvent((e) => events.push(e));
}

function startDevice(args = ['--bundle', bundlePath, '--nvs', nvsPath]): Device {
  // A 5 s ring: on a loaded box the MQTT login can take over a second, and the default 1 s ring would
  // (rightly) drop the oldest audio, which the sample-for-sample check would count as a loss.
  const proc = spawn(binary, [...args, '--gpio', gpioPath, '--mic', wavPath, '--loop', '--keepalive-ms', '500', '--ring-ms', '5000'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  let rest = '';
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (d: string) => {
    const parts = (rest + d).split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, lines, exited };
}

/** Resolves with the first log line from index `from` on that matches. */
async function logLine(d: Device, match: RegExp, from = 0, ms = 10_000): Promise<{ line: string; index: number }> {
  const until = Date.now() + ms;
  for (;;) {
    const index = d.lines.findIndex((l, i) => i >= from && match.test(l));
    if (index >= 0) return { line: d.lines[index] as string, index };
    if (Date.now() > until) throw new Error(`no log line ${String(match)} after line ${from}; the device logged:\n${d.lines.slice(-40).join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Replaces the GPIO file at once (the firmware never reads half a file). */
const setGpio = (text: string): void => {
  writeFileSync(`${gpioPath}.tmp`, text);
  renameSync(`${gpioPath}.tmp`, gpioPath);
};
const audioSamples = (): number => chunks.reduce((n, c) => n + c.samples.length, 0);

/** NVS file entries (key=hex lines) as bytes. */
function nvs(): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const line of readFileSync(nvsPath, 'utf8').trim().split('\n')) {
    const [k, v] = line.split('=');
    if (k && v !== undefined) m.set(k, Buffer.from(v, 'hex'));
  }
  return m;
}

/** Publishes raw bytes on the hub's own MQTT session. The hub validates what it sends (sendCommand), so a
 * malformed command can only come from another publisher with broker rights; this stands in for one. */
function publishRaw(topic: string, payload: string | Buffer): Promise<unknown> {
  const client = (hub.hub.parts.mqtt as unknown as { client: MqttClient }).client;
  return client.publishAsync(topic, payload, { qos: 1 });
}

/** The retained message of a topic, read with a fresh subscription on the hub's session. */
async function retained(topic: string): Promise<unknown> {
  const client = (hub.hub.parts.mqtt as unknown as { client: MqttClient }).client;
  const got = new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no retained message on ${topic}`)), 3000);
    const onMessage = (t: string, payload: Buffer, packet: { retain: boolean }): void => {
      if (t !== topic || !packet.retain) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(JSON.parse(payload.toString()));
    };
    client.on('message', onMessage);
  });
  await client.unsubscribeAsync(topic);
  await client.subscribeAsync(topic, { qos: 1 });
  const value = await got;
  await client.unsubscribeAsync(topic);
  return value;
}

beforeAll(async () => {
  ptyStarting = ptyPair();
  binary = buildPosixFirmware();
  dir = mkdtempSync(join(tmpdir(), 'jarvis-posix-'));
  hubDir = join(dir, 'hub');
  nvsPath = join(dir, 'nvs.txt');
  gpioPath = join(dir, 'gpio.txt');
  wavPath = join(dir, 'speech.wav');
  bundlePath = join(dir, 'bundle.json');
  wav = getAudioFixture('wake.en-us').samples;
  writeFileSync(wavPath, encodeWav(wav, RATE));
  setGpio('mute=0\nbutton=0\nptt=0\n');
  hubEnv = { JARVIS_MQTT_PORT: String(await freePort()) };
  mkdirSync(hubDir);
  hub = await startTestHub(hubEnv, hubDir);
  attach(hub);
  relay = createSocket('udp4');
  relay.on('message', (msg) => {
    const f = decodeAudioFrame(new Uint8Array(msg));
    wire.push({ type: f.type, flags: f.flags, streamId: f.streamId, seq: f.seq, timestamp: f.timestamp, codec: f.codec, payloadBytes: f.payload.length });
    relay.send(msg, hub.hub.ports.udp, '127.0.0.1');
  });
  await new Promise<void>((resolve) => relay.bind(0, '127.0.0.1', resolve));
  const added = hub.addDevice('posix-wearable');
  bundle = { ...added, hub: { ...added.hub, udp: `127.0.0.1:${(relay.address() as AddressInfo).port}` } };
  writeFileSync(bundlePath, JSON.stringify(bundle));
  device = startDevice();
});

afterAll(async () => {
  device?.proc.kill('SIGKILL');
  await (await ptyStarting?.catch(() => undefined))?.close();
  relay?.close();
  await hub?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('host firmware (POSIX HAL) against a real hub', () => {
  it('logs in with the bundle and streams the speech sample for sample', async () => {
    const d = device as Device;
    const boot = await logLine(d, /boot: device [0-9a-f]{8} stream (\d+)/);
    streamId = Number(/stream (\d+)/.exec(boot.line)?.[1]);
    expect(streamId).toBeGreaterThan(0);
    await logLine(d, new RegExp(`mqtt: online, stream ${streamId}$`));
    // More than one pass of the looped WAV, so the loop seam is checked too.
    await expect.poll(audioSamples, { timeout: 15_000, interval: 50 }).toBeGreaterThanOrEqual(wav.length + RATE / 2);
    const sorted = [...chunks].sort((a, b) => a.timestamp - b.timestamp);
    expect(sorted[0]?.timestamp).toBe(0);
    let position = 0;
    for (const c of sorted) {
      expect(c.streamId).toBe(streamId);
      expect(c.timestamp).toBe(position); // no hole, no overlap
      expect(c.concealed).toBe(0);
      for (let i = 0; i < c.samples.length; i++) {
        if (c.samples[i] !== wav[(c.timestamp + i) % wav.length]) throw new Error(`sample ${c.timestamp + i} differs`);
      }
      position += c.samples.length;
    }
    expect(wire.filter((f) => f.type === MessageType.AUDIO).every((f) => f.codec === Codec.PCM16LE && f.payloadBytes === 640 && f.streamId === streamId)).toBe(true);
    const state = hub.hub.parts.mqtt.stateOf(bundle.deviceId);
    expect(state.online).toBe(true);
    expect(state.status?.streamId).toBe(streamId);
    expect(state.muted).toBe(false);
    // The key never reaches a log.
    expect(d.lines.join('\n')).not.toContain(bundle.key);
  });

  it('the mute switch stops audio at the device (MUTED keep-alives only, retained state/mute) and at the hub gate', async () => {
    const d = device as Device;
    const from = wire.length;
    const logFrom = d.lines.length;
    setGpio('mute=yes\nmute=1\nbutton=0\nptt=0\n'); // a line the double cannot read is logged and ignored
    await logLine(d, /switch: muted/, logFrom);
    await logLine(d, /gpio: ignored a line/, logFrom);
    await expect.poll(() => hub.hub.parts.gate.inputs(bundle.deviceId), { timeout: 3000 }).toEqual({ mqtt: true, frame: true });
    expect(hub.hub.parts.mqtt.stateOf(bundle.deviceId).muted).toBe(true);
    // The broker holds state/mute retained: a new subscription gets it at once, flagged retained.
    expect(await retained(topicFor(bundle.deviceId, 'state/mute'))).toEqual({ muted: true, source: 'switch' });
    await sleep(1600);
    const after = wire.slice(from);
    const first = after.findIndex((f) => f.type === MessageType.KEEPALIVE && (f.flags & FrameFlag.MUTED) !== 0);
    expect(first).toBeGreaterThanOrEqual(0);
    const muted = after.slice(first);
    expect(muted.filter((f) => f.type === MessageType.AUDIO)).toEqual([]);
    // 500 ms keep-alives (0.8x..1.2x apart) plus the one sent at the switch: at least 3 in 1.6 s.
    expect(muted.length).toBeGreaterThanOrEqual(3);
    expect(muted.every((f) => f.flags & FrameFlag.MUTED && f.payloadBytes === 0 && f.streamId === streamId)).toBe(true);
    const mutedAt = (muted[0] as WireFrame).timestamp;

    const unmuteFrom = wire.length;
    setGpio('mute=0\nbutton=0\nptt=0\n');
    await logLine(d, /switch: unmuted/, logFrom);
    await expect.poll(() => wire.slice(unmuteFrom).some((f) => f.type === MessageType.AUDIO), { timeout: 3000 }).toBe(true);
    await expect.poll(() => hub.hub.parts.gate.inputs(bundle.deviceId), { timeout: 3000 }).toEqual({ mqtt: false, frame: false });
    const resumed = wire.slice(unmuteFrom).find((f) => f.type === MessageType.AUDIO) as WireFrame;
    // The sample clock ran on while the samples were discarded: at least the 1.6 s waited.
    expect(resumed.timestamp - mutedAt).toBeGreaterThanOrEqual(1.5 * RATE);
    await expect.poll(() => chunks.some((c) => c.timestamp >= resumed.timestamp), { timeout: 3000 }).toBe(true);
    // Not one sample from the muted interval reached the hub's consumers.
    for (const c of chunks) expect(c.timestamp + c.samples.length <= mutedAt || c.timestamp >= resumed.timestamp).toBe(true);
  });

  it('push-to-talk and the button are MQTT events; audio under PTT carries the PTT flag', async () => {
    const from = wire.length;
    events.length = 0;
    setGpio('mute=0\nbutton=0\nptt=1\n');
    await expect.poll(() => events.map((e) => e.payload), { timeout: 3000 }).toContainEqual({ button: 'ptt', action: 'press' });
    await sleep(300);
    setGpio('mute=0\nbutton=1\nptt=0\n');
    await expect.poll(() => events.length, { timeout: 3000 }).toBeGreaterThanOrEqual(3);
    setGpio('mute=0\nbutton=0\nptt=0\n');
    await expect.poll(() => events.length, { timeout: 3000 }).toBe(4);
    expect(events.map((e) => e.payload)).toEqual(expect.arrayContaining([
      { button: 'ptt', action: 'press' },
      { button: 'ptt', action: 'release' },
      { button: 'action', action: 'press' },
      { button: 'action', action: 'release' },
    ]));
    expect(events.every((e) => e.deviceId === bundle.deviceId && e.topic === 'event/button')).toBe(true);
    const audio = wire.slice(from).filter((f) => f.type === MessageType.AUDIO);
    expect(audio.filter((f) => f.flags & FrameFlag.PTT).length).toBeGreaterThanOrEqual(5);
    expect(audio.at(-1)?.flags ?? FrameFlag.PTT).toBe(0);
  });

  it('bad and oversized cmd/config payloads are refused and logged; the device keeps streaming, nothing is stored', async () => {
    const d = device as Device;
    const logFrom = d.lines.length;
    const topic = topicFor(bundle.deviceId, 'cmd/config');
    const bad: Array<string | Buffer> = ['{"frameMs":30}', 'not json', '{"codec":"adpcm"', '{"volume":"loud"}', Buffer.from(`{"codec":"adpcm","pad":"${'x'.repeat(5000)}"}`)];
    for (const payload of bad) await publishRaw(topic, payload);
    const refused: string[] = [];
    for (let i = 0, from = logFrom; i < bad.length; i++) {
      const hit = await logLine(d, /cmd\/config refused: (JARVIS_PROTO_\w+)/, from);
      refused.push(/(JARVIS_PROTO_\w+): (.*) \(\d+ bytes\)/.exec(hit.line)?.slice(1, 3).join(': ') ?? hit.line);
      from = hit.index + 1;
    }
    expect(refused).toEqual([
      'JARVIS_PROTO_BAD_PAYLOAD: frameMs: must be 10, 20 or 40',
      'JARVIS_PROTO_BAD_PAYLOAD: (payload): not a JSON object',
      'JARVIS_PROTO_BAD_PAYLOAD: (payload): not a JSON object',
      'JARVIS_PROTO_BAD_PAYLOAD: volume: must be a number from 0 to 1',
      'JARVIS_PROTO_TOO_LARGE: (payload): exceeds 4096 bytes',
    ]);
    const from = wire.length;
    await expect.poll(() => wire.slice(from).filter((f) => f.type === MessageType.AUDIO).length, { timeout: 3000 }).toBeGreaterThanOrEqual(10);
    expect(wire.slice(from).every((f) => f.type !== MessageType.AUDIO || (f.codec === Codec.PCM16LE && f.payloadBytes === 640))).toBe(true);
    expect(d.proc.exitCode).toBeNull();
    expect(nvs().has('jv_config')).toBe(false);
  });

  it('cmd/config is applied (ADPCM, 40 ms frames) and persisted to the NVS file; cmd/led runs its pattern', async () => {
    const d = device as Device;
    const logFrom = d.lines.length;
    await hub.hub.parts.mqtt.sendCommand(bundle.deviceId, 'cmd/config', { codec: 'adpcm', frameMs: 40, vadSensitivity: 0.25, wakeWord: true, volume: 0.5 });
    // The hub's fields (VAD, wake word) and the speaker volume are checked but not kept: this device has neither.
    await logLine(d, /cmd\/config: left to the hub \/ not on this device \(valid, not stored\): vadSensitivity \(hub VAD\) wakeWord \(hub wake detector\) volume \(no speaker\)/, logFrom);
    await logLine(d, /cmd\/config applied and stored/, logFrom);
    const from = wire.length;
    await expect.poll(() => wire.slice(from).filter((f) => f.type === MessageType.AUDIO).length, { timeout: 3000 }).toBeGreaterThanOrEqual(5);
    expect(wire.slice(from).every((f) => f.type !== MessageType.AUDIO || (f.codec === Codec.IMA_ADPCM && f.payloadBytes === 4 + 320))).toBe(true);
    expect(JSON.parse((nvs().get('jv_config') as Buffer).toString('utf8'))).toEqual({ codec: 'adpcm', frameMs: 40 });
    const chunkFrom = audioSamples();
    await expect.poll(audioSamples, { timeout: 3000 }).toBeGreaterThan(chunkFrom + RATE / 4); // the hub decodes the new codec

    const ledFrom = d.lines.length;
    await hub.hub.parts.mqtt.sendCommand(bundle.deviceId, 'cmd/led', { pattern: 'blink', color: '#00ff00', durationMs: 1500 });
    const started = await logLine(d, /cmd\/led: blink color #00ff00 for 1500 ms/, ledFrom);
    await logLine(d, /led color #00ff00$/, ledFrom); // the colour reaches the HAL (an RGB LED), not only the log
    const ended = await logLine(d, /led: blink ended; back to the status LED/, started.index, 4000);
    await logLine(d, /led color default$/, ended.index - 1);
    const toggles = d.lines.slice(started.index, ended.index).filter((l) => / led [01]$/.test(l));
    expect(toggles.length).toBeGreaterThanOrEqual(4); // 2 Hz for 1.5 s
    await publishRaw(topicFor(bundle.deviceId, 'cmd/led'), '{"pattern":"rainbow"}');
    await logLine(d, /cmd\/led refused: JARVIS_PROTO_BAD_PAYLOAD: pattern/, ended.index);
  });

  it('a hub restart is followed by a reconnect on the same stream (the device did not reboot)', async () => {
    const d = device as Device;
    const logFrom = d.lines.length;
    await hub.close();
    await logLine(d, /mqtt: (connection lost|disconnected)/, logFrom);
    chunks = [];
    hub = await startTestHub(hubEnv, hubDir);
    attach(hub);
    const wireFrom = wire.length;
    await logLine(d, new RegExp(`mqtt: online, stream ${streamId}$`), logFrom, 15_000);
    await expect.poll(() => hub.hub.parts.mqtt.stateOf(bundle.deviceId).status?.streamId, { timeout: 5000 }).toBe(streamId);
    await expect.poll(audioSamples, { timeout: 5000 }).toBeGreaterThan(RATE / 2);
    expect(chunks.every((c) => c.streamId === streamId)).toBe(true);
    expect(wire.slice(wireFrom).every((f) => f.streamId === streamId)).toBe(true);
    expect(d.lines.slice(logFrom).some((l) => /boot:/.test(l))).toBe(false);
  });

  it('a device provisioned over a serial line (the JVP1 bundle, then Improv Wi-Fi checked by a join; a pty) logs in and streams; the key is never shown', async () => {
    const pty = await (ptyStarting as Promise<PtyPair>);
    const added = hub.addDevice('posix-serial');
    const serial = { ...added, hub: { ...added.hub, udp: bundle.hub.udp } };
    const file = join(dir, 'serial-bundle.json');
    const satellite = join(dir, 'serial-satellite.json');
    writeFileSync(file, JSON.stringify(serial));
    writeFileSync(satellite, JSON.stringify({ ...serial, kind: 'satellite' }));
    const nvs2 = join(dir, 'serial-nvs.txt');
    const got: DeviceAudioChunk[] = [];
    hub.hub.parts.ingest.onAudio((c) => {
      if (c.deviceId === serial.deviceId) got.push(c);
    });
    const d = startDevice(['--nvs', nvs2, '--console', pty.device]);
    try {
      await logLine(d, /start: waiting for provisioning on the console/);
      // The device checks the bundle itself: a satellite bundle passes the CLI's schema and is refused there.
      const bad = captureIO();
      expect(await runWearableCli(['provision', '--port', pty.host, '--bundle', satellite], bad)).toBe(1);
      expect(bad.err()).toMatch(/JARVIS_WEARABLE_PROVISION: the device refused the bundle: JARVIS_FW_BAD_BUNDLE kind: must be wearable/);
      const io = captureIO();
      expect(await runWearableCli(['provision', '--port', pty.host, '--bundle', file, '--wifi-ssid', 'jarvis-lab', '--wifi-password', 's3cret-wifi'], io)).toBe(0);
      // Provisioned only after the join check, which logged in to the real hub as jarvis-<id>-check.
      expect(JSON.parse(io.out())).toEqual({ deviceId: serial.deviceId, firmware: 'jarvis-core/0.2', wifi: true, url: `${serial.hub.http}/#/devices` });
      await logLine(d, new RegExp(`provision: bundle for device ${serial.deviceId} stored`));
      await logLine(d, /join: the hub's MQTT broker accepted the login/);
      await logLine(d, /provision: Wi-Fi joined and the hub's MQTT login accepted; settings stored/);
      await logLine(d, /mqtt: online, stream 1$/);
      await expect.poll(() => hub.hub.parts.mqtt.stateOf(serial.deviceId).online, { timeout: 5000 }).toBe(true);
      await expect.poll(() => got.reduce((n, c) => n + c.samples.length, 0), { timeout: 5000 }).toBeGreaterThan(RATE / 4);
      const stored = readFileSync(nvs2, 'utf8');
      expect(stored).toContain(`jv_wifi_ssid=${Buffer.from('jarvis-lab').toString('hex')}`);
      for (const text of [d.lines.join('\n'), io.out(), io.err(), bad.out(), bad.err()]) {
        expect(text).not.toContain(serial.key);
        expect(text).not.toContain(serial.mqtt.password);
        expect(text).not.toContain('s3cret-wifi');
      }
    } finally {
      d.proc.kill('SIGKILL');
      await d.exited;
      await pty.close();
    }
  });

  it('Improv Wi-Fi answers "provisioned" only after a checked join: a wrong Wi-Fi password, an unreachable broker and a refused login are "unable to connect" and keep the old settings', async () => {
    const pty = await ptyPair();
    const added = hub.addDevice('posix-join');
    const good = { ...added, hub: { ...added.hub, udp: bundle.hub.udp } };
    const closedPort = await freePort();
    const variants = {
      good,
      noBroker: { ...good, mqtt: { ...good.mqtt, url: `mqtt://127.0.0.1:${closedPort}` } },
      badLogin: { ...good, mqtt: { ...good.mqtt, password: 'not-the-password' } },
    };
    const files = Object.fromEntries(
      Object.entries(variants).map(([name, b]) => {
        const file = join(dir, `join-${name}.json`);
        writeFileSync(file, JSON.stringify(b));
        return [name, file];
      }),
    ) as Record<keyof typeof variants, string>;
    const nvs3 = join(dir, 'join-nvs.txt');
    const stored = (key: string): string | undefined => {
      const line = readFileSync(nvs3, 'utf8').split('\n').find((l) => l.startsWith(`${key}=`));
      return line === undefined ? undefined : Buffer.from(line.slice(key.length + 1), 'hex').toString('utf8');
    };
    const d = startDevice(['--nvs', nvs3, '--console', pty.device, '--wifi-ap', 'jarvis-lab=s3cret-wifi', '--wifi-ap', 'other-net=other-pw']);
    const provision = async (file: string, ssid: string, password: string): Promise<{ code: number; out: string; err: string }> => {
      const io = captureIO();
      const code = await runWearableCli(['provision', '--port', pty.host, '--bundle', file, '--wifi-ssid', ssid, '--wifi-password', password], io);
      return { code, out: io.out(), err: io.err() };
    };
    try {
      await logLine(d, /start: waiting for provisioning on the console/);
      const unable = /JARVIS_WEARABLE_PROVISION: the device stored the bundle but could not join Wi-Fi "[^"]+" and log in to the hub's MQTT broker with it \(Improv error: unable to connect\); it keeps its previous Wi-Fi settings/;
      // A wrong Wi-Fi password: the (simulated) network refuses; nothing stored.
      let r = await provision(files.good, 'jarvis-lab', 'wrong-password');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(unable);
      await logLine(d, /join: no simulated access point \(--wifi-ap\) has that SSID and password/);
      expect(stored('jv_wifi_ssid')).toBeUndefined();
      // The right network, but the bundle's broker does not answer: a real TCP refusal.
      r = await provision(files.noBroker, 'jarvis-lab', 's3cret-wifi');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(unable);
      await logLine(d, new RegExp(`join: Wi-Fi joined \\(simulated\\), but the hub's MQTT broker 127\\.0\\.0\\.1:${closedPort} cannot be reached`));
      expect(stored('jv_wifi_ssid')).toBeUndefined();
      // The broker answers but refuses the login (the real hub's broker checks the password).
      r = await provision(files.badLogin, 'jarvis-lab', 's3cret-wifi');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(unable);
      await logLine(d, /join: the hub's MQTT broker refused the login/);
      expect(stored('jv_wifi_ssid')).toBeUndefined();
      // All good: Provisioned, with the hub's dashboard as the Improv redirect URL.
      r = await provision(files.good, 'jarvis-lab', 's3cret-wifi');
      expect(r.err).not.toContain('JARVIS_');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual({ deviceId: good.deviceId, firmware: 'jarvis-core/0.2', wifi: true, url: `${good.hub.http}/#/devices` });
      expect(stored('jv_wifi_ssid')).toBe('jarvis-lab');
      expect(stored('jv_wifi_pass')).toBe('s3cret-wifi');
      // New settings whose join fails leave the working ones in place.
      r = await provision(files.noBroker, 'other-net', 'other-pw');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(unable);
      expect(stored('jv_wifi_ssid')).toBe('jarvis-lab');
      expect(stored('jv_wifi_pass')).toBe('s3cret-wifi');
      for (const text of [d.lines.join('\n'), r.out, r.err]) {
        expect(text).not.toContain(good.key);
        expect(text).not.toContain(good.mqtt.password);
        expect(text).not.toContain('s3cret-wifi');
        expect(text).not.toContain('other-pw');
      }
    } finally {
      d.proc.kill('SIGKILL');
      await d.exited;
      await pty.close();
    }
  });

  it('a reboot (the process killed and started again) starts a new stream with the stored config', async () => {
    const old = device as Device;
    old.proc.kill('SIGKILL');
    await old.exited;
    // A power cut: the broker publishes the last will.
    await expect.poll(() => hub.hub.parts.mqtt.stateOf(bundle.deviceId).online, { timeout: 5000 }).toBe(false);
    chunks = [];
    const wireFrom = wire.length;
    device = startDevice();
    const d = device;
    await logLine(d, /config: stored config loaded: \{"codec":"adpcm","frameMs":40\}$/);
    const boot = await logLine(d, /boot: device [0-9a-f]{8} stream (\d+)/);
    const next = Number(/stream (\d+)/.exec(boot.line)?.[1]);
    expect(next).toBe(streamId + 1);
    await expect.poll(audioSamples, { timeout: 10_000 }).toBeGreaterThan(RATE / 2);
    expect(chunks.every((c) => c.streamId === next)).toBe(true);
    const audio = wire.slice(wireFrom).filter((f) => f.type === MessageType.AUDIO);
    expect(audio.every((f) => f.streamId === next && f.codec === Codec.IMA_ADPCM)).toBe(true);
    expect(audio[0]?.timestamp).toBe(0);
    await expect.poll(() => hub.hub.parts.mqtt.stateOf(bundle.deviceId).status?.streamId, { timeout: 5000 }).toBe(next);
  });
});

describe('host firmware: malformed bundles, WAVs and options are refused with a code', () => {
  const run = (args: string[]): { status: number | null; stderr: string } => {
    const r = spawnSync(binary, args, { encoding: 'utf8', timeout: 5000 });
    return { status: r.status, stderr: r.stderr };
  };
  const good = (): Record<string, unknown> => JSON.parse(JSON.stringify(bundle)) as Record<string, unknown>;

  it.each<[string, (b: Record<string, unknown>) => unknown, RegExp]>([
    ['not JSON', () => 'hello', /JARVIS_FW_BAD_BUNDLE: .*not a JSON object/],
    ['trailing garbage', (b) => `${JSON.stringify(b)} x`, /not a JSON object/],
    ['too deep', () => `{"a":${'['.repeat(40)}${']'.repeat(40)}}`, /not a JSON object/],
    ['version 2', (b) => ({ ...b, version: 2 }), /version: must be 1/],
    ['short key', (b) => ({ ...b, key: 'ab'.repeat(31) }), /key: must be 64 lowercase hex/],
    ['upper-case device id', (b) => ({ ...b, deviceId: 'ABCDEF01' }), /deviceId: must be 8 lowercase hex/],
    ['a satellite bundle', (b) => ({ ...b, kind: 'satellite' }), /kind: must be wearable/],
    ['mqtts', (b) => ({ ...b, mqtt: { ...(b['mqtt'] as object), url: 'mqtts://127.0.0.1:8883' } }), /mqtts:\/\/ is not supported/],
    ['credentials in the URL', (b) => ({ ...b, mqtt: { ...(b['mqtt'] as object), url: 'mqtt://u:p@127.0.0.1:1883' } }), /mqtt\.url: must be mqtt:\/\/HOST/],
    ['no password', (b) => ({ ...b, mqtt: { ...(b['mqtt'] as object), password: '' } }), /mqtt\.password/],
    ['udp without a port', (b) => ({ ...b, hub: { ...(b['hub'] as object), udp: '127.0.0.1' } }), /hub\.udp: must be HOST:PORT/],
    ['udp port 70000', (b) => ({ ...b, hub: { ...(b['hub'] as object), udp: '127.0.0.1:70000' } }), /hub\.udp/],
  ])('bundle: %s', (_name, mutate, message) => {
    const path = join(dir, 'bad-bundle.json');
    const value = mutate(good());
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
    const r = run(['--bundle', path, '--nvs', join(dir, 'bad-nvs.txt')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain(bundle.key);
  });

  it.each<[string, Buffer, RegExp]>([
    ['not RIFF', Buffer.from('hello world, not a wav file'), /JARVIS_FW_BAD_MIC: .*not a RIFF\/WAVE/],
    ['stereo', Buffer.from(encodeWav(new Int16Array(320), RATE, 2)), /must be PCM, mono, 16-bit at 16000 Hz/],
    ['8 kHz', Buffer.from(encodeWav(new Int16Array(320), 8000)), /must be PCM, mono, 16-bit at 16000 Hz/],
    ['header only', Buffer.from(encodeWav(new Int16Array(0), RATE)), /no samples/],
    ['no fmt chunk', Buffer.concat([Buffer.from('RIFF\x10\x00\x00\x00WAVEdata\x04\x00\x00\x00'), Buffer.alloc(4)]), /no fmt chunk/],
  ])('mic: %s', (_name, bytes, message) => {
    const path = join(dir, 'bad.wav');
    writeFileSync(path, bytes);
    const r = run(['--bundle', bundlePath, '--nvs', join(dir, 'bad-nvs.txt'), '--mic', path]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it.each<[string[], RegExp]>([
    [['--bundle'], /takes a value/],
    [['--bundle', 'x'], /--nvs is required/],
    [['--nvs', 'x'], /not provisioned: give --bundle FILE, or --console TTY/],
    [['--frame-ms', '30'], /--frame-ms must be 10, 20 or 40/],
    [['--codec', 'opus'], /--codec must be pcm16 or adpcm/],
    [['--what', 'ever'], /unknown option/],
    [['--wifi-ap', 'no-equals-sign'], /--wifi-ap must be SSID=PASSWORD/],
  ])('options %j', (args, message) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/JARVIS_FW_BAD_OPTION/);
    expect(r.stderr).toMatch(message);
  });
});
