/**
 * `jarvis mqtt export-mosquitto` against a real Mosquitto 2.0: its password file logs devices in, its ACL
 * keeps each device on its own topics, its conf ties client ids to logins and caps packet sizes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { topicFor } from '@jarvis/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { mosquittoPasswordHash, verifyMosquittoPassword } from '../../src/core/mosquitto-hash.js';
import { loadOrCreateMasterKey, SecretBox } from '../../src/core/secrets.js';
import { exportMosquitto, renderMosquittoExport } from '../../src/mqtt/mosquitto-export.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import { DevicesRepository } from '../../src/store/devices-repository.js';
import { hasTool } from '../../../tests/ci-requirements.js';
import { startMosquitto, type Mosquitto } from '../../../tests/helpers/mosquitto.js';

let dir: string;
let db: Db;
let repo: DevicesRepository;
let broker: Mosquitto | undefined;
const clients: MqttClient[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jarvis-mosq-'));
  db = openDatabase(join(dir, 'jarvis.db'));
  repo = new DevicesRepository(db, new SecretBox(loadOrCreateMasterKey(join(dir, 'secret.key'))));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await broker?.stop();
  broker = undefined;
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function login(username: string, password: string, clientId?: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(broker!.url, { username, password, clientId, reconnectPeriod: 0, connectTimeout: 5_000 });
  clients.push(c);
  return c;
}

describe('Mosquitto $7$ hashes', () => {
  it('verifies what mosquitto_passwd makes, and makes what it verifies', () => {
    if (!hasTool('mosquitto_passwd', ['-h'])) return;
    const pw = join(mkdtempSync(join(tmpdir(), 'jarvis-pw-')), 'pw');
    execFileSync('mosquitto_passwd', ['-c', '-b', pw, 'alice', 's3cret pass']);
    const theirs = readFileSync(pw, 'utf8').trim().split(':')[1]!;
    expect(theirs).toMatch(/^\$7\$101\$/);
    expect(verifyMosquittoPassword('s3cret pass', theirs)).toBe(true);
    expect(verifyMosquittoPassword('s3cret pasS', theirs)).toBe(false);
    const ours = mosquittoPasswordHash('s3cret pass');
    expect(ours).toMatch(/^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(verifyMosquittoPassword('s3cret pass', ours)).toBe(true);
    for (const bad of ['', '$6$x$y', '$7$101$$', '$7$abc$AAAA$AAAA', 'scrypt$1$2$3$4$5']) expect(verifyMosquittoPassword('x', bad)).toBe(false);
  });
});

describe('renderMosquittoExport', () => {
  const base = { hub: { username: 'jarvis-hub', password: 'hubpw' }, limits: { maxPacketBytes: 4096, maxConnections: 10 }, discoveryPrefix: 'homeassistant', configDir: '/etc/mosquitto/jarvis' };
  it('gives nobody #, each device its own topics, and leaves out devices without a $7$ hash', () => {
    const r = renderMosquittoExport({
      ...base,
      devices: [
        { deviceId: '0000002a', mqttUsername: '0000002a', name: 'kitchen\nuser root', mosquittoHash: mosquittoPasswordHash('a') },
        { deviceId: '0000002b', mqttUsername: '0000002b', name: 'old', mosquittoHash: undefined },
      ],
    });
    expect(r.acl).not.toMatch(/^topic (read|write|readwrite) #$/m);
    expect(r.acl).toContain('user 0000002a\ntopic write jarvis/v1/device/0000002a/status\ntopic write jarvis/v1/device/0000002a/state/mute\ntopic write jarvis/v1/device/0000002a/event/#\ntopic read jarvis/v1/device/0000002a/cmd/#');
    // A device name is a comment and cannot smuggle in an ACL line.
    expect(r.acl).toContain('# kitchen user root');
    expect(r.acl).not.toMatch(/^user root$/m);
    expect(r.passwd.split('\n').filter(Boolean).map((l) => l.split(':')[0])).toEqual(['jarvis-hub', '0000002a']);
    expect(r.needRotate.map((d) => d.deviceId)).toEqual(['0000002b']);
    expect(r.conf).toContain('max_packet_size 4096\nmax_connections 10\n');
    expect(r.conf).toContain('use_username_as_clientid true');
    expect(r.conf).toContain('password_file /etc/mosquitto/jarvis/passwd');
  });
  it('refuses names Mosquitto would misread, with a coded error', () => {
    const bad = [
      { ...base, hub: { username: 'hub user', password: 'x' }, devices: [] },
      { ...base, discoveryPrefix: 'home/#', devices: [] },
      { ...base, configDir: '/etc/my mosquitto', devices: [] },
      { ...base, devices: [{ deviceId: '0000002A', mqttUsername: 'x', name: 'n', mosquittoHash: undefined }] },
    ];
    for (const o of bad) expect(() => renderMosquittoExport(o)).toThrow(expect.objectContaining({ code: 'JARVIS_MQTT_EXPORT_BAD_NAME' }));
  });
});

describe.skipIf(!hasTool('mosquitto', ['-h']))('the export on a real Mosquitto', () => {
  it('logs devices in, keeps each on its own topics, ties client ids to logins and caps packets', async () => {
    const a = repo.add({ name: 'a', area: 'Kitchen', kind: 'wearable' });
    const b = repo.add({ name: 'b', area: 'Hall', kind: 'wearable' });
    const legacy = repo.add({ name: 'legacy', area: 'Hall', kind: 'wearable' });
    db.prepare('UPDATE devices SET mosquitto_password_hash = NULL WHERE id = ?').run(legacy.device.id);
    const out = exportMosquitto(repo, dir, { discoveryPrefix: 'homeassistant', limits: { maxPacketBytes: 8192, maxConnections: 50 } });
    expect(out.needRotate).toEqual([{ deviceId: legacy.device.deviceId, name: 'legacy' }]);
    expect(statSync(join(dir, 'passwd')).mode & 0o777).toBe(0o640);
    expect(statSync(join(dir, 'hub.env')).mode & 0o777).toBe(0o600);
    broker = await startMosquitto(dir);
    const hubPassword = /JARVIS_MQTT_PASSWORD=(.*)/.exec(readFileSync(join(dir, 'hub.env'), 'utf8'))![1]!;

    const hub = await login('jarvis-hub', hubPassword);
    const seen: string[] = [];
    hub.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    await hub.subscribeAsync('jarvis/v1/device/+/#', { qos: 1 });

    const ca = await login(a.device.mqttUsername, a.credentials.mqttPassword, `jarvis-${a.device.deviceId}-wearable`);
    const cb = await login(b.device.mqttUsername, b.credentials.mqttPassword, `jarvis-${b.device.deviceId}-wearable`);
    await ca.publishAsync(topicFor(a.device.deviceId, 'status'), '{"state":"online"}', { qos: 1 });
    // Denied by the ACL: another device's mute, and a topic outside every device's own.
    await ca.publishAsync(topicFor(b.device.deviceId, 'state/mute'), '{"muted":true}', { qos: 1 });
    await ca.publishAsync(topicFor(a.device.deviceId, 'cmd/say'), '{"text":"spoofed"}', { qos: 1 });
    await cb.publishAsync(topicFor(b.device.deviceId, 'status'), '{"state":"online"}', { qos: 1 });
    await expect.poll(() => seen.length).toBe(2);
    expect(seen).toEqual([`${topicFor(a.device.deviceId, 'status')} {"state":"online"}`, `${topicFor(b.device.deviceId, 'status')} {"state":"online"}`]);

    // Mosquitto grants any subscription but delivers only what the ACL lets a device read: a device that
    // subscribes to # and to another device's commands still hears only its own.
    const heardByA: string[] = [];
    ca.on('message', (topic) => heardByA.push(topic));
    await ca.subscribeAsync([topicFor(b.device.deviceId, 'cmd/say'), '#', topicFor(a.device.deviceId, 'cmd/say')], { qos: 1 });
    await hub.publishAsync(topicFor(b.device.deviceId, 'cmd/say'), '{"text":"for b"}', { qos: 1 });
    await hub.publishAsync(topicFor(a.device.deviceId, 'cmd/say'), '{"text":"for a"}', { qos: 1 });
    await expect.poll(() => heardByA.length).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(heardByA).toEqual([topicFor(a.device.deviceId, 'cmd/say')]);

    // Device a claiming b's client id does not kick b [MQTT-6.9].
    const bClosed = new Promise<boolean>((resolve) => {
      cb.once('close', () => resolve(true));
      setTimeout(() => resolve(false), 1_500);
    });
    // (Mosquitto gives the new session a's own username as its id, so it replaces a's older session
    // instead: the trade-off of use_username_as_clientid that SPEC §8 states.)
    const aClosedByOwnLogin = new Promise<void>((resolve) => ca.once('close', () => resolve()));
    const a2 = await login(a.device.mqttUsername, a.credentials.mqttPassword, `jarvis-${b.device.deviceId}-wearable`);
    expect(await bClosed).toBe(false);
    expect(cb.connected).toBe(true);
    await aClosedByOwnLogin;

    // Wrong passwords and the device without a $7$ hash are refused.
    await expect(login(b.device.mqttUsername, 'wrong')).rejects.toThrow(/not authorized|bad user name or password/i);
    await expect(login(legacy.device.mqttUsername, legacy.credentials.mqttPassword)).rejects.toThrow(/not authorized|bad user name or password/i);

    // A packet over max_packet_size closes that client and only that client.
    const aClosed = new Promise<void>((resolve) => a2.once('close', () => resolve()));
    a2.publish(topicFor(a.device.deviceId, 'event/button'), 'x'.repeat(20_000), { qos: 0 });
    await aClosed;
    expect(hub.connected).toBe(true);
  });

  it('re-running keeps the hub login and takes up a rotated device', async () => {
    const a = repo.add({ name: 'a', area: 'Kitchen', kind: 'wearable' });
    db.prepare('UPDATE devices SET mosquitto_password_hash = NULL WHERE id = ?').run(a.device.id);
    expect(exportMosquitto(repo, dir, { discoveryPrefix: 'homeassistant' }).needRotate).toHaveLength(1);
    const hubEnv = readFileSync(join(dir, 'hub.env'), 'utf8');
    const rotated = repo.rotateKey(a.device.id)!;
    expect(exportMosquitto(repo, dir, { discoveryPrefix: 'homeassistant' }).needRotate).toEqual([]);
    expect(readFileSync(join(dir, 'hub.env'), 'utf8')).toBe(hubEnv);
    broker = await startMosquitto(dir);
    const c = await login(rotated.device.mqttUsername, rotated.credentials.mqttPassword);
    expect(c.connected).toBe(true);
  });
});

describe('jarvis mqtt export-mosquitto', () => {
  function io(env: NodeJS.ProcessEnv): { io: Parameters<typeof runCli>[1]; out: () => string; err: () => string } {
    let out = '';
    let err = '';
    const sink = (f: (s: string) => void): Writable => new Writable({ write: (c, _e, cb) => (f(c.toString()), cb()) });
    return { io: { stdin: new PassThrough(), stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env }, out: () => out, err: () => err };
  }
  it('writes the files and lists devices that need a rotate-key', async () => {
    repo.add({ name: 'kitchen', area: 'Kitchen', kind: 'wearable' });
    db.close();
    const t = io({ JARVIS_DATA_DIR: dir });
    expect(await runCli(['mqtt', 'export-mosquitto', '--out', join(dir, 'out'), '--listen', '127.0.0.1:1884', '--json'], t.io)).toBe(0);
    const r = JSON.parse(t.out()) as { files: string[]; devices: number; needRotate: unknown[] };
    expect(r.devices).toBe(1);
    expect(r.needRotate).toEqual([]);
    expect(readFileSync(join(dir, 'out', 'mosquitto.conf'), 'utf8')).toContain('listener 1884 127.0.0.1');
    db = openDatabase(join(dir, 'jarvis.db'));
  });
  for (const [args, message] of [
    [[], '--out DIR is required'],
    [['--out', 'x', '--listen', 'host:99999'], '--listen must be PORT or HOST:PORT'],
    [['--out', 'x', '--max-packet-bytes', '12'], '--max-packet-bytes must be a whole number from 1024'],
    [['--out', 'x', '--max-connections', 'lots'], '--max-connections must be a whole number'],
    [['--out', 'x', 'extra'], 'unexpected argument "extra"'],
    [['--out', 'x', '--bogus'], 'bogus'],
  ] as const) {
    it(`exits 2 on ${args.join(' ') || 'no flags'}`, async () => {
      const t = io({ JARVIS_DATA_DIR: dir });
      expect(await runCli(['mqtt', 'export-mosquitto', ...args], t.io)).toBe(2);
      expect(t.err()).toContain(message);
    });
  }
  it('refuses a broken hub.env from an earlier export instead of silently making a new hub login', async () => {
    writeFileSync(join(dir, 'hub.env'), 'JARVIS_MQTT_USERNAME=jarvis-hub\n');
    expect(() => exportMosquitto(repo, dir, { discoveryPrefix: 'homeassistant' })).toThrow(expect.objectContaining({ code: 'JARVIS_MQTT_EXPORT_BAD_NAME' }));
  });
});
