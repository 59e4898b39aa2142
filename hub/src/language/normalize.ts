/** Text normalisation shared by the tier-0 matcher, its templates and the grammar expansion. */

const UNITS: Record<string, number> = {
  zero: 0, oh: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fourty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const UNIT_WORDS = Object.keys(UNITS);
const TENS_WORDS = Object.keys(TENS);

/** English words for 0–999, as a speech recogniser outputs them ("twenty one"); for grammar expansion. */
export function numberToWords(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 999) throw new RangeError(`numberToWords supports 0-999, got ${n}`);
  if (n < 20) return UNIT_WORDS.find((w) => UNITS[w] === n && w !== 'oh')!;
  if (n < 100) {
    const tens = TENS_WORDS.find((w) => TENS[w] === Math.floor(n / 10) * 10 && w !== 'fourty')!;
    return n % 10 ? `${tens} ${numberToWords(n % 10)}` : tens;
  }
  const rest = n % 100;
  return `${numberToWords(Math.floor(n / 100))} hundred${rest ? ` ${numberToWords(rest)}` : ''}`;
}

/** Replaces number words with digits: "twenty one point five" → "21.5", "a hundred" → "100". Leaves "one" alone before a noun-less context no better. */
function wordsToDigits(tokens: string[]): string[] {
  const out: string[] = [];
  let i = 0;
  const readInt = (): number | undefined => {
    let value: number | undefined;
    const start = i;
    const tok = tokens[i];
    if (tok === undefined) return undefined;
    if ((tok === 'a' || tok === 'one') && tokens[i + 1] === 'hundred') {
      i += 2;
      value = 100;
    } else if (tok in UNITS && tok !== 'oh') {
      value = UNITS[tok]!;
      i++;
      if (tokens[i] === 'hundred') {
        value *= 100;
        i++;
      }
    } else if (tok in TENS) {
      value = TENS[tok]!;
      i++;
    } else if (/^\d+$/.test(tok) && tokens[i + 1] === 'hundred') {
      value = Number(tok) * 100;
      i += 2;
    } else return undefined;
    if (value >= 100) {
      if (tokens[i] === 'and' && tokens[i + 1] !== undefined && (tokens[i + 1]! in UNITS || tokens[i + 1]! in TENS)) i++;
      const t = tokens[i];
      if (t !== undefined && t in TENS) {
        value += TENS[t]!;
        i++;
      } else if (t !== undefined && t in UNITS && t !== 'oh' && t !== 'zero') {
        value += UNITS[t]!;
        i++;
        return value;
      }
    }
    if (value % 100 >= 20 && value % 10 === 0) {
      const t = tokens[i];
      if (t !== undefined && t in UNITS && UNITS[t]! > 0 && UNITS[t]! < 10) {
        value += UNITS[t]!;
        i++;
      }
    }
    return i > start ? value : undefined;
  };
  while (i < tokens.length) {
    const before = i;
    const n = readInt();
    if (n === undefined) {
      out.push(tokens[i]!);
      i = before + 1;
      continue;
    }
    let text = String(n);
    if (tokens[i] === 'point' && tokens[i + 1] !== undefined && (tokens[i + 1]! in UNITS)) {
      i++;
      let frac = '';
      while (tokens[i] !== undefined && tokens[i]! in UNITS && UNITS[tokens[i]!]! < 10) frac += String(UNITS[tokens[i++]!]);
      text += `.${frac}`;
    }
    out.push(text);
  }
  return out;
}

const PHRASE_FIXES: Array<[RegExp, string]> = [
  [/\b(\d+(?:\.\d+)?)\s*%/g, '$1 percent '],
  [/%/g, ' percent '],
  [/°\s*[cf]?\b/g, ' degrees '],
  [/\bper cent\b/g, 'percent'],
  [/\bwhat's\b|\bwhats\b/g, 'what is'],
  [/\bwheres\b/g, 'where is'],
  [/\bhows\b/g, 'how is'],
  [/\b(?:can't|cannot|can not)\b/g, 'can not'],
  [/\bdon't\b/g, 'do not'],
  [/\bdoesn't\b/g, 'does not'],
  [/\bwon't\b/g, 'will not'],
  [/\bisn't\b/g, 'is not'],
  [/\baren't\b/g, 'are not'],
  [/\bi'm\b/g, 'i am'],
  [/\bi'll\b/g, 'i will'],
  [/\blet's\b/g, 'let us'],
  [/\bthat's\b/g, 'that is'],
  [/\bthere's\b/g, 'there is'],
  [/\bthey're\b/g, 'they are'],
  [/\byou're\b/g, 'you are'],
  [/\bwhat're\b/g, 'what are'],
  [/\bit's\b/g, 'it is'],
  [/\bhow's\b/g, 'how is'],
  [/\bwhere's\b/g, 'where is'],
  [/\bwho's\b/g, 'who is'],
  [/\bwhen's\b/g, 'when is'],
  [/\bhere's\b/g, 'here is'],
  [/\bhe's\b/g, 'he is'],
  [/\bshe's\b/g, 'she is'],
  [/\bwhat've\b/g, 'what have'],
  [/\bwe've\b/g, 'we have'],
  [/\bi've\b/g, 'i have'],
  [/\byou've\b/g, 'you have'],
  [/\bshouldn't\b/g, 'should not'],
  [/\bwouldn't\b/g, 'would not'],
  [/\bcouldn't\b/g, 'could not'],
  [/\bdidn't\b/g, 'did not'],
  [/\bhasn't\b/g, 'has not'],
  [/\bhaven't\b/g, 'have not'],
  [/\bwasn't\b/g, 'was not'],
  [/\bweren't\b/g, 'were not'],
  [/\bwhat'll\b/g, 'what will'],
  [/\bit'll\b/g, 'it will'],
  [/\byou'll\b/g, 'you will'],
  [/\bwe'll\b/g, 'we will'],
  [/\bwe're\b/g, 'we are'],
  [/\bi'd\b/g, 'i would'],
  [/\b(\w+)'s\b/g, '$1'],
  [/\bturnoff\b/g, 'turn off'],
  [/\bturnon\b/g, 'turn on'],
  [/\bswitchoff\b/g, 'switch off'],
  [/\bnever mind\b/g, 'nevermind'],
  [/\b(?:a |one )?half an hour\b/g, '30 minutes'],
  [/\b(?:a )?quarter of an hour\b|\ba quarter hour\b/g, '15 minutes'],
  [/\bthree quarters of an hour\b/g, '45 minutes'],
  [/\ba minute and a half\b/g, '90 seconds'],
  [/\bhalf a minute\b/g, '30 seconds'],
  // "the temp", "the current temperature", "21 c": the temperature.
  [/\b(?:current|present) (?=temp)/g, ''],
  [/\btemp\b/g, 'temperature'],
  [/\b(\d+(?:\.\d+)?) ?(?:c|f)$/g, '$1 degrees'],
  [/\ban hour and a half\b/g, '90 minutes'],
  [/\ba couple of\b/g, 'two'],
  [/\bt v\b/g, 'tv'],
];

/** Verbs of commands after "would you mind …ing". */
const GERUNDS: Readonly<Record<string, string>> = Object.fromEntries(
  ['turn', 'switch', 'open', 'lock', 'unlock', 'start', 'play', 'check', 'add', 'lower', 'raise', 'pause', 'set', 'close', 'shut', 'put', 'stop', 'dim', 'make', 'cancel', 'tell',
    'mute', 'unmute', 'skip', 'resume', 'send', 'bring', 'pull', 'give', 'dock', 'remind', 'announce', 'activate', 'increase', 'decrease', 'brighten', 'read', 'mow', 'vacuum', 'hoover']
    .map((v) => [`${/(?:p|t|m)$/.test(v) && /[aeiou][ptm]$/.test(v) && !/(?:ee|oo|ea|ai|oi|ou)[ptm]$/.test(v) && !['open', 'start', 'lock'].includes(v) ? v + v.at(-1) : /e$/.test(v) ? v.slice(0, -1) : v}ing`, v]),
);
/** "would you mind closing …", "mind turning off …", "how about turning …": the verb asked for, at the start of a request. */
const GERUND_REQUEST = /^(?:(?:would|do|if) you (?:not )?mind|mind|how about|what about|try) (\w+ing)\b/;

const POLITE_PREFIX = /^(?:(?:hey|ok|okay|hi|hello)(?: there)?\s+(?!there$|(?:there )?how are you))?(?:jarvis\s+)?(?:please\s+|(?:could|can|would|will) you (?:be (?:so kind|kind enough|good enough|a (?:dear|star|love)) (?:as )?(?:to |and )|kindly |possibly |maybe |perhaps |just )+|(?:i (?:would|will) )?(?:love|appreciate|like) it if you (?:could|would|can|will)(?: please)?\s+|(?:i would be|i will be|i am) (?:grateful|happy) if you (?:could|would)(?: please)?\s+|(?:i was |i am )?wondering if you (?:could|would|can)(?: please)?\s+|(?:do you think you could|is there any chance you could|any chance you could|(?:is it|would it be) possible (?:for you )?to|be (?:a (?:dear|star|love)|so kind) and|if you (?:could|would|can))(?: please)?\s+|could you(?: please)?\s+|can you(?: please)?\s+|would you(?: please)?(?: mind)?\s+|will you\s+|are you able to\s+|i want you to\s+|i need you to\s+|i would like you to\s+|you can\s+|i would like(?: to)?\s+(?=(?:the|my|our|turn|switch|set|put|play|open|close|start|stop|add|cancel|lock|unlock)\b)|i want(?: to)?\s+(?=(?:the|my|our|turn|switch|set|put|play|open|close|start|stop|add|cancel|lock|unlock)\b)|kindly\s+|jarvis\s+|(?:um|uh|er|erm|shh+|so|just|quickly|hold on|hang on|one sec|one second|go ahead and|do me a favou?r and|actually|also|and|and also|and then|oh and|oh also|oh actually|well|alright|all right|then|one more thing|one last thing|while you are at it|whilst you are at it|lastly|finally)\s+)*/;
const POLITE_SUFFIX = /(?:\s+(?:please|actually|for me|thanks|thank you|thanks a lot|jarvis|now|right now|would you|could you|will you|if you can|if you could|if you would|if that is ok|when you get a chance|real quick|quickly|if you (?:do not|would not) mind|if you would be so kind|if possible|if you please|cheers|ta|thanks (?:a lot|so much|mate|jarvis)|thank you (?:very much|so much|kindly|jarvis)|please and thank you|pretty please|when you can|as soon as you can|for us|mate|honey|dear|darling|sweetie|sweetheart|buddy|pal|(?<=(?:^| )(?:on|off|up|down|please) )(?:love|babe|hun|hon)))+$/;

/**
 * Lower-case, punctuation-free text with number words turned into digits and politeness stripped:
 * "Hey Jarvis, please set the lights to Fifty percent!" → "set the lights to 50 percent".
 */
export function normalizeText(text: string): string {
  let s = text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  s = s.replace(/[’`]/g, "'");
  for (const [re, to] of PHRASE_FIXES) s = s.replace(re, to);
  s = s.replace(/(\d),(\d{3})/g, '$1$2');
  s = s.replace(/[^a-z0-9.\s-]/g, ' ').replace(/(?<!\d)\.|\.(?!\d)/g, ' ').replace(/-/g, ' ');
  const tokens = s.split(/\s+/).filter(Boolean);
  s = wordsToDigits(tokens).join(' ').replace(/\b(\d+) and a half\b/g, (_, n: string) => `${n}.5`);
  // "would you mind closing the garage door": the verb it asks for.
  s = s.replace(/\b(?:would|do) you mind (\w+ing)\b/, (_, g: string) => GERUNDS[g] ?? g);
  s = s.replace(GERUND_REQUEST, (all, g: string) => GERUNDS[g] ?? all);
  // Hesitations anywhere ("turn on, uh, the kitchen lights").
  s = s.replace(/(?:^| )(?:uh+|um+|uhm|erm|er|hmm+|ah+|ugh)(?= |$)/g, '').trim();
  // A small word said twice over a hesitation ("the uh the lights"): once.
  s = s.replace(/\b(the|a|an|my|our|to|in|on|of) \1\b/g, '$1');
  // Suffix first: "ok please" stays "ok" (a prefix needs a word after it).
  s = s.replace(POLITE_SUFFIX, '').replace(POLITE_PREFIX, '');
  return s.trim();
}

/** Ways of saying thanks (HassRespond "thank you" in the templates, when Jarvis asked a question). */
export const THANKS_WORDS = ['thank you', 'thanks', 'cheers', 'thanks a lot', 'thank you very much', 'thank you so much', 'much appreciated', 'ta', 'great', 'perfect', 'lovely', 'brilliant', 'awesome', 'cheers mate'] as const;
/** Ways of saying okay (HassRespond "yes" in the templates, when Jarvis asked a question). */
export const OKAY_WORDS = ['ok', 'okay', 'alright', 'all right', 'fine', 'cool', 'got it'] as const;

/** A bare acknowledgement ("okay", "thanks", "cheers"): it answers a question Jarvis asked, and otherwise is not a command. */
const ACKNOWLEDGEMENT = new RegExp(`^(?:oh )?(?:${[...OKAY_WORDS, ...THANKS_WORDS, 'right', 'nice', 'good'].join('|')})$`);

/** Whether normalised text is only an acknowledgement ("okay", "thanks"). */
export function isAcknowledgement(normalised: string): boolean {
  return ACKNOWLEDGEMENT.test(normalised);
}

/** A template's literal word as normalised input spells it ("one" → "1"), so templates can be written in words. */
export function normalizeWord(word: string): string {
  return wordsToDigits([word]).join(' ');
}

/** Plural-insensitive form of one token ("lights" → "light", "blinds" → "blind", "switches" → "switch"). */
export function singular(token: string): string {
  if (token.length <= 3 || /\d/.test(token)) return token;
  if (token.endsWith('ies') && token.length > 4) return `${token.slice(0, -3)}y`;
  if (/(?:ch|sh|x|ss)es$/.test(token)) return token.slice(0, -2);
  if (token.endsWith('s') && !token.endsWith('ss') && !token.endsWith('us') && !token.endsWith('is')) return token.slice(0, -1);
  return token;
}

/** Tokens of a name as the index stores them: normalised, singular. */
export function nameTokens(name: string): string[] {
  return normalizeText(name).split(' ').filter(Boolean).map(singular);
}

/**
 * Damerau–Levenshtein distance (optimal string alignment), giving up early once it exceeds `max`
 * (returns max + 1 then). Recognition errors are mostly one or two letters.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/** How many edits a token of this length may have and still count as a misrecognition of another. */
export function fuzzBudget(token: string): number {
  if (token.length <= 3 || /\d/.test(token)) return 0;
  return token.length <= 5 ? 1 : 2;
}
