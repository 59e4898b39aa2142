import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { normalizeText } from '../../src/language/normalize.js';
import { Tier0Router } from '../../src/router/tier0.js';

// General forms that no template spells out sentence by sentence (politeness, "back on", a place said bare, the
// player said before "volume"), in sentences written for these tests against the third and fourth fixture homes.
const home = (f: string): Tier0Router => new Tier0Router(loadRegistrySnapshot(fileURLToPath(new URL(`../../../tests/fixtures/registry/${f}.json`, import.meta.url))));
const homes = { c: home('home-c'), d: home('home-d') };
const c = homes.c;
const d = homes.d;

describe('tier 0: general forms', () => {
  it.each([
    ['would you be so kind as to switch on the kettle', 'switch on the kettle'],
    ["i'd love it if you could turn the fan off", 'turn the fan off'],
    ['mind turning off the tv', 'turn off the tv'],
    ['could you possibly open the blinds', 'open the blinds'],
    ['do you think you could dim the lights', 'dim the lights'],
    ["turn off the lights if you don't mind", 'turn off the lights'],
    ['i was wondering if you could play some jazz', 'play some jazz'],
    ['lights off cheers', 'lights off'],
    ['oh and turn the fan off', 'turn the fan off'],
    ['actually could you open the blinds', 'open the blinds'],
    ['also while you are at it lock the door', 'lock the door'],
    ['what time is it honey', 'what time is it'],
  ])('politeness: %s → %s', (input, output) => expect(normalizeText(input)).toBe(output));

  it('keeps sentences that only look polite', () => {
    expect(normalizeText('i do not mind')).toBe('i do not mind');
    expect(normalizeText('next song please')).toBe('next song');
    expect(c.route('and now the weather for the south west').path).toBe('passive');
    expect(c.route('do you mind waiting').path).not.toBe('hot');
  });

  it.each([
    ['c', 'would you be kind enough to put the kettle on', 'HassTurnOn', { name: 'Kettle' }],
    ['c', 'turn the dehumidifier back on', 'HassTurnOn', { name: 'Dehumidifier' }],
    ['d', 'switch the printer back off', 'HassTurnOff', { name: 'Printer' }],
    ['c', 'turn the lights off upstairs', 'HassTurnOff', { floor: 'Upper Floor', domain: 'light' }],
    ['d', 'what is the thermostat set to downstairs', 'HassClimateGetTemperature', { floor: 'Ground Floor' }],
    ['c', 'turn the bedroom tv volume down', 'HassSetVolumeRelative', { name: 'Bedroom TV', volume_step: -10 }],
    ['d', 'turn the volume up by 15 on the office speaker', 'HassSetVolumeRelative', { name: 'Office Speaker', volume_step: 15 }],
    ['d', 'turn the volume down by 5 on the kitchen radio', 'HassSetVolumeRelative', { name: 'Kitchen Radio', volume_step: -5 }],
    // Where to play, said after the search in a sentence with no place for it.
    ['d', 'i want to hear some abba in the kitchen', 'HassMediaSearchAndPlay', { search_query: 'abba', area: 'Kitchen' }],
    ['d', 'shuffle my road trip mix on the office speaker', 'HassMediaSearchAndPlay', { search_query: 'my road trip mix', name: 'Office Speaker' }],
    ['d', 'put some music on in the office', 'HassMediaSearchAndPlay', { search_query: 'music', area: 'Office' }],
    // A value without "percent", for a target of the kind it fits.
    ['c', 'studio lights to forty', 'HassLightSet', { area: 'Studio', brightness: 40 }],
    ['c', 'set the drafting lamp at sixty five', 'HassLightSet', { name: 'Drafting Lamp', brightness: 65 }],
    ['c', 'put the awning out', 'HassTurnOn', { name: 'Patio Awning', domain: 'cover' }],
    // A thing named by its alias in the place said; a sensor named whole; a word the home does not know before a name.
    ['d', 'turn off the dehumidifier in the utility room', 'HassTurnOff', { name: 'Dehumidifier', area: 'Utility Room' }],
    ['d', 'what is the workshop temperature', 'HassGetState', { name: 'Workshop Temperature' }],
    ['d', 'what is the temperature in the workshop', 'HassClimateGetTemperature', { area: 'Workshop' }],
    ['d', "turn on the little reading lamp in grandpa's room", 'HassTurnOn', { name: 'Reading Lamp' }],
    // Said around the command: a pet name, a time it holds for, who left it on; fractions for a value.
    ['d', 'what time is it sweetheart', 'HassGetCurrentTime', {}],
    ['d', 'set the living room thermostat to 17 for the night', 'HassClimateSetTemperature', { name: 'Living Room Thermostat', temperature: 17 }],
    ['d', 'turn off the fairy lights mia left them on again', 'HassTurnOff', { name: 'Fairy Lights' }],
    ['d', 'set the office speaker volume to a quarter', 'HassSetVolume', { name: 'Office Speaker', volume_level: 25 }],
    ['d', 'bedside lamp to half', 'HassLightSet', { name: 'Bedside Lamp', brightness: 50 }],
    // Media, people and machines in everyday words.
    ['d', 'hit pause on the office speaker', 'HassMediaPause', { name: 'Office Speaker' }],
    ['d', 'start the music again in the office', 'HassMediaUnpause', { area: 'Office' }],
    ['d', 'turn the music down 15 in the office', 'HassSetVolumeRelative', { area: 'Office', volume_step: -15 }],
    ['d', 'is tom home from work', 'HassGetState', { name: 'Tom', state: 'home' }],
    ['d', 'robbie start', 'HassVacuumStart', { name: 'Robbie' }],
    ['d', "grandpa's phone battery level", 'HassGetState', { name: "Grandpa's Phone Battery" }],
    ['d', "how much charge is left on grandpa's phone", 'HassGetState', { name: "Grandpa's Phone Battery" }],
    // A place said first, before the request and its politeness; "the" left unsaid; the timer switched off.
    ['d', 'in the office, could you play some jazz', 'HassMediaSearchAndPlay', { search_query: 'jazz', area: 'Office' }],
    ['d', 'in the workshop, how cold is it', 'HassClimateGetTemperature', { area: 'Workshop' }],
    ['d', 'in the living room what is the temperature', 'HassClimateGetTemperature', { area: 'Living Room' }],
    ['d', 'stop music in kitchen', 'HassMediaPause', { area: 'Kitchen' }],
    ['d', 'what is weather like', 'HassGetWeather', {}],
    ['d', 'set roast timer for 40 minutes', 'HassStartTimer', { timer_name: 'roast', duration: 2400 }],
    ['c', 'turn the timer off', 'HassCancelTimer', {}],
    ['d', 'pause my music in the office', 'HassMediaPause', { area: 'Office' }],
    ['d', 'send our roomba home', 'HassVacuumReturnToBase', { name: 'Dusty' }],
    ['c', 'switch off the pasta timer', 'HassCancelTimer', { timer_name: 'pasta' }],
    // Timers said in other words.
    ['c', 'set an alarm for fifteen minutes', 'HassStartTimer', { duration: 900 }],
    ['c', 'put a timer on for the lasagne for 40 minutes', 'HassStartTimer', { duration: 2400, timer_name: 'lasagne' }],
    ['d', 'how much longer on the lasagne', 'HassTimerStatus', { timer_name: 'lasagne' }],
    ['d', 'how long until the bread is ready', 'HassTimerStatus', { timer_name: 'bread' }],
    ['c', 'give the bread ten more minutes', 'HassIncreaseTimer', { timer_name: 'bread', duration: 600 }],
  ] as const)('home-%s: %s', (h, text, intent, slots) => {
    expect(homes[h].route(text)).toMatchObject({ intent, path: 'hot', slots });
  });

  it('keeps words of a search that are not a place, and never plays a kind of device', () => {
    expect(d.route('play songs in the key of life')).toMatchObject({ intent: 'HassMediaSearchAndPlay', slots: { search_query: 'songs in the key of life' } });
    expect(d.route('put some lights on in the office').intent).not.toBe('HassMediaSearchAndPlay');
  });

  it('stays quiet on a question about nothing in the home, and adds no "it" to a list', () => {
    for (const text of ['what does the fox say', 'is the flux capacitor on', 'add it to the list of things i forgot']) expect(d.route(text).path, text).toBe('passive');
  });

  it('does not take time given to someone for a timer', () => {
    for (const text of ['give the dog five minutes', 'give me five more minutes']) expect(c.route(text).path, text).not.toBe('hot');
  });

  it('says why when a target is known but not enough, not that a word is unknown', () => {
    // Several thermostats and no room: "which room", not "I don't know any device called heating".
    const r = homes.d.route('turn up the heating to twenty one degrees');
    expect(r).toMatchObject({ intent: 'HassClimateSetTemperature', path: 'none', code: 'JARVIS_ROUTE_NO_AREA' });
  });

  it('takes a bare "okay" or "thanks" for no command unless a question is open (as Home Assistant, which has no intent for them)', () => {
    for (const text of ['thanks', 'okay', 'thank you so much', 'cheers']) {
      expect(c.route(text).path, text).toBe('passive');
      expect(c.route(text, { awaitingAnswer: true }).intent, text).toBe('HassRespond');
    }
    expect(c.route('okay', { awaitingAnswer: true }).slots).toEqual({ response: 'yes' });
    // Yes and no stay answers, and "no thanks" is still a no.
    expect(c.route('yes')).toMatchObject({ intent: 'HassRespond', slots: { response: 'yes' } });
    expect(c.route('no thanks')).toMatchObject({ intent: 'HassRespond', slots: { response: 'no' } });
  });

  it('takes "say …" as Home Assistant\'s HassRespond with the words, not "say that again"', () => {
    expect(c.route('say good night everybody')).toMatchObject({ intent: 'HassRespond', path: 'hot', slots: { response: 'good night everybody' } });
    expect(d.route('respond with hello there')).toMatchObject({ intent: 'HassRespond', slots: { response: 'hello there' } });
    for (const text of ['say that again', 'say what', 'say it again please']) expect(c.route(text).path, text).not.toBe('hot');
    // A message for everyone stays a broadcast.
    expect(c.route('say to everyone that dinner is ready')).toMatchObject({ intent: 'HassBroadcast' });
  });
});
