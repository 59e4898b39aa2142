import { afterEach, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/types.js';
import { runSimulate } from '@jarvis/ha-simulator';
import { haSnapshotCommand } from '../../src/home-assistant/cli.js';
import { parseRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import type { HomeAssistantSimulator } from '@jarvis/ha-simulator';
import { connectLibrary, fixtureHome, FIXTURE_HOME, startSimulator } from './helpers.js';
import { captureIO } from '../../../tests/helpers/capture-io.js';
import { callService } from 'home-assistant-js-websocket';

function io(): { io: CliIO; out: () => string; err: () => string } {
  const c = captureIO({}, { stdin: '' });
  return { io: c, out: c.out, err: c.err };
}

let sim: HomeAssistantSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe('jarvis ha snapshot', () => {
  it('writes a valid snapshot of a live HA (the simulator)', async () => {
    sim = await startSimulator('tok');
    const t = io();
    expect(await haSnapshotCommand.run(['--url', sim.url, '--token', 'tok'], t.io)).toBe(0);
    const snap = parseRegistrySnapshot(JSON.parse(t.out()));
    expect(snap.entities.map((e) => e.entity_id).sort()).toEqual(fixtureHome().entities.map((e) => e.entity_id).sort());
    expect(snap.areas).toEqual(fixtureHome().areas);
  });

  it.each([
    [['--url', 'http://127.0.0.1:1', '--token', 'tok', '--timeout', '500'], 1, 'JARVIS_HA_CANNOT_CONNECT'],
    [['--url', 'ftp://x', '--token', 'tok'], 2, 'JARVIS_HA_BAD_ARGS'],
    [['--url', 'http://127.0.0.1:1'], 2, 'JARVIS_HA_BAD_ARGS'],
    [['--url', 'http://127.0.0.1:1', '--token', 't', '--timeout', 'soon'], 2, 'JARVIS_HA_BAD_ARGS'],
    [['--what'], 2, 'JARVIS_HA_BAD_ARGS'],
  ])('fails clearly for %j', async (args, exit, code) => {
    const t = io();
    expect(await haSnapshotCommand.run(args, t.io)).toBe(exit);
    expect(t.err()).toContain(`(${code})`);
  });

  it('reports a refused token', async () => {
    sim = await startSimulator('tok');
    const t = io();
    expect(await haSnapshotCommand.run(['--url', sim.url, '--token', 'nope'], t.io)).toBe(1);
    expect(t.err()).toContain('(JARVIS_HA_AUTH_INVALID)');
  });
});

describe('jarvis-ha-sim', () => {
  it('serves the registry, prints URL and token, logs service calls, stops on abort', async () => {
    const t = io();
    const ac = new AbortController();
    const running = runSimulate(['--registry', FIXTURE_HOME, '--port', '0', '--token', 'demo'], t.io, ac.signal);
    while (!t.out().includes('\n')) await new Promise((r) => setTimeout(r, 10));
    const info = JSON.parse(t.out().split('\n')[0]!) as { url: string; token: string; entities: number };
    expect(info).toMatchObject({ token: 'demo', entities: fixtureHome().entities.length });
    const conn = await connectLibrary(info.url, 'demo');
    await callService(conn, 'light', 'turn_on', undefined, { entity_id: 'light.kitchen' });
    conn.close();
    while (!t.out().includes('light.turn_on')) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    expect(await running).toBe(0);
    expect(t.out()).toContain('"entities":["light.kitchen"]');
  });

  it.each([
    [['--port', 'eighty'], 'JARVIS_HA_BAD_ARGS'],
    [['--port', '70000'], 'JARVIS_HA_BAD_ARGS'],
    [['--registry', '/nope.json', '--port', '0'], 'JARVIS_HA_BAD_SNAPSHOT'],
    [['--colour', 'red'], 'JARVIS_HA_BAD_ARGS'],
  ])('exits 2 for %j', async (args, code) => {
    const t = io();
    expect(await runSimulate(args, t.io, new AbortController().signal)).toBe(2);
    expect(t.err()).toContain(`(${code})`);
  });
});
