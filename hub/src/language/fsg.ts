/**
 * Word automata for the command grammar. PocketSphinx's FSG search pays per frame for every state of the
 * grammar (`fsg_history_end_frame` walks states × context phones), and its JSGF compiler inlines a rule
 * at each reference: the router's templates × a home's names made 16,570 states, 0.25 s of CPU per second
 * of speech, 55 % of it in that one loop. The minimal deterministic automaton of the same sentences shares
 * every common prefix and suffix — a name list is kept once per distinct continuation instead of once per
 * reference — and recognises exactly the same word strings.
 */

/** A word automaton with epsilon arcs (`word` -1), as built from templates. */
export class WordNfa {
  /** Arcs as flat triples: from, to, word (-1 = epsilon). */
  private readonly arcs: number[] = [];
  private readonly wordIds = new Map<string, number>();
  readonly words: string[] = [];
  private n = 0;

  /** A new state's number. */
  state(): number {
    return this.n++;
  }

  get states(): number {
    return this.n;
  }

  word(from: number, to: number, word: string): void {
    let id = this.wordIds.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.words.push(word);
      this.wordIds.set(word, id);
    }
    this.arcs.push(from, to, id);
  }

  epsilon(from: number, to: number): void {
    if (from !== to) this.arcs.push(from, to, -1);
  }

  /** The arcs as triples. */
  triples(): readonly number[] {
    return this.arcs;
  }
}

/** A grammar as PocketSphinx's FSG model takes it: one start, one final state, word arcs only. */
export interface WordFsg {
  states: number;
  start: number;
  final: number;
  words: string[];
  /** Flat triples: from, to, index into `words`. */
  arcs: Int32Array;
  /** Probability of each arc (1 / the out-degree of its state), in arc order. */
  probs: Float64Array;
}

/** A deterministic automaton under construction: per state its arcs by word, and which states accept. */
interface Dfa {
  next: Map<number, number>[];
  accept: boolean[];
}

/**
 * Subset construction. `starts` are the initial states; `out(s)` lists a state's arcs as [word, to] with
 * -1 for epsilon. States of the result are numbered in discovery order, 0 being the start.
 */
function determinize(starts: readonly number[], out: (s: number) => readonly (readonly [number, number])[], accepting: (s: number) => boolean): Dfa {
  const closure = (set: Iterable<number>): number[] => {
    const seen = new Set<number>(set);
    const stack = [...seen];
    while (stack.length > 0) {
      const s = stack.pop()!;
      for (const [w, t] of out(s)) if (w === -1 && !seen.has(t)) { seen.add(t); stack.push(t); }
    }
    return [...seen].sort((a, b) => a - b);
  };
  const ids = new Map<string, number>();
  const sets: number[][] = [];
  const dfa: Dfa = { next: [], accept: [] };
  const intern = (set: number[]): number => {
    const key = set.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      id = sets.length;
      ids.set(key, id);
      sets.push(set);
      dfa.next.push(new Map());
      dfa.accept.push(set.some(accepting));
    }
    return id;
  };
  intern(closure(starts));
  for (let i = 0; i < sets.length; i++) {
    const byWord = new Map<number, number[]>();
    for (const s of sets[i]!) {
      for (const [w, t] of out(s)) {
        if (w === -1) continue;
        const list = byWord.get(w);
        if (list) list.push(t);
        else byWord.set(w, [t]);
      }
    }
    for (const [w, targets] of byWord) dfa.next[i]!.set(w, intern(closure(targets)));
  }
  return dfa;
}

/** Outgoing arcs per state of the reversed automaton. */
function reversedArcs(states: number, arcs: Iterable<readonly [number, number, number]>): (readonly [number, number])[][] {
  const out: (readonly [number, number])[][] = Array.from({ length: states }, () => []);
  for (const [from, to, w] of arcs) out[to]!.push([w, from]);
  return out;
}

function* dfaArcs(dfa: Dfa): Generator<readonly [number, number, number]> {
  for (let s = 0; s < dfa.next.length; s++) for (const [w, t] of dfa.next[s]!) yield [s, t, w];
}

/**
 * The minimal deterministic automaton of the NFA's language (Brzozowski: determinize the reverse, then
 * the reverse of that), turned into an FSG with a single final state: an arc into an accepting state
 * that has arcs of its own ("what time is it" ‹now›) gets a twin into the final state.
 */
export function minimalFsg(nfa: WordNfa, start: number, final: number): WordFsg {
  const triples = nfa.triples();
  const forward: [number, number, number][] = [];
  for (let i = 0; i < triples.length; i += 3) forward.push([triples[i]!, triples[i + 1]!, triples[i + 2]!]);
  // Reverse and determinize: states are now classes of common suffixes.
  const rev = reversedArcs(nfa.states, forward);
  const d1 = determinize([final], (s) => rev[s]!, (s) => s === start);
  // Reverse that and determinize again: the minimal DFA.
  const rev2 = reversedArcs(d1.next.length, dfaArcs(d1));
  const d1Accepting = d1.accept.flatMap((a, i) => (a ? [i] : []));
  const d2 = determinize(d1Accepting, (s) => rev2[s]!, (s) => s === 0);

  const n = d2.next.length;
  const hasOut = d2.next.map((m) => m.size > 0);
  // An accepting state without arcs is the natural final state; the minimal DFA has at most one.
  let fin = d2.accept.findIndex((a, s) => a && !hasOut[s]);
  const states = fin === -1 ? n + 1 : n;
  if (fin === -1) fin = n;
  const arcs: number[] = [];
  for (let s = 0; s < n; s++) {
    for (const [w, t] of d2.next[s]!) {
      arcs.push(s, t, w);
      if (d2.accept[t] && hasOut[t]) arcs.push(s, fin, w);
    }
  }
  const degree = new Array<number>(states).fill(0);
  for (let i = 0; i < arcs.length; i += 3) degree[arcs[i]!]!++;
  const probs = new Float64Array(arcs.length / 3);
  for (let i = 0; i < probs.length; i++) probs[i] = 1 / degree[arcs[i * 3]!]!;
  return { states, start: 0, final: fin, words: [...nfa.words], arcs: Int32Array.from(arcs), probs };
}

/** Every sentence an FSG accepts, in no particular order (for tests; the grammar must be small). */
export function fsgSentences(fsg: WordFsg, limit = 10_000): string[] {
  const out: string[] = [];
  const walker = new FsgWalker(fsg);
  const walk = (s: number, words: string[]): void => {
    if (out.length >= limit) return;
    if (s === fsg.final) out.push(words.join(' '));
    for (const [w, targets] of walker.arcsFrom(s)) for (const t of targets) walk(t, [...words, w]);
  };
  walk(fsg.start, []);
  return out;
}

/** Follows word strings through an FSG: whether one is a sentence, and whether a longer sentence starts with it. */
export class FsgWalker {
  private readonly next: Map<string, number[]>[];

  constructor(private readonly fsg: WordFsg) {
    this.next = Array.from({ length: fsg.states }, () => new Map<string, number[]>());
    for (let i = 0; i < fsg.arcs.length; i += 3) {
      const m = this.next[fsg.arcs[i]!]!;
      const w = fsg.words[fsg.arcs[i + 2]!]!;
      const to = fsg.arcs[i + 1]!;
      const list = m.get(w);
      if (list) list.push(to);
      else m.set(w, [to]);
    }
  }

  /** A state's arcs: word → the states it leads to. */
  arcsFrom(state: number): ReadonlyMap<string, readonly number[]> {
    return this.next[state]!;
  }

  /**
   * `undefined` when `words` is not a sentence of the grammar; otherwise whether some longer sentence
   * starts with it ("turn on the kitchen" → true: "turn on the kitchen lights" is one too), not counting longer
   * sentences that only add `trailing` words.
   */
  continues(words: readonly string[], trailing: ReadonlySet<string> = new Set()): boolean | undefined {
    let at = new Set([this.fsg.start]);
    for (const w of words) {
      const to = new Set<number>();
      for (const s of at) for (const t of this.next[s]!.get(w) ?? []) to.add(t);
      if (to.size === 0) return undefined;
      at = to;
    }
    if (!at.has(this.fsg.final)) return undefined;
    // Every state but the final one lies on a path to it: being in one means more words may follow — unless
    // the only words that may follow are `trailing` ones ("… please"), which make no longer command.
    const seen = new Set<number>();
    const more = (s: number): boolean => {
      if (seen.has(s)) return false;
      seen.add(s);
      for (const [w, targets] of this.next[s]!) {
        if (!trailing.has(w)) return true;
        if (targets.some(more)) return true;
      }
      return false;
    };
    return [...at].some(more);
  }

  /**
   * Sentences of the grammar that differ from `words` in exactly one word ("stop the vacuum" for "start the
   * vacuum"), at most `limit`: the hypotheses a recogniser most easily confuses with it.
   */
  neighbours(words: readonly string[], limit = 500): string[][] {
    const out: string[][] = [];
    let at = new Set([this.fsg.start]);
    for (let i = 0; i < words.length && out.length < limit; i++) {
      const tried = new Set<string>([words[i]!]);
      for (const s of at) {
        for (const w of this.next[s]!.keys()) {
          if (tried.has(w)) continue;
          tried.add(w);
          const candidate = [...words.slice(0, i), w, ...words.slice(i + 1)];
          if (this.continues(candidate) !== undefined) out.push(candidate);
          if (out.length >= limit) break;
        }
        if (out.length >= limit) break;
      }
      const to = new Set<number>();
      for (const s of at) for (const t of this.next[s]!.get(words[i]!) ?? []) to.add(t);
      at = to;
    }
    return out;
  }
}

/** The minimal automaton of exactly these sentences (each a list of words). */
export function sentencesFsg(sentences: readonly (readonly string[])[]): WordFsg {
  const nfa = new WordNfa();
  const start = nfa.state();
  const final = nfa.state();
  for (const words of sentences) {
    let at = start;
    words.forEach((w, i) => {
      const next = i === words.length - 1 ? final : nfa.state();
      nfa.word(at, next, w);
      at = next;
    });
  }
  return minimalFsg(nfa, start, final);
}
