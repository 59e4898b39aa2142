import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { Tier0Router } from '../../src/router/tier0.js';

// Everyday ways of saying commands any household uses (a remark around a command, a word said twice over a
// hesitation, a place "out on the deck", a script by its name, a device's power sensor, machines sent home, lists
// ticked off loosely), in sentences written for these tests, against the third and fourth fixture homes.
const home = (f: string): Tier0Router => new Tier0Router(loadRegistrySnapshot(fileURLToPath(new URL(`../../../tests/fixtures/registry/${f}.json`, import.meta.url))));
const c = home('home-c');
const d = home('home-d');

describe('tier 0: everyday phrasings', () => {
  it.each([
    // Places and remarks.
    ['put the lights on out on the deck', 'HassTurnOn', { area: 'Patio', domain: 'light' }],
    ['switch the lights off out on the deck', 'HassTurnOff', { area: 'Patio', domain: 'light' }],
    ['so turn on the er the kitchen lights', 'HassTurnOn', { area: 'Kitchen', domain: 'light' }],
    ['switch off the patio heater it\'s far too hot', 'HassTurnOff', { name: 'Patio Heater' }],
    ['we\'re home, turn on the entryway lights', 'HassTurnOn', { area: 'Entryway', domain: 'light' }],
    ['open the kitchen blind again', 'HassTurnOn', { name: 'Kitchen Blind' }],
    ['pull the awning back in', 'HassTurnOff', { name: 'Patio Awning', domain: 'cover' }],
    // A script by its name or alias alone, or run.
    ['night routine', 'HassTurnOn', { name: 'Lock Up', domain: 'script' }],
    ['run bath time', 'HassTurnOn', { name: 'Bath Time', domain: 'script' }],
    // Questions: a device's power read from the sensor named for it; a window sensor, not the skylight's motor.
    ['is there a window open in the nursery', 'HassGetState', { area: 'Nursery', domain: 'binary_sensor', device_class: 'window', state: 'on' }],
    ['are any windows open', 'HassGetState', { domain: 'binary_sensor', device_class: 'window', state: 'on' }],
    ['is anyone out on the driveway', 'HassGetState', { area: 'Front Yard', state: 'on' }],
    // Media.
    ['take the gym speaker off mute', 'HassMediaPlayerUnmute', { name: 'Gym Speaker' }],
    ['mute the kitchen speaker for a moment', 'HassMediaPlayerMute', { name: 'Kitchen Speaker' }],
    ['skip forward a song on the gym speaker', 'HassMediaNext', { name: 'Gym Speaker' }],
    ['rewind to the last track', 'HassMediaPrevious', {}],
    ['set the patio speaker to 35 percent volume', 'HassSetVolume', { name: 'Patio Speaker', volume_level: 35 }],
    ['resume the audiobook on the kitchen speaker', 'HassMediaUnpause', { name: 'Kitchen Speaker' }],
    // Machines and lists.
    ['set the hoover going', 'HassVacuumStart', { name: 'Robo Vac' }],
    ['the robot back to the dock', 'HassVacuumReturnToBase', { name: 'Robo Vac' }],
    ['mark nails done on the hardware list', 'HassListCompleteItem', { item: 'nails', list: 'Hardware Store' }],
    ['the sandpaper is bought so tick it off the hardware list', 'HassListCompleteItem', { list: 'Hardware Store' }],
    ['remove milk from the grocery list, got it', 'HassListCompleteItem', { item: 'milk', list: 'Shopping List' }],
    // Timers: scrapped is cancelled; stopped "for a second" is paused.
    ['scrap the pasta timer', 'HassCancelTimer', { timer_name: 'pasta' }],
    ['stop the timer for a second', 'HassPauseTimer', {}],
    ['hold the timer a moment', 'HassPauseTimer', {}],
    ['hello there', 'HassRespond', { response: 'hello' }],
    ['timer for the lasagne 40 minutes', 'HassStartTimer', { timer_name: 'lasagne', duration: 2400 }],
  ] as const)('%s', (text, intent, slots) => {
    expect(c.route(text)).toMatchObject({ intent, path: 'hot', slots });
  });

  it.each([
    ['pop the kettle on', 'Kitchen', 'HassTurnOn'],
    ['get the kettle going', 'Kitchen', 'HassTurnOn'],
    ['bit dark in here', 'Kitchen', 'HassTurnOn'],
    ['volume up a bit', 'Kitchen', 'HassSetVolumeRelative'],
  ] as const)('%s (said in the %s)', (text, area, intent) => {
    expect(c.route(text, { area }).intent).toBe(intent);
    expect(c.route(text, { area }).path).toBe('hot');
  });

  it.each([
    ['sound back on', 'Home Gym', 'HassMediaPlayerUnmute'],
    ['skip this one', 'Home Gym', 'HassMediaNext'],
    ['dim them to 30 percent in here', 'Kitchen', 'HassLightSet'],
    ['make it 40 percent', 'Kitchen', 'HassLightSet'],
  ] as const)('%s (said in the %s)', (text, area, intent) => {
    expect(c.route(text, { area })).toMatchObject({ intent, path: 'hot', slots: { area } });
  });

  it("reads a device's power from the sensor named for it (not exposed in this home: refused by the sensor's name)", () => {
    expect(c.route('how much power is the ev charger drawing')).toMatchObject({ intent: 'HassGetState', slots: { name: 'EV Charger Power' }, code: 'JARVIS_ROUTE_NOT_EXPOSED' });
  });

  it('reads a temperature sensor asked by its own name as a state question, a room as a temperature question', () => {
    expect(d.route('what does the workshop temperature say')).toMatchObject({ intent: 'HassGetState', path: 'hot', slots: { name: 'Workshop Temperature' } });
    expect(d.route('what is the temperature in the sauna')).toMatchObject({ intent: 'HassClimateGetTemperature', path: 'hot', slots: { area: 'Sauna' } });
  });

  it('turns a named player up or down by an amount said after it', () => {
    expect(c.route('turn up the patio speaker by 15')).toMatchObject({ intent: 'HassSetVolumeRelative', path: 'hot', slots: { name: 'Patio Speaker', volume_step: 15 } });
    expect(c.route('turn down the patio speaker by 15')).toMatchObject({ intent: 'HassSetVolumeRelative', path: 'hot', slots: { name: 'Patio Speaker', volume_step: -15 } });
  });

  it('takes a list by its alias with the word "list" in it, and an owner\'s place before a thing', () => {
    expect(d.route('add sandpaper to the jobs list')).toMatchObject({ intent: 'HassListAddItem', path: 'hot', slots: { item: 'sandpaper', list: 'Chores' } });
    expect(c.route('turn off nana\'s tv')).toMatchObject({ intent: 'HassTurnOff', path: 'hot', targets: ['media_player.rosa_tv'] });
  });

  it('never turns these into the opposite or another action', () => {
    // "out" after the lights is off, wherever the place is said.
    expect(c.route('turn the lights out on the deck')).toMatchObject({ intent: 'HassTurnOff', path: 'hot', slots: { area: 'Patio' } });
    expect(c.route('turn the lights out in the kitchen')).toMatchObject({ intent: 'HassTurnOff', path: 'hot' });
    // "for a second" is not a timer's name: never a cancel.
    expect(c.route('stop the timer for a moment').intent).not.toBe('HassCancelTimer');
    // The volume, not the speaker's power.
    expect(c.route('turn the music up on the kitchen speaker')).toMatchObject({ intent: 'HassSetVolumeRelative' });
    // Remarks and people alone stay passive.
    for (const text of ['we are back', 'bring the kids in', 'hi there how was your day', 'we are home early today', 'skip it he said', 'get the kids going', 'pop the kids on the bus', 'it is a bit dark outside', 'how are the kids getting on']) {
      expect(c.route(text).path, text).not.toBe('hot');
    }
  });
});
