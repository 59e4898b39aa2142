import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { binarySensorState, binarySensorWord } from '../../src/language/binary-states.js';
import { loadRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { Tier0Router } from '../../src/router/tier0.js';
import { canonicalState, judge } from '../../../bench/language-eval.js';

const homeC = loadRegistrySnapshot(fileURLToPath(new URL('../../../tests/fixtures/registry/home-c.json', import.meta.url)));

describe("a binary sensor's state in Home Assistant's words", () => {
  it('says a stored on/off in the first word Home Assistant lists for the class, and leaves other states alone', () => {
    expect(binarySensorWord('on', 'window')).toBe('open');
    expect(binarySensorWord('off', 'garage_door')).toBe('closed');
    expect(binarySensorWord('on', 'moisture')).toBe('wet');
    expect(binarySensorWord('off', 'motion')).toBe('clear');
    expect(binarySensorWord('on', undefined)).toBe('on');
    expect(binarySensorWord('on', 'no_such_class')).toBe('on');
    expect(binarySensorWord('unavailable', 'door')).toBe('unavailable');
  });

  it('maps a word said to on/off only where Home Assistant lists it for the device class', () => {
    expect(binarySensorState('open', 'window')).toBe('on');
    expect(binarySensorState('shut', 'garage_door')).toBe('off');
    expect(binarySensorState('closed', 'opening')).toBe('off');
    expect(binarySensorState('unlocked', 'lock')).toBe('on');
    expect(binarySensorState('wet', 'moisture')).toBe('on');
    expect(binarySensorState('not_home', 'presence')).toBe('off');
    expect(binarySensorState('on', undefined)).toBe('on');
    // Not listed for the class (a motion sensor is not "open"), or no class: no mapping.
    expect(binarySensorState('open', 'motion')).toBeUndefined();
    expect(binarySensorState('open', undefined)).toBeUndefined();
    expect(binarySensorState('open', 'no_such_class')).toBeUndefined();
  });

  it('routes a question about a door or window sensor with the state Home Assistant stores', () => {
    const r = new Tier0Router(homeC);
    expect(r.route('is the nursery window open')).toMatchObject({ intent: 'HassGetState', path: 'hot', slots: { name: 'Nursery Window', state: 'on' } });
    expect(r.route('is the mailbox closed')).toMatchObject({ intent: 'HassGetState', path: 'hot', slots: { name: 'Mailbox', state: 'off' } });
    // A cover keeps its own states.
    expect(r.route('is the garage door open')).toMatchObject({ intent: 'HassGetState', path: 'hot', slots: { name: 'Garage Door', state: 'open' } });
  });

  it('scores a said state and the stored state as equal exactly where Home Assistant maps them, on both sides', () => {
    // Annotation as said, router in HA's value (and the other way round): equal for a window sensor named in the home.
    const said = { text: 'x', intent: 'HassGetState', slots: { name: 'Nursery Window', state: 'open' }, line: 1 };
    expect(judge(said, { intent: 'HassGetState', slots: { name: 'Nursery Window', state: 'on' } }, homeC)).toBeUndefined();
    const stored = { ...said, slots: { name: 'Nursery Window', state: 'on' } };
    expect(judge(stored, { intent: 'HassGetState', slots: { name: 'Nursery Window', state: 'open' } }, homeC)).toBeUndefined();
    expect(judge(stored, { intent: 'HassGetState', slots: { name: 'Nursery Window', state: 'closed' } }, homeC)).toMatch(/state/);
    // By the decision's own domain and class too.
    const kind = { text: 'x', intent: 'HassGetState', slots: { domain: 'binary_sensor', device_class: 'door', state: 'on' }, line: 2 };
    expect(judge(kind, { intent: 'HassGetState', slots: { domain: 'binary_sensor', device_class: 'door', state: 'open' } }, homeC)).toBeUndefined();
    // A cover's "open" is not "on"; a motion sensor has no "open"; without the home a name says nothing.
    const cover = { text: 'x', intent: 'HassGetState', slots: { name: 'Garage Door', state: 'open' }, line: 3 };
    expect(judge(cover, { intent: 'HassGetState', slots: { name: 'Garage Door', state: 'on' } }, homeC)).toMatch(/state/);
    expect(canonicalState('open', { name: 'Driveway Motion' }, homeC)).toBe('open');
    expect(canonicalState('open', { name: 'Nursery Window' })).toBe('open');
    expect(canonicalState('open', { name: 'Nursery Window' }, homeC)).toBe('on');
  });
});
