import { describe, expect, it } from 'vitest';
import { Allowlist, isSensitive } from '../../src/home-assistant/allowlist.js';
import { generateRegistry } from '../../src/home-assistant/registry-generator.js';
import { parseRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { fixtureHome } from './helpers.js';

describe('registry snapshot', () => {
  it('the fixture home is valid and realistic', () => {
    const home = fixtureHome();
    expect(home.floors.length).toBeGreaterThanOrEqual(3);
    expect(home.areas.length).toBeGreaterThanOrEqual(8);
    expect(home.entities.some((e) => e.exposed === false)).toBe(true);
    expect(home.entities.find((e) => e.entity_id === 'cover.garage_door')!.device_class).toBe('garage');
  });

  it('reports every problem with its path', () => {
    expect(() => parseRegistrySnapshot({ floors: [], areas: [{ area_id: 'x', name: 'X', floor_id: 'nope' }], entities: [{ entity_id: 'light.a', name: 'A', state: 'on', area_id: 'y' }, { entity_id: 'light.a', name: 'B', state: 'off' }] }))
      .toThrow(/areas\.0\.floor_id: unknown floor "nope"[\s\S]*entities\.0\.area_id: unknown area "y"[\s\S]*entities\.1\.entity_id: duplicate entity/);
    expect(() => parseRegistrySnapshot('nope')).toThrow(expect.objectContaining({ code: 'JARVIS_HA_BAD_SNAPSHOT' }));
  });

  it('generates a deterministic 1,000-entity registry', () => {
    const a = generateRegistry(1000);
    expect(a.entities).toHaveLength(1000);
    expect(parseRegistrySnapshot(a)).toEqual(a);
    expect(generateRegistry(1000)).toEqual(a);
  });
});

describe('allowlist', () => {
  it('follows HA exposure, config entries and opt-in for sensitive entities', () => {
    const list = new Allowlist({ entities: ['switch.space_*'], useHaExposure: true, optIn: ['lock.front_door'] });
    expect(list.check({ entity_id: 'light.kitchen', exposed: true })).toBeUndefined();
    expect(list.check({ entity_id: 'light.basement', exposed: false })).toBe('not_exposed');
    expect(list.check({ entity_id: 'light.unknown' })).toBe('not_exposed');
    expect(list.check({ entity_id: 'switch.space_heater', exposed: false })).toBeUndefined();
    expect(list.check({ entity_id: 'lock.front_door', exposed: true })).toBeUndefined();
    expect(list.check({ entity_id: 'lock.back_door', exposed: true })).toBe('needs_opt_in');
    expect(list.check({ entity_id: 'alarm_control_panel.house', exposed: true })).toBe('needs_opt_in');
    expect(list.check({ entity_id: 'cover.garage_door', device_class: 'garage', exposed: true })).toBe('needs_opt_in');
    expect(list.check({ entity_id: 'cover.blinds', device_class: 'blind', exposed: true })).toBeUndefined();
    expect(isSensitive({ entity_id: 'cover.gate', device_class: 'gate' })).toBe(true);
    expect(new Allowlist({ entities: [], useHaExposure: false, optIn: [] }).allows({ entity_id: 'light.kitchen', exposed: true })).toBe(false);
  });
});
