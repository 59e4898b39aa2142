import nlp from 'compromise';
import { findDueDate, type DueDate, type DueMatch } from './due-date.js';
import type { ExtractOptions, Finding, ReaderTrace, Utterance } from './extract.js';
import { isUser } from './extract.js';
import { contentTokens, tidyTodoText } from './normalise.js';
import { TASK_VERBS } from './task-verbs.js';
import { normaliseSpeech } from './speech-text.js';
import { localIsoDate } from './zoned-time.js';

/**
 * The clause reader: to-dos read from clauses instead of cut from strings.
 *
 * Each utterance is normalised (whisper's spelling, contractions, fillers, stutters), split into
 * sentences and clauses (punctuation, conjunctions and subordinators, and a new subject starting
 * mid-sentence in unpunctuated text), and each clause is read with compromise's parts of speech:
 * - a to-do is a clause in which the WEARER commits to an action (I'll / I need to / I have to /
 *   I should / remind me to / add … to the list) or accepts a request made just before; a question, a
 *   hypothetical, a hedge ("maybe at some point"), a past task or a quote is not;
 * - its text is the verb phrase in the imperative: the verb's infinitive and its object, with the
 *   words chrono-node read as the due date cut out and the sentence tidied, a pronoun object ("sign
 *   it") replaced by the thing or person named just before, coordinated objects and verbs split;
 * - the rest of the conversation is followed: the wearer's "never mind" cancels, a date alone
 *   ("okay, Sunday") moves, someone else's "I already did it" / "it got cancelled" / "I'll do it"
 *   (handed off) / "I registered her Saturday" (same verb) removes.
 */

interface Term {
  text: string;
  normal: string;
  pre: string;
  post: string;
  tags: string[];
}

/** Speakers that are never a person in the room. */
const MEDIA_SPEAKERS = /^(?:tv|radio|podcast|video|movie|film|ad|advert|speaker|music|voicemail|announcer|pa)$/i;

/** Verbs after "I will" / "I need to" that are talk or states, not a to-do ("I'll be honest", "I need to sleep"). */
const NOT_A_TASK = new Set(['be', 'bet', 'admit', 'say', 'think', 'guess', 'wait', 'stay', 'sleep', 'sit', 'relax', 'rest', 'breathe', 'cry', 'lie', 'pass', 'try', 'keep', 'miss', 'never', 'not', 'probably', 'survive', 'live', 'die', 'love', 'like', 'hate', 'calm', 'figure', 'talk', 'vent', 'eat', 'leave', 'know', 'feel', 'hear', 'mean', 'want', 'wonder', 'let you', 'owe']);

const LIGHT_VERBS = new Set(['take', 'have', 'let', 'go', 'see', 'tell', 'leave', 'keep', 'give', 'show', 'put']);

const LEAD_IN = /^(?:(?:oh|ah|okay|ok|wait|great|well|right|so|yeah|yes|yep|and|also|shoot|oops|jarvis|hey jarvis|anyway|anyways|alright|all right|fine|cool|ugh|lol|then|first(?!\s+thing\b)|now|plus|but|honestly|no|sure|good|nice|perfect|deal|god|man|geez|jeez|oh no)\b[,.!\s]*)+/i;

/** A clause that commits the speaker; group 1 is where the verb phrase starts. */
interface Marker {
  re: RegExp;
  kind: 'task' | 'item';
  /** A will-style promise: the verb must be a task verb, or a date must be said. */
  promise?: boolean;
  /** should / ought: a hedge ("probably", "maybe", "at some point", "more") makes it a wish. */
  soft?: boolean;
  list?: boolean;
  /** "I'm picking them up at noon": a plan only when a date is said. */
  progressive?: boolean;
  /** "I book the flights tonight": a present-tense plan, only with a date and a bare task verb. */
  plan?: boolean;
}

const ADVERBS = String.raw`(?:(?:really|still|definitely|also|probably|just|seriously|totally|absolutely|then|first|actually|both|all|so|now|def|obviously|for sure|finally)\s+)*`;
const MARKERS: Marker[] = [
  { re: /\bremind me\b(?:\s+\S+){0,5}?\s+to\s+(.+)$/i, kind: 'task' },
  { re: /\b(?:do not|don't) let me forget\s+(?:to\s+)?(.+)$/i, kind: 'task' },
  { re: /\b(?:note to self|make a note|action items? for me|(?:reminder|memo|note) (?:to|for) (?:myself|self|me))\s*[,:]?\s*(?:to\s+)?(.+)$/i, kind: 'task' },
  { re: /^(?:reminder|memo|to-?do)\s*[,:-]\s*(?:to\s+)?(.+)$/i, kind: 'task' },
  { re: /\b(?:add|put|stick)\s+(.+?)\s+(?:to|on|onto)\s+(?:the|my|our)\s+(?:\w+\s+)?list\b/i, kind: 'item', list: true },
  { re: /\bpromised\s+(?:\w+\s+)?(?:I would|that I would|to)\s+(.+)$/i, kind: 'task' },
  { re: /\b(?:shopping|grocery|groceries|store|costco|market)\s+list\s*[:,-]\s*(.+)$/i, kind: 'item', list: true },
  { re: /^(?:[\w'-]+\s+){0,2}(?:store|shop|market|pharmacy|costco|target|grocery|hardware)\s+(?:run|trip)\s*[:,-]\s*(.+)$/i, kind: 'item', list: true },
  { re: /\b(?:to-?do|todo|task)\s+list\s*[:,-]\s*(.+)$/i, kind: 'task' },
  { re: /\b(?:it is\s+|is\s+)?(?:necessary|important|urgent|essential|crucial)\s+(?:that I|for me to|I)\s+(?:must\s+|should\s+)?(.+)$/i, kind: 'task' },
  { re: /\bremember me\s+to\s+(.+)$/i, kind: 'task' },
  { re: new RegExp(String.raw`\b(?:I|we)\s+${ADVERBS}(?:have|has|got|need|must)\s+to\s+remember\s+to\s+(.+)$`, 'i'), kind: 'task' },
  { re: new RegExp(String.raw`\b(?:I|we)\s+${ADVERBS}(?:should|ought to)\s+${ADVERBS}(.+)$`, 'i'), kind: 'task', soft: true },
  {
    re: new RegExp(String.raw`\b(?:I|we)\s+${ADVERBS}(?:do\s+)?(?:(?:will|am going to|are going to|am about to)\s+(?:${ADVERBS}have to|${ADVERBS}need to)|need to|needs to|have to|has to|have got to|got to|must|will have to)\s+${ADVERBS}(.+)$`, 'i'),
    kind: 'task',
  },
  { re: /^(?:I\s+)?got to\s+(.+)$/i, kind: 'task' },
  // Clipped speech drops the subject: "need to return the calculator before Monday".
  { re: /^(?:still\s+|really\s+|also\s+)?(?:need|have|must)\s+to\s+(.+)$/i, kind: 'task' },
  { re: /\bI (?:totally |completely |just )?forgot to\s+(.+)$/i, kind: 'task' },
  {
    re: /\b(?:I am|we are|we have|I have|I|we)\s+(?:(?:all|almost|nearly|completely|basically|pretty much|totally)\s+)*(?:out of|low on|run out of|ran out of|running out of|running low on|short on)\s+(.+)$/i,
    kind: 'item',
  },
  { re: /\b(?:we|I)\s+(?:still\s+|also\s+|really\s+)*need\s+(?!to\b)(.+)$/i, kind: 'item' },
  { re: new RegExp(String.raw`\bI\s+${ADVERBS}(?:will|am going to|promise to)\s+${ADVERBS}(.+)$`, 'i'), kind: 'task', promise: true },
  { re: new RegExp(String.raw`^let us\s+${ADVERBS}(.+)$`, 'i'), kind: 'task', soft: true },
  { re: /\bI am\s+(\w+ing\b.+)$/i, kind: 'task', promise: true, progressive: true },
  // "so the plan is I book the flights tonight", "I call the bank tomorrow": a plan in the present, with a date.
  { re: /^(?:so\s+|and\s+|then\s+|okay\s+)?(?:the plan is(?: that)?\s+)?I\s+([a-z]+\b.*)$/i, kind: 'task', promise: true, plan: true },
];

const QUESTION_START = /^(?:can|could|would|will|should|shall|do|does|did|is|are|was|were|have|has|what|who|where|when|why|how|which|am|any idea|remember when)\b/i;
const HYPOTHETICAL = /\b(?:if|maybe|someday|some day|perhaps|wonder|would|wish|rather|unless|in case|whether|might|could|supposed to)\b/i;
const PAST = /\b(?:was going to|were going to|used to|did not|never|already|finished|had to|needed to|should have|would have)\b/i;
const HEDGE = /\b(?:maybe|probably|I guess|I dunno|I do not know|at some point|someday|some day|sometime|one of these days|more|again|eventually|more often)\b/i;
const QUOTE = /\b(?:said|says|goes|went|told me|asked|was like|is like)\s*[,:]?\s*"|"/i;
const IMMEDIATE = /\b(?:right now|real quick|a sec|for a (?:minute|sec(?:ond)?|moment))\b/i;
const ACCEPT = /^(?:(?:oh|well|yeah|okay|ok|so|yes|sure|fine|alright|ugh|right|understood)[,.!\s]+)*(?:understood|right|yeah|yes|yep|yup|sure|okay|ok|of course|no problem|will do|I can do that|I can do it|I can cover|I can|I will|definitely|absolutely|sounds good|got it|consider it done|on it|fine|alright|all right|deal|that is doable|no worries|can do|for sure)\b/i;
const REFUSE = /\b(?:not|can not|sorry|nope|no[,.!]|maybe later|we will see|is bad|bad for me|busy)\b/i;
const DATE_FILLER = /\b(?:today|sometime|some time|need it|needs it|want it|need that|have it done|get it done|ok|okay|then|fine|so|yeah|yes|yep|sure|actually|no|wait|that is|that|it is|it|due|let us|make it|do it|morning|afternoon|evening|night|tonight|instead|works|good|alright|sounds|right|there is no way|I mean|oh|um|lol|and|on|by|for|at|the|is)\b/gi;
/** Whisper's "two"/"too" for "to" before a task verb ("remind me in two weeks two call the dentist"). */
const TWO_BEFORE_VERB = new RegExp(String.raw`\b(?:two|too)\s+(${[...TASK_VERBS].join('|')})\s+(?=(?:the|a|an|my|your|his|her|our|their|some|it|them|him|me|up|off|in|out|back)\b)`, 'gi');

/** The wearer saying someone else has done it: "Actually no, Jen sent that one this morning." */
const DONE_BY_NAMED = /^(?:(?:actually|oh|wait|no|never mind|nah)[,.!\s]+)*(?!(?:I|we|you|who|what|which|someone|somebody|nobody|nothing|no one)\b)([A-Z][a-z]+|he|she|they)\s+(?:already\s+|just\s+)?(?:did|sent|paid|took care of|handled|booked|ordered|fixed|sorted|finished|made|bought|got|picked up|dropped off|called|emailed|signed|submitted|returned|cancell?ed)\s+(?:it|that|that one|this|this one|them|those|him|her)\b/i;

/** The wearer saying a thing is done as soon as it is asked ("There, sent.", "Done!"). */
const DONE_NOW = /^(?:(?:there|okay|ok|and|all|right|annnd|and)[,.!\s]+)*(?:all\s+)?(?:done|sent|finished|paid|booked|ordered|submitted|signed|(?:I\s+)?(?:just\s+)?did it|took care of it|handled)(?:\s+it)?[.!]*$/i;
const CANCEL = /\b(?:never ?mind|scratch that|cancel that|forget (?:it|that|about (?:it|that))|do not worry about (?:it|that)|no need)\b|^(?:(?:oh|okay|ok|so|then|right|well|fine)[,.!\s]+)*forget (?:about )?(?:the|my) [a-z]/i;
const CANCEL_TARGET = /\b(?:never ?mind|forget about|forget|do not worry about|cross off|scratch)\s+(?:the\s+|about\s+the\s+|my\s+)([a-z][\w' -]+)/i;
const CORRECT = /^(?:(?:actually|sorry|I mean|no|wait)[,\s]+)*(?:make (?:that|it)|change (?:that|it) to|move (?:that|it) to|let us (?:say|make it)|I meant(?!\s+to\b)|push (?:that|it) to|(?:it|that|the \w+)\s+(?:moved|got moved|was moved|has been moved|got pushed|was pushed|got changed|changed|is now|is moving)\s+(?:to\s+)?)\s*(.+)$/i;
const DONE_BY_OTHER = /\b(?:got|did|done|have|sent|finished|booked|ordered|handled) (?:it|them|that|this|those)? ?already\b|\b(?:already|just)\s+(?:\w+\s+){0,2}?(?:did|done|\w+ed|got|sent|bought|made|paid|took|brought|booked|sorted|handled|ordered|picked)\b|\b(?:is|was|are|it is|got|been)\s+(?:\w+\s+)?(?:cancell?ed|called off|off|on the calendar|taken care of|done|handled|sorted)\b|\b(?:I|he|she|they|[A-Z][a-z]+)\s+(?:already\s+|just\s+)?(?:did|handled|took care of|fixed|sorted)\s+(?:it|that|this)\b/;
const HANDOFF_BY_OTHER = /\b(?:you do not (?:need|have) to|you do not have to worry|no need|(?:is|are) (?:doing|handling|covering|taking) (?:that|it|this)|(?:has|have) (?:it|that) covered)\b|^(?:(?:oh|no|nah|okay|ok|well)[,.!\s]+)*(?:I will (?:do|handle|take care of|get|grab|sort|deal with) (?:it|that|this)|I got (?:it|this)|I have got (?:it|this)|leave it to me|I can do (?:it|that)|I am on it|let me do it)\b/i;
/** The wearer handing a task to someone else: "Sam will do it", "let Priya handle that", "he's on it". */
const HANDOFF_BY_USER = /^(?:(?:actually|no|oh|okay|ok|so|wait)[,.!\s]+)*(?:let\s+)?([A-Z][a-z]+|he|she|they)\s+(?:will|is going to|can|could|is|are)?\s*(?:do|handle|handles|take care of|takes care of|deal with|get|grab|sort|doing|handling|taking care of|on)\s+(?:it|that|this|those)\b/i;
const PAST_VERB_BY_OTHER = /^(?:(?:oh|well|yeah|actually|no)[,.!\s]+)*(?:I|he|she|[A-Z][a-z]+)\s+(?:already\s+|just\s+)?(\w+ed|[A-Za-z]+'d|sent|bought|made|paid|took|brought|got|did)\s+(.+)$/;
/** Someone else taking the thing just talked about: "I'll drop it at his place tomorrow", "I can pick them up". */
const TAKES_IT_BY_OTHER = /^(?:(?:oh|no|nah|okay|ok|well|yeah|yes|sure|actually)[,.!\s]+)*(?:I will|I can|I am going to|let me)\s+(?:just\s+)?([a-z]+)(?:\s+(?:up|off|back|over|in|out|by))?\s+(?:it|that|this|them|those)\b/i;

/**
 * compromise is the slow part (~1 ms a sentence) and the reader asks about the same context lines again
 * for every new utterance: answers are kept for the most recent texts.
 */
function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = make();
  if (cache.size >= 1000) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}
const TERMS = new Map<string, Term[]>();
const NOUNS = new Map<string, { text: string; terms: Term[] }[]>();
const INFINITIVES = new Map<string, string>();

/** Tags every word of `text` with compromise. */
function terms(text: string): Term[] {
  return cached(TERMS, text, () => (nlp(text).json() as { terms: Term[] }[]).flatMap((s) => s.terms));
}

/** compromise's noun phrases of `text`. */
function nounPhrases(text: string): { text: string; terms: Term[] }[] {
  return cached(NOUNS, text, () => nlp(text).nouns().json() as { text: string; terms: Term[] }[]);
}

function has(t: Term | undefined, tag: string): boolean {
  return t !== undefined && t.tags.includes(tag);
}

/** A verb in its dictionary form ("getting" → "get", "swapped" → "swap"). */
function infinitive(word: string): string {
  const w = word.toLowerCase();
  if (TASK_VERBS.has(w)) return w;
  const inf = cached(INFINITIVES, w, () => nlp(w).verbs().toInfinitive().text().toLowerCase());
  if (inf !== '' && !inf.includes(' ')) return inf;
  if (/ing$/.test(w) && w.length > 5) {
    const base = w.slice(0, -3);
    if (TASK_VERBS.has(base)) return base;
    if (TASK_VERBS.has(`${base}e`)) return `${base}e`;
    if (/(.)\1$/.test(base) && TASK_VERBS.has(base.slice(0, -1))) return base.slice(0, -1);
    return base;
  }
  if (/ed$/.test(w) && w.length > 4) {
    const base = w.slice(0, -2);
    if (TASK_VERBS.has(base)) return base;
    if (TASK_VERBS.has(`${base}e`)) return `${base}e`;
    if (TASK_VERBS.has(w.slice(0, -1))) return w.slice(0, -1);
    if (/(.)\1$/.test(base) && TASK_VERBS.has(base.slice(0, -1))) return base.slice(0, -1);
  }
  return w;
}

/** Sentences of a normalised utterance: ends of sentences, new lines and dashes. */
export function sentencesOf(text: string): string[] {
  // Not after a title ("Dr. Moss's office", "Mrs. Patel").
  return text.split(/(?<!\b(?:Dr|Mr|Mrs|Ms|Mx|St|Jr|Sr|Prof|Capt|Lt)\.)(?<=[.!?;])\s+|\n+|\s*[—–]+\s*|\s+-\s+/).map((s) => s.trim()).filter(Boolean);
}

const SUBJECT = String.raw`(?:I|we|you|he|she|they|it is|that is|there is|there are|their)`;
const VERBISH = String.raw`(?:need|needs|have|has|got|will|am|are|is|was|were|should|must|do|did|can|could|would|still|also|just|really|close|closes|said|owe|think|guess|dunno|know|want|going|ought|promised|forgot|already|never|usually|always)`;
const CLAUSE_SPLIT = new RegExp(
  [
    String.raw`,\s+(?=(?:and\s+|but\s+|so\s+|then\s+|or\s+)?(?:${SUBJECT}|can you|could you|would you|will you|remind me|[A-Z][a-z]+,?\s+(?:will|is|can|just|already|did|has|handles|does))\b)`,
    String.raw`\s+(?=(?:and|but|so|then|or|because|cause|cuz|since|otherwise|unless|although|though|while|when|before|after|until|once|if)\s+(?:and\s+)?(?:then\s+)?${SUBJECT}\s)`,
    String.raw`,?\s+(?=(?:because|cause|cuz|since|otherwise|or else|so that|unless|although)\b)`,
    String.raw`,\s+(?=(?:the|my|our|his|her|their)\s+(?:[\w'-]+\s+){0,2}(?:is|are|was|were|will|has|closes|opens|starts|ends|expires|lapses)\b)`,
    String.raw`,\s+(?=it\s+(?:(?!is\b)[a-z]+s|do|did|will|can|could|would|has|had|was|keeps|never|just|still|already)\b)`,
    // "the permit expires, so renew it": a consequence said as an instruction.
    String.raw`,\s+(?=so\s+(?!that\b|I\b|we\b|you\b|it\b|they\b)[a-z]+\s+(?:it|them|the|a|an|my|our|this|that|those)\b)`,
    String.raw`(?<!\b(?:to|me|let|that|said|says|tells me|told me|keeps saying|thinks|reckons|and|but|so|or|then|if|when|because|before|after|think|guess|know|sure|make|bet|hope|is|was|can|could|would|will|should|shall|may|might|must|do|does|did|are|were|have|has)),?\s+(?=${SUBJECT}\s+${VERBISH}\b)`,
  ].join('|'),
  'i',
);

/** Clauses of one sentence (see {@link CLAUSE_SPLIT}). */
export function clausesOf(sentence: string): string[] {
  return sentence.split(CLAUSE_SPLIT).map((c) => c.trim()).filter(Boolean);
}

function stripLeadIn(clause: string): string {
  return clause.replace(LEAD_IN, '').trim();
}

/** A due date is never a day already past ("the clocks went back last night, I need to change …"). */
function notPast(due: DueMatch | null, saidAt: number, timeZone: string): DueMatch | null {
  if (!due) return null;
  return due.due.date < localIsoDate(saidAt, timeZone) ? null : due;
}

/** Whether a clause says nothing but a date ("okay, Sunday", "Tuesday night then"). */
function dateOnly(clause: string, saidAt: number, timeZone: string): DueMatch | null {
  if (/\b(?:since|ago|last|yesterday|was|were|did|used to|every)\b/i.test(clause)) return null;
  const due = findDueDate(clause, saidAt, timeZone);
  if (!due) return null;
  const rest = clause.replace(due.text, ' ').replace(DATE_FILLER, ' ').replace(/[^\w]+/g, ' ').trim();
  return rest === '' ? due : null;
}

/** A time of day said next to a date ("Thursday after work", "tomorrow first thing"): cut with it. */
const TIME_OF_DAY = String.raw`(?:(?:after|at|before|during) (?:work|school|lunch|pickup|dinner)|first thing|in the (?:morning|afternoon|evening)|morning|afternoon|evening|night)\b`;

/** "then the jacket Tuesday", "the dentist Friday then": a named thing and a date, nothing else. */
function movedThing(clause: string, saidAt: number, timeZone: string): { thing: string; due: DueMatch } | null {
  if (/\?\s*$/.test(clause) || /\b(?:since|ago|last|yesterday|was|were|did|is|are|every)\b/i.test(clause)) return null;
  const due = findDueDate(clause, saidAt, timeZone);
  if (!due) return null;
  const rest = clause.replace(due.text, ' ').replace(DATE_FILLER, ' ').replace(/[^\w' ]+/g, ' ').trim().replace(/\s+/g, ' ');
  if (rest === '' || rest.split(' ').length > 3 || /^(?:I|we|you|he|she|they|it|me|us)\b/i.test(rest)) return null;
  const first = terms(rest)[0];
  if (!first || has(first, 'Pronoun')) return null;
  // "the suit" is a thing even though "suit" can be a verb.
  const determined = new RegExp(String.raw`\b(?:the|my|our|a|an|his|her|their)\s+${first.text.replace(/[^\w'-]/g, '')}\b`, 'i').test(clause);
  if (!determined && (TASK_VERBS.has((first.normal || first.text).toLowerCase()) || has(first, 'Verb'))) return null;
  return { thing: rest, due };
}

/** The text that said a due date removed, with the preposition that led into it, and the sentence tidied. */
function cutDate(text: string, due: DueMatch | null): string {
  if (!due) return text;
  const span = due.text.replace(/[,.?!]+$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(String.raw`(?:\s*\b(?:on|by|before|until|till|at|in|around|sometime|some time|first thing|for|maybe|the|this|next|later|due)\b)*\s*${span}(?:'s\s+[\w-]+)?(?:\s+${TIME_OF_DAY})?`, 'i');
  return text.replace(re, ' ').replace(/\s+/g, ' ').trim();
}

const DANGLING_END = /(?:[\s,]+(?:on (?:the|my) way (?:home|back|in)|first thing|at the (?:latest|earliest)|if possible|if I can|when I can|when I get a chance|when I go to the store|at the store|while I am (?:out|there)|on|by|before|until|at|in|around|for|to|and|or|so|but|then|the|a|an|this|that|next|like|with|of|from|when|after|maybe|please|too|though|okay|ok|as well|or so|again|anymore|anyway|for me|I think|at some point|soon|sometime|honestly|finally|that day|after noon|now|right|either|yet|first|real quick|'s))+$/i;
const DANGLING_START = /^(?:(?:also|really|just|still|definitely|probably|like|go ahead and|remember to|to|then|and|so|actually|first)\s+)+/i;
const OBJECT_CUT = /\s+(?:because|cause|cuz|since|so that|so I|so we|or they|or else|otherwise|while|if|unless|this is|it is|they are|I never|there is|their(?=\s+(?:is|are|going|not|coming|here|there|already|gonna|doing|on)\b)|before I|when I|when we|after I|after we|(?:after|before|when|once|until|as soon as) (?:I|we|you|he|she|they|it|your|my|our|the kids)|which|who is|like the|so like|or|so|do not let me forget|we do not|I do not|were|we are|I am|its|it is due|she is|he is|they close|it closes|I got|I have got)\b.*$/i;

/** Tidies a verb phrase into to-do text. */
function tidy(text: string): string {
  let t = text.replace(/\s+/g, ' ').replace(/\s+([,.!?])/g, '$1').replace(/[.!?;:]+$/, '').trim();
  for (let i = 0; i < 3; i++) t = t.replace(DANGLING_END, '').replace(DANGLING_START, '').replace(/^[\s,;:.-]+|[\s,;:.!?-]+$/g, '').trim();
  return tidyTodoText(t);
}

/** Person names in `text`, in order (compromise's people, plus family words). */
function people(context: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of context) {
    for (const sentence of sentencesOf(normaliseSpeech(c))) {
      const ts = terms(sentence);
      ts.forEach((t, i) => {
        const w = t.text.replace(/'s$/i, '').replace(/[^\w'-]+$/, '');
        // "Jess, can you …": the person spoken to is not the one spoken about.
        if (i === 0 && t.post.includes(',')) return;
        if (/^(?:mom|dad|grandma|grandpa|mum|nana|papa)$/i.test(w)) out.push(w[0]!.toUpperCase() + w.slice(1).toLowerCase());
        else if ((has(t, 'Person') || has(t, 'FirstName') || has(t, 'MaleName') || has(t, 'FemaleName')) && !has(t, 'Pronoun')) out.push(w[0]!.toUpperCase() + w.slice(1));
        else if (has(t, 'ProperNoun') && i > 0 && !has(t, 'Date') && !has(t, 'Place') && !has(t, 'Organization') && /^[A-Z]/.test(w) && w !== 'I') out.push(w);
        else if (has(t, 'Actor') && has(ts[i - 1], 'Determiner')) out.push(`the ${[ts[i - 2] && has(ts[i - 2], 'Determiner') ? '' : '', w.toLowerCase()].join('')}`);
      });
    }
  }
  return out;
}

const NOT_A_REFERENT = /^(?:the |a |an |my |our |this |that |you |just )?(?:crap|shoot|damn|dang|ugh|oops|whoops|first thing|guys|folks|people|reminder|quick reminder|message|heads up|call|voicemail|way|time|day|morning|afternoon|evening|night|week|weekend|end|moment|thing|same|other|one|first|last|rest|lot|bit|home|work|today|tomorrow|tonight|idea|problem|plan|point|chance|sec|second|minute|minutes|hour|hours|yesterday|office|fall|spring|summer|winter|stuff|everything|something|anything|nothing|lunch|dinner|breakfast|all|both|them|it|this|that|me|you|him|her|us|next|way home|my way home|anyone|anybody|someone|somebody|everyone|everybody|no one|nobody|none|anything|everything|wait|sorry|thanks|please|okay|ok)$/i;

/** The thing named most recently before (its sentence's first noun phrase that is not a person or a time). */
function thingBefore(context: readonly string[]): string | null {
  const sentences = context.flatMap((c) => sentencesOf(normaliseSpeech(c)))
    .filter((s) => !/^(?:which|what|who|when|where|how)\b.*\?$/i.test(s))
    .flatMap((s) => clausesOf(s));
  for (const s of [...sentences].reverse()) {
    for (const np of nounPhrases(s)) {
      const ts = np.terms.filter((t) => !has(t, 'Expression'));
      if (ts.length === 0) continue;
      // "put it on the counter": where a thing is, not the thing.
      const at = s.toLowerCase().indexOf(np.text.toLowerCase().replace(/[,.!?;:]+$/, ''));
      if (at > 0 && /\b(?:on|onto|in|into|under|behind|near|beside|inside|next to)\s*$/i.test(s.slice(0, at))) continue;
      // "this is the front office" (who is calling), "I've got practice" (someone's excuse): not the thing meant.
      if (at > 0 && /\b(?:this is|it is|I am|we are|(?:I|we) (?:have got|have|got))\s*$/i.test(s.slice(0, at))) continue;
      // "the front office at westfield middle": where a place is.
      if (at > 0 && /\b(?:office|school|store|shop|place|house|desk|clinic|garage|pharmacy|center|centre|branch|location)\s+at\s*$/i.test(s.slice(0, at))) continue;
      if (ts.every((t) => has(t, 'Pronoun') || has(t, 'Date') || has(t, 'Person') || has(t, 'Value') || has(t, 'Actor') || has(t, 'Place'))) continue;
      const head = [...ts].reverse().find((t) => has(t, 'Noun') && !has(t, 'Preposition'));
      const firstHead = ts.find((t, i) => has(t, 'Noun') && !has(ts[i + 1], 'Noun'));
      if (firstHead && (has(firstHead, 'Actor') || has(firstHead, 'Person') || has(firstHead, 'Pronoun'))) continue;
      if (!head) continue;
      // Up to a verb, a relative clause or a second preposition.
      const words: string[] = [];
      let preps = 0;
      for (const t of ts) {
        if (has(t, 'Preposition') && ++preps > 1) break;
        if (has(t, 'Date') || has(t, 'Verb')) break;
        words.push(t.text.replace(/[,.!?;:"]+$/, ''));
        if (/[,.!?;:]/.test(t.post)) break;
      }
      const phrase = words.join(' ').replace(/\s+(?:for|in|on|at|to|of|from|with)$/i, '').replace(/\s+(?:expires|lapses|ends|closes|opens|starts|breaks|leaks|runs out|renews)$/i, '').trim();
      if (phrase === '' || NOT_A_REFERENT.test(phrase) || /^(?:I|we|you|he|she|they|it)\b/i.test(phrase)) continue;
      // "End of the week the car insurance lapses": the time, not the thing.
      if (/^(?:the )?(?:end|start|beginning|middle|rest)\s+of\b/i.test(phrase)) continue;
      // "a copy of your renter's insurance certificate": the thing is in the "of" part.
      const after = at >= 0 && !/\bof\b/i.test(phrase) ? s.slice(at + phrase.length) : '';
      const of = /^\s+of\s+((?:the|a|an|my|your|our|his|her|their)\s+)?((?:(?!(?:for|to|in|on|at|by|before|after|and|or|but|so|that|which|is|are|was|were|from|with)\b)[\w'-]+\s*){1,4})/i.exec(after);
      if (of && s.slice(at, at + phrase.length).toLowerCase() === phrase.toLowerCase()) return `${phrase} of ${(of[1] ?? '').replace(/^your\b/i, 'my')}${of[2]!.trim()}`.replace(/^(?:The|A|An|My|Our|This|That)\b/, (m) => m.toLowerCase()).replace(/\s+/g, ' ');
      return phrase.replace(/^(?:The|A|An|My|Our|This|That)\b/, (m) => m.toLowerCase());
    }
  }
  return null;
}

/** The noun object the same verb took in the context just before ("sign my field trip form" for "sign it"). */
function sameVerbObject(verbPhrase: string, context: readonly string[]): string | null {
  const verb = infinitive(verbPhrase.split(/\s+/)[0]!);
  if (!TASK_VERBS.has(verb) || /^(?:do|get|have|take|make|go|let|see|put|keep|give)$/.test(verb)) return null;
  const forms = [...new Set([verb, `${verb}s`, `${verb}ed`, `${verb.replace(/e$/, '')}ing`, `${verb}d`])].map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const re = new RegExp(String.raw`\b(?:${forms})\s+((?:the|a|an|my|your|his|her|our|their|this|that)\s+[\w'-]+(?:\s+[\w'-]+){0,4})`, 'i');
  for (const c of [...context].reverse()) {
    for (const clause of sentencesOf(normaliseSpeech(c)).flatMap((x) => clausesOf(x)).reverse()) {
      const m = re.exec(clause);
      if (!m || /^(?:\W*\w+[,.!]\s*)?(?:I|we)\s+(?:will|am going to|are going to|can)\b/i.test(stripLeadIn(clause))) continue;
      const due = findDueDate(m[1]!, Date.now(), 'UTC');
      const object = tidy(cutDate(m[1]!.replace(OBJECT_CUT, ''), due)).replace(/^(?:The|A|An|My|Your|Our|This|That)\b/, (w) => w.toLowerCase());
      if (object !== '' && !NOT_A_REFERENT.test(object)) return object.replace(/^your\b/i, 'my');
    }
  }
  return null;
}

/** Replaces a bare pronoun object ("sign it", "pick him up") with what was named before. */
function resolvePronouns(text: string, context: readonly string[]): string {
  // "take over his onboarding sessions": whose, when a person was named before.
  if (/\bhis\b|\b(?:for|to|at|from|with|about|of|in|on)\s+her\s+[a-z]/i.test(text)) {
    const person = people(context).at(-1);
    if (person && /^[A-Z]/.test(person)) {
      text = text.replace(/\bhis\b/i, `${person}'s`).replace(/\b(for|to|at|from|with|about|of|in|on)\s+her(?=\s+[a-z])/i, `$1 ${person}'s`);
    }
  }
  // "get Dr. Lee to sign it", "have Sam check them": the pronoun after the second verb.
  const causative = /^((?:get|have|ask)\s+(?:(?:Dr|Mr|Mrs|Ms)\.?\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?\s+(?:to\s+)?[a-z]+)\s+(it|them)\b(.*)$/.exec(text);
  if (causative) {
    const thing = thingBefore(context);
    if (thing) return `${causative[1]} ${thing}${causative[3]}`.replace(/\s+/g, ' ').trim();
  }
  // "bring a new one", "order another one": one more of the thing named before.
  const one = /^([\w'-]+(?:\s+(?:up|in|back|off|out|over|down|through))?)\s+(a|another)\s+((?:new|fresh|spare|replacement|different)\s+)?one\b(.*)$/i.exec(text);
  if (one) {
    const head = thingBefore(context)?.replace(/\s+(?:of|for|in|on|at|from|with)\s.*$/i, '').split(/\s+/).at(-1);
    return head && !NOT_A_REFERENT.test(head) ? `${one[1]} ${one[2]} ${one[3] ?? ''}${head}${one[4]}`.replace(/\s+/g, ' ').trim() : text;
  }
  // "I'll order something this weekend" after "we still haven't got a gift for your dad": that thing.
  const something = /^(order|buy|get|pick up|grab|find|bring)\s+something\b(.*)$/i.exec(text);
  if (something) {
    const thing = thingBefore(context);
    return thing ? `${something[1]} ${thing.replace(/^your\b/i, 'my')}${something[2]}`.replace(/\s+/g, ' ').trim() : text;
  }
  const m = /^([\w'-]+(?:\s+(?:up|in|back|off|out|over|down|through))?)\s+(it|them|him|her|those|these|that|this|some|one)\b(.*)$/i.exec(text);
  if (!m) return text;
  const pronoun = m[2]!.toLowerCase();
  // "someone needs to call the pharmacy" — "I'll call them": the object this verb had before.
  const same = sameVerbObject(m[1]!, context);
  if (same && !/^(?:him|her)$/.test(pronoun)) return `${m[1]} ${same}${m[3]}`.replace(/\s+/g, ' ').trim();
  let referent: string | null = null;
  if (pronoun === 'him' || pronoun === 'her') referent = people(context).at(-1) ?? null;
  else referent = thingBefore(context);
  if (!referent) return text;
  return `${m[1]} ${referent}${m[3]}`.replace(/\s+/g, ' ').trim();
}

/** Splits "X and Y" objects and "do X and do Y" verbs into separate to-dos. */
function splitCoordination(phrase: string, verb: string, kind: 'task' | 'item'): string[] {
  const parts = phrase.split(/\s*,\s*(?:and\s+|or\s+)?(?:then\s+)?|\s+(?:and then|and also|and|plus|then)\s+/i).map((p) => p.trim()).filter(Boolean);
  if (parts.length === 1) return parts;
  const out: string[] = [];
  for (const [i, part] of parts.entries()) {
    if (i === 0) {
      out.push(part);
      continue;
    }
    const first = terms(part)[0];
    const firstWord = (first?.normal ?? '').toLowerCase();
    // "… and Priya handles the hotel": someone else's part of the plan ends the wearer's.
    const second = terms(part)[1];
    const someone = has(first, 'Person') || has(first, 'ProperNoun') || /^(?:he|she|they|you)$/.test(firstWord) || (has(first, 'Singular') && !has(first, 'Determiner'));
    if (someone && (/^\S+\s+(?:will|is|are|can|said)\b/i.test(part) || (has(second, 'PresentTense') && /[^s]s$/i.test(second?.text ?? '')))) break;
    const isVerb = TASK_VERBS.has(firstWord) || (has(first, 'Verb') && has(first, 'Infinitive'));
    if (kind === 'task' && isVerb) {
      // "sign it and send it back": one to-do about one thing.
      if (/^\w+\s+(?:it|them)(?:\s+(?:back|in|off|out|over|up|through))?(?:\s+(?:by|on|before|until|this|next|tomorrow|today|tonight|in)\b.*)?$/i.test(part)) out[out.length - 1] = `${out[out.length - 1]} and ${part}`;
      else out.push(part);
    } else if (kind === 'item') {
      out.push(part);
    } else if (/^(?:the|a|an|some|my|his|her|our|their|[\w'-]+s)\b/i.test(part) || has(first, 'Noun')) {
      out.push(`${verb} ${part}`);
    } else {
      out[out.length - 1] = `${out[out.length - 1]} and ${part}`;
    }
  }
  return out;
}

interface Commitment {
  texts: string[];
  /** A date said inside one coordinated part ("meal prep today and call the vet tomorrow"). */
  dues: Map<string, DueMatch | null>;
  kind: 'task' | 'item';
  due: DueMatch | null;
  /** The verb phrase's object was only a pronoun or "do it": it restates something said before. */
  anaphoric: boolean;
  /** The object was a pronoun ("throw them in the trunk"): after accepting a request, the same thing. */
  pronounObject: boolean;
  /** Which of {@link MARKERS} matched (a feature of the learned stage). */
  marker: number;
}

/** A clause no frame matched: the phrase from its first task verb on (a candidate only the learned stage judges). */
function bareCandidate(body: string, context: readonly string[], saidAt: number, options: ExtractOptions): ReaderTrace | null {
  if (/\?\s*$/.test(body)) return null;
  const ts = terms(body);
  const at = ts.findIndex((t) => has(t, 'Verb') && !has(t, 'Auxiliary') && !has(t, 'Modal') && !has(t, 'Copula') && TASK_VERBS.has(infinitive(t.normal || t.text)));
  if (at < 0) return null;
  const phrase = ts.slice(at).map((t, i) => `${i === 0 ? '' : t.pre}${t.text}${t.post}`).join('');
  const text = candidateText(phrase, 'task', context, saidAt, options);
  if (!/\s/.test(text)) return null;
  return { reason: at === 0 ? 'no-frame-imperative' : 'no-frame', marker: -1, kind: 'task', clause: body, text, due: notPast(findDueDate(body, saidAt, options.timeZone), saidAt, options.timeZone)?.due ?? null };
}

/** The text a rejected frame would have given: its verb phrase, date cut, tidied, pronouns resolved. */
function candidateText(phrase: string, kind: 'task' | 'item', context: readonly string[], saidAt: number, options: ExtractOptions): string {
  const rest = phrase.replace(/^(?:[,\s]+|go ahead and\s+|like\s+)+/i, '').replace(OBJECT_CUT, '').replace(/\s*[—–].*$/, '').replace(/[.!?;]+$/, '');
  const text = tidy(cutDate(rest, findDueDate(rest, saidAt, options.timeZone)).replace(/[.!?,]+$/, '').trim());
  if (text === '') return '';
  const [head, ...tail] = text.split(' ');
  const verbal = kind === 'task' ? [infinitive(head!), ...tail].join(' ') : text.replace(/^(?:a|an|some|the|more|any|new)\s+/i, '');
  return resolvePronouns(verbal, context);
}

/** Reads one clause of the wearer's: a commitment, or nothing. */
function readCommitment(clause: string, context: readonly string[], saidAt: number, options: ExtractOptions): Commitment | null {
  const body = stripLeadIn(clause);
  if (body === '' || IMMEDIATE.test(body) || QUOTE.test(body)) return null;
  // "I got four birthday cards to mail", "I have a stack of invoices to send": the things, then the verb.
  const pile = /^(?:I|we)\s+(?:still\s+)?(?:have got|have|got)\s+((?:some|a few|a couple of|a couple|a bunch of|a lot of|a pile of|a stack of|a ton of|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:[\w'-]+\s+){0,3}?[\w'-]+)\s+to\s+([a-z]+)\b(.*)$/i.exec(body);
  if (pile && TASK_VERBS.has(pile[2]!.toLowerCase()) && !/\?\s*$/.test(body)) {
    return readCommitment(`I need to ${pile[2]!.toLowerCase()} ${pile[1]!.replace(/^(?:some|a few|a couple of|a couple|a bunch of|a lot of|a pile of|a stack of|a ton of)\s+/i, 'the ')}${pile[3]}`, context, saidAt, options);
  }
  const question = /\?\s*$/.test(body) || (QUESTION_START.test(body) && !/^(?:is|it is)\s+(?:necessary|important|urgent|essential|crucial)\b/i.test(body));
  for (const [markerIndex, marker] of MARKERS.entries()) {
    const m = marker.re.exec(body);
    if (!m) continue;
    const prefix = body.slice(0, m.index);
    // A frame matched but a check turned it down: the learned stage may still take it (see learned-reader.ts).
    const rejected = (reason: string): null => {
      if (options.trace) options.trace({ reason, marker: markerIndex, kind: marker.kind, clause: body, text: candidateText(m[1]!, marker.kind, context, saidAt, options), due: notPast(findDueDate(body, saidAt, options.timeZone), saidAt, options.timeZone)?.due ?? null });
      return null;
    };
    const remind = /^remind me|let me forget/i.test(m[0]);
    if (question && !marker.list && !remind) return rejected('question');
    if (HYPOTHETICAL.test(prefix) || PAST.test(prefix)) return rejected('hypothetical-or-past-prefix');
    // "Everyone says I should take a vacation": someone else's advice, reported ("the doctor said I need to" is an instruction and stays).
    if (marker.soft && /\b(?:says|said|tells me|told me|keeps? saying|keeps? telling me|thinks|reckons)\s*(?:that\s*)?$/i.test(prefix)) return rejected('reported-advice');
    let rest = m[1]!.replace(/^(?:[,\s]+|go ahead and\s+|like\s+)+/i, '');
    if (/^(?:I dunno|I do not know|maybe|I guess)\b/i.test(rest)) return rejected('hedged-start');
    // "I need to, I have to prep the mockups": the phrase starts again.
    if (/^(?:I|we)\b/i.test(rest)) return readCommitment(rest, context, saidAt, options);
    if (/^(?:you|he|she|they)\b/i.test(rest)) return rejected('other-subject');
    if (marker.soft && HEDGE.test(body)) return rejected('soft-hedge');
    // "we'll need to revisit the pricing at some point, but not now": no time and no intent to act soon.
    if (marker.kind === 'task' && /\b(?:at some point|one of these days|someday|some day|eventually|but not now|not right now|down the road)\b/i.test(body)) return rejected('someday');
    if (marker.kind === 'task' && /^(?:not|never)\b/i.test(rest)) return rejected('negated');
    // "should have hired", "need to have done": looking back, not ahead.
    if (marker.kind === 'task' && /^have\s+(?:been|done|gone|had|\w+ed|\w+en)\b/i.test(rest)) return rejected('looking-back');
    // "need to stop buying so much", "have to keep trying": a habit, not a to-do.
    if (marker.kind === 'task' && /^(?:stop|quit|keep|start|try|avoid)\s+\w+ing\b/i.test(rest)) return rejected('habit');
    // "I'm going to have to drive her every day": a routine, not a to-do.
    if (marker.kind === 'task' && /\b(?:every|each)\s+(?:single\s+)?(?:day|morning|night|evening|week|weekday)\b/i.test(rest)) return rejected('habit');
    rest = rest.replace(OBJECT_CUT, '').replace(/\s*[—–].*$/, '').replace(/[.!?;]+$/, '').replace(/(?:,?\s*\b(?:thanks|thank you|please|okay|ok|right|then|though|too)\b[.!?]*)+$/i, '');
    // "I'll pay you back on Friday, Tom": the person spoken to.
    const vocative = /,\s*([A-Z][a-z]+)[.!]?$/.exec(rest)?.[1];
    if (vocative && !/^(?:Thanks|Please|Okay|Ok|Then|Too|Though|Yeah|Sure|Right)$/.test(vocative)) rest = rest.replace(/,\s*[A-Z][a-z]+[.!]?$/, '').replace(/\byou\b/i, vocative);
    const due = notPast(findDueDate(body, saidAt, options.timeZone), saidAt, options.timeZone);
    const ts = terms(rest);
    const first = ts[0];
    if (!first) return rejected('empty');
    let verb = '';
    let phrase = rest;
    if (marker.kind === 'task') {
      verb = infinitive(first.normal || first.text);
      if (NOT_A_TASK.has(verb)) return rejected('not-a-task-verb');
      // After "to" / "will" a word is the verb unless it is plainly something else (compromise misses rarer verbs).
      const notAVerb = ['Determiner', 'Pronoun', 'Preposition', 'Conjunction', 'Value', 'Date', 'Possessive', 'ProperNoun'].some((tag) => has(first, tag));
      if (!has(first, 'Verb') && !TASK_VERBS.has(verb) && (notAVerb || marker.promise)) return rejected('not-a-verb');
      if (/ing$/i.test(first.text) && has(first, 'Gerund') && !TASK_VERBS.has(first.text.toLowerCase()) && !marker.progressive && !/forgot|remember/i.test(m[0])) return rejected('gerund');
      if ((marker.promise || marker.soft) && !TASK_VERBS.has(verb) && !due) return rejected('promise-without-task-verb-or-date');
      // "I'll take the blue one", "I'll see you", "I'll tell her": light verbs promise something only with a date.
      if (marker.promise && LIGHT_VERBS.has(verb) && !due && !/^(?:take|have)\s+(?:it|that|this|those|them)\b/i.test(rest)) return rejected('light-verb');
      if (/^(?:see|talk to|catch|meet|call|text|tell|let|thank)\s+you\b/i.test(rest)) return rejected('social-verb');
      if (marker.progressive && (!due || !/ing$/i.test(first.text))) return rejected('progressive-without-date');
      if (marker.plan && (!due || !TASK_VERBS.has(first.text.toLowerCase()) || /\b(?:every|each|usually|always|normally|never|sometimes|often)\b/i.test(body))) return rejected('plan-without-date');
      phrase = `${verb}${rest.slice((first.pre + first.text).length).replace(/^[,]/, '')}`;
      const particle = /^\s+(up|off|out|in|back|over|down|through|away|together)\b/i.exec(phrase.slice(verb.length))?.[1];
      if (particle) verb = `${verb} ${particle.toLowerCase()}`;
    }
    let anaphoric = false;
    const parts = splitCoordination(phrase, verb, marker.kind).map((part) => {
      const own = findDueDate(part, saidAt, options.timeZone);
      const raw = cutDate(part, own).replace(/[.!?,]+$/, '').trim();
      if (/^(?:do|handle|sort|have|take care of|deal with|get to|get on)\s+(?:it|that|this|those|them)(?:\s+(?:first thing|then|too|later|now|myself|for you|done|ready|finished|sent|in|over|if possible|if I can|when I can|(?:over\s+)?to\s+[A-Z][a-z]+))*$/i.test(raw.replace(/,/g, ''))) {
        anaphoric = true;
        return { text: raw, due: own };
      }
      let text = tidy(raw);
      if (marker.kind === 'item') text = text.replace(/^(?:a|an|some|the|more|any|new)\s+/i, '');
      return { text, due: own };
    });
    let texts = parts.map((p) => p.text).filter((t) => t !== '');
    // "go to the post office and mail the tax forms": going there is how, the errand is what.
    if (texts.length > 1) texts = texts.filter((t) => !/^(?:go|head|run|swing|pop|drive|walk)\s+(?:over\s+|down\s+)?(?:to|by)\s+/i.test(t));
    const dues = new Map(parts.map((p) => [p.text, p.due]));
    if (marker.kind === 'item') texts = texts.filter((t) => !NOT_AN_ITEM.test(t));
    texts = texts.map((t) => {
      const resolved = resolveOne(t);
      if (resolved !== t) dues.set(resolved, dues.get(t) ?? null);
      return resolved;
    });
    function resolveOne(t: string): string {
      return anaphoric ? t : resolvePronouns(t, context);
    }
    if (marker.list && texts.length === 1 && /^(?:both|them|those|these|it|that|all|all of them|everything)$/i.test(texts[0]!)) {
      const wanted = /^both$/i.test(texts[0]!) ? 2 : 1;
      const nouns = recentNouns(context, wanted);
      if (nouns.length === 0) return rejected('list-without-nouns');
      texts = nouns;
    }
    texts = texts.filter((t) => marker.kind === 'item' || /\s/.test(t));
    if (texts.length === 0) return rejected('no-text');
    const pronounObject = /^[\w'-]+(?:\s+(?:up|in|back|off|out|over|down|through))?\s+(?:it|them|that|those|this|these|one|some|him|her)\b/i.test(phrase);
    return { texts, dues, kind: marker.kind, due, anaphoric, pronounObject, marker: markerIndex };
  }
  return null;
}

const NOT_AN_ITEM = /^(?:(?:time|patience|luck|ideas?|options?|breath|steam|space|room|gas money)\b.*|time|patience|luck|ideas?|options?|breath|steam|space|room|here|it|this|that|things to say|a (?:break|minute|second|sec|moment|nap|vacation|holiday|drink|hug)|(?:a )?(?:break|rest|sleep|help|plan)|you|him|her|them|someone|somebody|anyone|to|the|more|some)$/i;

/** The last `n` things mentioned in the context (for "add both to the list"). */
function recentNouns(context: readonly string[], n: number): string[] {
  const out: string[] = [];
  for (const c of [...context].reverse()) {
    const found = nounPhrases(normaliseSpeech(c))
      .filter((np) => !np.terms.every((t) => has(t, 'Pronoun') || has(t, 'Date')))
      .map((np) => tidy(np.terms.filter((t) => !has(t, 'Determiner') && !has(t, 'Pronoun')).map((t) => t.text).join(' ')))
      .filter((t) => t !== '' && !NOT_AN_ITEM.test(t));
    out.unshift(...found.reverse().slice(0, n - out.length).reverse());
    if (out.length >= n) break;
  }
  return out;
}

/** Speakers who talk for a business, and the place their "us" means. */
const BUSINESS_OF: Record<string, string> = {
  mechanic: 'the garage', garage: 'the garage', pharmacist: 'the pharmacy', pharmacy: 'the pharmacy', receptionist: 'the office',
  office: 'the office', school: 'the school office', dentist: 'the dentist', clinic: 'the clinic', vet: 'the vet', bank: 'the bank',
  contractor: 'the contractor', plumber: 'the plumber', electrician: 'the electrician', agent: 'the agency', tailor: 'the tailor',
};

/** A request someone else made: "can you X", "please X", "X, okay?", "did you X", "who wants to X". */
function requestIn(utterance: Utterance): { action: string; sentence: string; whole: string } | null {
  const text = normaliseSpeech(utterance.text);
  for (const [sentence, whole] of [...sentencesOf(text)].reverse().flatMap((x) => clausesOf(x).map((c) => [c, x] as const))) {
    const body = stripLeadIn(sentence.replace(/^(?:[A-Z][a-z]+,\s*)/, '')).replace(/,?\s*(?:okay|ok|please|alright|right)\?$/i, '?');
    let action: string | undefined =
      /\b(?:can|could|would|will) you\s+(?:please\s+|maybe\s+|also\s+|just\s+)?(.+?)(?:\?|$)/i.exec(body)?.[1] ??
      /\b(?:did|have) you\s+(?:already\s+)?(.+?)(?:\s+yet)?(?:\?|$)/i.exec(body)?.[1] ??
      dueThing(body) ??
      /\b(?:please\s+)?(?:remember|do not forget)\s*,?\s*(?:to\s+)?(.+?)(?:[.!?]|$)/i.exec(body)?.[1] ??
      /\b(?:need|needs) (?:someone|somebody|a volunteer) to\s+(.+?)(?:[.!?]|$)/i.exec(body)?.[1] ??
      /\bwho (?:wants to|can|could|will)\s+(.+?)(?:\?|$)/i.exec(body)?.[1] ??
      stillDoing(body) ??
      /^(?:and\s+|so\s+|then\s+)?you\s+(?!are\b|were\b|going\b|gonna\b|still\b|coming\b|free\b|ok\b|okay\b|good\b|sure\b|ready\b|there\b|here\b|up\b|in\b|know\b|think\b|mean\b|said\b|see\b|want\b|like\b|have\b|had\b|did\b|do\b(?!\s+(?:the|a|an|your|my|our)\b))(.+?)\?$/i.exec(body)?.[1] ??
      needWithDeadline(body);
    if (!action) {
      // "Please bring your insurance card", "Two things: move your car …": the imperative, after "please" or a heading.
      const bare = body.replace(/^please\s+/i, '').replace(/^[^:]{1,60}:\s+/, '').replace(/^please\s+/i, '');
      const first = terms(bare)[0];
      const w = (first?.normal ?? '').toLowerCase();
      // Not "need"/"want": whisper's "well need the referral" is "we'll need", a statement.
      if (first && (TASK_VERBS.has(w) || (has(first, 'Imperative') && has(first, 'Verb'))) && !/^(?:see|go|look|do|let|help|get|need|want|have)$/i.test(w)) {
        action = bare.replace(/[?.!]+$/, '');
      }
    }
    if (!action) continue;
    action = action.replace(OBJECT_CUT, '').replace(/\s*[—–].*$/, '');
    const head = terms(action)[0];
    if (!head || (!TASK_VERBS.has((head.normal || head.text).toLowerCase()) && !has(head, 'Verb'))) continue;
    if (/^(?:be|think|know|see|hear|believe|want|like|mind|go)\b/i.test(action)) continue;
    const name = utterance.speaker ? utterance.speaker.charAt(0).toUpperCase() + utterance.speaker.slice(1).toLowerCase() : 'them';
    // "Call us first thing Monday" from the mechanic: the garage (someone speaking for a business means it by "us").
    const business = BUSINESS_OF[(utterance.speaker ?? '').trim().toLowerCase()];
    action = action
      .replace(/\bus\b/g, business ?? 'us')
      .replace(/\bme\b/gi, name)
      .replace(/\bmy\b/gi, `${name}'s`)
      .replace(/\byour\b/gi, 'my')
      .replace(/\s+when you (?:get|have) a (?:minute|chance|sec(?:ond)?)\b/i, '');
    // "have the RFP response drafted" → "draft the RFP response"; "get the tank refilled" stays readable.
    const had = /^(?:have|get)\s+(.+?)\s+(\w+ed)((?:\s+(?:by|before|until|on|in|for|this|next|tomorrow|today|tonight)\b.*)?)$/i.exec(action);
    if (had && /^have$/i.test(action.split(' ')[0]!)) action = `${infinitive(had[2]!)} ${had[1]}${had[3] ?? ''}`;
    return { action, sentence, whole };
  }
  return null;
}

/** "Are you still writing the test plan?": asking after a task is asking for it ("yeah, by Friday"). */
function stillDoing(body: string): string | undefined {
  const m = /\bare you (?:still |going to be |gonna be )(\w+ing)\s+(.+?)\?$/i.exec(body);
  if (!m || !TASK_VERBS.has(infinitive(m[1]!))) return undefined;
  return `${infinitive(m[1]!)} ${m[2]}`;
}

/** "I need the headcount plan by EOD": a thing asked for with a deadline is a request to send it. */
function needWithDeadline(body: string): string | undefined {
  const m = /^I (?:need|want|will need|would like)\s+((?:the|your)\s+.+?)(?:\s+from you)?(?:[.!?]|$)/i.exec(body);
  if (!m || !/\b(?:by|before|until|no later than)\b|\beod\b|\bend of\b/i.test(m[1]!)) return undefined;
  return `send me ${m[1]}`;
}

/** "don't forget, your compliance training is due Friday": the thing to finish (or pay) by then. */
function dueThing(body: string): string | undefined {
  const m = /\byour\s+((?:[\w'-]+\s+){0,3}?[\w'-]+)\s+(?:is|are)\s+(?:due|overdue)\b(.*)$/i.exec(body);
  if (!m) return undefined;
  const verb = /\b(?:bill|rent|fee|fees|invoice|payment|dues|tuition|tax|taxes|fine|ticket)\b/i.test(m[1]!) ? 'pay' : 'finish';
  return `${verb} your ${m[1]}${m[2]!.replace(/[.!?]+$/, '')}`;
}

/** Reads the wearer's reply as the acceptance of a request made just before (within the window). */
function acceptance(current: Utterance, previous: readonly Utterance[], options: ExtractOptions): { text: string; due: DueDate | null; evidence: string } | null {
  const reply = normaliseSpeech(current.text);
  const firstClause = clausesOf(sentencesOf(reply)[0] ?? '')[0] ?? '';
  const echoed = findDueDate(reply, current.saidAt, options.timeZone);
  const afterEcho = echoed && reply.toLowerCase().startsWith(echoed.text.toLowerCase()) ? stripLeadIn(reply.slice(echoed.text.length).replace(/^[,.\s]+/, '')) : '';
  // "Not this weekend, I'm away. Next weekend for sure.": a refusal of the day with another day offered.
  const laterSentences = sentencesOf(reply).slice(1).join(' ');
  const offered = REFUSE.test(firstClause) && /\b(?:for sure|definitely|I can do|I will|works for me|instead|promise)\b/i.test(laterSentences)
    ? findDueDate(laterSentences, current.saidAt, options.timeZone) : null;
  const accepted = ACCEPT.test(firstClause) || ACCEPT.test(reply) || /\b(?:no problem|will do|sounds good|got it|you got it|can do|consider it done)[.!]*\s*$/i.test(reply) || ACCEPT.test(stripLeadIn(firstClause)) || (afterEcho !== '' && (ACCEPT.test(afterEcho) || /^(?:is|works|sounds)\s+(?:fine|good|great|perfect|okay|ok|doable)\b|^works\b/i.test(afterEcho))) || offered !== null;
  if (!accepted) return null;
  // "Sure, give me a sec" / "doing it now": done at once, nothing to remember.
  if (IMMEDIATE.test(reply) || /\b(?:doing it now|on it now|give me a (?:sec|second|minute|moment))\b/i.test(reply)) return null;
  if (!offered && REFUSE.test(firstClause.replace(/\bno (?:problem|worries)\b/gi, ''))) return null;
  const window = options.requestWindowMs ?? 120_000;
  let counter: Utterance | null = null;
  for (let i = previous.length - 1; i >= 0; i--) {
    const p = previous[i]!;
    if (current.saidAt - p.saidAt > window) break;
    if (isUser(p.speaker, options)) {
      // A counter-proposal ("Tomorrow's bad. Friday?") keeps the request open; anything else closes it.
      if (/\?\s*$/.test(p.text.trim()) || /\bbad\b|\bcan not\b|\bcan't\b/i.test(p.text)) {
        counter = p;
        continue;
      }
      break;
    }
    if (p.speaker && MEDIA_SPEAKERS.test(p.speaker.trim())) continue;
    const request = requestIn(p);
    if (!request) continue;
    // "Did you get the lease?" — "Yes, … I'll sign it": a question about what happened; only "I'll do it" or the same verb takes it.
    if (/^(?:did|have) you\b/i.test(stripLeadIn(request.sentence))) {
      const verb = request.action.split(/\s+/)[0]!.toLowerCase().replace(/[^a-z]/g, '');
      if (!new RegExp(String.raw`\bI will (?:(?:just|still|also)\s+)?(?:${verb}|do|handle|take care of|get to|sort)\b`, 'i').test(reply)) continue;
    }
    const dueReply = /\?\s*$/.test(reply) ? null : findDueDate(reply, current.saidAt, options.timeZone);
    // "The results will be in the day after tomorrow. Call us after noon that day.": the day said before.
    const thatDay = /\b(?:that day|on that day)\b/i.test(request.action) ? findDueDate(normaliseSpeech(p.text), p.saidAt, options.timeZone) : null;
    // "We'll need the referral before then": the day agreed just before in this conversation.
    const then = !thatDay && /\b(?:before|by|until|till) then\b/i.test(request.whole) ? dayAgreedBefore(previous.slice(0, i), options) : null;
    const dueRequest = thatDay ?? then ?? findDueDate(request.action, p.saidAt, options.timeZone) ?? findDueDate(request.whole, p.saidAt, options.timeZone);
    const dueCounter = counter ? findDueDate(counter.text, counter.saidAt, options.timeZone) : null;
    // The date asked for stands, unless the wearer bargained ("Tomorrow's bad. Friday?" … "Okay, Friday then") or
    // names the day they will do it ("Sure, I'll have a draft by Wednesday afternoon"; a bare time is not a day).
    // Only a deadline ("by …"): "I'll throw them in the trunk tonight" dates a step toward it, not the thing asked.
    const ownDay = dueReply && NAMES_A_DAY.test(dueReply.text) && new RegExp(String.raw`\b(?:by|before|until|till|no later than)\s+(?:the\s+)?${dueReply.text.replace(/^(?:by|before|until|till)\s+/i, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i').test(reply) ? dueReply : null;
    const due = offered ?? (counter ? (dueReply ?? dueCounter ?? dueRequest) : (ownDay ?? dueRequest ?? dueReply));
    const said = normaliseSpeech(p.text);
    const context = [...previous.slice(0, i).map((u) => u.text), said.slice(0, Math.max(0, said.indexOf(request.sentence)))];
    // "bring your insurance card and arrive fifteen minutes early": how to turn up is not a to-do of its own.
    const texts = splitCoordination(cutDate(request.action, dueRequest), '', 'task').map(tidy).filter(Boolean)
      .filter((t, i) => i === 0 || !/^(?:arrive|come|be|wait|relax|stay|enjoy|remember|try|dress)\b/i.test(t));
    const text = texts.length > 0 ? resolvePronouns(texts.join(' and '), context) : '';
    if (text === '' || NOT_A_TASK.has(text.split(' ')[0]!.toLowerCase())) continue;
    return { text, due: due?.due ?? null, evidence: `${p.speaker ?? ''}: ${request.sentence} / ${current.text}`.trim() };
  }
  return null;
}

/** The wearer saying today is the day something is for: "first day back", "last day before break". */
const TODAY_IS_THE_DAY = /\b(?:first day back|(?:last|final) day (?:before|of|at|in|to|for)|today is the (?:last|first|final) day)\b/i;

/** Words that name a day, not only a time of it ("by Wednesday afternoon", "tomorrow", "the 3rd", "this week"). */
const NAMES_A_DAY = /\b(?:today|tonight|tomorrow|tmrw|(?:mon|tues?|wednes|weds|thurs?|fri|satur|sun)(?:day)?|week|weekend|month|year|morning|afternoon|evening|eod|end of|\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|twentieth|thirtieth|(?:eleven|twelf|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)th|january|february|march|april|may|june|july|august|september|october|november|december|\d{1,2}\/\d{1,2})\b/i;

/** The latest day said in the last few utterances ("wednesday the twenty ninth, yeah that's fine"), for "before then". */
function dayAgreedBefore(previous: readonly Utterance[], options: ExtractOptions): DueMatch | null {
  for (const u of previous.slice(-4).reverse()) {
    if (u.speaker && MEDIA_SPEAKERS.test(u.speaker.trim())) continue;
    const due = findDueDate(normaliseSpeech(u.text), u.saidAt, options.timeZone);
    if (due && NAMES_A_DAY.test(due.text)) return { due: due.due, text: '' };
  }
  return null;
}

const HOUR_WORDS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
/** "at two fifteen" → "2:15", "at four" → "4", "at 9:40" → "9:40". */
function spokenTime(text: string): string | null {
  const m = new RegExp(String.raw`\bat\s+(\d{1,2}(?::\d{2})?|${HOUR_WORDS.join('|')})(?:\s+(fifteen|thirty|forty[- ]five|o'clock))?(?:\s*([ap]\.?m\.?))?`, 'i').exec(text);
  if (!m) return null;
  const hour = /^\d/.test(m[1]!) ? m[1]! : String(HOUR_WORDS.indexOf(m[1]!.toLowerCase()) + 1);
  const minutes = m[2] && !/o'clock/i.test(m[2]) ? ({ fifteen: '15', thirty: '30' } as Record<string, string>)[m[2].toLowerCase()] ?? '45' : '';
  return `${hour}${minutes ? `:${minutes}` : ''}${m[3] ? ` ${m[3].toLowerCase().replace(/\./g, '')}` : ''}`;
}

/**
 * "Friday the 20th at 3:15." — "Perfect, put me down for that."; "I have the 29th at four." — "The 29th at four,
 * great.": a slot someone offers (a day and a time) that the wearer takes is an appointment to keep.
 */
function bookedSlot(current: Utterance, previous: readonly Utterance[], options: ExtractOptions): { text: string; due: DueDate | null; evidence: string } | null {
  const offer = previous.at(-1);
  if (!offer || isUser(offer.speaker, options) || (offer.speaker && MEDIA_SPEAKERS.test(offer.speaker.trim()))) return null;
  const said = normaliseSpeech(offer.text);
  const reply = normaliseSpeech(current.text);
  if (/\?\s*$/.test(reply) || REFUSE.test(reply.replace(/\bno (?:problem|worries)\b/gi, ''))) return null;
  const time = spokenTime(sentencesOf(said).at(-1) ?? said);
  const day = findDueDate(said, offer.saidAt, options.timeZone);
  if (!time || !day) return null;
  const takes = /\b(?:put me down|book (?:it|me|that)|pencil me in|I will take it|that works|works for me|that is fine|is fine|sounds good|perfect|great|yes please|let us do (?:it|that))\b/i.test(reply) || ACCEPT.test(stripLeadIn(reply));
  if (!takes) return null;
  const conversation = previous.slice(-4).map((u) => normaliseSpeech(u.text)).join(' ');
  const what = /\b((?:[A-Z][a-z]+'s\s+)?(?:[a-z-]+\s+){0,2}?(?:appointment|follow-up|follow up|check-?up|cleaning|consultation|fitting|exam|session))\b/.exec(conversation)?.[1];
  const doctor = /\b(?:dr\.?|doctor)\s+([A-Z]?[a-z]+)\b/i.exec(conversation)?.[1];
  const text = `${what ?? 'appointment'}${doctor && !what ? ` with Dr. ${doctor[0]!.toUpperCase()}${doctor.slice(1)}` : ''} at ${time}`;
  const echoed = findDueDate(reply, current.saidAt, options.timeZone);
  return { text, due: (echoed ?? day).due, evidence: `${offer.speaker ?? ''}: ${offer.text} / ${current.text}` };
}

/** "Your antibiotic's ready, we're open until seven" — "I'll be there by half six": a pickup the wearer promises. */
function readyForPickup(current: Utterance, previous: readonly Utterance[], options: ExtractOptions): { text: string; due: DueDate | null; evidence: string } | null {
  const said = previous.at(-1);
  if (!said || isUser(said.speaker, options) || (said.speaker && MEDIA_SPEAKERS.test(said.speaker.trim()))) return null;
  const reply = normaliseSpeech(current.text);
  if (!/\bI will (?:just\s+)?(?:be there|come by|swing by|stop by|pop (?:in|by|over)|come (?:in|over|and get (?:it|them))|head over|be by)\b/i.test(reply)) return null;
  const ready = /\b((?:your|the|my|his|her|our)\s+(?:[\w'-]+\s+){0,2}?[\w'-]+)\s+(?:is|are)\s+(?:all\s+|now\s+)?ready\b/i.exec(normaliseSpeech(said.text));
  if (!ready) return null;
  const due = findDueDate(reply, current.saidAt, options.timeZone) ?? findDueDate(said.text, said.saidAt, options.timeZone);
  return { text: `pick up ${ready[1]!.replace(/^your\b/i, 'my')}`, due: notPast(due, current.saidAt, options.timeZone)?.due ?? null, evidence: `${said.speaker ?? ''}: ${said.text} / ${current.text}` };
}

/**
 * "Can you pick up the ham on the 23rd?" — "The 23rd I work late, can I do the 22nd?" — "That's fine.":
 * the asker agreeing to the day the wearer offered makes the request the wearer's, on that day.
 */
function agreedCounter(current: Utterance, previous: readonly Utterance[], options: ExtractOptions): Finding[] {
  const reply = stripLeadIn(normaliseSpeech(current.text));
  if (!/^(?:that is fine|that works|fine|sure|okay|ok|perfect|great|deal|sounds good|works for me|that is okay|yes|yeah)\b/i.test(reply) || REFUSE.test(reply)) return [];
  const offer = previous.at(-1);
  const asked = previous.at(-2);
  if (!offer || !asked || !isUser(offer.speaker, options) || asked.speaker !== current.speaker) return [];
  if (!/\?\s*$/.test(offer.text.trim()) || !/\b(?:can I|could I|how about|what about|instead)\b/i.test(offer.text)) return [];
  const request = requestIn(asked);
  const offered = sentencesOf(normaliseSpeech(offer.text)).flatMap((x) => clausesOf(x)).at(-1) ?? '';
  const day = findDueDate(offered, offer.saidAt, options.timeZone);
  if (!request || !day) return [];
  const dueRequest = findDueDate(request.action, asked.saidAt, options.timeZone);
  const text = tidy(cutDate(request.action, dueRequest));
  if (!/\s/.test(text)) return [];
  return [{ type: 'todo', todo: { text, due: day.due, kind: 'task', evidence: `${asked.speaker ?? ''}: ${request.sentence} / ${offer.text} / ${current.text}`, via: 'counter' } }];
}

/** What someone else says that ends a to-do of the wearer's: done, cancelled, handed off. */
function followUpByOther(current: Utterance, previous: readonly Utterance[], options: ExtractOptions): Finding[] {
  const isUserLike = (u: Utterance): boolean => isUser(u.speaker, options);
  const text = normaliseSpeech(current.text);
  const out: Finding[] = [];
  for (const sentence of sentencesOf(text)) {
    for (const clause of clausesOf(sentence)) {
      const body = stripLeadIn(clause);
      if (HANDOFF_BY_OTHER.test(body) || DONE_BY_OTHER.test(body) || /\bnever ?mind\b/i.test(body)) {
        out.push({ type: 'cancellation', target: null, evidence: `${current.speaker ?? ''}: ${current.text}` });
        return out;
      }
      const takes = TAKES_IT_BY_OTHER.exec(body);
      if (takes && !/\?\s*$/.test(body) && TASK_VERBS.has(infinitive(takes[1]!.toLowerCase()))) {
        // Only the to-do the wearer's last sentence was about ("Leave me the key" — "I'll drop it off" is not "feed the cat").
        const said = previous.at(-1);
        const thing = said && isUserLike(said) ? sentencesOf(normaliseSpeech(said.text)).at(-1) : undefined;
        if (thing) {
          out.push({ type: 'cancellation', target: thing, evidence: `${current.speaker ?? ''}: ${current.text}` });
          return out;
        }
      }
      const past = PAST_VERB_BY_OTHER.exec(body);
      if (past && !/\?\s*$/.test(body)) {
        const verb = infinitive(past[1]!.replace(/'d$/i, '').toLowerCase());
        if (TASK_VERBS.has(verb) && !['get', 'take', 'make', 'do', 'go', 'have'].includes(verb)) {
          out.push({ type: 'cancellation', target: verb, evidence: `${current.speaker ?? ''}: ${current.text}` });
        }
      }
    }
  }
  return out;
}

/**
 * What one utterance means for the to-do list, read clause by clause (see the module comment). Same
 * contract as the rule-based {@link import('./extract.js').analyseUtterance}: the observer applies the
 * findings in order (to-dos made, corrections and cancellations of the to-dos made just before).
 */
export function readUtterance(current: Utterance, previous: readonly Utterance[], options: ExtractOptions): Finding[] {
  if (current.speaker && MEDIA_SPEAKERS.test(current.speaker.trim())) return [];
  if (!isUser(current.speaker, options)) return [...agreedCounter(current, previous, options), ...followUpByOther(current, previous, options)];
  const findings: Finding[] = [];
  const text = normaliseSpeech(current.text).replace(TWO_BEFORE_VERB, (_all, verb: string) => `to ${verb} `);
  const accepted = acceptance(current, previous, options) ?? readyForPickup(current, previous, options) ?? bookedSlot(current, previous, options);
  if (accepted) findings.push({ type: 'todo', todo: { text: accepted.text, due: accepted.due, kind: 'task', evidence: accepted.evidence, via: 'accept' } });
  const before = previous.map((u) => u.text);
  // Nobody else has spoken: the wearer is talking to themself (or dictating), so an imperative is for them.
  const alone = previous.every((p) => isUser(p.speaker, options) || (p.speaker !== undefined && MEDIA_SPEAKERS.test(p.speaker.trim())));
  let leadingDate: DueMatch | null = null;
  let last: { verb: string; kind: 'task' | 'item'; due: DueMatch | null } | null = null;
  let sawTodo = false;
  const pending: Finding[] = [];
  // "ok jarvis add. milk. the eggs. and batteries": a dictated list whisper cut into sentences.
  const dictated = sentencesOf(text);
  const addAt = alone ? dictated.findIndex((x) => /^(?:(?:ok|okay|hey|so|jarvis|right)[,\s]+)*add(?:\s+to (?:the|my) (?:shopping |grocery )?list)?[.:]?$/i.test(x.trim())) : -1;
  if (addAt >= 0 && addAt < dictated.length - 1) {
    for (const item of dictated.slice(addAt + 1)) {
      const t = tidy(item.replace(/^(?:(?:and|also|then|plus)\s+)+/i, '').replace(/^(?:the|a|an|some|more)\s+/i, ''));
      if (t !== '' && t.split(' ').length <= 4 && !NOT_AN_ITEM.test(t)) findings.push({ type: 'todo', todo: { text: t, due: null, kind: 'item', evidence: text, via: 'dictated-list' } });
    }
    return findings;
  }
  for (const rawSentence of sentencesOf(text)) {
    // "Monday: drop off the tax papers", "Tomorrow: pick up printer ink": a dictated list's day, then its items.
    const label = /^(?:(?:and|then|also|okay|ok|so|right|now)[,\s]+)*([^:,]{2,40}?)\s*[:,]\s+(?=[a-z])(.+)$/i.exec(rawSentence);
    const labelled = label !== null && (/^[^:,]+:/.test(rawSentence.slice(rawSentence.indexOf(label[1]!))) || TASK_VERBS.has((stripLeadIn(label[2]!.replace(/^(?:so|then|and)\s*[:,]?\s+/i, '')).split(/\s+/)[0] ?? '').toLowerCase()));
    const labelDate = labelled ? dateOnly(label[1]!, current.saidAt, options.timeZone) : null;
    if (labelDate) leadingDate = labelDate;
    const sentence = labelDate ? label![2]!.replace(/^(?:so|then|and)\s*[:,]?\s+/i, '') : rawSentence;
    const clauses = clausesOf(sentence);
    // "saturday I'm cleaning out the garage": a bare day split off before its clause belongs to it.
    if (clauses.length > 1 && !/[,.;:!?]$/.test(clauses[0]!) && dateOnly(stripLeadIn(clauses[0]!), current.saidAt, options.timeZone) && !dateOnly(stripLeadIn(clauses[1]!), current.saidAt, options.timeZone)) {
      clauses.splice(0, 2, `${clauses[0]} ${clauses[1]}`);
    }
    for (const [ci, clause] of clauses.entries()) {
      const body = stripLeadIn(clause);
      const evidence = sentence;
      // Words just before a clause split off without punctuation still govern it ("maybe someday | I'll write …").
      const lead = sentence.slice(0, Math.max(0, sentence.indexOf(clause))).trim();
      if (lead !== '' && !/[,.;:!?]$/.test(lead) && HYPOTHETICAL.test(lead.split(/\s+/).slice(-3).join(' '))) continue;
      if (DONE_NOW.test(body)) {
        findings.push({ type: 'cancellation', target: null, evidence });
        continue;
      }
      if (CANCEL.test(body)) {
        const target = CANCEL_TARGET.exec(body)?.[1]?.replace(/\b(?:then|that|it|please|anyway|now)\b/gi, '').trim();
        findings.push({ type: 'cancellation', target: target ? target : null, evidence });
        continue;
      }
      if (DONE_BY_NAMED.test(body) && !/\?\s*$/.test(body)) {
        findings.push({ type: 'cancellation', target: null, evidence });
        continue;
      }
      const handoff = HANDOFF_BY_USER.exec(body);
      if (handoff && !/^(?:I|we|you|us|me)$/i.test(handoff[1]!)) {
        findings.push({ type: 'cancellation', target: null, evidence });
        continue;
      }
      const correct = CORRECT.exec(body);
      if (correct) {
        const due = findDueDate(correct[1]!, current.saidAt, options.timeZone);
        const rest = tidy(cutDate(correct[1]!, due));
        findings.push({ type: 'correction', due: due?.due ?? null, replacement: rest === '' || due ? null : rest, evidence });
        continue;
      }
      // "Then the jacket Tuesday.": one of the to-dos just made, moved to another day.
      const moved = !sawTodo ? movedThing(body, current.saidAt, options.timeZone) : null;
      if (moved) {
        findings.push({ type: 'correction', due: moved.due.due, replacement: null, evidence, target: moved.thing });
        continue;
      }
      const only = dateOnly(body, current.saidAt, options.timeZone);
      // "Let's do it on Saturday" after someone named a task nobody has taken: that task, on that day.
      const named = only && !sawTodo && /\bdo (?:it|that|this|them)\b/i.test(body) ? taskNamedBefore(previous, current, text.slice(0, Math.max(0, text.indexOf(clause))), options) : null;
      if (only && named) {
        findings.push({ type: 'todo', todo: { text: named.text, due: only.due, kind: 'task', evidence, via: 'named-date' } });
        sawTodo = true;
        continue;
      }
      if (only) {
        if (!sawTodo) leadingDate = only;
        pending.push({ type: 'correction', due: only.due, replacement: null, evidence });
        continue;
      }
      const context = [...before, text.slice(0, Math.max(0, text.indexOf(clause)))];
      // Frames turned down in this clause are reported only when nothing in it was taken.
      const turnedDown: ReaderTrace[] = [];
      const probe: ExtractOptions = options.trace ? { ...options, trace: (e) => turnedDown.push(e) } : options;
      let c = readCommitment(clause, context, current.saidAt, probe);
      let via = c ? `marker:${c.marker}` : '';
      const more = /^(?:and|also|plus|and also|oh and)\s+(.+)$/i.exec(clause.trim());
      // "and and print the new card" said as the wearer's next utterance: the list goes on across the pause.
      const prior = previous.at(-1);
      if (!c && more && !last && ci === 0 && text.indexOf(clause) === 0 && prior && isUser(prior.speaker, options) && current.saidAt - prior.saidAt < 30_000) {
        const head = terms(more[1]!)[0];
        if (head !== undefined && TASK_VERBS.has((head.normal || head.text).toLowerCase()) && !/\b(?:is|are|was|were)\b/i.test(more[1]!)) {
          c = readCommitment(`I need to ${more[1]}`, context, current.saidAt, probe);
          if (c && !c.due) c.due = notPast(findDueDate(prior.text, prior.saidAt, options.timeZone), current.saidAt, options.timeZone);
          if (c) via = `more:${c.marker}`;
        }
      }
      // "And in two weeks is the follow-up": a statement, not the promise going on.
      if (!c && more && last && !/^(?:[\w'-]+\s+){0,4}(?:is|are|was|were)\b/i.test(more[1]!)) {
        // "… visit grandpa sunday. and bring him the photo album" / "… get some tomorrow. and oat milk": the same promise goes on.
        const head = terms(more[1]!)[0];
        const verbFirst = head !== undefined && (TASK_VERBS.has((head.normal || head.text).toLowerCase()) || has(head, 'Infinitive'));
        const again = last.kind === 'item' ? `we need ${more[1]}` : verbFirst ? `I need to ${more[1]}` : `I need to ${last.verb} ${more[1]}`;
        c = readCommitment(again, context, current.saidAt, probe);
        if (c && !c.due) c.due = last.due;
        if (c) via = `more:${c.marker}`;
      }
      if (!c && alone && selfInstruction(body, sentence, text, current.saidAt, options, labelDate !== null)) {
        c = readCommitment(`I need to ${body}`, context, current.saidAt, probe);
        if (c) via = 'self';
      }
      if (!c) {
        for (const e of turnedDown) options.trace?.(e);
        // No frame at all: the first task verb's phrase, for the learned stage to judge.
        if (options.trace && turnedDown.length === 0) {
          const bare = bareCandidate(body, context, current.saidAt, options);
          if (bare) options.trace(bare);
        }
        continue;
      }
      last = { verb: c.texts[0]?.split(' ')[0] ?? '', kind: c.kind, due: c.due };
      // "saturday I'm cleaning …", "Monday I gotta, I have to file …": the frame read only the restarted phrase.
      if (!c.due) c.due = notPast(findDueDate(body, current.saidAt, options.timeZone), current.saidAt, options.timeZone);
      if (!c.due) {
        // "I need to return the library books, they're due Thursday": the deadline said right after.
        const after = clauses.slice(ci + 1).find((x) => /\b(?:due|deadline|expires?|closes?|by|before|until)\b|'s (?:list|plan|jobs?|tasks?|to-?dos?)\b|^(?:when|once|after|while) (?:I|we)\b/i.test(x));
        if (after) c.due = findDueDate(after, current.saidAt, options.timeZone);
      }
      // "Before I head out Friday, I gotta write the handoff doc": a date in the same sentence, before.
      if (!c.due && ci > 0) c.due = notPast(findDueDate(clauses.slice(0, ci).join(' '), current.saidAt, options.timeZone), current.saidAt, options.timeZone);
      if (!c.due && !leadingDate) {
        // "Are we still doing dinner at your place Sunday?" — "I'll make the lasagna": the date of the question answered.
        const asked = previous.at(-1);
        const q = asked && !isUser(asked.speaker, options) && !(asked.speaker && MEDIA_SPEAKERS.test(asked.speaker.trim())) ? normaliseSpeech(asked.text) : '';
        // Whisper drops the question mark: "you still coming saturday".
        const spokenQuestion = /^(?:you|u)\s+(?:still\s+)?(?:\w+ing|good|free|around|up for|okay|ok)\b/i.test(stripLeadIn(q));
        // "We need the doctor's note by the end of the month" — "ok, I'll get a note from Dr. Kim": the deadline just stated.
        const deadline = /\b(?:by|before|until|no later than|due|deadline)\b/i.test(q) && /\b(?:need|needs|have to|has to|must|due|deadline|bring|send|drop)\b/i.test(q);
        if (q !== '' && (/\?\s*$/.test(q) || QUESTION_START.test(stripLeadIn(q)) || spokenQuestion || deadline)) c.due = notPast(findDueDate(q, asked!.saidAt, options.timeZone), current.saidAt, options.timeZone);
        // "We'll need the referral from your primary before then": the day agreed just before.
        if (!c.due && deadline && /\b(?:before|by|until|till) then\b/i.test(q)) c.due = notPast(dayAgreedBefore(previous.slice(0, -1), options), current.saidAt, options.timeZone);
      }
      if (!c.due && (c.pronounObject || /\b(?:for|by|before|until) (?:that|it|then)\b|\bthen\s*[.!]?$|\S\s+then(?:\s+(?:too|as well|also))?\s*(?:[,.!]|$)/i.test(body))) {
        // "Can you drop Leo at soccer Saturday? I'll pick him up": the pronoun's sentence carries the date.
        const own = text.slice(0, Math.max(0, text.indexOf(sentence))).trim();
        const said = own || (previous.at(-1)?.text ?? '');
        let lastSentence = sentencesOf(normaliseSpeech(said)).at(-1) ?? '';
        // "Order it. I'll bring the car back then.": "then" is the time the other person said ("in two weeks").
        if (own !== '' && /\bthen\s*[.!]?$/i.test(body) && !findDueDate(lastSentence, current.saidAt, options.timeZone) && previous.length > 0) lastSentence = sentencesOf(normaliseSpeech(previous.at(-1)!.text)).find((x) => findDueDate(x, previous.at(-1)!.saidAt, options.timeZone)) ?? '';
        // Not from something already done ("I already called the bank this morning. I still need to fax them …").
        // A past-tense sentence dated today is about earlier today; one dated ahead ("moved it to Tuesday") is not.
        const due = lastSentence === '' || PAST.test(lastSentence) ? null : notPast(findDueDate(lastSentence, current.saidAt, options.timeZone), current.saidAt, options.timeZone);
        const today = localIsoDate(current.saidAt, options.timeZone);
        if (due && !(due.due.date === today && terms(lastSentence).some((t) => has(t, 'PastTense')))) c.due = due;
      }
      // "First day back, I need to clear my inbox", "Last day before break. I need to water the plants": the wearer
      // says today is the day, with no date anywhere in what they said.
      if (!c.due && TODAY_IS_THE_DAY.test(text) && !findDueDate(text, current.saidAt, options.timeZone)) c.due = { due: { date: localIsoDate(current.saidAt, options.timeZone), at: null }, text: '' };
      if (c.anaphoric) {
        if (accepted) continue;
        // "I'll do it this weekend": the thing asked or said before.
        const asked = [...previous].reverse().find((p) => !isUser(p.speaker, options) && requestIn(p));
        const request = asked ? requestIn(asked) : null;
        const named = request ? null : taskNamedBefore(previous, current, text.slice(0, Math.max(0, text.indexOf(clause))), options);
        if (request) {
          const t = tidy(cutDate(request.action, findDueDate(request.action, asked!.saidAt, options.timeZone)));
          findings.push({ type: 'todo', todo: { text: t, due: c.due?.due ?? null, kind: 'task', evidence, via: 'do-it-request' } });
        } else if (named) {
          findings.push({ type: 'todo', todo: { text: named.text, due: c.due?.due ?? named.due?.due ?? null, kind: 'task', evidence, via: 'do-it-named' } });
        } else if (c.due) {
          findings.push({ type: 'correction', due: c.due.due, replacement: null, evidence });
        }
        sawTodo = true;
        continue;
      }
      for (const t of c.texts) {
        // "Sure, I'll have a draft by Wednesday": after accepting, a light verb restates the request.
        if (accepted && (overlaps(t, accepted.text) || c.pronounObject || /^(?:have|get|do|send|make)\s+(?:a|an|the|it|that|something)\b/i.test(t))) continue;
        const due = c.dues.get(t) ?? c.due ?? leadingDate;
        findings.push({ type: 'todo', todo: { text: addressee(t, previous, options), due: due?.due ?? null, kind: c.kind, evidence, via } });
      }
      sawTodo = true;
    }
  }
  // A date said alone moves the to-do made before it — unless it led into this utterance's own to-do.
  if (!sawTodo) findings.push(...pending);
  else if (pending.length > 0 && leadingDate === null) findings.push(pending.at(-1)!);
  return findings;
}

const TASK_FRAME = /\b(?:to|should|must|will|can you|could you|would you|let us|going to|got to|(?:can|could|will|did|do)\s+not)\s+(?:(?:really|probably|just|also|still|finally)\s+)*(.+)$/i;

/**
 * "I'll do it tomorrow" with no request before it: the task someone named just before and nobody has
 * taken yet ("we should take the tree down this weekend" — "let's do it on the fourth"; "somebody has to
 * update the rota … I'll do it tomorrow"; "I'm not going to finish the slides today, I'll do them
 * tomorrow"). A commitment the wearer already made is not it (that one is moved, not made again).
 */
function taskNamedBefore(previous: readonly Utterance[], own: Utterance, ownBefore: string, options: ExtractOptions): { text: string; due: DueMatch | null } | null {
  const said: { text: string; user: boolean; saidAt: number }[] = [
    ...previous.slice(-4)
      .filter((u) => !(u.speaker && MEDIA_SPEAKERS.test(u.speaker.trim())))
      .map((u) => ({ text: u.text, user: isUser(u.speaker, options), saidAt: u.saidAt })),
    ...(ownBefore.trim() === '' ? [] : [{ text: ownBefore, user: true, saidAt: own.saidAt }]),
  ];
  for (const u of [...said].reverse()) {
    const clauses = sentencesOf(normaliseSpeech(u.text)).flatMap((x) => clausesOf(x)).reverse();
    for (const clause of clauses) {
      const m = TASK_FRAME.exec(stripLeadIn(clause));
      if (!m || /\?\s*$/.test(clause) && !/\b(?:can|could|would) you\b/i.test(clause)) continue;
      const head = m[1]!.split(/\s+/)[0]!.toLowerCase();
      if (!TASK_VERBS.has(infinitive(head)) || /^(?:do|handle|have|go|get)$/.test(head)) continue;
      if (u.user && !/\b(?:not|never)\b/i.test(clause) && readCommitment(clause, [], u.saidAt, { ...options, trace: undefined })) return null;
      const due = findDueDate(m[1]!, u.saidAt, options.timeZone);
      const text = tidy(cutDate(`${infinitive(head)}${m[1]!.slice(head.length)}`.replace(OBJECT_CUT, ''), due));
      if (/\s/.test(text)) return { text, due };
    }
  }
  return null;
}

const NOT_SELF_VERBS = /^(?:see|look|go|let|come|wait|stop|guess|try|hold|listen|hang|imagine|say|think|tell|give|show|help|bring|get|keep|leave|put|do|make|take)$/i;

/**
 * An imperative the wearer says to themself with nobody else in the conversation ("pay the water bill
 * and renew the parking permit by Friday", "water the tomatoes, check the hose … that's today's list"):
 * a to-do when it has a date, is one of several instructions in a row, or is said as a list or a note.
 * Verbs people mostly say to someone else ("look", "give me", "bring it here") are left out.
 */
function selfInstruction(body: string, sentence: string, utterance: string, saidAt: number, options: ExtractOptions, dated = false): boolean {
  if (/\?\s*$/.test(body) || QUESTION_START.test(body)) return false;
  const head = body.split(/\s+/)[0]!.toLowerCase().replace(/[^a-z-]/g, '');
  const verbFirst = (c: string): boolean => {
    const t = terms(c.trim())[0];
    const w = (t?.normal ?? '').toLowerCase();
    return TASK_VERBS.has(w) && !has(t, 'PastTense') && !has(t, 'Gerund');
  };
  if (!verbFirst(body) || !TASK_VERBS.has(head) || NOT_SELF_VERBS.test(head) || /^\S+(?:\s+\S+){0,2}\s+(?:is|are|was|were|has|had|says|said|looks|seems)\b/i.test(body)) return false;
  const note = /\b(?:to-?do|todo|list|note to self|reminders?|dictating)\b|^(?:\W*(?:okay|ok|right|so)[,.!\s]+)?(?:a )?note\b/i.test(utterance);
  // "fix it" is said to someone; in a dictated note ("… the permit expires, so renew it") it is the wearer's.
  if (/^\S+\s+(?:me|us|you|it|this|that)\b/i.test(body) && !(note && /^\S+\s+(?:it|this|that)\b/i.test(body))) return false;
  if (dated || findDueDate(body, saidAt, options.timeZone)) return true;
  const instructions = clausesOf(sentence).flatMap((c) => c.split(/\s*,\s*(?:and\s+)?|\s+and\s+/)).filter((c) => c.trim() !== '' && verbFirst(c));
  return instructions.length >= 2 || note;
}

/** "I'll Venmo you tonight" said to BROTHER: "venmo Brother" (the person just spoken to, by their label). */
function addressee(text: string, previous: readonly Utterance[], options: ExtractOptions): string {
  if (!/\byou\b/i.test(text)) return text;
  const last = previous.at(-1);
  const label = last?.speaker?.trim();
  if (!last || !label || isUser(last.speaker, options) || MEDIA_SPEAKERS.test(label) || !/^[A-Za-z][A-Za-z' -]*$/.test(label)) return text;
  const name = label.split(/\s+/).map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()).join(' ');
  return text.replace(/\byou\b/i, name);
}

function overlaps(a: string, b: string): boolean {
  const ta = contentTokens(a);
  const tb = contentTokens(b);
  return ta.length === 0 || ta.some((t) => tb.includes(t));
}
