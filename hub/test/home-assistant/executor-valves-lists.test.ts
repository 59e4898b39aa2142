import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { Tier0Router } from '../../src/router/tier0.js';
import { startExecutor } from './helpers.js';

// The fifth fixture home: water valves (a stopcock, a garden tap, two irrigation zones) and a shopping list.
const home = loadRegistrySnapshot(fileURLToPath(new URL('../../../tests/fixtures/registry/home-e.json', import.meta.url)));
const router = new Tier0Router(home);

let h: Awaited<ReturnType<typeof startExecutor>>;
beforeEach(async () => {
  h = await startExecutor(home);
});
afterEach(async () => {
  await h.stop();
});

const run = (text: string, area?: string) => h.executor.execute(router.route(text, { area }), { areaId: area });
const calls = (): string[] => h.calls();

describe('executor: valves through their own services, as Home Assistant calls them', () => {
  it('opens, closes and sets a valve by name, alias and place', async () => {
    expect(await run('shut off the stopcock')).toMatchObject({ ok: true, reply: 'Closed the Main Water Valve.' });
    expect(h.client.getState('valve.main_water_valve')?.state).toBe('closed');
    expect(await run('open the outside tap')).toMatchObject({ ok: true });
    expect(await run('set the veg bed sprinkler to 30 percent')).toMatchObject({ ok: true, reply: 'Set the Irrigation Zone 1 to 30 percent.' });
    expect(h.client.getState('valve.irrigation_zone_1')?.attributes['current_position']).toBe(30);
    expect(await run('close the valves in the garden')).toMatchObject({ ok: true });
    expect(calls()).toEqual([
      'valve.close_valve valve.main_water_valve {}',
      'valve.open_valve valve.garden_tap {}',
      'valve.set_valve_position valve.irrigation_zone_1 {"position":30}',
      'valve.close_valve valve.garden_tap,valve.irrigation_zone_1,valve.irrigation_zone_2 {}',
    ]);
    expect((await run('is the garden tap open')).reply).toBe('No, the Garden Tap is closed.');
  });

  it('sets a cover and a valve in one place each with its own service', async () => {
    const decision = router.route('set the patio awning to 40 percent', {});
    const both = { ...decision, targets: [...decision.targets, 'valve.garden_tap'] };
    expect(await h.executor.execute(both)).toMatchObject({ ok: true });
    expect(calls()).toEqual([
      'cover.set_cover_position cover.patio_awning {"position":40}',
      'valve.set_valve_position valve.garden_tap {"position":40}',
    ]);
  });

  it('rejects a valve position out of range in the simulator as Home Assistant does', async () => {
    await expect(h.client.callService('valve', 'set_valve_position', { position: 140 }, { entity_id: 'valve.garden_tap' })).rejects.toThrow();
  });
});

describe('executor: HassShoppingListCompleteItem checks an item off the shopping list', () => {
  it('checks off an item said without a list name, and says so as Home Assistant does', async () => {
    expect(await run('add oat milk to the shopping list')).toMatchObject({ ok: true });
    const d = router.route('cross oat milk off my list', {});
    expect(d).toMatchObject({ intent: 'HassShoppingListCompleteItem', slots: { item: 'oat milk' }, targets: ['todo.shopping_list'] });
    expect(await h.executor.execute(d)).toMatchObject({ ok: true, reply: 'Checked off oat milk.' });
    expect(calls().at(-1)).toBe('todo.update_item todo.shopping_list {"item":"oat milk","status":"completed"}');
  });

  it('fails with a reply when the item is not on the list', async () => {
    expect(await run('tick off caviar on my list')).toMatchObject({ ok: false, reply: 'Sorry, Home Assistant could not do that.' });
  });
});
