import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { Tier0Router } from '../../src/router/tier0.js';

// Home Assistant's own ways of saying its built-in intents (word orders and verbs read from its English sentence
// templates), checked with sentences written for these tests against the third household (home-c).
const c = new Tier0Router(loadRegistrySnapshot(fileURLToPath(new URL('../../../tests/fixtures/registry/home-c.json', import.meta.url))));

describe('tier 0: timers by name, place or length after the word timer', () => {
  it.each([
    ['timer for 12 minutes called rice', 'HassStartTimer', { duration: 720, timer_name: 'rice' }],
    ['a 4 minute timer for the tea', 'HassStartTimer', { duration: 240, timer_name: 'tea' }],
    ['set my timer for forty seconds', 'HassStartTimer', { duration: 40 }],
    ['start a timer for half a minute', 'HassStartTimer', { duration: 30 }],
    ['stop the timer called rice', 'HassCancelTimer', { timer_name: 'rice' }],
    ['cancel the timer for 12 minutes', 'HassCancelTimer', { duration: 720 }],
    ['cancel the timer in the laundry', 'HassCancelTimer', { timer_name: 'laundry', area: 'Laundry' }],
    ['stop all the timers in the kitchen', 'HassCancelAllTimers', { area: 'Kitchen' }],
    ['pause the timer named rice', 'HassPauseTimer', { timer_name: 'rice' }],
    ['pause the 12 minute timer', 'HassPauseTimer', { duration: 720 }],
    ['continue the timer for rice', 'HassUnpauseTimer', { timer_name: 'rice' }],
    ['add 3 minutes to the timer called rice', 'HassIncreaseTimer', { duration: 180, timer_name: 'rice' }],
    // The timer's own length picks it; the amount added is the duration.
    ['increase the timer for 12 minutes by 2 minutes', 'HassIncreaseTimer', { duration: 120, start_duration: 720 }],
    ['take a minute off the timer for rice', 'HassDecreaseTimer', { duration: 60, timer_name: 'rice' }],
    ['decrease the timer called rice by 30 seconds', 'HassDecreaseTimer', { duration: 30, timer_name: 'rice' }],
    ['how long is left on the timer called rice', 'HassTimerStatus', { timer_name: 'rice' }],
    ['status of the 12 minute timer', 'HassTimerStatus', { duration: 720 }],
    ['time left on the kitchen timers', 'HassTimerStatus', { area: 'Kitchen' }],
  ] as const)('%s', (text, intent, slots) => {
    expect(c.route(text)).toMatchObject({ intent, path: 'hot', slots });
  });
});

describe('tier 0: lights and values in Home Assistant\'s words', () => {
  it.each([
    ['illuminate the landing', {}, 'HassTurnOn', { area: 'Landing', domain: 'light' }],
    ['turn out the lights in the nursery', {}, 'HassTurnOff', { area: 'Nursery', domain: 'light' }],
    ['turn the landing light out', {}, 'HassTurnOff', { name: 'Landing Light' }],
    ['make sure all the lights are off', {}, 'HassTurnOff', { domain: 'light' }],
    ['switch the lights on in every room', {}, 'HassTurnOn', { domain: 'light' }],
    ['light it up', { area: 'Studio' }, 'HassTurnOn', { area: 'Studio', domain: 'light' }],
    // "this room" is the speaker's room, not the bedroom whose alias is "our room".
    ['turn off the lights in this room', { area: 'Nursery' }, 'HassTurnOff', { area: 'Nursery', domain: 'light' }],
    ['increase the drafting lamp to seventy', {}, 'HassLightSet', { name: 'Drafting Lamp', brightness: 70 }],
    ['bring the vanity light to 35%', {}, 'HassLightSet', { name: 'Vanity Light', brightness: 35 }],
    ['drafting lamp brightness 45', {}, 'HassLightSet', { name: 'Drafting Lamp', brightness: 45 }],
    ['set the vanity light to minimum brightness', {}, 'HassLightSet', { name: 'Vanity Light', brightness: 1 }],
    ['set the vanity light color to purple', {}, 'HassLightSet', { name: 'Vanity Light', color: 'purple' }],
    ['decrease the skylight to 15 percent', {}, 'HassSetPosition', { name: 'Skylight', position: 15 }],
    ['adjust the landing temp to 18', {}, 'HassClimateSetTemperature', { area: 'Landing', temperature: 18 }],
    ['turn up the heating to twenty two', { area: 'Nursery' }, 'HassClimateSetTemperature', { temperature: 22 }],
    ['set the thermostat to 20 c', {}, 'HassClimateSetTemperature', { name: 'Downstairs Thermostat', temperature: 20 }],
    ['what is the current temp in the studio', {}, 'HassClimateGetTemperature', { area: 'Studio' }],
    ['turn the gym speaker volume up to 55', {}, 'HassSetVolume', { name: 'Gym Speaker', volume_level: 55 }],
    ['turn the volume down to 20 on the patio speaker', {}, 'HassSetVolume', { name: 'Patio Speaker', volume_level: 20 }],
    ['play abbey road album on the gym speaker', {}, 'HassMediaSearchAndPlay', { name: 'Gym Speaker', search_query: 'abbey road', media_class: 'album' }],
  ] as const)('%s', (text, context, intent, slots) => {
    expect(c.route(text, context)).toMatchObject({ intent, path: 'hot', slots });
  });

  it('recognises a command for later as Home Assistant\'s timer with a command, and declines it with a reason', () => {
    for (const [text, command, duration] of [['switch off the studio light in 15 minutes', 'switch off the studio light', 900], ['in an hour close the skylight', 'close the skylight', 3600]] as const) {
      const d = c.route(text);
      expect(d).toMatchObject({ intent: 'HassStartTimer', path: 'none', code: 'JARVIS_ROUTE_UNSUPPORTED', slots: { duration, conversation_command: command } });
      expect(d.targets).toEqual([]);
    }
    // Not a command inside: stays what it was.
    expect(c.route('we will be home in 10 minutes').path).toBe('passive');
    expect(c.route('remind me in 10 minutes')).toMatchObject({ intent: 'HassStartTimer', path: 'hot' });
  });

  it('takes "in the space" said last for the room here, and never plays a bare article', () => {
    expect(c.route('turn on the lights in the space', { area: 'Studio' }).slots).toMatchObject({ area: 'Studio' });
    expect(c.route('play the radio', { area: 'Kitchen' }).slots['search_query']).not.toBe('the');
  });
});

// The fourth household (home-d): two Desk Lamps and two Ceiling Fans, Pendant 1–3, owners' rooms ("Mia's Room"),
// two vacuums (one with the alias "roomba"), a "Cabin List" where "the cabin" is also an area.
const d = new Tier0Router(loadRegistrySnapshot(fileURLToPath(new URL('../../../tests/fixtures/registry/home-d.json', import.meta.url))));

describe('tier 0: names, places and questions said loosely (home-d)', () => {
  it.each([
    // A name two rooms share, told apart by the speaker's room: the room is a slot too.
    ['switch the ceiling fan off', { area: 'Bedroom' }, 'HassTurnOff', { name: 'Ceiling Fan', area: 'Bedroom' }],
    ['desk lamp off please', { area: 'Office' }, 'HassTurnOff', { name: 'Desk Lamp', area: 'Office' }],
    // An owner's name stands for their room before a thing.
    ['turn on mia\'s desk lamp', {}, 'HassTurnOn', { name: 'Desk Lamp', area: "Mia's Room" }],
    // A word several names share, in the plural: all of them.
    ['dim the pendants in the dining room to 40 percent', {}, 'HassLightSet', { area: 'Dining Room', domain: 'light', brightness: 40 }],
    // "light" ends a name before it starts a colour.
    ['make the pier light green', {}, 'HassLightSet', { name: 'Jetty Light', color: 'green' }],
    ['set the star lamp to a warm orange', {}, 'HassLightSet', { name: 'Night Light', color: 'orange' }],
    ['turn the jetty light up to full brightness', {}, 'HassLightSet', { name: 'Jetty Light', brightness: 100 }],
    ['warm the lounge up to 21 degrees', {}, 'HassClimateSetTemperature', { area: 'Living Room', temperature: 21 }],
    ['put the ceiling fan in the bedroom on 60%', {}, 'HassFanSetSpeed', { name: 'Ceiling Fan', percentage: 60 }],
    // One of two vacuums named by its alias.
    ['send the little robot out', {}, 'HassVacuumStart', { name: 'Robbie' }],
    ['automower start cutting the lawn', {}, 'HassLawnMowerStartMowing', { name: 'Mowbot' }],
    ['put suncream on the cabin list', {}, 'HassListAddItem', { item: 'suncream', list: 'Cabin List' }],
    // Questions asked inside a request, and in other words.
    ['tell me how cold the office is', {}, 'HassClimateGetTemperature', { area: 'Office' }],
    ['do you know what day it is', {}, 'HassGetCurrentDate', {}],
    ['is the smoke alarm going off', {}, 'HassGetState', { name: 'Smoke Alarm', state: 'on' }],
    ['is the smoke alarm triggered', {}, 'HassGetState', { name: 'Smoke Alarm', state: 'on' }],
    ['did anyone walk through the hallway', {}, 'HassGetState', { area: 'Hallway', device_class: 'motion', state: 'on' }],
    ['increase the office fan speed to 70', {}, 'HassFanSetSpeed', { name: 'Office Fan', percentage: 70 }],
    ['is opa in', {}, 'HassGetState', { name: 'Grandpa Joe', state: 'home' }],
    ['what is the weather doing tomorrow', {}, 'HassGetWeather', {}],
    // Durations and timers in everyday words.
    ['set a timer for two minutes fifteen', {}, 'HassStartTimer', { duration: 135 }],
    ['give the bread another five minutes', {}, 'HassIncreaseTimer', { timer_name: 'bread', duration: 300 }],
    ['is the rice timer almost done', {}, 'HassTimerStatus', { timer_name: 'rice' }],
    ['tell me which lights are on upstairs', {}, 'HassGetState', { floor: 'First Floor', domain: 'light', state: 'on' }],
    ['you can pause the telly now', {}, 'HassMediaPause', { name: 'Living Room TV' }],
    // Home Assistant's skip words "i'd like", "i want".
    ["i'd like the office light at thirty percent", {}, 'HassLightSet', { name: 'Office Light', brightness: 30 }],
    ['i want to switch off the printer', {}, 'HassTurnOff', { name: 'Printer' }],
  ] as const)('%s', (text, context, intent, slots) => {
    expect(d.route(text, context)).toMatchObject({ intent, path: 'hot', slots });
  });

  it('does not take an owner\'s name alone for their room, nor a person or a debt for a timer', () => {
    expect(d.route('stop it mia').path).not.toBe('hot');
    expect(d.route('give him another five minutes').path).toBe('passive');
    expect(d.route('how long is left on the mortgage').path).toBe('passive');
  });
});

describe('tier 0: media, lists, machines and questions in Home Assistant\'s words', () => {
  it.each([
    [c, 'next item for the gym speaker', {}, 'HassMediaNext', { name: 'Gym Speaker' }],
    [c, 'on the patio speaker skip this song', {}, 'HassMediaNext', { name: 'Patio Speaker' }],
    [c, 'gym speaker replay the last track', {}, 'HassMediaPrevious', { name: 'Gym Speaker' }],
    [c, 'nursery speaker pause', {}, 'HassMediaPause', { name: 'Nursery Speaker' }],
    [c, 'gym speaker mute', {}, 'HassMediaPlayerMute', { name: 'Gym Speaker' }],
    [c, 'skip the patio speaker', {}, 'HassMediaNext', { name: 'Patio Speaker' }],
    [c, 'set to 35 percent the drafting lamp', {}, 'HassLightSet', { name: 'Drafting Lamp', brightness: 35 }],
    [c, 'set the brightness in here to 45 percent', { area: 'Studio' }, 'HassLightSet', { area: 'Studio', brightness: 45 }],
    [c, 'lift the kitchen blind to 65%', {}, 'HassSetPosition', { name: 'Kitchen Blind', position: 65 }],
    // "floor" is a word of the name in that place, not a floor ("the living room floor lamp").
    [d, 'switch off the living room floor lamp', {}, 'HassTurnOff', { name: 'Floor Lamp', area: 'Living Room' }],
    [c, 'resume the tv shows in the family room', {}, 'HassMediaUnpause', { area: 'Family Room' }],
    [c, 'put oat milk in the shopping list', {}, 'HassShoppingListAddItem', { item: 'oat milk' }],
    [c, 'add rice to my list', {}, 'HassShoppingListAddItem', { item: 'rice' }],
    [c, 'put screws in the hardware store list', {}, 'HassListAddItem', { item: 'screws', list: 'Hardware Store' }],
    [c, 'return the robo vac', {}, 'HassVacuumReturnToBase', { name: 'Robo Vac' }],
    [d, 'stop mowing in the garden', {}, 'HassLawnMowerDock', { area: 'Garden' }],
    [c, 'whats the weather', {}, 'HassGetWeather', {}],
    [c, 'is the laundry flooded', {}, 'HassGetState', { area: 'Laundry', device_class: 'moisture', state: 'on' }],
    [c, 'tell me the state of the kettle', {}, 'HassGetState', { name: 'Kettle' }],
    [d, 'how many people are home', {}, 'HassGetState', { domain: 'person', state: 'home' }],
    // A scene by its whole name or alias alone (Home Assistant's "[activate] <name> [scene]").
    [c, 'gym mode', {}, 'HassTurnOn', { name: 'Workout', domain: 'scene' }],
    [c, 'switch to the dinner party scene', {}, 'HassTurnOn', { name: 'Dinner Party' }],
    [c, 'fans off everywhere', {}, 'HassTurnOff', { domain: 'fan' }],
    [c, 'announce everywhere that the taxi is here', {}, 'HassBroadcast', { message: 'the taxi is here' }],
    [c, 'what is todays date', {}, 'HassGetCurrentDate', {}],
    // A remark said with the command.
    [d, 'it is chilly in here put the heating up to 22', { area: 'Living Room' }, 'HassClimateSetTemperature', { temperature: 22 }],
    [d, 'close the velux it is going to rain', {}, 'HassTurnOff', { domain: 'cover' }],
  ] as const)('%#: %s', (router, text, context, intent, slots) => {
    expect(router.route(text, context)).toMatchObject({ intent, path: 'hot', slots });
  });

  it('activates a scene said alone only by its whole name, and keeps remarks passive', () => {
    expect(c.route('dinner').path).toBe('passive');
    expect(c.route('movie').path).toBe('passive');
    expect(d.route('it is funny how he turned the lights off').path).toBe('passive');
  });

  it('never stretches a command word into a name ("start mowing" is not the Good Morning scene)', () => {
    expect(c.route('start mowing').intent).not.toBe('HassTurnOn');
    expect(c.route('start mowing').path).not.toBe('hot');
  });
});
