/**
 * `jarvis-edge` as an operator meets it, against a real hub on port 0: `check` with good and refused
 * credentials, `run` refused by the broker, and the built executable stopped by SIGTERM.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { encodeWav, runEdgeCli } from '@jarvis/edge-agent';
import type { DeviceBundle } from '@jarvis/protocol';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../hub/test/helpers/test-hub.js';

const CLI = fileURLToPath(new URL('../edge-agent/dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'jarvis-edge-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const wav = join(dir, 'tone.wav');
writeFileSync(wav, encodeWav(Int16Array.from({ length: 16000 }, (_, i) => Math.round(8000 * Math.sin(i / 5))), 16000));

let t: TestHub;
beforeEach(async () => {
  t = await startTestHub();
});
afterEach(async () => {
  await t.close();
});

function writeBundle(bundle: DeviceBundle, name: string): string {
  const p = join(dir, `${name}.json`);
  writeFileSync(p, JSON.stringify(bundle));
  return p;
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runEdgeCli(argv, {
    stdin: new PassThrough(),
    stdout: new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) }),
    stderr: new Writable({ write: (c, _e, cb) => ((err += String(c)), cb()) }),
    env: {},
  });
  return { code, out, err };
}

describe('jarvis-edge against a real hub', () => {
  it('check passes with the bundle of jarvis device add', async () => {
    const bundle = writeBundle(t.addDevice('kitchen', 'satellite'), 'good');
    const r = await cli(['check', '--bundle', bundle, '--source', 'file', '--file', wav]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok {4}mqtt login: mqtt:\/\/127\.0\.0\.1:\d+ accepted [0-9a-f]{8} in \d+ ms$/m);
    expect(r.out).toMatch(/^ok {4}hub http: http:\/\/127\.0\.0\.1:\d+\/healthz answered 200$/m);
    expect(r.out).toMatch(/^ok {4}hub udp: /m);
    expect(r.out).toContain('All checks passed.');
  });

  it('refused credentials: check fails and run exits 3 with JARVIS_EDGE_MQTT_AUTH instead of retrying forever', async () => {
    const good = t.addDevice('kitchen', 'satellite');
    const bundle = writeBundle({ ...good, mqtt: { ...good.mqtt, password: 'not-the-password' } }, 'refused');
    const check = await cli(['check', '--bundle', bundle, '--source', 'file', '--file', wav]);
    expect(check.code).toBe(1);
    expect(check.out).toMatch(/^FAIL {2}mqtt login: the broker at .* refused the credentials .* \[JARVIS_EDGE_MQTT_AUTH\]$/m);
    const run = await cli(['run', '--bundle', bundle, '--source', 'file', '--file', wav, '--loop', '--log-level', 'silent']);
    expect(run.code).toBe(3);
    expect(run.err).toMatch(/JARVIS_EDGE_MQTT_AUTH: .*provision it again with jarvis device add/);
  });

  it('the built jarvis-edge streams, and SIGTERM stops it cleanly: END frame, status offline, exit 0', async () => {
    const bundle = t.addDevice('hall', 'satellite');
    const file = writeBundle(bundle, 'sigterm');
    let samples = 0;
    t.hub.parts.ingest.onAudio((c) => (samples += c.samples.length));
    const child = spawn(process.execPath, [CLI, 'run', '--bundle', file, '--source', 'file', '--file', wav, '--loop'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      await expect.poll(() => samples, { timeout: 10_000 }).toBeGreaterThan(8000);
      expect(t.hub.parts.mqtt.stateOf(bundle.deviceId).online).toBe(true);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect(err).toBe('');
    const states = out.trim().split('\n').map((l) => JSON.parse(l) as { facility?: string; from?: string; to?: string }).filter((l) => l.facility === 'edge:state');
    expect(states.map((s) => s.to)).toEqual(['connecting', 'streaming', 'stopped']);
    // The agent said goodbye itself (the last will carries no kind).
    await expect.poll(() => t.hub.parts.mqtt.stateOf(bundle.deviceId).status, { timeout: 3000 }).toMatchObject({ state: 'offline', kind: 'satellite' });
    expect(t.hub.parts.ingest.statsFor(bundle.deviceId)?.datagrams.bad_tag).toBe(0);
    expect(out).not.toContain(bundle.mqtt.password);
    expect(out).not.toContain(bundle.key);
  }, 30_000);
});
