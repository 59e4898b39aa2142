import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  callService,
  ERR_INVALID_AUTH,
  getConfig,
  getServices,
  getStates,
  subscribeEntities,
  type Connection,
  type HassEntities,
} from 'home-assistant-js-websocket';
import type { HomeAssistantSimulator } from '@jarvis/ha-simulator';
import { fetchRegistrySnapshot } from '../../src/home-assistant/live-registry.js';
import { connectLibrary, fixtureHome, rawSocket, startSimulator } from './helpers.js';

let sim: HomeAssistantSimulator;
let conn: Connection | undefined;

beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(async () => {
  conn?.close();
  conn = undefined;
  await sim.stop();
});

function nextEntities(c: Connection, predicate: (e: HassEntities) => boolean): Promise<HassEntities> {
  return new Promise((resolve) => {
    const unsub = subscribeEntities(c, (e) => {
      if (predicate(e)) {
        unsub();
        resolve(e);
      }
    });
  });
}

describe('HA simulator through home-assistant-js-websocket', () => {
  it('accepts the right token and serves states, config and services', async () => {
    conn = await connectLibrary(sim.url, 'test-token');
    expect(conn.haVersion).toMatch(/^\d{4}\.\d+\.\d+$/);
    const states = await getStates(conn);
    expect(states).toHaveLength(fixtureHome().entities.length);
    const kitchen = states.find((s) => s.entity_id === 'light.kitchen')!;
    expect(kitchen).toMatchObject({ state: 'off', attributes: { friendly_name: 'Kitchen Light' } });
    expect(typeof kitchen.context.id).toBe('string');
    expect(Date.parse(kitchen.last_changed)).not.toBeNaN();
    const config = await getConfig(conn);
    expect(config.components).toContain('light');
    expect(config.state).toBe('RUNNING');
    const services = await getServices(conn);
    expect(Object.keys(services['light']!)).toEqual(expect.arrayContaining(['turn_on', 'turn_off', 'toggle']));
    expect(Object.keys(services['todo']!)).toEqual(expect.arrayContaining(['add_item', 'update_item', 'remove_item']));
  });

  it('rejects a wrong token with auth_invalid (the library reports ERR_INVALID_AUTH)', async () => {
    await expect(connectLibrary(sim.url, 'wrong')).rejects.toBe(ERR_INVALID_AUTH);
  });

  it('sends the initial states, then compressed diffs as call_service changes them', async () => {
    conn = await connectLibrary(sim.url, 'test-token');
    const initial = await nextEntities(conn, (e) => 'light.kitchen' in e);
    expect(initial['light.kitchen']!.state).toBe('off');
    const changed = nextEntities(conn, (e) => e['light.kitchen']?.state === 'on');
    const result = await callService(conn, 'light', 'turn_on', { brightness_pct: 50, rgb_color: [255, 0, 0] }, { entity_id: 'light.kitchen' });
    expect(result).toMatchObject({ context: { id: expect.any(String) } });
    const after = await changed;
    expect(after['light.kitchen']!.attributes).toMatchObject({ brightness: 128, rgb_color: [255, 0, 0], friendly_name: 'Kitchen Light' });
    expect(after['light.kitchen']!.context.id).toBe((result as { context: { id: string } }).context.id);
    expect(after['light.bedroom']!.state).toBe('on'); // untouched entities stay
  });

  it('sends attribute removals and entity removals in the compressed format', async () => {
    const raw = await rawSocket(sim.url, 'test-token');
    raw.ws.send(JSON.stringify({ id: 1, type: 'subscribe_entities', entity_ids: ['sensor.outdoor_temperature'] }));
    expect(await raw.next()).toEqual({ id: 1, type: 'result', success: true, result: null });
    const init = (await raw.next()) as { event: { a: Record<string, { s: string; a: Record<string, unknown>; c: unknown; lc: number }> } };
    expect(Object.keys(init.event.a)).toEqual(['sensor.outdoor_temperature']);
    expect(init.event.a['sensor.outdoor_temperature']).toMatchObject({ s: '12.3', c: expect.any(String), lc: expect.any(Number) });
    sim.setState('sensor.outdoor_temperature', '13.0', { friendly_name: 'Outdoor Temperature', unit_of_measurement: '°C' });
    const diff = (await raw.next()) as { id: number; event: { c: Record<string, { '+': Record<string, unknown>; '-'?: { a: string[] } }> } };
    expect(diff.id).toBe(1);
    const change = diff.event.c['sensor.outdoor_temperature']!;
    expect(change['+']).toMatchObject({ s: '13.0', lc: expect.any(Number), c: expect.any(String) });
    expect(change['-']!.a).toEqual(expect.arrayContaining(['device_class', 'state_class']));
    sim.setState('sensor.outdoor_temperature', null);
    expect(await raw.next()).toEqual({ id: 1, type: 'event', event: { r: ['sensor.outdoor_temperature'] } });
    raw.ws.close();
  });

  it('lists floors, areas, devices and entities like HA registries, with aliases and exposure', async () => {
    conn = await connectLibrary(sim.url, 'test-token');
    const floors = await conn.sendMessagePromise<Array<Record<string, unknown>>>({ type: 'config/floor_registry/list' });
    expect(floors.find((f) => f['floor_id'] === 'first_floor')).toMatchObject({ name: 'First Floor', aliases: ['upstairs'], level: 1 });
    const areas = await conn.sendMessagePromise<Array<Record<string, unknown>>>({ type: 'config/area_registry/list' });
    expect(areas.find((a) => a['area_id'] === 'living_room')).toMatchObject({ name: 'Living Room', aliases: ['lounge'], floor_id: 'ground_floor' });
    const devices = await conn.sendMessagePromise<Array<Record<string, unknown>>>({ type: 'config/device_registry/list' });
    expect(devices.find((d) => d['id'] === 'dev_thermostat')).toMatchObject({ area_id: 'hallway', manufacturer: 'ecobee' });
    const list = await conn.sendMessagePromise<Array<Record<string, unknown>>>({ type: 'config/entity_registry/list' });
    const thermo = list.find((e) => e['entity_id'] === 'climate.hallway')!;
    expect(thermo).toMatchObject({ device_id: 'dev_thermostat', area_id: null }); // inherits its device's area
    expect(thermo).not.toHaveProperty('aliases');
    const entries = await conn.sendMessagePromise<Record<string, Record<string, unknown> | null>>({ type: 'config/entity_registry/get_entries', entity_ids: ['climate.hallway', 'nope.nope'] });
    expect(entries['climate.hallway']).toMatchObject({ aliases: ['heating'], options: { conversation: { should_expose: true } } });
    expect(entries['nope.nope']).toBeNull();
    const exposed = await conn.sendMessagePromise<{ exposed_entities: Record<string, { conversation: boolean }> }>({ type: 'homeassistant/expose_entity/list' });
    expect(exposed.exposed_entities['switch.space_heater']).toEqual({ conversation: false });
  });

  it('round-trips the fixture through a live snapshot', async () => {
    conn = await connectLibrary(sim.url, 'test-token');
    const snap = await fetchRegistrySnapshot(conn);
    const fixture = fixtureHome();
    expect(snap.floors).toEqual(fixture.floors);
    expect(snap.areas).toEqual(fixture.areas);
    const byId = new Map(snap.entities.map((e) => [e.entity_id, e]));
    for (const e of fixture.entities) {
      const got = byId.get(e.entity_id)!;
      expect({ name: got.name, aliases: got.aliases, area_id: got.area_id, device_class: got.device_class ?? undefined, state: got.state, exposed: got.exposed })
        .toEqual({ name: e.name, aliases: e.aliases, area_id: e.area_id, device_class: e.device_class ?? undefined, state: e.state, exposed: e.exposed });
    }
  });

  it('changes state for switch, fan, climate, cover, media player, lock and scene services', async () => {
    conn = await connectLibrary(sim.url, 'test-token');
    await callService(conn, 'switch', 'toggle', undefined, { entity_id: 'switch.coffee_maker' });
    await callService(conn, 'fan', 'set_percentage', { percentage: 40 }, { entity_id: 'fan.office' });
    await callService(conn, 'climate', 'set_temperature', { temperature: 22.5 }, { entity_id: 'climate.hallway' });
    await callService(conn, 'cover', 'set_cover_position', { position: 30 }, { entity_id: 'cover.living_room_blinds' });
    await callService(conn, 'media_player', 'volume_set', { volume_level: 0.55 }, { entity_id: 'media_player.living_room_tv' });
    await callService(conn, 'media_player', 'media_pause', undefined, { entity_id: 'media_player.living_room_tv' });
    await callService(conn, 'media_player', 'media_next_track', undefined, { entity_id: 'media_player.kitchen_speaker' });
    await callService(conn, 'lock', 'unlock', undefined, { entity_id: 'lock.front_door' });
    await callService(conn, 'light', 'turn_off', undefined, { area_id: 'living_room' });
    expect(sim.getState('switch.coffee_maker')!.state).toBe('on');
    expect(sim.getState('fan.office')).toMatchObject({ state: 'on', attributes: { percentage: 40 } });
    expect(sim.getState('climate.hallway')!.attributes['temperature']).toBe(22.5);
    expect(sim.getState('cover.living_room_blinds')).toMatchObject({ state: 'open', attributes: { current_position: 30 } });
    expect(sim.getState('media_player.living_room_tv')).toMatchObject({ state: 'paused', attributes: { volume_level: 0.55 } });
    expect(sim.getState('media_player.kitchen_speaker')).toMatchObject({ state: 'playing', attributes: { media_title: 'Track 2' } });
    expect(sim.getState('lock.front_door')!.state).toBe('unlocked');
    expect(sim.getState('light.living_room_ceiling')!.state).toBe('off');
    expect(sim.serviceCalls.at(-1)).toMatchObject({ domain: 'light', service: 'turn_off', entityIds: expect.arrayContaining(['light.living_room_ceiling', 'light.reading_lamp']) });
    expect(sim.serviceCalls.at(-1)!.entityIds).toHaveLength(2);
  });

  it('answers bad service calls with HA error codes and changes nothing', async () => {
    conn = await connectLibrary(sim.url, 'test-token');
    await expect(callService(conn, 'light', 'explode', undefined, { entity_id: 'light.kitchen' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(callService(conn, 'light', 'turn_on', { brightness: 'max' }, { entity_id: 'light.kitchen' })).rejects.toMatchObject({ code: 'invalid_format', message: expect.stringContaining("data['brightness']") });
    await expect(callService(conn, 'light', 'turn_on', { sparkle: true }, { entity_id: 'light.kitchen' })).rejects.toMatchObject({ code: 'invalid_format', message: expect.stringContaining('extra keys not allowed') });
    await expect(callService(conn, 'climate', 'set_temperature', { temperature: 80 }, { entity_id: 'climate.hallway' })).rejects.toMatchObject({ code: 'service_validation_error' });
    expect(sim.getState('light.kitchen')!.state).toBe('off');
    expect(sim.getState('climate.hallway')!.attributes['temperature']).toBe(21);
  });

  it('keeps to-do lists: add, list, update, remove', async () => {
    conn = await connectLibrary(sim.url, 'test-token');
    await callService(conn, 'todo', 'add_item', { item: 'oat milk' }, { entity_id: 'todo.shopping_list' });
    await callService(conn, 'todo', 'add_item', { item: 'bread' }, { entity_id: 'todo.shopping_list' });
    const listed = await conn.sendMessagePromise<{ items: Array<{ summary: string; status: string; uid: string }> }>({ type: 'todo/item/list', entity_id: 'todo.shopping_list' });
    expect(listed.items.map((i) => i.summary)).toEqual(['oat milk', 'bread']);
    expect(sim.getState('todo.shopping_list')!.state).toBe('2');
    await callService(conn, 'todo', 'update_item', { item: 'bread', status: 'completed' }, { entity_id: 'todo.shopping_list' });
    expect(sim.getState('todo.shopping_list')!.state).toBe('1');
    await callService(conn, 'todo', 'remove_item', { item: 'oat milk' }, { entity_id: 'todo.shopping_list' });
    const got = (await callService(conn, 'todo', 'get_items', {}, { entity_id: 'todo.shopping_list' }, true)) as { response: Record<string, { items: unknown[] }> };
    expect(got.response['todo.shopping_list']!.items).toEqual([expect.objectContaining({ summary: 'bread', status: 'completed' })]);
    await expect(callService(conn, 'todo', 'remove_item', { item: 'caviar' }, { entity_id: 'todo.shopping_list' })).rejects.toMatchObject({ code: 'service_validation_error' });
    await expect(conn.sendMessagePromise({ type: 'todo/item/list', entity_id: 'todo.nope' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('delivers state_changed events to subscribe_events and stops after unsubscribe_events', async () => {
    conn = await connectLibrary(sim.url, 'test-token');
    const events: Array<{ event_type: string; data: { entity_id: string; new_state: { state: string } } }> = [];
    const unsub = await conn.subscribeEvents<(typeof events)[number]>((e) => events.push(e), 'state_changed');
    await callService(conn, 'light', 'turn_on', undefined, { entity_id: 'light.hallway' });
    await conn.ping();
    expect(events).toEqual([expect.objectContaining({ event_type: 'state_changed', data: expect.objectContaining({ entity_id: 'light.hallway', new_state: expect.objectContaining({ state: 'on' }) }) })]);
    await unsub();
    await callService(conn, 'light', 'turn_off', undefined, { entity_id: 'light.hallway' });
    await conn.ping();
    expect(events).toHaveLength(1);
    await expect(conn.sendMessagePromise({ type: 'unsubscribe_events', subscription: 999 })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('HA simulator protocol errors', () => {
  it('answers malformed commands with invalid_format, id_reuse and unknown_command', async () => {
    const raw = await rawSocket(sim.url, 'test-token');
    raw.ws.send(JSON.stringify({ type: 'get_states' }));
    expect(await raw.next()).toMatchObject({ id: 0, type: 'result', success: false, error: { code: 'invalid_format' } });
    raw.ws.send(JSON.stringify({ id: 5, type: 'ping' }));
    expect(await raw.next()).toEqual({ id: 5, type: 'pong' });
    raw.ws.send(JSON.stringify({ id: 5, type: 'get_states' }));
    expect(await raw.next()).toMatchObject({ id: 5, success: false, error: { code: 'id_reuse' } });
    raw.ws.send(JSON.stringify({ id: 6, type: 'make_coffee' }));
    expect(await raw.next()).toMatchObject({ id: 6, success: false, error: { code: 'unknown_command' } });
    raw.ws.send(JSON.stringify({ id: 7, type: 'call_service', service: 'turn_on' }));
    expect(await raw.next()).toMatchObject({ id: 7, success: false, error: { code: 'invalid_format', message: "required key not provided @ data['domain']" } });
    raw.ws.send('this is not json');
    await raw.closed;
  });

  it('rejects a malformed auth message with auth_invalid and closes', async () => {
    const raw = await rawSocket(sim.url, null);
    raw.ws.send(JSON.stringify({ type: 'login', password: 'x' }));
    expect(await raw.next()).toMatchObject({ type: 'auth_invalid', message: expect.stringContaining('incorrectly formatted') });
    await raw.closed;
  });
});
