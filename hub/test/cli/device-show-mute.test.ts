import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { captureIO } from '../../../tests/helpers/capture-io.js';
import { RUNTIME_FILE } from '../../src/hub-parts.js';
import { startTestHub, type TestHub } from '../helpers/test-hub.js';

/**
 * Issue 18, finding 2: `jarvis device show` used to print the stored retained `state/mute` only, so a device muted
 * by the MUTED flag of its running stream (or by the API) showed `muted: no` while the gate dropped its audio.
 * It now asks the running hub's gate, and says when it could not and what it shows instead.
 */

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function jarvis(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO();
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}

interface Shown {
  muted: boolean;
  mute: { switch: boolean; frames: boolean; software: boolean; from: 'hub' | 'store'; note?: string };
}
async function show(dir: string, ref: string): Promise<Shown> {
  const r = await jarvis(['device', 'show', ref, '--json', '--data-dir', dir]);
  expect(r.code, r.err).toBe(0);
  return (JSON.parse(r.out) as { device: Shown }).device;
}

async function apiMuted(hub: TestHub, id: string): Promise<boolean> {
  const token = readFileSync(join(hub.dataDir, 'admin-token'), 'utf8').trim();
  const res = await fetch(`http://127.0.0.1:${hub.hub.ports.http}/api/v1/devices/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as { device: { muted: boolean } }).device.muted;
}

describe('jarvis device show: the mute the gate holds', () => {
  it('agrees with the gate and the API while a stream carries MUTED, and again when the stream ends', async () => {
    t = await startTestHub();
    const id = t.addDevice('kitchen').deviceId;
    const gate = t.hub.parts.gate;

    expect(await show(t.dataDir, 'kitchen')).toMatchObject({ muted: false, mute: { from: 'hub' } });

    gate.setFrameMuted(id, true); // a stream whose frames carry MUTED: nothing of it is stored
    expect(t.hub.parts.devices.mqttMuteStates().get(id) ?? false).toBe(false);
    const during = await show(t.dataDir, id);
    expect(during).toMatchObject({ muted: true, mute: { switch: false, frames: true, software: false, from: 'hub' } });
    expect(during.muted).toBe(gate.isMuted(id));
    expect(during.muted).toBe(await apiMuted(t, id));
    const text = await jarvis(['device', 'show', 'kitchen', '--data-dir', t.dataDir]);
    expect(text.out).toMatch(/muted: yes \(MUTED frames of the running stream\)\s+\(the running hub's gate\)/);

    gate.streamEnded(id, 'end-frame');
    expect(await show(t.dataDir, id)).toMatchObject({ muted: false, mute: { frames: false, from: 'hub' } });
    expect(await apiMuted(t, id)).toBe(false);

    gate.setSoftwareMuted(id, true, 'test');
    expect(await show(t.dataDir, id)).toMatchObject({ muted: true, mute: { software: true, from: 'hub' } });
    const list = await jarvis(['device', 'list', '--json', '--data-dir', t.dataDir]);
    expect(JSON.parse(list.out)).toEqual({ devices: [expect.objectContaining({ id, muted: true })] });
  }, 60_000);

  it('with no hub running, shows the stored switch and software mute and says why', async () => {
    t = await startTestHub();
    const id = t.addDevice('kitchen').deviceId;
    t.hub.parts.devices.setMqttMuteState(id, true); // what the hub stores when the retained state/mute arrives
    const runtime = readFileSync(join(t.dataDir, RUNTIME_FILE), 'utf8');
    const dir = t.dataDir;
    await t.hub.stop(); // removes hub-runtime.json

    const stopped = await show(dir, id);
    expect(stopped).toMatchObject({ muted: true, mute: { switch: true, frames: false, from: 'store', note: 'no hub is running with this data dir' } });
    const text = await jarvis(['device', 'show', id, '--data-dir', dir]);
    expect(text.out).toContain('muted: yes (switch: retained state/mute)  (stored state: no hub is running with this data dir)');

    // A runtime file left by a hub that was killed: its process is gone.
    const stale = JSON.parse(runtime) as { pid: number };
    writeFileSync(join(dir, RUNTIME_FILE), JSON.stringify({ ...stale, pid: 2 ** 22 + 1 }));
    expect((await show(dir, id)).mute).toMatchObject({ from: 'store', note: expect.stringContaining('which has ended') });
  }, 60_000);
});
