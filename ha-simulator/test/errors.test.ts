import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshot, SIMULATOR_ERROR_CODES, SimulatorError } from '../src/index.js';

describe('ha-simulator/ERRORS.md', () => {
  it('documents exactly the codes the simulator throws', () => {
    const doc = readFileSync(new URL('../ERRORS.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `(JARVIS_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(SIMULATOR_ERROR_CODES).sort());
  });
});

describe('readSnapshot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ha-sim-'));
  it.each([
    ['not JSON', '{', /is not JSON|cannot read/],
    ['no entities', '{}', /entities/],
    ['an unknown area', JSON.stringify({ entities: [{ entity_id: 'light.a', name: 'A', state: 'on', area_id: 'attic' }] }), /entities\.0\.area_id: unknown area "attic"/],
  ])('rejects %s with JARVIS_HA_BAD_SNAPSHOT and the path', (_name, text, message) => {
    const file = join(dir, `${_name.replace(/\W/g, '-')}.json`);
    writeFileSync(file, text);
    const err = (() => {
      try {
        readSnapshot(file);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SimulatorError);
    expect((err as SimulatorError).code).toBe('JARVIS_HA_BAD_SNAPSHOT');
    expect((err as SimulatorError).message).toMatch(message);
  });

  it('rejects a missing file', () => {
    expect(() => readSnapshot(join(dir, 'absent.json'))).toThrow(expect.objectContaining({ code: 'JARVIS_HA_BAD_SNAPSHOT' }));
  });
});
