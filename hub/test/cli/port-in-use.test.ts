import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runSimulate } from '@jarvis/ha-simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { hubCommand } from '../../src/cli/hub.js';
import { portInUseMessage } from '../../src/cli/port-in-use.js';
import { loadConfig } from '../../src/config/load.js';

// Issue 18 finding 5: a busy port is a coded error that names the flag to change, not a stack trace.

const held: (Server | Socket)[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const h of held.splice(0)) await new Promise<void>((r) => h.close(() => r()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function busyTcp(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  held.push(s);
  return (s.address() as { port: number }).port;
}
async function busyUdp(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  held.push(s);
  return s.address().port;
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c) => out.push(String(c)));
  stderr.on('data', (c) => err.push(String(c)));
  return { io: { stdin: new PassThrough(), stdout, stderr, env: {} }, out: () => out.join(''), err: () => err.join('') };
}

describe('jarvis hub on a busy port', () => {
  it.each([
    ['mqtt-port', busyTcp],
    ['http-port', busyTcp],
    ['udp-port', busyUdp],
  ] as const)('--%s taken: exit 1, JARVIS_CLI_PORT_IN_USE naming the flag, no stack trace', async (flag, occupy) => {
    const busy = await occupy();
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-busy-'));
    dirs.push(dir);
    const ports: Record<string, string> = { 'http-port': '0', 'udp-port': '0', 'mqtt-port': '0', 'grpc-port': '0', [flag]: String(busy) };
    const t = io();
    const code = await hubCommand.run(['--data-dir', dir, '--host', '127.0.0.1', ...Object.entries(ports).flatMap(([k, v]) => [`--${k}`, v])], t.io);
    expect(code).toBe(1);
    expect(t.err()).toContain(`port ${busy} (`);
    expect(t.err()).toContain(`--${flag} N`);
    expect(t.err()).toContain('(JARVIS_CLI_PORT_IN_USE)');
    expect(t.out() + t.err()).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('an error without EADDRINUSE is not taken for a port clash', () => {
    const config = loadConfig({ flags: {}, env: {} });
    expect(portInUseMessage(new Error('disk full'), config)).toBeUndefined();
    expect(portInUseMessage('EADDRINUSE', config)).toBeUndefined();
    const wrapped = new Error('mqtt failed to start', { cause: Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:1883'), { code: 'EADDRINUSE', port: 1883 }) });
    expect(portInUseMessage(wrapped, config)).toContain('--mqtt-port N');
    expect(portInUseMessage(Object.assign(new Error('EADDRINUSE'), { code: 'EADDRINUSE', port: 9 }), config)).toMatch(/--http-port \(now 8640\)/);
  });
});

describe('jarvis-ha-sim on a busy port', () => {
  it('exits 2 with JARVIS_HA_PORT_IN_USE naming --port, no stack trace', async () => {
    const busy = await busyTcp();
    const t = io();
    expect(await runSimulate(['--port', String(busy), '--token', 'x'], t.io, new AbortController().signal)).toBe(2);
    expect(t.err()).toContain('(JARVIS_HA_PORT_IN_USE)');
    expect(t.err()).toContain('--port N');
    expect(t.err()).not.toMatch(/\n\s+at /);
  });
});
