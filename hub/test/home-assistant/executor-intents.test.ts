import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { Tier0Router } from '../../src/router/tier0.js';
import { startExecutor } from './helpers.js';

// The second fixture home: it has a vacuum, a mower, people, batteries and many lists.
const home = loadRegistrySnapshot(fileURLToPath(new URL('../../../tests/fixtures/registry/home-b.json', import.meta.url)));
const router = new Tier0Router(home);

let h: Awaited<ReturnType<typeof startExecutor>>;
let clock = 0;
const broadcasts: string[] = [];

beforeEach(async () => {
  clock = 0;
  broadcasts.length = 0;
  h = await startExecutor(home, { clock: () => clock, deps: { broadcast: (m) => void broadcasts.push(m) } });
});
afterEach(async () => {
  await h.stop();
});

const run = (text: string, area?: string) => h.executor.execute(router.route(text, { area }), { areaId: area });
const calls = (): string[] => h.calls();

describe('executor: the service calls Home Assistant would make for each intent', () => {
  it('vacuum, mower, fan speed, mute, relative volume, media search and list completion', async () => {
    // "Turn up" is ten points above the volume the radio has in the fixture.
    const radioVolume = Number(home.entities.find((e) => e.entity_id === 'media_player.kitchen_radio')!.attributes['volume_level']);
    expect(await run('start the robot vacuum')).toMatchObject({ ok: true, reply: 'Starting the vacuum.' });
    expect(await run('send the mower home')).toMatchObject({ ok: true });
    expect(await run('set the desk fan to 40 percent')).toMatchObject({ ok: true, reply: 'Set the Study Fan to 40 percent.' });
    expect(await run('mute the telly')).toMatchObject({ ok: true, reply: 'Muted.' });
    expect(await run('turn up the kitchen radio')).toMatchObject({ ok: true, reply: 'Turned it up.' });
    expect(await run('play some jazz in the kitchen')).toMatchObject({ ok: true, reply: 'Playing jazz on the Kitchen Radio.' });
    await run('add screws to the hardware store list');
    expect(await run('check screws off the hardware store list')).toMatchObject({ ok: true, reply: 'Checked screws off the Hardware Store list.' });
    expect(calls()).toEqual([
      'vacuum.start vacuum.dusty {}',
      'lawn_mower.dock lawn_mower.mowbot {}',
      'fan.set_percentage fan.study {"percentage":40}',
      'media_player.volume_mute media_player.family_room_tv {"is_volume_muted":true}',
      `media_player.volume_set media_player.kitchen_radio {"volume_level":${Math.round((radioVolume + 0.1) * 100) / 100}}`,
      'media_player.play_media media_player.kitchen_radio {"media_content_id":"jazz","media_content_type":"music"}',
      'todo.add_item todo.hardware_store {"item":"screws"}',
      'todo.update_item todo.hardware_store {"item":"screws","status":"completed"}',
    ]);
    expect(h.client.getState('vacuum.dusty')?.state).toBe('cleaning');
  });

  it('answers state questions the way Home Assistant does', async () => {
    expect((await run('is anyone home')).reply).toMatch(/^(Yes, .+ (is|are) home\.|No, nobody is home\.)$/);
    expect((await run('is the front door locked')).reply).toMatch(/^(Yes|No), the Front Door is \w+\.$/);
    const which = await run('which lights are on');
    expect(which.ok).toBe(true);
    expect(which.reply).toMatch(/^(Yes, .+|No, none are on\.)$/);
    expect((await run('where is dad')).reply).toMatch(/^Marcus is (home|away|[a-z ]+)\.$/);
    expect((await run('is priya home')).reply).toMatch(/^(Yes|No), Priya is (home|away|[a-z ]+)\.$/);
    expect((await run("what's the battery of priya's phone")).reply).toMatch(/^The Priya's Phone Battery is \d+ ?%?\.$/);
  });

  it('runs timers in the hub: named, paused, resumed, extended, shortened, all cancelled', async () => {
    expect((await run('set a pasta timer for 10 minutes')).reply).toBe('Timer set for 10 minutes for pasta.');
    expect((await run('start a 5 minute timer')).reply).toBe('Timer set for 5 minutes.');
    clock = 60_000;
    expect((await run('pause the pasta timer')).reply).toBe('Timer paused with 9 minutes left.');
    clock = 600_000;
    expect((await run('how much time is left on the pasta timer')).reply).toBe('9 minutes left on the pasta timer (paused).');
    expect((await run('resume the pasta timer')).reply).toBe('Timer resumed: 9 minutes left.');
    expect((await run('add 2 minutes to the pasta timer')).reply).toBe('Added 2 minutes. 11 minutes left.');
    expect((await run('take a minute off the pasta timer')).reply).toBe('Took off 1 minute. 10 minutes left.');
    expect((await run('cancel all timers')).reply).toBe('Cancelled all 2 timers.');
    expect(await run('pause the timer')).toMatchObject({ ok: false, code: 'JARVIS_ROUTE_NO_TIMER' });
    expect(h.sim.serviceCalls).toHaveLength(0);
  });

  it('broadcasts to Jarvis devices', async () => {
    expect(await run('announce that dinner is ready')).toMatchObject({ ok: true, reply: 'Broadcast sent.' });
    expect(broadcasts).toEqual(['dinner is ready']);
  });
});
