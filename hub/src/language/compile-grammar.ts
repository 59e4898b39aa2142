import { SttError } from '../stt/errors.js';
import { minimalFsg, WordNfa, type WordFsg } from './fsg.js';
import type { GrammarTemplate } from './grammar-templates.js';
import { spokenWords } from './words.js';
import { parseTemplate, RuleSet, type TemplateNode } from './syntax.js';

/** What the grammar is compiled from: templates, their expansion rules, and the phrases each slot may hold. */
export interface GrammarSource {
  templates: readonly GrammarTemplate[];
  rules: Readonly<Record<string, string>>;
  /** Slot name → spoken phrases; a template whose slot has no phrases (free text) is left to whisper. */
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
      let at = from;
      if (src.articleSlots.includes(node.name)) {
        at = nfa.state();
        nfa.epsilon(from, at);
        for (const a of src.articles) nfa.word(from, at, a);
      }
      for (const phrase of src.slots.get(node.name)!) addToNfa(nfa, { kind: 'seq', items: phrase.map((word) => ({ kind: 'word', word })) }, at, to, src);
      return;
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
  const ruleNodes = new Map<string, Node>();
  for (const template of source.templates) {
    for (const sentence of template.sentences) {
      const node = parseTemplate(sentence);
      if (says(node, exclude)) { skipped.push({ sentence, reason: 'says an excluded word' }); continue; }
      const r = ruleSet.closure(node);
      for (const name of r.rules) ruleNodes.set(name, ruleSet.get(name));
      const missing = [...r.slots].filter((s) => !slotPhrases.has(s));
      if (missing.length > 0) {
        skipped.push({ sentence, reason: `slot {${missing.join('}, {')}} has no phrases` });
        continue;
      }
      r.rules.forEach((x) => usedRules.add(x));
      r.slots.forEach((x) => usedSlots.add(x));
      sentences.push(emit(node, words, exclude));
      kept.push(node);
    }
  }
  if (sentences.length === 0) throw new SttError('JARVIS_STT_BAD_GRAMMAR', 'no template could be compiled (every one needs a slot with no phrases)');
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
  const src: NfaSource = { articles, rules: ruleNodes, slots: slotPhrases, articleSlots: source.articleSlots ?? [], exclude };
  for (const node of kept) addToNfa(nfa, node, start, final, src);
  return { jsgf: `${lines.join('\n')}\n`, fsg: minimalFsg(nfa, start, final), sentences: kept.length, words, skipped };
}
