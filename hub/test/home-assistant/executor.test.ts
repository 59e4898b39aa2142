import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HomeAssistantClient } from '../../src/home-assistant/client.js';
import type { HomeAssistantSimulator } from '@jarvis/ha-simulator';
import { DecisionExecutor } from '../../src/home-assistant/executor.js';
import { Tier0Router } from '../../src/router/tier0.js';
import { TimerService } from '../../src/router/timers.js';
import type { ColdTask } from '../../src/router/task-queue.js';
import { fixtureHome, startSimulator } from './helpers.js';

let sim: HomeAssistantSimulator;
let client: HomeAssistantClient;
let timers: TimerService;
let executor: DecisionExecutor;
const queued: ColdTask[] = [];
const router = new Tier0Router(fixtureHome());

beforeEach(async () => {
  sim = await startSimulator();
  client = new HomeAssistantClient({ url: sim.url, token: 'test-token', staleAfterMs: 300, backoffInitialMs: 20, backoffMaxMs: 50 });
  await client.start();
  await client.waitUntilConnected();
  timers = new TimerService();
  queued.length = 0;
  executor = new DecisionExecutor({
    ha: client,
    getState: (id) => client.getState(id),
    getEntity: (id) => router.entityIndex.snapshot.entities.find((e) => e.entity_id === id),
    timers,
    tasks: { enqueue: (t) => (queued.push(t), { id: `task-${queued.length}` }) },
    now: () => new Date('2025-03-04T15:05:00Z'),
    timeZone: 'UTC',
  });
});
afterEach(async () => {
  await timers.stop();
  await client.stop();
  await sim.stop();
});

const run = (text: string, area?: string) => executor.execute(router.route(text, { area }), { areaId: area });

describe('DecisionExecutor against the simulator', () => {
  it('turns on the kitchen light only, and says so', async () => {
    const r = await run('turn on the kitchen lights');
    expect(r).toMatchObject({ ok: true, reply: 'Turned on the Kitchen Light.' });
    expect(sim.serviceCalls.map((c) => [`${c.domain}.${c.service}`, c.entityIds])).toEqual([['light.turn_on', ['light.kitchen']]]);
    expect(sim.getState('light.kitchen')!.state).toBe('on');
  });

  it('sets brightness, colour, temperature, position and volume with HA service data', async () => {
    await run('set the bedroom lights to fifty percent');
    await run('make the reading lamp blue');
    await run('set the temperature to twenty one point five degrees', 'hallway');
    await run('set the living room blinds to 40 percent');
    await run('set the volume to 30 percent', 'living_room');
    expect(sim.serviceCalls.map((c) => [`${c.domain}.${c.service}`, c.serviceData])).toEqual([
      ['light.turn_on', { brightness_pct: 50 }],
      ['light.turn_on', { rgb_color: [0, 0, 255] }],
      ['climate.set_temperature', { temperature: 21.5 }],
      ['cover.set_cover_position', { position: 40 }],
      ['media_player.volume_set', { volume_level: 0.3 }],
    ]);
    expect(sim.getState('light.bedside_lamp')!.attributes['brightness']).toBe(128);
    expect(sim.getState('media_player.living_room_tv')!.attributes['volume_level']).toBe(0.3);
  });

  it('pauses media, opens covers and adds to lists', async () => {
    expect((await run('pause the tv')).reply).toBe('Paused.');
    expect((await run('open the bedroom curtains')).reply).toBe('Opened the Bedroom Curtains.');
    expect((await run('turn off the lights', 'living_room')).reply).toBe('Turned off the lights in the Living Room.');
    expect((await run('add oat milk to my shopping list')).reply).toBe('Added oat milk to your shopping list.');
    expect(sim.getState('media_player.living_room_tv')!.state).toBe('paused');
    expect(sim.getState('cover.bedroom_curtains')!.state).toBe('open');
    expect(sim.getTodoItems('todo.shopping_list').map((i) => i.summary)).toEqual(['oat milk']);
  });

  it('answers state, temperature, weather, time and date questions from the cache without calls', async () => {
    expect((await run('is the front door locked')).reply).toBe('Yes, the Front Door is locked.');
    expect((await run('what is the temperature', 'hallway')).reply).toBe('It is 20.5 degrees in the Hallway.');
    expect((await run('what is the weather like')).reply).toBe('It is sunny and 14 degrees.');
    expect((await run('what time is it')).reply).toBe('It is 3:05 pm.');
    expect((await run('what is the date')).reply).toBe('Today is Tuesday, 4 March 2025.');
    expect(sim.serviceCalls).toHaveLength(0);
  });

  it('runs hub-local timers', async () => {
    expect((await run('set a timer for 10 minutes named pasta', 'kitchen')).reply).toBe('Timer set for 10 minutes for pasta.');
    expect((await run('how much time is left on the pasta timer')).reply).toMatch(/^(10 minutes|9 minutes and 59 seconds) left on the pasta timer\.$/);
    expect((await run('cancel the ten minute timer')).reply).toBe('The pasta timer cancelled.');
    expect(await run('cancel the timer')).toMatchObject({ ok: false, code: 'JARVIS_ROUTE_NO_TIMER' });
  });

  it('enqueues cold work and speaks refusals without calling HA', async () => {
    expect(await run('summarise my day')).toMatchObject({ ok: true, taskId: 'task-1' });
    expect(queued).toEqual([{ type: 'router.summarise', payload: expect.objectContaining({ task: 'summarise', request: 'summarise my day' }) }]);
    expect(await run('turn on the space heater')).toMatchObject({ ok: false, code: 'JARVIS_ROUTE_NOT_EXPOSED', reply: expect.stringContaining('Space Heater') });
    expect(await run('I had a lovely walk')).toEqual({ ok: true, reply: '', calls: [] });
    expect(sim.serviceCalls).toHaveLength(0);
  });

  it('drops a command that went stale while HA was down and says so', async () => {
    sim.dropConnections(true);
    await new Promise<void>((resolve) => (client.state === 'reconnecting' ? resolve() : client.once('state', () => resolve())));
    const r = await executor.execute(router.route('turn on the hallway light'), { issuedAt: Date.now() });
    expect(r).toMatchObject({ ok: false, code: 'JARVIS_HA_STALE_COMMAND', reply: expect.stringContaining("couldn't reach Home Assistant") });
    sim.acceptConnections();
    await client.waitUntilConnected(5000).catch(() => undefined);
    expect(sim.serviceCalls).toHaveLength(0);
  });
});
