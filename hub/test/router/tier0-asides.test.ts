import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { Tier0Router } from '../../src/router/tier0.js';

// General forms found in the seventh writer's sentences (tune-g, its quarters i % 4 !== 3 only, after its unseen
// score), each checked here with our own sentences on other homes: home-c (a nursery, a family room, a gate) and
// home-d (a mower, speakers).
const fixture = (name: string): Tier0Router => new Tier0Router(loadRegistrySnapshot(fileURLToPath(new URL(`../../../tests/fixtures/registry/${name}.json`, import.meta.url))));
const homes = { c: fixture('home-c'), d: fixture('home-d') };
const c = homes.c;

describe('tier 0: what is said around a command', () => {
  it.each([
    // A pause word before the request ("hold on", "hang on").
    ['hang on pause the family room tv', 'c', undefined, 'HassMediaPause', { name: 'Family Room TV' }],
    ['hold on mute the bedroom tv', 'c', undefined, 'HassMediaPlayerMute', { name: 'Bedroom TV' }],
    // A pet name after the state word.
    ['switch the kettle on love', 'c', undefined, 'HassTurnOn', { name: 'Kettle' }],
    // A remark after the command: someone doing something, the weather, coming back.
    ["mute the family room tv the baby's crying", 'c', undefined, 'HassMediaPlayerMute', { name: 'Family Room TV' }],
    ["turn on the towel warmer it's freezing out", 'c', undefined, 'HassTurnOn', { name: 'Heated Towel Rail' }],
    ["white noise machine off we're up", 'c', undefined, 'HassTurnOff', { name: 'White Noise Machine' }],
    // What the command is for, said after it.
    ['turn on the entryway light for the babysitter', 'c', undefined, 'HassTurnOn', { name: 'Entryway Light' }],
    ['remind me in 10 minutes with a timer', 'c', undefined, 'HassStartTimer', { duration: 600 }],
  ] as const)('%s (home-%s)', (text, home, area, intent, slots) => {
    expect(homes[home].route(text, { area })).toMatchObject({ intent, path: 'hot', slots });
  });

  it('keeps a gate said before a purpose a gate, asked about rather than unknown', () => {
    expect(c.route('open the driveway gate for the postman', {})).toMatchObject({ intent: 'HassTurnOn', slots: { name: 'Driveway Gate' }, code: 'JARVIS_ROUTE_NEEDS_OPT_IN' });
  });

  it('leaves words that are not asides alone', () => {
    expect(c.route('play songs i love', { area: 'kitchen' })).toMatchObject({ intent: 'HassMediaSearchAndPlay', slots: { search_query: 'songs i love' } });
    // Said to each other or by the television: not small talk with Jarvis, not a command.
    for (const text of ['hang on a minute', 'the baby is sleeping', 'we are back', 'i love you', 'how are you', 'what do you do']) {
      expect(c.route(text, {}).path, text).toBe('passive');
    }
    // A programme announced on the television is not the next track there.
    expect(c.route('next on the patio a brand new series', {}).path).not.toBe('hot');
  });
});

describe('tier 0: more ways of saying intents it already has', () => {
  it.each([
    ['hi there how are you', 'c', undefined, 'HassRespond', { response: 'hello' }],
    ['are you still listening', 'c', undefined, 'HassRespond', { response: 'listening' }],
    ['what can you do for me', 'c', undefined, 'HassRespond', { response: 'commands' }],
    ['how much longer on the 20 minute timer', 'c', undefined, 'HassTimerStatus', { duration: 1200 }],
    ['previous on the gym speaker', 'c', undefined, 'HassMediaPrevious', { name: 'Gym Speaker' }],
    ['brighten the arc lamp to full', 'c', undefined, 'HassLightSet', { name: 'Arc Lamp', brightness: 100 }],
    ["i'd like it 20 in the nursery", 'c', undefined, 'HassClimateSetTemperature', { area: 'Nursery', temperature: 20 }],
    ['bring mowbot back in', 'd', undefined, 'HassLawnMowerDock', { name: 'Mowbot' }],
    ['did the skylight close', 'c', undefined, 'HassGetState', { name: 'Skylight', state: 'closed' }],
    ['has the patio awning opened', 'c', undefined, 'HassGetState', { name: 'Patio Awning', state: 'open' }],
    ['put on the film up on the family room tv', 'c', undefined, 'HassMediaSearchAndPlay', { search_query: 'up', media_class: 'movie', name: 'Family Room TV' }],
  ] as const)('%s (home-%s)', (text, home, area, intent, slots) => {
    expect(homes[home].route(text, { area })).toMatchObject({ intent, path: 'hot', slots });
  });

  it('keeps "radio" a word of a station\'s name, not a media class', () => {
    const r = c.route('put on radio 2 in the kitchen', {});
    expect(r).toMatchObject({ intent: 'HassMediaSearchAndPlay', slots: { search_query: 'radio 2', area: 'Kitchen' } });
    expect(r.slots['media_class']).toBeUndefined();
  });
});
