/**
 * Words that say what a fact or question is about. Question words, carrier phrases and pronouns are
 * dropped so "where is my car parked?" and "my car is parked on level 3" meet on "car" and "park".
 */
const STOPWORDS = new Set(
  ('a an the some any my our your their his her its to for of on in at and or but please also just really again too then '
   + 'that this these those it them they he she we i me you us is are was were be been am do does did done have has had '
   + 'what where when who whom which how why what\'s where\'s when\'s who\'s remember remind tell told say said know '
   + 'note jarvis can could would will should there here about again ever any anything something thing things '
   + 'with from by as so if not no yes actually now')
    .split(' '),
);

function stem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ing') && word.length > 5) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 4) return word.slice(0, -2);
  if (/(?:ss|us|is)$/.test(word)) return word;
  if (word.endsWith('es') && /(?:ch|sh|x)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/** The content words of a text, lower-case and crudely stemmed, in order. */
export function memoryTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .split(/[^a-z0-9']+/)
    .map((w) => w.replace(/^'+|'+$/g, '').replace(/'s$/, ''))
    .filter((w) => w !== '' && !STOPWORDS.has(w))
    .map(stem);
}
