/**
 * The `wyoming` config section ([WY-3.1]) and `jarvis satellite …` ([WY-4.x]): off by default, a port
 * from flag/env/file turns the server on, allow-lists are checked, the CLI keeps the satellites file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIO } from '../../../tests/helpers/capture-io.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { wyomingServerPort } from '../../src/config/sections/wyoming.js';
import { satelliteCommands } from '../../src/wyoming/cli.js';
import { SATELLITES_FILE, SatelliteStore, parseHostPort } from '../../src/wyoming/satellite-store.js';
import { AddressAllowlist } from '../../src/wyoming/cidr.js';
import type { CliIO } from '../../src/cli/types.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'jarvis-wyoming-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configIssues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return [...err.issues];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('[WY-3.1] wyoming config', () => {
  it('is off by default with a loopback allowlist and mDNS on', () => {
    const c = loadConfig({ env: { JARVIS_DATA_DIR: tempDir() }, argv: [] });
    expect(wyomingServerPort(c.wyoming)).toBeUndefined();
    expect(c.wyoming.allow).toEqual(['127.0.0.0/8', '::1/128']);
    expect(c.wyoming.mdns).toBe(true);
  });

  it('--wyoming-port, JARVIS_WYOMING_PORT or enabled turn it on; 0 means any free port', () => {
    expect(wyomingServerPort(loadConfig({ env: { JARVIS_DATA_DIR: tempDir() }, argv: ['--wyoming-port', '10400'] }).wyoming)).toBe(10400);
    expect(wyomingServerPort(loadConfig({ env: { JARVIS_DATA_DIR: tempDir(), JARVIS_WYOMING_PORT: '0' }, argv: [] }).wyoming)).toBe(0);
    expect(wyomingServerPort(loadConfig({ env: { JARVIS_DATA_DIR: tempDir(), JARVIS_WYOMING_ENABLED: 'true' }, argv: [] }).wyoming)).toBe(10300);
    const dir = tempDir();
    writeFileSync(join(dir, 'jarvis.yaml'), 'wyoming:\n  port: 10311\n  allow: [192.168.1.10/32, "fd00::/8"]\n  mdns: false\n');
    const c = loadConfig({ env: { JARVIS_DATA_DIR: dir }, argv: [] });
    expect(wyomingServerPort(c.wyoming)).toBe(10311);
    expect(c.wyoming.allow).toEqual(['192.168.1.10/32', 'fd00::/8']);
  });

  it('reports bad ports and bad CIDRs with their paths, all at once', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'jarvis.yaml'), 'wyoming:\n  port: 70000\n  allow: [10.0.0.0/33, not-an-ip, 10.1.2.3]\n');
    const issues = configIssues(() => loadConfig({ env: { JARVIS_DATA_DIR: dir }, argv: [] }));
    expect(issues.some((i) => i.startsWith('wyoming.port'))).toBe(true);
    expect(issues.filter((i) => i.startsWith('wyoming.allow')).length).toBe(2);
    expect(configIssues(() => loadConfig({ env: { JARVIS_DATA_DIR: tempDir() }, argv: ['--wyoming-port', 'ten'] })).some((i) => i.startsWith('wyoming.port'))).toBe(true);
  });

  it('the allowlist matches IPv4, IPv6 and IPv4-mapped peers', () => {
    const a = new AddressAllowlist(['192.168.1.0/24', '::1/128']);
    expect(a.allows('192.168.1.77')).toBe(true);
    expect(a.allows('::ffff:192.168.1.77')).toBe(true);
    expect(a.allows('192.168.2.1')).toBe(false);
    expect(a.allows('::1')).toBe(true);
    expect(a.allows('::2')).toBe(false);
    expect(a.allows(undefined)).toBe(false);
    expect(a.allows('garbage')).toBe(false);
  });
});

function io(dataDir: string): CliIO & { out(): string; err(): string } {
  return captureIO({ JARVIS_DATA_DIR: dataDir });
}

const cmd = (verb: string) => satelliteCommands.find((c) => c.path[1] === verb)!;

describe('[WY-4.1] jarvis satellite', () => {
  it('add, list, mute, unmute, remove', async () => {
    const dir = tempDir();
    const t = io(dir);
    expect(await cmd('add').run(['192.168.1.20:10700', '--area', 'Kitchen', '--name', 'kitchen'], t)).toBe(0);
    expect(t.out()).toContain('Satellite kitchen (192.168.1.20:10700, Kitchen) added');
    expect(await cmd('add').run(['[fd00::5]', '--json'], t)).toBe(0);
    const stored = new SatelliteStore(dir).list();
    expect(stored).toEqual([
      { name: 'kitchen', host: '192.168.1.20', port: 10700, area: 'Kitchen', muted: false },
      { name: 'satellite-fd00-5', host: 'fd00::5', port: 10700, muted: false },
    ]);
    expect(await cmd('mute').run(['kitchen'], t)).toBe(0);
    expect(new SatelliteStore(dir).list()[0]).toMatchObject({ muted: true, mutedBy: 'cli' });
    expect(await cmd('list').run([], t)).toBe(0);
    expect(t.out()).toContain('kitchen\t192.168.1.20:10700\tKitchen\tmuted (cli)');
    expect(await cmd('unmute').run(['kitchen'], t)).toBe(0);
    expect(await cmd('remove').run(['satellite-fd00-5'], t)).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, SATELLITES_FILE), 'utf8'))).toEqual({ version: 1, satellites: [{ name: 'kitchen', host: '192.168.1.20', port: 10700, area: 'Kitchen', muted: false, mutedBy: 'cli' }] });
  });

  it('bad input: a clear coded error and nothing written', async () => {
    const dir = tempDir();
    const t = io(dir);
    expect(await cmd('add').run(['host:99999'], t)).toBe(2);
    expect(await cmd('add').run([], t)).toBe(2);
    expect(await cmd('add').run(['a b:10'], t)).toBe(2);
    expect(await cmd('add').run(['10.0.0.1', '--bogus'], t)).toBe(2);
    expect(await cmd('add').run(['10.0.0.1', '--name', 'Bad Name'], t)).toBe(2);
    expect(t.err()).toContain('JARVIS_CLI_BAD_ARGUMENT');
    expect(t.err()).toContain('JARVIS_CLI_BAD_FLAG');
    expect(new SatelliteStore(dir).list()).toEqual([]);
    expect(await cmd('add').run(['10.0.0.1'], t)).toBe(0);
    expect(await cmd('add').run(['10.0.0.1:10700', '--name', 'other'], t)).toBe(2);
    expect(t.err()).toContain('already added');
    expect(await cmd('mute').run(['nope'], t)).toBe(1);
    expect(t.err()).toContain('JARVIS_CLI_DEVICE_NOT_FOUND');
    writeFileSync(join(dir, SATELLITES_FILE), '{"version": 1, "satellites": [{"name": "x"}]}');
    expect(await cmd('list').run([], t)).toBe(2);
    expect(t.err()).toContain('JARVIS_WYOMING_BAD_CONFIG');
  });

  it('parses HOST:PORT forms', () => {
    expect(parseHostPort('sat.local')).toEqual({ host: 'sat.local', port: 10700 });
    expect(parseHostPort('10.0.0.2:10701')).toEqual({ host: '10.0.0.2', port: 10701 });
    expect(parseHostPort('[::1]:10700')).toEqual({ host: '::1', port: 10700 });
    expect(() => parseHostPort('::1:10700')).toThrow(/HOST:PORT/);
  });
});
