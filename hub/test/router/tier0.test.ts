import { describe, expect, it } from 'vitest';
import { Allowlist } from '../../src/home-assistant/allowlist.js';
import { Tier0Router } from '../../src/router/tier0.js';
import { fixtureHome } from '../home-assistant/helpers.js';

const router = new Tier0Router(fixtureHome());
const route = (text: string, area?: string) => router.route(text, { area });

describe('tier 0: on/off, toggle and area context', () => {
  it.each([
    ['turn on the kitchen lights', undefined, 'HassTurnOn', ['light.kitchen'], { area: 'Kitchen', domain: 'light' }],
    ['turn off the lights', 'bedroom', 'HassTurnOff', ['light.bedroom', 'light.bedside_lamp'], { area: 'Bedroom', domain: 'light' }],
    ['Turn the lights off', 'Living Room', 'HassTurnOff', ['light.living_room_ceiling', 'light.reading_lamp'], { area: 'Living Room' }],
    ['switch on the reading lamp', 'kitchen', 'HassTurnOn', ['light.reading_lamp'], { name: 'Reading Lamp' }],
    ['turn on the big light', undefined, 'HassTurnOn', ['light.living_room_ceiling'], { name: 'Living Room Ceiling' }],
    ['turn on the lights in the lounge', undefined, 'HassTurnOn', ['light.living_room_ceiling', 'light.reading_lamp'], { area: 'Living Room' }],
    ['turn off the lights upstairs', undefined, 'HassTurnOff', ['light.bedroom', 'light.bedside_lamp', 'light.night_light', 'light.bathroom_mirror', 'light.office_desk'], { floor: 'First Floor', domain: 'light' }],
    ['turn on the tv', undefined, 'HassTurnOn', ['media_player.living_room_tv'], { name: 'Living Room TV' }],
    ['Hey Jarvis, could you please switch off the bathroom fan?', undefined, 'HassTurnOff', ['fan.bathroom'], { name: 'Bathroom Fan' }],
    ['toggle the coffee maker', undefined, 'HassToggle', ['switch.coffee_maker'], { name: 'Coffee Maker' }],
    ['activate movie night', undefined, 'HassTurnOn', ['scene.movie_night'], { name: 'Movie Night' }],
    // A name said exactly as the user wrote it is the entity (HA's name_only), even when it reads as place + kind.
    ['open the bedroom curtains', undefined, 'HassTurnOn', ['cover.bedroom_curtains'], { name: 'Bedroom Curtains', domain: 'cover' }],
    ['open the curtains in the bedroom', undefined, 'HassTurnOn', ['cover.bedroom_curtains'], { area: 'Bedroom', device_class: 'curtain', domain: 'cover' }],
    ['close the office window', undefined, 'HassTurnOff', ['cover.office_window'], { name: 'Office Window' }],
  ] as const)('%s (area %s)', (text, area, intent, targets, slots) => {
    const d = route(text, area);
    expect(d).toMatchObject({ intent, path: 'hot', tier: 0, slots });
    expect(d.targets).toEqual(targets);
    expect(d.confidence).toBe(1);
  });

  it('uses the satellite area only when no place is named', () => {
    expect(route('turn on the kitchen light', 'bedroom').targets).toEqual(['light.kitchen']);
    expect(route('turn on the lights', 'kids_room').targets).toEqual(['light.night_light']);
  });

  it('asks which room when none is named and the device has no area', () => {
    expect(route('turn on the lights')).toMatchObject({ intent: 'HassTurnOn', path: 'none', code: 'JARVIS_ROUTE_NO_AREA', reply: 'Which room do you mean?' });
  });

  it('takes "all the lights" without a room as the whole home', () => {
    const d = route('turn off all the lights', 'kitchen');
    expect(d.targets).toHaveLength(12);
    expect(d.targets).not.toContain('light.basement'); // not exposed
  });
});

describe('tier 0: misrecognitions', () => {
  it.each([
    ['turn of the kitchen light', 'HassTurnOff', ['light.kitchen']],
    ['turn on the kitten lights', 'HassTurnOn', ['light.kitchen']],
    ['turn on the bedside lamb', 'HassTurnOn', ['light.bedside_lamp']],
    ['switch off the ofice fan', 'HassTurnOff', ['fan.office']],
    ['set the livng room blinds to 40 percent', 'HassSetPosition', ['cover.living_room_blinds']],
    ['tern on the coffee maker', 'HassTurnOn', ['switch.coffee_maker']],
  ] as const)('%s', (text, intent, targets) => {
    const d = route(text);
    expect(d).toMatchObject({ intent, path: 'hot' });
    expect(d.targets).toEqual(targets);
  });

  it('lowers confidence for each word taken as a misrecognition', () => {
    expect(route('turn on the kitten lights').confidence).toBeLessThan(1);
    expect(route('turn on the kitchen lights').confidence).toBe(1);
  });

  it('does not stretch short words into other names', () => {
    expect(route('turn on the lamp in the den').path).not.toBe('hot');
  });
});

describe('tier 0: values, numbers in words, climate, covers, media', () => {
  it.each([
    ['set the bedroom lights to fifty percent', undefined, 'HassLightSet', { brightness: 50, area: 'Bedroom' }, ['light.bedroom', 'light.bedside_lamp']],
    ['set the brightness to 20%', 'office', 'HassLightSet', { brightness: 20 }, ['light.office_desk']],
    ['set the reading lamp to full brightness', undefined, 'HassLightSet', { brightness: 100, name: 'Reading Lamp' }, ['light.reading_lamp']],
    ['make the living room red', undefined, 'HassLightSet', { color: 'red', area: 'Living Room' }, ['light.living_room_ceiling', 'light.reading_lamp']],
    ['set the lights to warm white', 'kitchen', 'HassLightSet', { color: 'warm white' }, ['light.kitchen']],
    ['set the temperature to twenty one degrees', 'hallway', 'HassClimateSetTemperature', { temperature: 21 }, ['climate.hallway']],
    ['set the bedroom to nineteen point five degrees', undefined, 'HassClimateSetTemperature', { temperature: 19.5, area: 'Bedroom' }, ['climate.bedroom']],
    ['set the heating to 22', 'hallway', 'HassClimateSetTemperature', { temperature: 22 }, ['climate.hallway']],
    ['what is the temperature', 'hallway', 'HassClimateGetTemperature', { area: 'Hallway' }, ['climate.hallway']],
    ['what is the temperature in the living room', undefined, 'HassClimateGetTemperature', { area: 'Living Room' }, ['sensor.living_room_temperature']],
    ['how warm is it in the bedroom', undefined, 'HassClimateGetTemperature', { area: 'Bedroom' }, ['climate.bedroom']],
    ['set the living room blinds to forty percent', undefined, 'HassSetPosition', { position: 40, name: 'Living Room Blinds' }, ['cover.living_room_blinds']],
    ['set the lounge blinds to forty percent', undefined, 'HassSetPosition', { position: 40, area: 'Living Room', device_class: 'blind' }, ['cover.living_room_blinds']],
    ['set the volume to thirty percent', 'living_room', 'HassSetVolume', { volume_level: 30 }, ['media_player.living_room_tv']],
    ['set the kitchen speaker volume to 25%', undefined, 'HassSetVolume', { volume_level: 25, name: 'Kitchen Speaker' }, ['media_player.kitchen_speaker']],
    ['pause', undefined, 'HassMediaPause', {}, ['media_player.living_room_tv']],
    ['pause the tv', undefined, 'HassMediaPause', { name: 'Living Room TV' }, ['media_player.living_room_tv']],
    ['resume the music', 'kitchen', 'HassMediaUnpause', { area: 'Kitchen' }, ['media_player.kitchen_speaker']],
    ['next track', 'kitchen', 'HassMediaNext', { area: 'Kitchen' }, ['media_player.kitchen_speaker']],
    ['previous song on the tv', undefined, 'HassMediaPrevious', { name: 'Living Room TV' }, ['media_player.living_room_tv']],
  ] as const)('%s (area %s)', (text, area, intent, slots, targets) => {
    const d = route(text, area);
    expect(d).toMatchObject({ intent, path: 'hot', slots });
    expect(d.targets).toEqual(targets);
  });

  it('refuses a brightness over 100 percent', () => {
    expect(route('set the kitchen light to 150 percent')).toMatchObject({ path: 'none', code: 'JARVIS_ROUTE_OUT_OF_RANGE' });
  });
});

describe('tier 0: lists, timers, time, date, weather, state, nevermind', () => {
  it.each([
    ['add milk to my shopping list', 'HassShoppingListAddItem', { item: 'milk' }, ['todo.shopping_list']],
    ['add take out the trash to my chores list', 'HassListAddItem', { item: 'take out the trash', list: 'Chores' }, ['todo.chores']],
    ['put call mum on the to do list', 'HassListAddItem', { item: 'call mum', list: 'Chores' }, ['todo.chores']],
    ['set a timer for five minutes', 'HassStartTimer', { duration: 300 }, []],
    ['set a timer for one hour and ten minutes named pizza', 'HassStartTimer', { duration: 4200, timer_name: 'pizza' }, []],
    ['start a 90 second timer', 'HassStartTimer', { duration: 90 }, []],
    ['set a pasta timer for two and a half minutes', 'HassStartTimer', { duration: 150, timer_name: 'pasta' }, []],
    ['10 minute timer', 'HassStartTimer', { duration: 600 }, []],
    ['add a minute to the egg timer', 'HassIncreaseTimer', { duration: 60, timer_name: 'egg' }, []],
    ['take five minutes off the timer', 'HassDecreaseTimer', { duration: 300 }, []],
    ['pause the timer', 'HassPauseTimer', {}, []],
    ['resume the pasta timer', 'HassUnpauseTimer', { timer_name: 'pasta' }, []],
    ['cancel all my timers', 'HassCancelAllTimers', {}, []],
    ['cancel the timer', 'HassCancelTimer', {}, []],
    ['cancel the ten minute timer', 'HassCancelTimer', { duration: 600 }, []],
    ['how much time is left on my timer', 'HassTimerStatus', {}, []],
    ['what time is it', 'HassGetCurrentTime', {}, []],
    ["what's the date today", 'HassGetCurrentDate', {}, []],
    ['what is the weather like', 'HassGetWeather', {}, ['weather.home']],
    ['is the front door locked', 'HassGetState', { state: 'locked', name: 'Front Door' }, ['lock.front_door']],
    ['is the garage door open', 'HassGetState', { state: 'open', name: 'Garage Door' }, ['cover.garage_door']],
    ['what is the bathroom humidity', 'HassGetState', { name: 'Bathroom Humidity' }, ['sensor.bathroom_humidity']],
    ['never mind', 'HassNevermind', {}, []],
    // The politeness filter takes "thanks" off: "no thanks" must still be an answer.
    ['no thanks', 'HassRespond', { response: 'no' }, []],
    ['yes please', 'HassRespond', { response: 'yes' }, []],
    ['check milk off the shopping list', 'HassListCompleteItem', { item: 'milk', list: 'Shopping List' }, ['todo.shopping_list']],
    ['announce that dinner is ready', 'HassBroadcast', { message: 'dinner is ready' }, []],
    // Number words in templates are matched as normalised input spells them ("one" → "1").
    ['go back one track', 'HassMediaPrevious', {}, ['media_player.living_room_tv']],
  ] as const)('%s', (text, intent, slots, targets) => {
    const d = route(text);
    expect(d).toMatchObject({ intent, path: 'hot', slots });
    expect(d.slots).toEqual(expect.objectContaining(slots));
    expect(d.targets).toEqual(targets);
  });

  // Regression: a place said as the list ("put it orange on hall") resolved to the place's todo entities — none —
  // and the list branch read `.name` of undefined, so route() threw a TypeError on garbage the recogniser produced.
  it('declines a list that resolves to no list, or to several, instead of throwing', () => {
    for (const text of ['add milk to the hall list', 'add milk to the hall', 'put eggs on the kitchen']) {
      const d = route(text);
      expect(d.intent).not.toBe('HassListAddItem');
      expect(d.path).not.toBe('hot');
      expect(d.targets).toEqual([]);
    }
    // The list branch declines; the sentence is then read as what it also says (a colour for the hallway light).
    expect(route('put it orange on hall')).toMatchObject({ intent: 'HassLightSet', slots: { color: 'orange', area: 'Hallway' }, targets: ['light.hallway'] });
    const twoInKitchen = fixtureHome();
    for (const e of twoInKitchen.entities) if (e.entity_id.startsWith('todo.')) e.area_id = 'kitchen';
    const d = new Tier0Router(twoInKitchen).route('add milk to the kitchen', {});
    expect(d).toMatchObject({ intent: 'HassListAddItem', path: 'none', code: 'JARVIS_ROUTE_AMBIGUOUS', targets: [] });
    expect(d.reply).toBe('Which list do you mean, Shopping List or Chores?');
  });

  it('carries numbers as numbers and names as HA names', () => {
    const d = route('set a timer for twenty five minutes');
    expect(d.slots['duration']).toBe(1500);
    expect(route('switch on the floor lamp').slots['name']).toBe('Reading Lamp');
  });
});

describe('tier 0: allowlist refusals with a spoken reason', () => {
  it('refuses unexposed entities', () => {
    const d = route('turn on the space heater');
    expect(d).toMatchObject({ intent: 'HassTurnOn', path: 'none', code: 'JARVIS_ROUTE_NOT_EXPOSED', targets: [] });
    expect(d.reply).toMatch(/not allowed to control the Space Heater/);
    expect(route('turn on the basement light')).toMatchObject({ path: 'none', code: 'JARVIS_ROUTE_NOT_EXPOSED' });
  });

  it('refuses locks and garage doors without opt-in, and allows them with it', () => {
    expect(route('unlock the front door')).toMatchObject({ path: 'none', code: 'JARVIS_ROUTE_NEEDS_OPT_IN' });
    expect(route('open the garage door')).toMatchObject({ path: 'none', code: 'JARVIS_ROUTE_NEEDS_OPT_IN', reply: expect.stringContaining('Garage Door') });
    const optedIn = new Tier0Router(fixtureHome(), new Allowlist({ entities: [], useHaExposure: true, optIn: ['lock.front_door', 'cover.garage_*'] }));
    expect(optedIn.route('unlock the front door')).toMatchObject({ intent: 'HassTurnOff', path: 'hot', targets: ['lock.front_door'] });
    expect(optedIn.route('open the garage door')).toMatchObject({ intent: 'HassTurnOn', path: 'hot', targets: ['cover.garage_door'] });
  });

  it('acts only on the exposed part of a group', () => {
    const onlyKitchen = new Tier0Router(fixtureHome(), new Allowlist({ entities: ['light.kitchen'], useHaExposure: false, optIn: [] }));
    expect(onlyKitchen.route('turn off all the lights').targets).toEqual(['light.kitchen']);
    expect(onlyKitchen.route('turn off the reading lamp')).toMatchObject({ path: 'none', code: 'JARVIS_ROUTE_NOT_EXPOSED' });
  });
});

describe('tier 0: cold, passive and none', () => {
  it('sends heavy requests cold', () => {
    expect(route('summarise my day')).toMatchObject({ intent: 'JarvisColdTask', path: 'cold', slots: { task: 'summarise', request: 'summarise my day' } });
    expect(route('research the best heat pumps for a small house')).toMatchObject({ path: 'cold', slots: { task: 'research' } });
  });

  it('leaves ordinary speech passive', () => {
    for (const t of ['I think we should go for a walk later', 'what is the capital of france', '', '   ', '!!!']) {
      expect(route(t)).toMatchObject({ intent: null, path: 'passive', targets: [] });
    }
  });

  it('leaves what people say to each other passive even when it has a command\'s shape', () => {
    // Loose forms ("{target} on", "stop {target}", "play {query}") act only on a known target; pronouns only after turn/switch.
    for (const t of ['stop it', 'put it on', 'play the game', 'play nicely with your sister', 'kids put your shoes on', 'the lights are on', 'stop it both of you', 'the mirror is all fogged up', 'he said the thermostat was set to twenty one']) {
      expect(route(t, 'living_room'), t).toMatchObject({ intent: null, path: 'passive' });
    }
    expect(route('switch it off', 'living_room')).toMatchObject({ intent: 'HassTurnOff', path: 'hot' });
  });

  it('answers a command about an unknown device with none and a reason', () => {
    expect(route('turn on the flux capacitor')).toMatchObject({ intent: 'HassTurnOn', path: 'none', code: 'JARVIS_ROUTE_UNKNOWN_TARGET', reply: "I don't know any device called flux capacitor." });
  });
});
