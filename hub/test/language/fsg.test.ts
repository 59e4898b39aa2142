import { describe, expect, it } from 'vitest';
import { compileGrammar } from '../../src/language/compile-grammar.js';
import { FsgWalker, fsgSentences, minimalFsg, WordNfa } from '../../src/language/fsg.js';
import { namesFromRegistry, slotPhrases } from '../../src/stt/grammar/slots.js';
import { commandTemplates, expansionRules } from '../../src/language/templates.js';
import { Tier0Router } from '../../src/router/tier0.js';
import { loadRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';

const HOME = new URL('../../../tests/fixtures/registry/home.json', import.meta.url).pathname;

describe('word automata for the command grammar', () => {
  it('accepts exactly the sentences of the templates, articles, optional words and excluded words included', () => {
    const g = compileGrammar({
      templates: [{ sentences: ['<turn> (on|off) {target}', 'what time is it [now]', 'set {target} to {level} percent', 'tern it'] }],
      rules: { turn: '(turn|tern|switch)' },
      slots: { target: ['kitchen light', 'kitchen', 'hall'], level: ['ten', 'twenty'] },
      articleSlots: ['target'],
      exclude: new Set(['tern']),
    });
    const targets = ['kitchen light', 'kitchen', 'hall'].flatMap((t) => [t, `the ${t}`, `my ${t}`, `our ${t}`]);
    const expected = [
      ...['turn', 'switch'].flatMap((v) => ['on', 'off'].flatMap((o) => targets.map((t) => `${v} ${o} ${t}`))),
      'what time is it', 'what time is it now',
      ...targets.flatMap((t) => ['ten', 'twenty'].map((l) => `set ${t} to ${l} percent`)),
    ];
    expect(fsgSentences(g.fsg).sort()).toEqual(expected.sort());
    expect(g.sentences).toBe(3);
  });

  it('shares prefixes and suffixes: the minimal automaton of a name list referenced twice is smaller than either copy', () => {
    const nfa = new WordNfa();
    const start = nfa.state();
    const final = nfa.state();
    const names = ['kitchen light', 'kitchen lamp', 'hall light', 'hall lamp', 'porch light'];
    for (const verb of ['on', 'off']) {
      const mid = nfa.state();
      nfa.word(start, mid, verb);
      for (const n of names) {
        const [a, b] = n.split(' ') as [string, string];
        const s = nfa.state();
        nfa.word(mid, s, a);
        nfa.word(s, final, b);
      }
    }
    nfa.epsilon(start, start); // a self-epsilon is no arc at all
    const fsg = minimalFsg(nfa, start, final);
    // start → {on, off} → one shared state → {kitchen, hall} → one state (light|lamp) / porch → one (light) → final.
    expect(fsg.states).toBe(5);
    expect(nfa.states).toBe(14);
    expect(fsgSentences(fsg).length).toBe(10);
    // Every state's arcs share its probability mass equally.
    for (let s = 0; s < fsg.states; s++) {
      const p = [...fsg.probs].filter((_, i) => fsg.arcs[i * 3] === s);
      if (p.length > 0) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
  });

  it('tells a complete command from one a longer command starts with', () => {
    const g = compileGrammar({
      templates: [{ sentences: ['turn on {target}', 'what time is it [now]', 'stop'] }],
      rules: {},
      slots: { target: ['kitchen', 'kitchen lights', 'hall'] },
    });
    const w = new FsgWalker(g.fsg);
    expect(w.continues('turn on kitchen'.split(' '))).toBe(true);
    expect(w.continues('turn on kitchen lights'.split(' '))).toBe(false);
    expect(w.continues('turn on hall'.split(' '))).toBe(false);
    expect(w.continues('what time is it'.split(' '))).toBe(true);
    expect(w.continues('what time is it now'.split(' '))).toBe(false);
    expect(w.continues(['stop'])).toBe(false);
    // Not sentences of the grammar at all.
    expect(w.continues('turn on'.split(' '))).toBeUndefined();
    expect(w.continues('turn off hall'.split(' '))).toBeUndefined();
    expect(w.continues([])).toBeUndefined();
  });

  it('compiles the router templates × the fixture home into a few hundred states, every sentence one tier 0 understands', () => {
    const snapshot = loadRegistrySnapshot(HOME);
    // The strict templates: a loose form ("{target} down") routes only for the right kind of target, and a grammar
    // with untyped target lists would offer it for every name.
    const g = compileGrammar({ templates: commandTemplates.filter((t) => !t.weak), rules: expansionRules, slots: slotPhrases(namesFromRegistry(snapshot)), articleSlots: ['target'] });
    // sphinxbase's JSGF compiler made 16,570 states of the 22-intent grammar (one name list per reference); this
    // compiler made under 1,000 of it. The language now covers all ~40 of HA's intents with their word orders
    // (1,621 states here, measured): the bound follows the language, and the speech side narrows it by area and
    // intent (commandGrammar options), which the recogniser's own benchmark measures. 2,127 since the closed slots
    // {where}, {state}, {color}, {percentage}, {volume_step} got their phrases and <timer> its sentences (they were
    // skipped: 93 template sentences the grammar could not say).
    expect(g.fsg.states).toBeLessThan(2300);
    const walker = new FsgWalker(g.fsg);
    expect(walker.continues('turn on the kitchen lights'.split(' '))).toBe(false);
    expect(walker.continues('turn off the kitchen'.split(' '))).toBe(true);
    // A spread of sentences from the automaton (a seeded random walk): tier 0 must give each an intent.
    let seed = 11;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const router = new Tier0Router(snapshot);
    const misses: string[] = [];
    for (let k = 0; k < 2000; k++) {
      const words: string[] = [];
      let s = g.fsg.start;
      while (s !== g.fsg.final) {
        const arcs = [...walker.arcsFrom(s)].flatMap(([w, targets]) => targets.map((t) => [w, t] as const));
        const [w, t] = arcs[rand(arcs.length)]!;
        words.push(w);
        s = t;
      }
      const d = router.route(words.join(' '));
      if (d.intent === null) misses.push(words.join(' '));
    }
    // Found "no thanks" (politeness stripped to "no") and "go back one track" ("one" → "1") when first run.
    expect(misses).toEqual([]);
  });
});
