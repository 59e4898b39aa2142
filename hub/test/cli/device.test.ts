import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviceBundleSchema } from '@jarvis/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { captureIO } from '../../../tests/helpers/capture-io.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function jarvis(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO({ ...env });
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'jarvis-cli-'));
  dirs.push(d);
  return d;
}

describe('jarvis device', () => {
  it('adds a device and prints a valid bundle once, then lists, shows, rotates and removes it', async () => {
    const dir = dataDir();
    const add = await jarvis(['device', 'add', 'kitchen', '--area', 'Kitchen', '--json', '--data-dir', dir, '--host', '127.0.0.1', '--udp-port', '9999']);
    expect(add.code).toBe(0);
    const bundle = deviceBundleSchema.parse(JSON.parse(add.out));
    expect(bundle).toMatchObject({ name: 'kitchen', area: 'Kitchen', kind: 'wearable', hub: { udp: '127.0.0.1:9999' } });

    const list = await jarvis(['device', 'list', '--json', '--data-dir', dir]);
    expect(JSON.parse(list.out).devices).toEqual([expect.objectContaining({ id: bundle.deviceId, name: 'kitchen', muted: false })]);
    const show = await jarvis(['device', 'show', 'kitchen', '--data-dir', dir]);
    expect(show.out).toContain(bundle.deviceId);
    expect(show.out).not.toContain(bundle.key);
    expect(show.out).not.toContain(bundle.mqtt.password);

    const out = join(dir, 'new-bundle.json');
    const rotate = await jarvis(['device', 'rotate-key', bundle.deviceId, '--out', out, '--data-dir', dir]);
    expect(rotate.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const rotated = deviceBundleSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(rotated.deviceId).toBe(bundle.deviceId);
    expect(rotated.key).not.toBe(bundle.key);
    expect(rotate.out).not.toContain(rotated.key);

    expect((await jarvis(['device', 'remove', 'kitchen', '--data-dir', dir])).code).toBe(0);
    const gone = await jarvis(['device', 'show', 'kitchen', '--data-dir', dir]);
    expect(gone.code).toBe(1);
    expect(gone.err).toContain('JARVIS_CLI_DEVICE_NOT_FOUND');
  });

  it('stores the UDP key sealed and the MQTT password hashed', async () => {
    const dir = dataDir();
    const bundle = deviceBundleSchema.parse(JSON.parse((await jarvis(['device', 'add', 'x', '--area', 'A', '--json', '--data-dir', dir])).out));
    const db = readFileSync(join(dir, 'jarvis.db'));
    const wal = (() => {
      try {
        return readFileSync(join(dir, 'jarvis.db-wal'));
      } catch {
        return Buffer.alloc(0);
      }
    })();
    for (const file of [db, wal]) {
      expect(file.includes(Buffer.from(bundle.key, 'hex'))).toBe(false);
      expect(file.includes(Buffer.from(bundle.key))).toBe(false);
      expect(file.includes(Buffer.from(bundle.mqtt.password))).toBe(false);
    }
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
  });

  it('rejects bad usage with a coded error and exit code 2', async () => {
    const dir = dataDir();
    const cases: [string[], RegExp][] = [
      [['device', 'add', 'x', '--data-dir', dir], /--area AREA is required.*JARVIS_CLI_BAD_ARGUMENT/],
      [['device', 'add', '--area', 'A', '--data-dir', dir], /exactly one NAME/],
      [['device', 'add', 'x', '--area', 'A', '--kind', 'toaster', '--data-dir', dir], /--kind must be wearable or satellite/],
      [['device', 'add', 'x', '--area', 'A', '--colour', 'red', '--data-dir', dir], /Unknown option '--colour'.*JARVIS_CLI_BAD_FLAG/],
      [['device', 'list', '--data-dir', dir, '--http-port', 'abc'], /http\.port: .*\(from --http-port\)/],
      [['device', 'frobnicate'], /JARVIS_CLI_UNKNOWN_COMMAND/],
      [['nope'], /JARVIS_CLI_UNKNOWN_COMMAND/],
    ];
    for (const [args, pattern] of cases) {
      const r = await jarvis(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.replace(/\n/g, ' ')).toMatch(pattern);
    }
  });

  it('reports a bad config file with every problem, exit code 2', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'jarvis.yaml'), 'http:\n  port: -1\nmqtt:\n  prot: 1\n');
    const r = await jarvis(['device', 'list', '--data-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/http\.port: /);
    expect(r.err).toMatch(/mqtt: .*prot/);
  });

  it('refuses a duplicate name and prints --help', async () => {
    const dir = dataDir();
    await jarvis(['device', 'add', 'x', '--area', 'A', '--data-dir', dir]);
    const dup = await jarvis(['device', 'add', 'x', '--area', 'A', '--data-dir', dir]);
    expect(dup.code).toBe(1);
    expect(dup.err).toContain('JARVIS_CLI_DEVICE_EXISTS');
    const help = await jarvis(['device', 'add', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: jarvis device add NAME --area AREA');
    const top = await jarvis(['--help']);
    expect(top.out).toMatch(/jarvis hub\s/);
  });
});
