/**
 * Text normalisation shared by de-duplication and the evaluation: "buy eggs", "Eggs." and "get some
 * more eggs" are the same to-do, "call mom" and "call dad" are not.
 */

/** Words that carry no identity of a to-do: articles, fillers, and the verbs of buying (a list item's verb is implied). */
const STOPWORDS = new Set([
  'a', 'an', 'the', 'some', 'more', 'any', 'my', 'our', 'your', 'to', 'for', 'of', 'on', 'at', 'in', 'and',
  'please', 'also', 'just', 'really', 'again', 'too', 'then', 'up', 'buy', 'get', 'grab', 'purchase',
  'pick', 'few', 'new', 'that', 'this', 'it', 'them', 'with', 'from', 'by', 'about', 'go', 'do',
]);

const SYNONYMS: Record<string, string> = {
  phone: 'call', ring: 'call', telephone: 'call', mum: 'mom', mommy: 'mom', mother: 'mom', dad: 'dad',
  father: 'dad', e: 'email', mail: 'email', emails: 'email', message: 'text', msg: 'text',
  groceries: 'grocery', doctor: 'doctor', doc: 'doctor', dr: 'doctor', appt: 'appointment',
};

/** A crude English stem: enough to make plurals and -ing forms meet ("batteries" / "battery"). */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(?:ss|us|is)$/.test(word)) return word;
  if (/(?:ches|shes|xes|sses)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/** Lower-case words of `text`, without punctuation ("Dana's" stays one word, "Q1" stays). */
export function words(text: string): string[] {
  return text.toLowerCase().replace(/[’‘]/g, "'").split(/[^a-z0-9']+/).map((w) => w.replace(/^'+|'+$/g, '')).filter(Boolean);
}

/** The words that identify a to-do, stemmed and mapped to one synonym, in order. */
export function contentTokens(text: string): string[] {
  const out: string[] = [];
  for (const raw of words(text)) {
    const w = raw.replace(/'s$/, '');
    if (STOPWORDS.has(w)) continue;
    out.push(stem(SYNONYMS[w] ?? w));
  }
  return out;
}

/** An order-free key of a to-do's content: equal keys are the same to-do. */
export function dedupKey(text: string): string {
  return [...new Set(contentTokens(text))].sort().join(' ');
}

/** Jaccard similarity of two token sets. */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a);
  const sb = new Set(b);
  if (sa.size === 0 && sb.size === 0) return 1;
  let inter = 0;
  for (const x of sa) if (sb.has(x)) inter++;
  return inter / (sa.size + sb.size - inter);
}

/** Tidy display text: one space, no trailing punctuation, first letter lower-case unless a name or acronym. */
export function tidyTodoText(text: string): string {
  let t = text.replace(/\s+/g, ' ').replace(/^[\s,;:.-]+|[\s,;:.!?-]+$/g, '');
  if (/^[A-Z][a-z]/.test(t) && !/^(?:I|Mom|Dad)\b/.test(t)) t = t[0]!.toLowerCase() + t.slice(1);
  return t;
}
