/**
 * Reads what a memory command says. Only the carrier phrase is closed ("remember that …", "forget what I
 * said about …", "actually it's …"); the content after it is open vocabulary, kept as spoken.
 */
export type MemoryCommand =
  | { kind: 'remember'; content: string; correction: boolean }
  | { kind: 'correct'; value: string }
  /** "Actually the spare key is in the blue pot": a whole fact said again, corrected (only if it corrects one). */
  | { kind: 'restate'; statement: string }
  | { kind: 'forget'; topic: string }
  | { kind: 'recall'; question: string; explicit: boolean };

const REMEMBER = /^(?:jarvis,? )?(?:please )?(?:remember|note|don't forget|do not forget|keep in mind)(?: that| this)?[,:]? (.+)$/i;
const FORGET = /^(?:jarvis,? )?(?:please )?(?:forget|delete|erase|drop) (?:what (?:i|we) (?:said|told you) (?:about|regarding)|everything about|the (?:fact|note) about|about) (.+)$/i;
const CORRECT_SHORT = /^(?:no,? |sorry,? )?actually,? (?:it's|it is|they're|they are|that's|that is|it was|make that|change (?:that|it) to) (.+)$/i;
// "… level 4, not level 3", "thirty, not twenty, …": a value set against the old one is a correction.
const CORRECTION_CUE = /\b(?:actually|not (?:the |on |in |at )?[\w']+(?: [\w']+)?,?$|changed|moved|now\b|anymore|instead|sorry)|, not [\w']+(?: [\w']+)?(?:,|$)/i;
/** "(no,) actually <a statement>": a statement has a verb of being, so "actually turn the lights off" is not one. */
const RESTATE = /^(?:jarvis,? )?(?:(?:no|sorry|oh|wait)[,.]? )*actually,? (.+)$/i;
const STATEMENT = /\b(?:is|are|was|were|'s|'re)\b/i;
const QUESTION = /^(?:jarvis,? )?(?:what|where|when|who|which|how|do you (?:know|remember)|did i (?:tell|say|mention)|what's|where's|when's|who's|is|are|does|do|can you (?:remind|tell) me)\b/i;
const EXPLICIT_RECALL = /\b(?:did i (?:tell|say|mention)|i told you|do you (?:know|remember)|remind me|my|i|our|we)\b/i;

/** What the text asks of the memory, or undefined when it is not a memory command. */
export function parseMemoryCommand(text: string): MemoryCommand | undefined {
  const t = text.trim().replace(/[.!]+$/, '');
  let m = FORGET.exec(t);
  if (m) return { kind: 'forget', topic: m[1]!.replace(/\?$/, '').trim() };
  m = CORRECT_SHORT.exec(t);
  if (m) return { kind: 'correct', value: m[1]!.trim() };
  m = REMEMBER.exec(t);
  if (m && !/^(?:to |when |if )/i.test(m[1]!) && !/\?$/.test(t)) {
    const content = m[1]!.trim();
    return { kind: 'remember', content, correction: CORRECTION_CUE.test(content) };
  }
  m = RESTATE.exec(t);
  if (m && STATEMENT.test(m[1]!) && !QUESTION.test(m[1]!) && !t.endsWith('?')) return { kind: 'restate', statement: t };
  if (QUESTION.test(t) || t.endsWith('?')) {
    return { kind: 'recall', question: t.replace(/\?+$/, ''), explicit: EXPLICIT_RECALL.test(t) };
  }
  return undefined;
}

/** Whether a statement reads as a correction of something said before ("actually …", "… not level 3", "moved to …"). */
export function isCorrection(statement: string): boolean {
  return CORRECTION_CUE.test(statement);
}

const PERSON_SWAP: Record<string, string> = { my: 'your', i: 'you', "i'm": "you're", me: 'you', mine: 'yours', our: 'your', we: 'you', "we're": "you're", am: 'are', us: 'you' };

/** A fact as Jarvis says it back: first person turned to second ("my car" → "your car"). */
export function speakBack(fact: string): string {
  return fact.replace(/\b(?:my|i'm|i|me|mine|our|we're|we|us)\b(?: am\b)?/gi, (w) => {
    const lower = w.toLowerCase();
    if (lower === 'i am') return 'you are';
    return PERSON_SWAP[lower] ?? w;
  });
}

/**
 * The fact after a short correction: the old value is replaced from the word the correction starts with
 * ("…on level 3" + "level 4" → "…on level 4"), else everything after the last "is/are/was".
 */
export function applyCorrection(fact: string, value: string): string {
  const words = fact.split(/\s+/);
  const first = value.split(/\s+/)[0]!.toLowerCase();
  for (let i = words.length - 1; i >= 0; i--) {
    if (words[i]!.toLowerCase() === first) return [...words.slice(0, i), value].join(' ');
  }
  for (let i = words.length - 1; i >= 0; i--) {
    if (/^(?:is|are|was|were|'s)$/i.test(words[i]!)) return [...words.slice(0, i + 1), value].join(' ');
  }
  return `${fact}: ${value}`;
}
