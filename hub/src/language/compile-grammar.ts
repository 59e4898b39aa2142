import { TemplateError } from './errors.js';
import { minimalFsg, WordNfa, type WordFsg } from './fsg.js';
import type { GrammarTemplate } from './grammar-templates.js';
import { spokenWords } from './words.js';
import { parseTemplate, references, RuleSet, type TemplateNode } from './syntax.js';

/** What the grammar is compiled from: templates, their expansion rules, and the phrases each slot may hold. */
export interface GrammarSource {
  templates: readonly GrammarTemplate[];
  rules: Readonly<Record<string, string>>;
  /**
   * Slot name → spoken phrases. A slot with no phrases (free text) can say nothing: a sentence that needs it is left
   * to whisper, and where it is optional ("[the] [{timer_name}] timer") the sentence is compiled without it.
   */
  slots: Readonly<Record<string, readonly string[]>>;
  /**
   * Slots whose phrases may follow an article ("the", "my", "our"): the router resolves a target with or
   * without one, so its templates write `{target}` bare, and a grammar without the article forces
   * "turn on the office lights" into some other command.
   */
  articleSlots?: readonly string[];
  /**
   * Words to leave out with every alternative that contains them: spellings the router accepts only to
   * survive transcription errors ("tern" for "turn") add nothing to a recogniser but a second path with
   * the same sound.
   */
  exclude?: ReadonlySet<string>;
  /** The articles an `articleSlots` phrase may start with (default {@link SLOT_ARTICLES}). */
  articles?: readonly string[];
}

/** The articles `articleSlots` may start with. */
export const SLOT_ARTICLES: readonly string[] = ['the', 'my', 'our'];

/** A compiled grammar. */
export interface CompiledGrammar {
  /** The grammar as JSGF: the readable form, for people and tests; the recogniser searches `fsg`. */
  jsgf: string;
  /** The same sentences as a minimal word automaton: what the recogniser searches (see fsg.ts). */
  fsg: WordFsg;
  /** Sentences (templates after expansion rules, before slots) compiled. */
  sentences: number;
  /** Every word the grammar uses (each needs a pronunciation). */
  words: Set<string>;
  /** Sentences left out because a slot is free text or has no phrases, with the reason. */
  skipped: { sentence: string; reason: string }[];
}

type Node = TemplateNode;

export { parseTemplate } from './syntax.js';

/** Whether the node itself (not the rules or slots it refers to) says one of the words. */
function says(node: Node, words: ReadonlySet<string>): boolean {
  switch (node.kind) {
    case 'word': return words.has(node.word);
    case 'seq': return node.items.some((n) => says(n, words));
    case 'alt': return node.options.every((n) => says(n, words));
    case 'opt': return false;
    case 'rule': case 'slot': return false;
  }
}

function emit(node: Node, words: Set<string>, exclude: ReadonlySet<string>): string {
  switch (node.kind) {
    case 'word': words.add(node.word); return node.word;
    case 'rule': return `<r_${node.name}>`;
    case 'slot': return `<s_${node.name}>`;
    case 'opt': return says(node.item, exclude) ? '' : `[ ${emit(node.item, words, exclude)} ]`;
    case 'alt': {
      const kept = node.options.filter((o) => !says(o, exclude));
      const options = kept.length > 0 ? kept : node.options;
      return options.length === 1 ? emit(options[0]!, words, exclude) || '<NULL>' : `( ${options.map((o) => emit(o, words, exclude) || '<NULL>').join(' | ')} )`;
    }
    case 'seq': return node.items.map((n) => emit(n, words, exclude)).filter((t) => t !== '').join(' ');
  }
}

interface NfaSource {
  articles: readonly string[];
  rules: ReadonlyMap<string, Node>;
  slots: ReadonlyMap<string, string[][]>;
  articleSlots: readonly string[];
  exclude: ReadonlySet<string>;
  /** Each slot's automaton, once built. */
  slotFsgs: Map<string, WordFsg>;
}

/** The minimal automaton of one slot's phrases, with the optional article of an article slot (built once per slot). */
function slotFsg(name: string, src: NfaSource): WordFsg {
  const hit = src.slotFsgs.get(name);
  if (hit) return hit;
  const nfa = new WordNfa();
  const start = nfa.state();
  const final = nfa.state();
  let at = start;
  if (src.articleSlots.includes(name)) {
    at = nfa.state();
    nfa.epsilon(start, at);
    for (const a of src.articles) nfa.word(start, at, a);
  }
  for (const phrase of src.slots.get(name)!) {
    let s = at;
    phrase.forEach((w, i) => {
      const next = i === phrase.length - 1 ? final : nfa.state();
      nfa.word(s, next, w);
      s = next;
    });
  }
  const fsg = minimalFsg(nfa, start, final);
  src.slotFsgs.set(name, fsg);
  return fsg;
}

/** Adds `node`'s word strings between `from` and `to`, leaving out what {@link emit} leaves out. */
function addToNfa(nfa: WordNfa, node: Node, from: number, to: number, src: NfaSource): void {
  switch (node.kind) {
    case 'word': nfa.word(from, to, node.word); return;
    case 'rule': addToNfa(nfa, src.rules.get(node.name)!, from, to, src); return;
    case 'opt':
      nfa.epsilon(from, to);
      if (!says(node.item, src.exclude)) addToNfa(nfa, node.item, from, to, src);
      return;
    case 'alt': {
      const kept = node.options.filter((o) => !says(o, src.exclude));
      for (const o of kept.length > 0 ? kept : node.options) addToNfa(nfa, o, from, to, src);
      return;
    }
    case 'seq': {
      if (node.items.length === 0) { nfa.epsilon(from, to); return; }
      let at = from;
      node.items.forEach((item, i) => {
        const next = i === node.items.length - 1 ? to : nfa.state();
        addToNfa(nfa, item, at, next, src);
        at = next;
      });
      return;
    }
    case 'slot': {
      // A copy of the slot's own minimal automaton: a few states per place or name instead of every phrase's words
      // at every reference (places × kind words × the templates that say {target}), which the minimisation then
      // had to fold back together.
      const fsg = slotFsg(node.name, src);
      const state = Array.from({ length: fsg.states }, () => nfa.state());
      nfa.epsilon(from, state[fsg.start]!);
      nfa.epsilon(state[fsg.final]!, to);
      for (let i = 0; i < fsg.arcs.length; i += 3) nfa.word(state[fsg.arcs[i]!]!, state[fsg.arcs[i + 1]!]!, fsg.words[fsg.arcs[i + 2]!]!);
      return;
    }
  }
}

/**
 * The node without its parts that can say nothing: a slot with no phrases (free text), a sequence with such a part,
 * an alternative whose every option is such a part, a rule whose body is. An optional part that can say nothing is
 * simply absent ("[the|my] [{timer_name}] timer" is "[the|my] timer" without timer names); `null` when the node
 * itself can say nothing (a required slot with no phrases).
 */
function prune(node: Node, hasSlot: (name: string) => boolean, ruleLive: (name: string) => boolean): Node | null {
  switch (node.kind) {
    case 'word': return node;
    case 'slot': return hasSlot(node.name) ? node : null;
    case 'rule': return ruleLive(node.name) ? node : null;
    case 'opt': {
      const item = prune(node.item, hasSlot, ruleLive);
      return item === null ? { kind: 'seq', items: [] } : { kind: 'opt', item };
    }
    case 'alt': {
      const options = node.options.map((o) => prune(o, hasSlot, ruleLive)).filter((o): o is Node => o !== null);
      if (options.length === 0) return null;
      return options.length === 1 ? options[0]! : { kind: 'alt', options };
    }
    case 'seq': {
      const items: Node[] = [];
      for (const item of node.items) {
        const p = prune(item, hasSlot, ruleLive);
        if (p === null) return null;
        items.push(p);
      }
      return { kind: 'seq', items };
    }
  }
}

/** Compiles templates × slot phrases into one JSGF grammar (`public <command>`) and the same as a minimal FSG. */
export function compileGrammar(source: GrammarSource): CompiledGrammar {
  const words = new Set<string>();
  const exclude = source.exclude ?? new Set<string>();
  const articles = source.articles ?? SLOT_ARTICLES;
  const skipped: CompiledGrammar['skipped'] = [];
  const usedRules = new Set<string>();
  const usedSlots = new Set<string>();
  const sentences: string[] = [];
  const kept: Node[] = [];
  const slotPhrases = new Map<string, string[][]>();
  for (const [slot, phrases] of Object.entries(source.slots)) {
    const list = [...new Set(phrases.map((p) => spokenWords(p)).filter((p) => p.length > 0 && !p.some((w) => exclude.has(w))).map((p) => p.join(' ')))].sort();
    if (list.length > 0) slotPhrases.set(slot, list.map((p) => p.split(' ')));
  }
  const ruleSet = new RuleSet(source.rules);
  // Rule bodies without their parts that can say nothing (null: the whole rule can say nothing).
  const ruleNodes = new Map<string, Node | null>();
  const hasSlot = (name: string): boolean => slotPhrases.has(name);
  const ruleLive = (name: string): boolean => {
    if (!ruleNodes.has(name)) ruleNodes.set(name, prune(ruleSet.get(name), hasSlot, ruleLive));
    return ruleNodes.get(name) !== null;
  };
  // The rules and slots a pruned node refers to, through its rules.
  const refer = (node: Node, rules: Set<string>, slots: Set<string>): void => {
    const r = references(node);
    r.slots.forEach((x) => slots.add(x));
    for (const name of r.rules) {
      if (rules.has(name)) continue;
      rules.add(name);
      refer(ruleNodes.get(name)!, rules, slots);
    }
  };
  for (const template of source.templates) {
    for (const sentence of template.sentences) {
      const parsed = parseTemplate(sentence);
      if (says(parsed, exclude)) { skipped.push({ sentence, reason: 'says an excluded word' }); continue; }
      // Checks the rules (unknown, self-referring) before anything walks them.
      const r = ruleSet.closure(parsed);
      const node = prune(parsed, hasSlot, ruleLive);
      if (node === null) {
        const missing = [...r.slots].filter((s) => !slotPhrases.has(s));
        skipped.push({ sentence, reason: `slot {${missing.join('}, {')}} has no phrases` });
        continue;
      }
      const text = emit(node, words, exclude);
      if (text === '') { skipped.push({ sentence, reason: 'says no word without its slots that have no phrases' }); continue; }
      refer(node, usedRules, usedSlots);
      sentences.push(text);
      kept.push(node);
    }
  }
  if (sentences.length === 0) throw new TemplateError('no template could be compiled (every one needs a slot with no phrases)');
  const lines = ['#JSGF V1.0;', 'grammar jarvis;', `public <command> = ${sentences.map((s) => `( ${s} )`).join(' | ')};`];
  for (const name of [...usedRules].sort()) lines.push(`<r_${name}> = ${emit(ruleNodes.get(name)!, words, exclude) || '<NULL>'};`);
  for (const name of [...usedSlots].sort()) {
    const phrases = slotPhrases.get(name)!;
    phrases.flat().forEach((w) => words.add(w));
    const body = phrases.map((p) => p.join(' ')).join(' | ');
    if (source.articleSlots?.includes(name)) {
      articles.forEach((w) => words.add(w));
      lines.push(`<s_${name}> = [ ${articles.join(' | ')} ] ( ${body} );`);
    } else {
      lines.push(`<s_${name}> = ${body};`);
    }
  }
  const nfa = new WordNfa();
  const start = nfa.state();
  const final = nfa.state();
  const liveRules = new Map([...usedRules].map((name) => [name, ruleNodes.get(name)!]));
  const src: NfaSource = { articles, rules: liveRules, slots: slotPhrases, articleSlots: source.articleSlots ?? [], exclude, slotFsgs: new Map() };
  for (const node of kept) addToNfa(nfa, node, start, final, src);
  return { jsgf: `${lines.join('\n')}\n`, fsg: minimalFsg(nfa, start, final), sentences: kept.length, words, skipped };
}
