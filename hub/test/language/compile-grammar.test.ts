import { describe, expect, it } from 'vitest';
import { compileGrammar, parseTemplate } from '../../src/language/compile-grammar.js';
import { ipaToCmu } from '../../src/stt/grammar/pronounce.js';
import { namesFromRegistry, slotPhrases } from '../../src/stt/grammar/slots.js';
import { spellNumber, spokenWords } from '../../src/language/words.js';
import { loadRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { FsgWalker } from '../../src/language/fsg.js';
import { grammarSource } from '../../src/stt/grammar/grammar-engine.js';
import { commandGrammar } from '../../src/stt/command-grammar.js';

describe('grammar compiler', () => {
  it('compiles templates × slot phrases into JSGF with rules and slots', () => {
    const g = compileGrammar({
      templates: [{ sentences: ['<turn> (on|off) [the] {target}', 'add {item} to the list'] }],
      rules: { turn: '(turn|switch)' },
      slots: { target: ['Kitchen Light', 'Kids’ Room 2'] },
    });
    expect(g.jsgf).toContain('public <command> = ( <r_turn> ( on | off ) [ the ] <s_target> );');
    expect(g.jsgf).toContain('<r_turn> = ( turn | switch );');
    expect(g.jsgf).toContain('<s_target> = kids room two | kitchen light;');
    expect(g.skipped).toEqual([{ sentence: 'add {item} to the list', reason: 'slot {item} has no phrases' }]);
    expect([...g.words].sort()).toEqual(['kids', 'kitchen', 'light', 'off', 'on', 'room', 'switch', 'the', 'turn', 'two']);
  });

  it('compiles a sentence without an optional slot that has no phrases; only a required one skips it', () => {
    const g = compileGrammar({
      templates: [{ sentences: ['pause <timer>', '[{duration}|{timer_name}] timer status', 'start a timer called {timer_name}', '[{timer_name}]'] }],
      rules: { timer: '[the|my] [{timer_name}] timer' },
      slots: { duration: ['five minutes'] },
    });
    const walker = new FsgWalker(g.fsg);
    for (const s of ['pause the timer', 'pause timer', 'pause my timer', 'timer status', 'five minutes timer status']) expect(walker.continues(s.split(' ')), s).toBeDefined();
    expect(walker.continues(['start', 'a', 'timer', 'called'])).toBeUndefined();
    expect(walker.continues([])).toBeUndefined();
    expect(g.sentences).toBe(2);
    expect(g.jsgf).toContain('<r_timer> = [ ( the | my ) ] timer;');
    expect(g.jsgf).not.toContain('timer_name');
    expect(g.skipped).toEqual([
      { sentence: 'start a timer called {timer_name}', reason: 'slot {timer_name} has no phrases' },
      { sentence: '[{timer_name}]', reason: 'says no word without its slots that have no phrases' },
    ]);
  });

  it('has the timer commands of the router templates in the speech grammar (timer names are free text)', () => {
    const names = namesFromRegistry(loadRegistrySnapshot(new URL('../../../tests/fixtures/registry/home.json', import.meta.url).pathname));
    const g = compileGrammar(grammarSource(commandGrammar({ speech: true }), names));
    const walker = new FsgWalker(g.fsg);
    for (const s of ['pause the timer', 'resume the timer', 'cancel the timer', 'add five minutes to the timer', 'how much time is left on the timer']) {
      expect(walker.continues(spokenWords(s)), s).toBeDefined();
    }
    expect(g.skipped.filter((x) => x.sentence.includes('<timer>'))).toEqual([]);
  });

  it('lets an article precede the phrases of article slots, since the router resolves targets with or without one', () => {
    const g = compileGrammar({ templates: [{ sentences: ['open {target}'] }], rules: {}, slots: { target: ['Garage Door'] }, articleSlots: ['target'] });
    expect(g.jsgf).toContain('<s_target> = [ the | my | our ] ( garage door );');
    expect(g.words).toContain('the');
  });

  it('leaves out excluded words with every alternative, optional part and sentence that says them', () => {
    const g = compileGrammar({
      templates: [{ sentences: ['<turn> on {target}', 'tern it', 'dim [tern] {target}'] }],
      rules: { turn: '(turn|tern|switch)', only: '(tern)' },
      slots: { target: ['lamp', 'tern lamp'] },
      exclude: new Set(['tern']),
    });
    expect(g.jsgf).toContain('<r_turn> = ( turn | switch );');
    expect(g.jsgf).toContain('public <command> = ( <r_turn> on <s_target> ) | ( dim <s_target> );');
    expect(g.jsgf).toContain('<s_target> = lamp;');
    expect(g.words.has('tern')).toBe(false);
    expect(g.skipped).toEqual([{ sentence: 'tern it', reason: 'says an excluded word' }]);
  });

  it('rejects malformed templates with JARVIS_STT_BAD_GRAMMAR naming the position', () => {
    expect(() => parseTemplate('turn (on|off')).toThrow(/JARVIS_STT_BAD_GRAMMAR: missing '\)' at character 12/);
    expect(() => parseTemplate('turn on]')).toThrow(/unexpected '\]'/);
    expect(() => parseTemplate('turn {Bad Name}')).toThrow(/bad name/);
    expect(() => parseTemplate('turn <rule')).toThrow(/missing '>'/);
    expect(() => parseTemplate('!!!')).toThrow(/no speakable word/);
    expect(() => compileGrammar({ templates: [{ sentences: ['<nope> x'] }], rules: {}, slots: {} })).toThrow(/unknown expansion rule <nope>/);
    expect(() => compileGrammar({ templates: [{ sentences: ['<a> x'] }], rules: { a: '<a>' }, slots: {} })).toThrow(/refers to itself/);
    expect(() => compileGrammar({ templates: [{ sentences: ['add {item}'] }], rules: {}, slots: {} })).toThrow(/no template could be compiled/);
  });

  it('spells names the way they are spoken', () => {
    expect(spokenWords("Kid's Room #2 & Hall")).toEqual(['kids', 'room', 'two', 'and', 'hall']);
    expect(spellNumber(125)).toBe('one hundred twenty five');
    expect(spellNumber(40)).toBe('forty');
    expect(() => spellNumber(1000)).toThrow(RangeError);
  });

  it('maps espeak-ng IPA to CMU phones and refuses symbols it does not know', () => {
    expect(ipaToCmu('zˈɪɡbiː')).toBe('Z IH G B IY');
    expect(ipaToCmu('nˌænoʊlˈiːf')).toBe('N AE N OW L IY F');
    expect(ipaToCmu('tʃˈeɪndʒ')).toBe('CH EY N JH');
    expect(ipaToCmu('ʘ')).toBeNull();
    expect(ipaToCmu('')).toBeNull();
  });

  it('takes entity, area and floor names with aliases from a registry snapshot', () => {
    const names = namesFromRegistry(loadRegistrySnapshot(new URL('../../../tests/fixtures/registry/home.json', import.meta.url).pathname));
    expect(names.entities).toContain('big light');
    expect(names.areas).toContain('Kitchen');
    expect(names.floors).toContain('Ground Floor');
    expect(slotPhrases(names)['target']).toContain('Kitchen lights');
  });
});
