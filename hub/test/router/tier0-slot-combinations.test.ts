import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { Tier0Router } from '../../src/router/tier0.js';

// Every slot combination Home Assistant lists for its supported intents with English sentences (home-assistant/intents
// `intents.yaml`), said in our own words against our own homes: home-d (two vacuums, people, four lists) and home-e
// (water valves). The HA slot names are the ones its intents carry.
const fixture = (name: string): Tier0Router => new Tier0Router(loadRegistrySnapshot(fileURLToPath(new URL(`../../../tests/fixtures/registry/${name}.json`, import.meta.url))));
const d = fixture('home-d');
const e = fixture('home-e');

type Case = readonly [text: string, area: string | undefined, intent: string, slots: Record<string, string | number>];

describe('tier 0: each slot combination of the on/off, state and position intents', () => {
  it.each<Case>([
    // HassTurnOn / HassTurnOff: domain only (in here), name only, area + domain, cover by class, name + area, name + floor, script, scene, everywhere.
    ['lights on in here please', 'kitchen', 'HassTurnOn', { area: 'Kitchen', domain: 'light' }],
    ['could you switch the fan on', 'office', 'HassTurnOn', { area: 'Office', domain: 'fan' }],
    ['turn the standing lamp on', undefined, 'HassTurnOn', { name: 'Floor Lamp' }],
    ['switch on the lights in the dining room', undefined, 'HassTurnOn', { area: 'Dining Room', domain: 'light' }],
    ['open the curtains in here', 'bedroom', 'HassTurnOn', { area: 'Bedroom', domain: 'cover', device_class: 'curtain' }],
    ['turn on the floor lamp in the living room', undefined, 'HassTurnOn', { name: 'Floor Lamp', area: 'Living Room' }],
    ['turn on the printer upstairs', undefined, 'HassTurnOn', { name: 'Printer', floor: 'First Floor' }],
    ['start the goodnight script', undefined, 'HassTurnOn', { name: 'Goodnight', domain: 'script' }],
    ['movie night scene please', undefined, 'HassTurnOn', { name: 'Movie Night', domain: 'scene' }],
    ['open all the blinds downstairs', undefined, 'HassTurnOn', { floor: 'Ground Floor', domain: 'cover', device_class: 'blind' }],
    ['close the curtains on the first floor', undefined, 'HassTurnOff', { floor: 'First Floor', domain: 'cover', device_class: 'curtain' }],
    ['turn every light in the house off', undefined, 'HassTurnOff', { domain: 'light' }],
    // A name that starts with a word of the place it is said in.
    ['turn on the cabin speaker in the cabin lounge', undefined, 'HassTurnOn', { name: 'Cabin Speaker', area: 'Cabin Lounge' }],
    ['pause the cabin speaker in the cabin lounge', undefined, 'HassMediaPause', { name: 'Cabin Speaker', area: 'Cabin Lounge' }],
    // HassGetState: a sensor's value by name, a state by name, people.
    ['what is the outdoor temperature', undefined, 'HassGetState', { name: 'Outdoor Temperature' }],
    ['is the bike shed locked', undefined, 'HassGetState', { name: 'Bike Shed', state: 'locked' }],
    ['is the garage door closed', undefined, 'HassGetState', { name: 'Garage Door', state: 'closed' }],
    ['is anna home', undefined, 'HassGetState', { name: 'Anna', domain: 'person', state: 'home' }],
  ])('%s', (text, area, intent, slots) => {
    expect(d.route(text, { area })).toMatchObject({ intent, path: 'hot', slots });
  });

  it.each<Case>([
    // Valves: name only (open/close), by domain in a place, position by name, state by name.
    ['open the water mains', undefined, 'HassTurnOn', { name: 'Main Water Valve', domain: 'valve' }],
    ['close the outside tap', undefined, 'HassTurnOff', { name: 'Garden Tap', domain: 'valve' }],
    ['close the valves in the garden', undefined, 'HassTurnOff', { area: 'Garden', domain: 'valve' }],
    ['set the main water valve to 20 percent', undefined, 'HassSetPosition', { name: 'Main Water Valve', position: 20 }],
    ['open the garden tap to half', undefined, 'HassSetPosition', { name: 'Garden Tap', position: 50 }],
    ['is the stopcock open', undefined, 'HassGetState', { name: 'Main Water Valve', state: 'open' }],
  ])('%s (home-e)', (text, area, intent, slots) => {
    expect(e.route(text, { area })).toMatchObject({ intent, path: 'hot', slots });
  });
});

describe('tier 0: each slot combination of the light, climate, weather and media intents', () => {
  it.each<Case>([
    ['set the chandelier brightness to 40 percent', undefined, 'HassLightSet', { name: 'Dining Room Light', brightness: 40 }],
    ['set the chandelier to orange', undefined, 'HassLightSet', { name: 'Dining Room Light', color: 'orange' }],
    ['make it 20 percent in here', 'kitchen', 'HassLightSet', { area: 'Kitchen', brightness: 20 }],
    ['set the living room brightness to 70%', undefined, 'HassLightSet', { area: 'Living Room', brightness: 70 }],
    ['set the ground floor brightness to 30%', undefined, 'HassLightSet', { floor: 'Ground Floor', brightness: 30 }],
    ['set the lights to blue in here', 'kitchen', 'HassLightSet', { area: 'Kitchen', color: 'blue' }],
    ['turn the living room red', undefined, 'HassLightSet', { area: 'Living Room', color: 'red' }],
    ['make the ground floor lights warm white', undefined, 'HassLightSet', { floor: 'Ground Floor', color: 'warm white' }],
    ['set it to 22 degrees', 'office', 'HassClimateSetTemperature', { area: 'Office', temperature: 22 }],
    ['set the lounge thermostat to 20', undefined, 'HassClimateSetTemperature', { name: 'Living Room Thermostat', temperature: 20 }],
    // A place made a temperature, said without "set" or "to".
    ['make the living room 21 degrees', undefined, 'HassClimateSetTemperature', { area: 'Living Room', temperature: 21 }],
    ['set the ground floor to 19 degrees', undefined, 'HassClimateSetTemperature', { floor: 'Ground Floor', temperature: 19 }],
    ['how hot is it in here', 'office', 'HassClimateGetTemperature', { area: 'Office' }],
    ["what's the cabin heat pump set to", undefined, 'HassClimateGetTemperature', { name: 'Cabin Heat Pump' }],
    ['how warm is it downstairs', undefined, 'HassClimateGetTemperature', { floor: 'Ground Floor' }],
    ["what's the weather at home", undefined, 'HassGetWeather', { name: 'Home' }],
    // The forecast of a weather entity by its name.
    ["what's the forecast for home", undefined, 'HassGetWeather', { name: 'Home' }],
    ['pause the music in the office', undefined, 'HassMediaPause', { area: 'Office' }],
    ['resume the office speaker', undefined, 'HassMediaUnpause', { name: 'Office Speaker' }],
    ['skip the song in the office', undefined, 'HassMediaNext', { area: 'Office' }],
    ['previous song on the telly', undefined, 'HassMediaPrevious', { name: 'Living Room TV' }],
    ['set volume in the office to 35%', undefined, 'HassSetVolume', { area: 'Office', volume_level: 35 }],
    ['play pink floyd in the bedroom', undefined, 'HassMediaSearchAndPlay', { search_query: 'pink floyd', area: 'Bedroom' }],
    // Search, player by name and its place (HA's name_area): the player is not part of the search.
    ['play pink floyd on the cabin speaker in the cabin lounge', undefined, 'HassMediaSearchAndPlay', { search_query: 'pink floyd', name: 'Cabin Speaker', area: 'Cabin Lounge' }],
    ['play some jazz on the office speaker in the office', undefined, 'HassMediaSearchAndPlay', { search_query: 'jazz', name: 'Office Speaker', area: 'Office' }],
  ])('%s', (text, area, intent, slots) => {
    expect(d.route(text, { area })).toMatchObject({ intent, path: 'hot', slots });
  });

  it('keeps a search that only ends in a place word when no player of that name is there', () => {
    expect(d.route('play songs on the radio in the kitchen', {})).toMatchObject({ intent: 'HassMediaSearchAndPlay', slots: { area: 'Kitchen' } });
    expect(d.route('play songs on the radio in the kitchen', {}).slots['name']).toBeUndefined();
  });
});

describe('tier 0: lists, vacuums and timers by slot combination', () => {
  it.each<Case>([
    ['tick off hoover the stairs on the chores list', undefined, 'HassListCompleteItem', { item: 'hoover the stairs', list: 'Chores' }],
    ['remove sandpaper from my hardware list', undefined, 'HassListCompleteItem', { item: 'sandpaper', list: 'DIY List' }],
    // No list named: Home Assistant's shopping list.
    ['cross milk off my list', undefined, 'HassShoppingListCompleteItem', { item: 'milk' }],
    ['check off butter on my list', undefined, 'HassShoppingListCompleteItem', { item: 'butter' }],
    ['we got the lemons you can tick them off the list', undefined, 'HassShoppingListCompleteItem', { item: 'lemons' }],
    ['start dusty', undefined, 'HassVacuumStart', { name: 'Dusty' }],
    ['vacuum the ground floor', undefined, 'HassVacuumStart', { floor: 'Ground Floor' }],
    ['return the living room vacuum to base', undefined, 'HassVacuumReturnToBase', { area: 'Living Room' }],
    ['set a timer for 45 seconds called eggs', undefined, 'HassStartTimer', { duration: 45, timer_name: 'eggs' }],
    ['cancel all timers in the office', undefined, 'HassCancelAllTimers', { area: 'Office' }],
    ['cancel the 5 minute timer', undefined, 'HassCancelTimer', { duration: 300 }],
    ['add 30 seconds to the 5 minute timer', undefined, 'HassIncreaseTimer', { duration: 30, start_duration: 300 }],
    ['remove 10 minutes and 30 seconds from the kitchen timer', undefined, 'HassDecreaseTimer', { duration: 630, area: 'Kitchen' }],
    ['pause the office timer', undefined, 'HassPauseTimer', { area: 'Office' }],
    ['resume the 30 second timer', undefined, 'HassUnpauseTimer', { duration: 30 }],
    ['how much time is left on the 1 hour timer', undefined, 'HassTimerStatus', { duration: 3600 }],
  ])('%s', (text, area, intent, slots) => {
    expect(d.route(text, { area })).toMatchObject({ intent, path: 'hot', slots });
  });

  it('checks off the shopping list only when no other list is named, and needs an item', () => {
    expect(d.route('take the sandpaper off the diy list', {})).toMatchObject({ intent: 'HassListCompleteItem', slots: { list: 'DIY List' } });
    expect(d.route('check off milk on the shopping list', {})).toMatchObject({ intent: 'HassListCompleteItem', slots: { list: 'Shopping List' } });
    expect(d.route('take it off my list', {}).path).not.toBe('hot');
  });
});
