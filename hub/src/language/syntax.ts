import { TemplateError } from './errors.js';
import { spokenWords } from './words.js';

/**
 * The one parser of the command language's template syntax (after Home Assistant's hassil), read by tier 0's
 * matcher and by the speech grammar compiler: words; `(a|b c)` alternatives; `[x]` optional; `<rule>` an
 * expansion rule; `{slot}` a slot. Rules stay unexpanded in the tree; each reader resolves them.
 */
export type TemplateNode =
  | { kind: 'word'; word: string }
  | { kind: 'seq'; items: TemplateNode[] }
  | { kind: 'alt'; options: TemplateNode[] }
  | { kind: 'opt'; item: TemplateNode }
  | { kind: 'rule'; name: string }
  | { kind: 'slot'; name: string };

/**
 * Parses one template sentence. Words are spelled as spoken (`spokenWords`: lower case, digits in words,
 * apostrophes dropped). Throws JARVIS_STT_BAD_GRAMMAR naming the character position.
 */
export function parseTemplate(text: string): TemplateNode {
  let i = 0;
  const fail = (what: string): never => {
    throw new TemplateError(`${what} at character ${i} of "${text}"`);
  };
  const ident = (close: string): string => {
    const start = i;
    while (i < text.length && text[i] !== close) i++;
    if (i >= text.length) fail(`missing '${close}'`);
    const name = text.slice(start, i);
    i++;
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) fail(`bad name '${name}'`);
    return name;
  };
  const alternatives = (closer: string | null): TemplateNode => {
    const options: TemplateNode[] = [];
    let items: TemplateNode[] = [];
    for (;;) {
      const c = text[i];
      if (c === undefined) {
        if (closer !== null) fail(`missing '${closer}'`);
        break;
      }
      if (c === ' ') { i++; continue; }
      if (c === ')' || c === ']') {
        if (c !== closer) fail(`unexpected '${c}'`);
        i++;
        break;
      }
      if (c === '|') { options.push({ kind: 'seq', items }); items = []; i++; continue; }
      if (c === '(') { i++; items.push(alternatives(')')); continue; }
      if (c === '[') { i++; items.push({ kind: 'opt', item: alternatives(']') }); continue; }
      if (c === '<') { i++; items.push({ kind: 'rule', name: ident('>') }); continue; }
      if (c === '{') { i++; items.push({ kind: 'slot', name: ident('}') }); continue; }
      const start = i;
      while (i < text.length && !' ()[]<>{}|'.includes(text[i]!)) i++;
      const words = spokenWords(text.slice(start, i));
      if (words.length === 0) fail(`no speakable word in '${text.slice(start, i)}'`);
      for (const word of words) items.push({ kind: 'word', word });
    }
    options.push({ kind: 'seq', items });
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  };
  return alternatives(null);
}

/** Rules and slots a node refers to directly (not through its rules). */
export function references(node: TemplateNode, out: { rules: Set<string>; slots: Set<string> } = { rules: new Set(), slots: new Set() }): { rules: Set<string>; slots: Set<string> } {
  switch (node.kind) {
    case 'rule': out.rules.add(node.name); break;
    case 'slot': out.slots.add(node.name); break;
    case 'seq': node.items.forEach((n) => references(n, out)); break;
    case 'alt': node.options.forEach((n) => references(n, out)); break;
    case 'opt': references(node.item, out); break;
    case 'word': break;
  }
  return out;
}

/** Parsed expansion rules, checked for unknown and self-referring rules; throws JARVIS_STT_BAD_GRAMMAR. */
export class RuleSet {
  private readonly parsed = new Map<string, TemplateNode>();

  constructor(private readonly rules: Readonly<Record<string, string>>) {}

  /** The parsed body of a rule. */
  get(name: string): TemplateNode {
    const cached = this.parsed.get(name);
    if (cached) return cached;
    const body = this.rules[name];
    if (body === undefined) throw new TemplateError(`unknown expansion rule <${name}>`);
    const node = parseTemplate(body);
    this.parsed.set(name, node);
    return node;
  }

  /** Every rule and slot a node uses, through its rules too. */
  closure(node: TemplateNode): { rules: Set<string>; slots: Set<string> } {
    const out = references(node);
    const visit = (name: string, seen: Set<string>): void => {
      if (seen.has(name)) throw new TemplateError(`expansion rule <${name}> refers to itself`);
      const inner = references(this.get(name));
      inner.slots.forEach((s) => out.slots.add(s));
      for (const r of inner.rules) {
        out.rules.add(r);
        visit(r, new Set([...seen, name]));
      }
    };
    for (const r of [...out.rules]) visit(r, new Set());
    return out;
  }
}
