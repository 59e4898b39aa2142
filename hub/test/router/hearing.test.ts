/** The router's side of the hearing policy: it routes the other sentence too, drops, asks, and keeps a waiting question. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HomeAssistantSimulator } from '@jarvis/ha-simulator';
import type { CommandRouter } from '../../src/router/command-router.js';
import { hearingCheck, type HearingBars } from '../../src/voice/hearing-policy.js';
import { startSimulatedHaRouter, type SimulatedHaRouter } from '../home-assistant/helpers.js';

const BARS: HearingBars = {
  sure: { clean: 5, noisy: 10, wordClean: -25, wordNoisy: -25 },
  ask: { clean: -10, noisy: -10, wordClean: -60, wordNoisy: -60 },
  confirm: 'action', disagreed: 'alternative', askQueries: false,
};

let home: SimulatedHaRouter;
let sim: HomeAssistantSimulator;
let router: CommandRouter;

beforeEach(async () => {
  home = await startSimulatedHaRouter();
  ({ sim, router } = home);
});
afterEach(() => home.stop());

describe('CommandRouter with a hearing check', () => {
  it('drops a guess whose second opinion is the opposite action, says nothing, and keeps a waiting question open', async () => {
    const asked = await router.handle('turn off the kitchen light', { area: 'kitchen', deviceId: 'd', confirm: true });
    expect(asked.result.code).toBe('JARVIS_ROUTE_CONFIRM_PENDING');
    const dropped = await router.handle('turn on the kitchen light', {
      area: 'kitchen', deviceId: 'd', hearing: hearingCheck({ band: 'disagreed', text: 'turn on the kitchen light', alternative: 'turn off the kitchen light' }, BARS),
    });
    expect(dropped.result).toEqual({ ok: false, reply: '', calls: [], code: 'JARVIS_ROUTE_HEARING_DECLINED' });
    expect(dropped.hearing).toMatchObject({ verdict: 'decline' });
    expect(router.pendingConfirmation('d')?.intent).toBe('HassTurnOff');
    await router.handle('yes', { deviceId: 'd' });
    expect(sim.serviceCalls.map((c) => `${c.domain}.${c.service} ${c.entityIds.join(',')}`)).toEqual(['light.turn_off light.kitchen']);
  });

  it('asks about the second opinion\'s sentence when the bars say so, and runs it on yes', async () => {
    const asked = await router.handle('turn on the hallway light', {
      area: 'kitchen', deviceId: 'd', hearing: hearingCheck({ band: 'disagreed', text: 'turn on the hallway light', alternative: 'turn on the kitchen light' }, BARS),
    });
    expect(asked.result.reply).toBe('Did you say turn on the Kitchen Light?');
    expect(asked.hearing).toMatchObject({ verdict: 'confirm', asks: 'alternative' });
    expect(sim.serviceCalls).toHaveLength(0);
    await router.handle('yes', { deviceId: 'd' });
    expect(sim.serviceCalls.map((c) => `${c.domain}.${c.service} ${c.entityIds.join(',')}`)).toEqual(['light.turn_on light.kitchen']);
  });

  it('answers an unsure question at once, and never sends a guessed sentence to the HA agent or the LLM', async () => {
    const time = await router.handle('what time is it', { deviceId: 'd', hearing: hearingCheck({ band: 'unsure', text: 'what time is it' }, BARS) });
    expect(time.hearing?.verdict).toBe('act');
    expect(time.result.reply).not.toMatch(/^Did you say/);
    const chit = await router.handle('what a lovely day', { deviceId: 'd', hearing: hearingCheck({ band: 'close', text: 'what a lovely day' }, BARS) });
    expect(chit.result.code).toBe('JARVIS_ROUTE_HEARING_DECLINED');
  });
});

describe('CommandRouter with a hearing check, when tier 0 fails', () => {
  it('drops a guessed sentence tier 0 throws on instead of failing the utterance; an accepted one still fails loudly', async () => {
    const inner = (router as unknown as { router: { route: (...a: unknown[]) => unknown } }).router;
    const route = inner.route.bind(inner);
    inner.route = (text: unknown, ...rest: unknown[]) => {
      if (text === 'put it orange on hall') throw new TypeError("Cannot read properties of undefined (reading 'name')");
      return route(text, ...rest);
    };
    const dropped = await router.handle('put it orange on hall', { deviceId: 'd', hearing: hearingCheck({ band: 'close', text: 'put it orange on hall' }, BARS) });
    expect(dropped.result.code).toBe('JARVIS_ROUTE_HEARING_DECLINED');
    // The second opinion's sentence failing: the two cannot be compared, so nothing is done.
    const other = await router.handle('turn on the kitchen light', {
      deviceId: 'd', area: 'kitchen', hearing: hearingCheck({ band: 'disagreed', text: 'turn on the kitchen light', alternative: 'put it orange on hall' }, { ...BARS, disagreed: 'candidate' }),
    });
    expect(other.result.code).toBe('JARVIS_ROUTE_HEARING_DECLINED');
    await expect(router.handle('put it orange on hall', { deviceId: 'd', hearing: hearingCheck({ band: 'unsure', text: 'put it orange on hall' }, BARS) })).rejects.toThrow(TypeError);
    expect(sim.serviceCalls).toHaveLength(0);
  });
});
