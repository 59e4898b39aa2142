import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { edgeUsage, runEdgeCli } from '../src/cli-main.js';
import type { EdgeCliIO } from '../src/cli-types.js';
import { EDGE_ERROR_CODES } from '../src/errors.js';
import { sink } from './helpers/logs.js';

const dir = mkdtempSync(join(tmpdir(), 'edge-cli-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** A port nothing listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function bundleFor(port: number): string {
  return file(`bundle-${port}.json`, JSON.stringify({
    version: 1, deviceId: '0000002a', name: 'kitchen', area: 'Kitchen', kind: 'satellite', key: 'ab'.repeat(32),
    mqtt: { url: `mqtt://127.0.0.1:${port}`, username: 'device-0000002a', password: 'pw' },
    hub: { udp: `127.0.0.1:${port}`, http: `http://127.0.0.1:${port}` },
  }));
}

async function cli(argv: string[], signal?: AbortSignal): Promise<{ code: number; out: string; err: string }> {
  const out = sink();
  const err = sink();
  const io: EdgeCliIO = { stdin: new PassThrough(), stdout: out.stream, stderr: err.stream, env: {}, signal };
  const code = await runEdgeCli(argv, io);
  return { code, out: out.text(), err: err.text() };
}

describe('jarvis-edge CLI: help and usage errors', () => {
  it('prints help with every error code, exit 0; no command is exit 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const code of Object.keys(EDGE_ERROR_CODES)) expect(help.out).toContain(code);
    expect((await cli([])).code).toBe(2);
    expect(edgeUsage()).toContain('run');
    for (const c of ['run', 'check']) {
      const r = await cli([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: jarvis-edge ${c}`);
    }
  });

  it.each([
    [['frobnicate'], /JARVIS_EDGE_BAD_OPTION: unknown command "frobnicate"/],
    [['run', '--bundel', 'x'], /JARVIS_EDGE_BAD_OPTION: Unknown option '--bundel'/],
    [['run'], /JARVIS_EDGE_BAD_OPTION: --bundle FILE is required/],
    [['run', '--bundle'], /JARVIS_EDGE_BAD_OPTION: Option '--bundle <value>' argument missing/],
    [['check', '--bundle', 'b', '--timeout-ms', 'soon'], /--timeout-ms "soon" is not a whole number/],
  ])('%j exits 2 with a coded message', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});

describe('jarvis-edge CLI: bad input', () => {
  it('a bad bundle exits 2 naming the file and field', async () => {
    const r = await cli(['run', '--bundle', file('bad-bundle.json', '{"version":1}')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/JARVIS_EDGE_BAD_BUNDLE: bundle file .*bad-bundle.json is not a valid device bundle: deviceId/);
  });

  it('a bad config exits 2 listing every problem', async () => {
    const r = await cli(['run', '--bundle', bundleFor(1), '--config', file('bad.yaml', 'audio:\n  sampleRate: 11025\n  frameMs: 15\nhealth: { intervalS: 600 }\n')]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('JARVIS_EDGE_BAD_CONFIG: invalid config in');
    for (const p of ['audio.sampleRate:', 'audio.frameMs:', 'health.intervalS:']) expect(r.err).toContain(p);
    const flag = await cli(['run', '--bundle', bundleFor(1), '--codec', 'mp3']);
    expect(flag.code).toBe(2);
    expect(flag.err).toContain('audio.codec:');
  });

  it('a missing arecord exits 4 and says which package to install', async () => {
    const r = await cli(['run', '--bundle', bundleFor(1), '--config', file('no-arecord.yaml', `audio:\n  arecordPath: ${join(dir, 'arecord-missing')}\n`), '--log-level', 'silent']);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/JARVIS_EDGE_NO_ARECORD: cannot capture audio: ".*arecord-missing" is not installed or not executable \(install Debian's alsa-utils/);
  });

  it('a missing WAV for --source file exits 2', async () => {
    const r = await cli(['run', '--bundle', bundleFor(1), '--source', 'file', '--file', join(dir, 'none.wav'), '--log-level', 'silent']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/JARVIS_EDGE_BAD_WAV: cannot read audio file/);
  });

  it('an unreachable hub is a retry loop with growing, jittered delays; SIGTERM stops it cleanly with exit 0', async () => {
    const port = await deadPort();
    const wav = join(dir, 'tone.wav');
    const { encodeWav } = await import('../src/capture/wav.js');
    writeFileSync(wav, encodeWav(Int16Array.from({ length: 1600 }, (_, i) => i), 16000));
    const config = file('retry.yaml', 'reconnect: { initialMs: 50, maxMs: 400, jitter: 0.2 }\nmqtt: { connectTimeoutMs: 1000 }\n');
    const ac = new AbortController();
    const out = sink();
    const err = sink();
    const running = runEdgeCli(['run', '--bundle', bundleFor(port), '--config', config, '--source', 'file', '--file', wav, '--log-level', 'info'], { stdin: new PassThrough(), stdout: out.stream, stderr: err.stream, env: {}, signal: ac.signal });
    const lines = (): Array<Record<string, unknown>> => out.text().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    await expect.poll(() => lines().filter((l) => l['to'] === 'reconnecting').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    ac.abort();
    expect(await running).toBe(0);
    const reconnects = lines().filter((l) => l['to'] === 'reconnecting');
    const delays = reconnects.map((l) => Number(/next attempt in (\d+) ms/.exec(String(l['msg']))?.[1]));
    expect(delays[0]).toBeGreaterThanOrEqual(40);
    expect(delays[0]).toBeLessThanOrEqual(60);
    expect(delays[3]).toBeGreaterThanOrEqual(320);
    expect(delays[3]).toBeLessThanOrEqual(400);
    expect(String(reconnects[0]?.['msg'])).toMatch(/cannot reach the hub's MQTT broker at mqtt:\/\/127.0.0.1:\d+: .*ECONNREFUSED/);
    expect(lines().at(-1)).toMatchObject({ to: 'stopped', reason: 'stop requested' });
    expect(err.text()).toBe('');
  }, 20_000);

  it('check against an unreachable hub exits 1 and says what failed', async () => {
    const port = await deadPort();
    const wav = join(dir, 'check.wav');
    const { encodeWav } = await import('../src/capture/wav.js');
    writeFileSync(wav, encodeWav(Int16Array.from({ length: 16000 }, (_, i) => (i % 100) * 100), 16000));
    const r = await cli(['check', '--bundle', bundleFor(port), '--source', 'file', '--file', wav, '--timeout-ms', '1000']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^ok {4}bundle: device 0000002a "kitchen" \(satellite, Kitchen\)$/m);
    expect(r.out).toMatch(/^ok {4}microphone: file .*check.wav: 16000 Hz, 1.00 s, peak -10.\d dBFS/m);
    expect(r.out).toMatch(/^FAIL {2}mqtt login: cannot reach the hub's MQTT broker .* \[JARVIS_EDGE_MQTT_UNREACHABLE\]$/m);
    expect(r.out).toMatch(/^FAIL {2}hub http: /m);
    expect(r.out).toContain('Some checks failed.');
    const json = await cli(['check', '--bundle', bundleFor(port), '--source', 'file', '--file', wav, '--timeout-ms', '1000', '--json']);
    const parsed = JSON.parse(json.out) as { ok: boolean; checks: Array<{ name: string; status: string }> };
    expect(parsed.ok).toBe(false);
    expect(parsed.checks.find((c) => c.name === 'mqtt login')?.status).toBe('fail');
  }, 20_000);
});
