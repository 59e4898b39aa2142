import { describe, expect, it } from 'vitest';
import { editDistance, normalizeText, numberToWords } from '../../src/language/normalize.js';
import { commandTemplates, compileTemplate, expandTemplate, numberWordsRange, parseTemplate, requiredAnyOf, requiredWords } from '../../src/language/templates.js';
import { describeDuration, parseDuration } from '../../src/language/duration.js';

describe('normalizeText', () => {
  it.each([
    ['Hey Jarvis, please set the lights to Fifty percent!', 'set the lights to 50 percent'],
    ['set it to twenty one point five degrees', 'set it to 21.5 degrees'],
    ['one hundred and twenty', '120'],
    ['a hundred', '100'],
    ["What's the kitchen's temperature?", 'what is the kitchen temperature'],
    ['Set to 40%', 'set to 40 percent'],
    ['turnoff the TV thanks', 'turn off the tv'],
    ['set a timer for half an hour', 'set a timer for 30 minutes'],
  ])('%s → %s', (input, output) => expect(normalizeText(input)).toBe(output));

  it('turns numbers back into words for grammars', () => {
    expect(numberToWords(21)).toBe('twenty one');
    expect(numberToWords(100)).toBe('one hundred');
    expect(numberWordsRange(0, 100, 10)).toHaveLength(11);
    for (let n = 0; n <= 120; n++) expect(normalizeText(numberToWords(n))).toBe(String(n));
    expect(() => numberToWords(1000)).toThrow(RangeError);
  });

  it('measures edit distance with an early cut-off', () => {
    expect(editDistance('kitchen', 'kitten', 2)).toBe(2);
    expect(editDistance('lamp', 'lmap', 1)).toBe(1);
    expect(editDistance('bedroom', 'bathroom', 2)).toBe(3);
  });
});

describe('templates', () => {
  it('every template parses and compiles', () => {
    for (const t of commandTemplates) for (const s of t.sentences) expect(() => compileTemplate(s)).not.toThrow();
  });

  it('reports malformed templates clearly', () => {
    // One parser for tier 0 and the speech grammar: the same errors, with the position.
    expect(() => parseTemplate('turn (on|off')).toThrow(/JARVIS_STT_BAD_GRAMMAR: missing '\)' at character 12/);
    expect(() => compileTemplate('turn <nope> on')).toThrow(/unknown expansion rule <nope>/);
    expect(() => compileTemplate('turn on {gadget}')).toThrow(/unknown slot \{gadget\}/);
  });

  it('compiles slots to named groups over normalised text', () => {
    const re = compileTemplate('<set> {target} [brightness] to {brightness} percent');
    expect(re.exec('set the kitchen lights to 50 percent ')?.groups).toMatchObject({ target: 'the kitchen lights', brightness: '50' });
    expect(re.exec('set the kitchen lights to fifty percent ')).toBeNull();
  });

  it('expands the same templates into phrases for the speech grammar', () => {
    const phrases = expandTemplate('<turn> on [the] {target}', { target: ['kitchen lights', 'reading lamp'] });
    expect(phrases).toContain('turn on the kitchen lights');
    expect(phrases).toContain('switch on reading lamp');
    expect(expandTemplate('<set> {target} to {brightness} percent', { target: ['the lights'], brightness: numberWordsRange(0, 100) }, 50)).toHaveLength(50);
  });
});

describe('durations', () => {
  it('parses and describes spoken durations', () => {
    expect(parseDuration('1 hour and 10 minutes')).toEqual({ hours: 1, minutes: 10 });
    expect(parseDuration('a minute')).toEqual({ minutes: 1 });
    expect(parseDuration('5 minutes called pizza')).toBeUndefined();
    expect(parseDuration('5 5')).toBeUndefined();
    expect(describeDuration(3725)).toBe('1 hour, 2 minutes and 5 seconds');
  });
});

describe('commandGrammar (the speech side reads the same language)', () => {
  it('gives the templates, rules and closed slot phrases of a home, and marks open-vocabulary slots', async () => {
    const { commandGrammar } = await import('../../src/language/grammar-source.js');
    const { compileGrammar } = await import('../../src/language/compile-grammar.js');
    const { fixtureHome } = await import('../home-assistant/helpers.js');
    const { Tier0Router } = await import('../../src/router/tier0.js');
    const { FsgWalker } = await import('../../src/language/fsg.js');
    const source = commandGrammar(fixtureHome(), { area: 'kitchen', strictOnly: true });
    expect(source.templates.every((t) => !t.weak)).toBe(true);
    expect(source.slots['target']).toContain('Kitchen Light');
    expect(source.openSlots).toEqual(expect.arrayContaining(['item', 'search_query', 'message', 'timer_name']));
    expect(source.openIntents.has('HassBroadcast')).toBe(true);
    const g = compileGrammar(source);
    // Templates with a free-text slot are left to whisper, by name.
    expect(g.skipped.some((s) => s.reason.includes('{item}'))).toBe(true);
    const walker = new FsgWalker(g.fsg);
    expect(walker.continues('turn on the kitchen lights'.split(' '))).toBe(false);
    const router = new Tier0Router(fixtureHome());
    expect(router.route('set the fan speed to fifty percent', { area: 'office' }).intent).toBe('HassFanSetSpeed');
  });
});

describe('word filters tier 0 runs before a template\'s regular expression', () => {
  it('asks one word of each alternative group every sentence says, and none of an optional one', () => {
    expect(requiredAnyOf('{target} (mute|silence)')).toEqual([['mute', 'silence']]);
    expect(requiredAnyOf('(turn|switch) {target} [(on|off)]')).toEqual([['turn', 'switch']]);
    // An alternative with an option that says no word cannot be asked for.
    expect(requiredAnyOf('[the] ({target}|lights) on')).toEqual([]);
    expect([...requiredWords('(turn|switch) on {target}')]).toEqual(['on']);
  });

  it('gives each place of a slot said twice its own group, read as the slot', () => {
    const re = compileTemplate('(cancel the timer called {timer_name}|cancel the {timer_name} timer)');
    expect(re.exec('cancel the pasta timer ')?.groups).toMatchObject({ timer_name__2: 'pasta' });
    expect(re.exec('cancel the timer called rice ')?.groups).toMatchObject({ timer_name: 'rice' });
  });
});
