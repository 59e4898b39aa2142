import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIO } from '../../../tests/helpers/capture-io.js';
import { routeCommand } from '../../src/router/cli.js';
import { FIXTURE_HOME } from '../home-assistant/helpers.js';

async function runRoute(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO({}, { stdin });
  const code = await routeCommand.run(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('jarvis route', () => {
  it('prints the decision as one JSON object with HA slot values', async () => {
    const r = await runRoute(['turn off the lights', '--area', 'Bedroom', '--registry', FIXTURE_HOME]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      intent: 'HassTurnOff', action: 'turn off', slots: { area: 'Bedroom', domain: 'light' }, path: 'hot', tier: 0, confidence: 1, targets: ['light.bedroom', 'light.bedside_lamp'],
    });
    expect(Object.keys(JSON.parse(r.out) as object)).toEqual(['intent', 'action', 'slots', 'path', 'tier', 'confidence', 'targets']);
    // The human action beside HA's intent name: "unlock", not HassTurnOff.
    const lock = await runRoute(['unlock the front door', '--registry', FIXTURE_HOME]);
    expect(JSON.parse(lock.out)).toMatchObject({ intent: 'HassTurnOff', action: 'unlock', slots: { name: 'Front Door', domain: 'lock' }, code: 'JARVIS_ROUTE_NEEDS_OPT_IN' });
  });

  it('accepts the area by id and prints refusals with reply and code', async () => {
    const r = await runRoute(['--registry', FIXTURE_HOME, '--area', 'hallway', 'unlock the front door']);
    expect(JSON.parse(r.out)).toMatchObject({ intent: 'HassTurnOff', path: 'none', code: 'JARVIS_ROUTE_NEEDS_OPT_IN', reply: expect.any(String) });
  });

  it('routes JSONL in order; a bad line becomes a coded error line and the rest continue', async () => {
    const input = [
      JSON.stringify({ text: 'turn on the lights', context: { area: 'kitchen' } }),
      '{not json',
      JSON.stringify({ text: 42 }),
      JSON.stringify({ text: 'pause', context: { area: 'Atlantis' } }),
      '',
      JSON.stringify({ text: 'set the bedroom lights to fifty percent' }),
      JSON.stringify(['turn on']),
      JSON.stringify({ text: 'what time is it', context: 'kitchen' }),
    ].join('\n');
    const r = await runRoute(['--jsonl', '--registry', FIXTURE_HOME], input);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, { code?: string; line?: number }>);
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatchObject({ intent: 'HassTurnOn', targets: ['light.kitchen'] });
    expect(lines[1]).toEqual({ error: { code: 'JARVIS_ROUTE_BAD_LINE', message: expect.stringContaining('line 2 is not JSON'), line: 2 } });
    expect(lines[2]!['error']).toMatchObject({ code: 'JARVIS_ROUTE_BAD_LINE', line: 3 });
    expect(lines[3]!['error']).toMatchObject({ code: 'JARVIS_ROUTE_UNKNOWN_AREA', line: 4 });
    expect(lines[4]).toMatchObject({ intent: 'HassLightSet', slots: { brightness: 50, area: 'Bedroom' } });
    expect(lines[5]!['error']).toMatchObject({ code: 'JARVIS_ROUTE_BAD_LINE', line: 7 });
    expect(lines[6]!['error']).toMatchObject({ code: 'JARVIS_ROUTE_BAD_LINE', line: 8 });
  });

  it.each([
    [['--bogus', 'x', '--registry', FIXTURE_HOME], 'JARVIS_ROUTE_BAD_ARGS'],
    [['--registry', FIXTURE_HOME], 'JARVIS_ROUTE_NO_TEXT'],
    [['hello', '--jsonl', '--registry', FIXTURE_HOME], 'JARVIS_ROUTE_BAD_ARGS'],
    [['turn on the lights', '--area', 'Narnia', '--registry', FIXTURE_HOME], 'JARVIS_ROUTE_UNKNOWN_AREA'],
    [['turn on the lights', '--registry', '/nonexistent/registry.json'], 'JARVIS_HA_BAD_SNAPSHOT'],
  ])('exits 2 with a clear coded error for %j', async (args, code) => {
    const r = await runRoute(args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`(${code})`);
    expect(r.out).toBe('');
  });

  it('rejects a registry that does not match the schema, naming the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-route-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ floors: [], areas: [], entities: [{ entity_id: 'Light Kitchen', name: 'x', state: 'on' }] }));
    const r = await runRoute(['turn on the lights', '--registry', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/entities\.0\.entity_id: must look like domain\.object_id/);
  });

  it('prints help', async () => {
    const r = await runRoute(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: jarvis route');
  });
});
