import { findDueDate, type DueDate, type DueMatch } from './due-date.js';
import { tidyTodoText } from './normalise.js';
import { TASK_VERBS } from './task-verbs.js';

/** One transcribed utterance as the extractor sees it. */
export interface Utterance {
  /** Speaker label when diarisation knows it (`USER` is the wearer); undefined when unknown. */
  speaker?: string;
  text: string;
  /** When it was said (ms since epoch): due dates are read relative to it. */
  saidAt: number;
}

/** A to-do found in speech. `item` is a thing to get ("eggs"), `task` a thing to do ("call the plumber"). */
export interface ExtractedTodo {
  text: string;
  due: DueDate | null;
  kind: 'task' | 'item';
  /** The words it came from: the short evidence snippet kept with the to-do. */
  evidence: string;
  /** Which frame of the clause reader produced it (`marker:N`, `accept`, `self`, …): a feature of the learned stage. */
  via?: string;
}

/** A frame of the clause reader that matched a clause of the wearer's but was turned down, and why. */
export interface ReaderTrace {
  reason: string;
  /** Index of the frame (the clause reader's MARKERS). */
  marker: number;
  kind: 'task' | 'item';
  /** The clause, normalised. */
  clause: string;
  /** The to-do text the frame would have given ('' when none). */
  text: string;
  due: DueDate | null;
}

/** What one utterance means for the to-do list. Corrections and cancellations apply to to-dos just made. */
export type Finding =
  | { type: 'todo'; todo: ExtractedTodo }
  | { type: 'correction'; due: DueDate | null; replacement: string | null; evidence: string; /** Which recent to-do ("then the jacket Tuesday"); the last one when absent. */ target?: string }
  | { type: 'cancellation'; target: string | null; evidence: string };

/** How the extractor tells the wearer from everyone else. */
export interface ExtractOptions {
  /** The hub's IANA time zone. */
  timeZone: string;
  /** Labels that mean the wearer (case-insensitive); default `USER`, `ME`. */
  userLabels?: readonly string[];
  /** Whether an utterance without a speaker label is the wearer's (a wearable mostly hears its wearer). */
  unlabelledIsUser?: boolean;
  /** How far back a request may be for the user's "sure" to accept it (ms); default 2 minutes. */
  requestWindowMs?: number;
  /** Told of every frame the clause reader turned down (the learned stage's extra candidates). */
  trace?: (event: ReaderTrace) => void;
}

/** Speakers that are never a person in the room: what they say is never the user's to-do. */
const MEDIA_SPEAKERS = new Set(['tv', 'radio', 'podcast', 'video', 'movie', 'film', 'ad', 'advert', 'speaker', 'music']);

/** Verbs that after "I'll" are talk, not a promise ("I'll be honest", "I'll take the blue one", "I'll see you"). */
const NOT_A_PROMISE = new Set(['be', 'see', 'take', 'have', 'let', 'bet', 'admit', 'say', 'think', 'try', 'pass', 'guess', 'leave', 'stay', 'wait', 'keep', 'sleep', 'eat', 'sit', 'go', 'tell', 'never', 'probably', 'just']);
/** Objects of "out of" / "need" that are not things to buy. */
const NOT_AN_ITEM = /^(?:time|patience|luck|ideas?|options?|breath|steam|space|room|here|it|this|that|things to say|gas money|a (?:break|minute|second|sec|moment|nap|vacation|holiday|drink|hug)|(?:a )?(?:break|rest|sleep|help)|you|him|her|them)$/i;

const INTERJECTIONS = String.raw`(?:(?:oh|ah|okay|ok|wait|great|well|right|so|um|uh|hmm|hm|ugh|yeah|no|and|also|shoot|oops|jarvis|hey jarvis)\b[,.!\s]*)*`;
const CANCEL_RE = new RegExp(String.raw`^${INTERJECTIONS}(?:actually[,\s]+)?(?:never ?mind|forget (?:about )?(?=the |my |that|it)|scratch|cross off|cancel that|don't worry about)\s*(?:about\s+)?(.*)$`, 'i');
const CORRECT_RE = new RegExp(String.raw`^${INTERJECTIONS}(?:(?:actually|sorry|i mean)[,\s]+)*(?:make (?:that|it)|change (?:that|it) to|move (?:that|it) to|let's (?:say|make it)|i meant)\s+(.+)$`, 'i');
const ANAPHORA_RE = /^(?:(?:then|so|and)\s+)?i(?:'ll| will|'m going to|'m gonna)\s+(?:\w+\s+)?(?:do|get|grab|buy|pick up|handle|sort)\s+(?:that|it|this|some|them|one)\b(.*)$/i;
const QUESTION_START = /^(?:can|could|would|will|should|shall|do|does|did|is|are|was|were|have|has|what|who|where|when|why|how|which|am|remember when|any idea)\b/i;
const IMMEDIATE = /\b(?:right now|for a (?:minute|sec(?:ond)?|moment)|real quick|a sec)\b/i;
const HYPOTHETICAL_PREFIX = /\b(?:if|maybe|someday|some day|perhaps|wonder|would|wish|rather|unless|in case|whether)\b/i;
const PAST_PREFIX = /\b(?:was going to|were going to|was gonna|used to|didn't|did not|never|already|finished)\b/i;
const ACCEPT_RE = /^(?:(?:oh|well|um|yeah|okay|ok)[,.!\s]+)*(?:yeah|yes|yep|yup|sure|okay|ok|of course|no problem|will do|i can do that|i can|i will|i'll do it|i'll do that|definitely|absolutely|sounds good|got it|consider it done|on it|fine|alright|all right|i'll (?:\w+ )?(?:it|that|them|her|him))\b/i;
const REFUSE_RE = /\b(?:not|can't|cannot|won't|sorry|already|nope|no,|no\.|i did|did it|maybe later|we'll see)\b/i;
const REQUEST_RE = /\b(?:can|could|would|will) you (?:please |maybe |also )?(.+?)(?:\?|$)/i;

type Trigger = { re: RegExp; kind: 'task' | 'item'; promise?: boolean; promised?: boolean };

/** Patterns of the user's own commitments and needs, most specific first; group 1 is the to-do. */
const TRIGGERS: Trigger[] = [
  { re: /\bremind me\b(?:.*?)\bto\s+(.+)$/i, kind: 'task' },
  { re: /\b(?:don't|do not) let me forget (?:to\s+)?(.+)$/i, kind: 'task' },
  { re: /\b(?:i|we)(?:'ve| have)?\s+(?:really\s+|still\s+|also\s+)*(?:need|have|got|gotta|must) to remember to\s+(.+)$/i, kind: 'task' },
  { re: /\b(?:add|put|stick)\s+(.+?)\s+(?:to|on|onto)\s+(?:the|my|our)\s+(?:\w+\s+)?list\b/i, kind: 'item' },
  { re: /\b(?:note to self|make a note|let me make a note|make a note to self)\s*[,:]?\s*(?:to\s+)?(.+)$/i, kind: 'task' },
  { re: /\bpromised\s+(?:[A-Z]\w+\s+|him\s+|her\s+|them\s+)?(?:i'd|i would|that i'd|that i would|to)\s+(.+)$/i, kind: 'task', promised: true },
  {
    re: /\b(?:i|we)(?:'ve| have)?\s+(?:(?:really|still|definitely|also|probably|just|seriously|totally|absolutely|then|first)\s+)*(?:need to|needs to|have to|has to|got to|gotta|must|should|ought to|have got to)\s+(.+)$/i,
    kind: 'task',
  },
  { re: /^(?:i\s+)?(?:gotta|got to)\s+(.+)$/i, kind: 'task' },
  { re: /\bi (?:totally |completely |just )?forgot to\s+(.+)$/i, kind: 'task' },
  {
    re: /\b(?:i'm|i am|we're|we are|we've|we have|i've|i have)\s+(?:(?:all|almost|nearly|completely|running|getting|basically|pretty much)\s+)*(?:out of|low on|run out of|ran out of|running out of|short on)\s+(.+)$/i,
    kind: 'item',
  },
  { re: /\b(?:we|i)\s+(?:still\s+|also\s+|really\s+)*need\s+(?!to\b)(.+)$/i, kind: 'item' },
  { re: /\bi(?:'ll| will|'m going to|'m gonna| am going to| promise to)\s+(.+)$/i, kind: 'task', promise: true },
];

/** Analyses one utterance in the context of the ones before it (same device, oldest first). */
export function analyseUtterance(current: Utterance, previous: readonly Utterance[], options: ExtractOptions): Finding[] {
  if (!isUser(current.speaker, options)) return [];
  const findings: Finding[] = [];
  const accepted = acceptedRequest(current, previous, options);
  if (accepted) findings.push(accepted);
  for (const sentence of sentences(current.text)) {
    for (const clause of clauses(sentence)) {
      findings.push(...analyseClause(clause, sentence, current.saidAt, options));
    }
  }
  // A reply that accepts a request and also restates it ("Okay, I will") must not also promise "will".
  const kept = accepted ? findings.filter((f, i) => i === 0 || f.type !== 'todo' || !overlaps(f.todo.text, accepted.todo.text)) : findings;
  const context = [...previous.map((u) => u.text), current.text];
  return kept.map((f) => (f.type === 'todo' ? { ...f, todo: { ...f.todo, text: resolvePronoun(f.todo.text, context) } } : f));
}

const THING_NP = /\b(?:[Tt]he|[Mm]y|[Oo]ur|our|his|her|their|(?!(?:When|What|Where|Who|How|That|It|There|Here|Let|He|She)'s)[A-Z][a-z]+'s)\s+((?:[a-z][\w-]*\s+)?[a-z][\w-]*)\b/g;
const NOT_A_THING = /^(?:way|time|day|morning|afternoon|evening|night|week|weekend|end|moment|thing|same|other|one|first|last|rest|store|office|meeting)\b/;
const PERSON_NAME = /\b(?:Mom|Dad|Grandma|Grandpa|[A-Z][a-z]{2,})\b/g;
const NOT_A_NAME = /^(?:I|The|This|That|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|Okay|Yeah|Sure|Can|Could|Will|Would|What|When|Where|Why|How|And|But|So|Oh|Also|Just|Thanks|Please|Hey|Well|No|Yes|It|We|You|They|He|She|If|Let|Don|Did|Do|Is|Are|Was|Not|Good|Great|Right|Then|There|Tomorrow|Today|Tonight|Remember|Make|Need|Call|Send|Pick|Get|Take|Bring|Put|Sign|Should|Shall|Might|Must|Maybe|Actually|Anyway|Sorry|Nope|Yep|Alright|Hmm|Ugh|Wait|Look|Listen|Honey|Babe)$/;

/**
 * "Sign it" is not a to-do anyone can act on: a bare object pronoun is replaced by what was named just
 * before — a thing ("the permission slip") for it/them, a person ("Leo", "Dad") for him/her. Left as is
 * when nothing fits.
 */
function resolvePronoun(text: string, context: readonly string[]): string {
  const m = /^([\w']+(?:\s+(?:up|in|back|off|out|over|down))?)\s+(it|them|him|her)\b(.*)$/i.exec(text);
  if (!m) return text;
  const pronoun = m[2]!.toLowerCase();
  const joined = context.join(' \n ');
  const cut = joined.toLowerCase().lastIndexOf(text.toLowerCase().split(/\s+/).slice(0, 2).join(' '));
  const before = cut > 0 ? joined.slice(0, cut) : joined;
  let referent: string | undefined;
  if (pronoun === 'him' || pronoun === 'her') {
    for (const x of before.matchAll(PERSON_NAME)) if (!NOT_A_NAME.test(x[0])) referent = x[0];
  } else {
    // The topic of the latest sentence that names a thing: its first noun phrase, usually the subject.
    for (const sentence of before.split(/(?<=[.!?])\s+|\n/).reverse()) {
      referent = [...sentence.matchAll(THING_NP)].find((x) => !NOT_A_THING.test(x[1]!))?.[0];
      if (referent) break;
    }
    if (referent) referent = referent[0]!.toLowerCase() + referent.slice(1);
  }
  if (!referent) return text;
  return `${m[1]} ${referent}${m[3]}`.replace(/\s+/g, ' ').trim();
}

function overlaps(a: string, b: string): boolean {
  return a.toLowerCase().includes(b.toLowerCase()) || b.toLowerCase().includes(a.toLowerCase()) || a.split(/\s+/).length <= 1;
}

/** Whether a speaker label is the wearer. */
export function isUser(speaker: string | undefined, options: ExtractOptions): boolean {
  if (speaker === undefined || speaker.trim() === '') return options.unlabelledIsUser ?? true;
  const labels = (options.userLabels ?? ['USER', 'ME']).map((l) => l.toLowerCase());
  return labels.includes(speaker.trim().toLowerCase());
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?;])\s+|\n+/).map((s) => s.trim()).filter(Boolean);
}

/** Splits a sentence where a new subject starts ("..., and I'll swing by", "..., can you add it"). */
function clauses(sentence: string): string[] {
  return sentence
    .split(/,?\s+(?:and|but|so)\s+(?=(?:i|we)(?:'ll|'m|'re|'ve| will| need| have| still| also| must| should)\b)|,\s+(?=(?:i'll|i will|can you|could you|would you|will you)\b)/i)
    .map((c) => c.trim())
    .filter(Boolean);
}

function analyseClause(clause: string, sentence: string, saidAt: number, options: ExtractOptions): Finding[] {
  const evidence = sentence;
  const cancel = CANCEL_RE.exec(clause);
  if (cancel) {
    const target = tidyTodoText((cancel[1] ?? '').replace(/\b(?:then|that|it|please|anyway|now)\b/gi, '').replace(/[,.!?]/g, ' '));
    if (/^i'll\b/i.test(target)) return [{ type: 'cancellation', target: null, evidence }];
    return [{ type: 'cancellation', target: target === '' ? null : target, evidence }];
  }
  const correct = CORRECT_RE.exec(clause);
  if (correct) {
    const payload = correct[1]!;
    const due = findDueDate(payload, saidAt, options.timeZone);
    const rest = cleanup(cutDue(payload, due), 'item')[0] ?? '';
    return [{ type: 'correction', due: due?.due ?? null, replacement: rest === '' ? null : rest, evidence }];
  }
  const anaphora = ANAPHORA_RE.exec(clause);
  if (anaphora) {
    const due = findDueDate(clause, saidAt, options.timeZone);
    return due ? [{ type: 'correction', due: due.due, replacement: null, evidence }] : [];
  }
  const question = QUESTION_START.test(clause.replace(new RegExp(`^${INTERJECTIONS}`, 'i'), ''));
  if (IMMEDIATE.test(clause)) return [];
  for (const trigger of TRIGGERS) {
    const m = trigger.re.exec(clause);
    if (!m) continue;
    const prefix = clause.slice(0, m.index);
    const listRequest = trigger.kind === 'item' && /\b(?:add|put|stick)\b/i.test(m[0]);
    const remindRequest = /^remind me/i.test(m[0]);
    if (question && !listRequest && !remindRequest) return [];
    if (HYPOTHETICAL_PREFIX.test(prefix) || PAST_PREFIX.test(prefix)) return [];
    let action = m[1]!;
    if (trigger.promise) {
      const verb = (/^[\w']+/.exec(action)?.[0] ?? '').toLowerCase();
      if (NOT_A_PROMISE.has(verb)) return [];
      const due = findDueDate(clause, saidAt, options.timeZone);
      if (!TASK_VERBS.has(verb) && !due) return [];
    }
    if (trigger.promised) {
      const name = /\bpromised\s+([A-Z]\w+)/.exec(clause)?.[1];
      if (name) action = action.replace(/\b(?:him|her|them)\b/i, name);
    }
    const vocative = /,\s*([A-Z][a-z]+)[.!]?$/.exec(clause)?.[1];
    if (vocative && !/^(?:Thanks|Please|Okay|Ok|Then|Too|Though)$/.test(vocative)) {
      action = action.replace(new RegExp(`,\\s*${vocative}[.!]?$`), '').replace(/\byou\b/i, vocative);
    }
    const due = findDueDate(clause, saidAt, options.timeZone);
    const texts = cleanup(cutDue(action, due), trigger.kind);
    const todos = texts.filter((t) => trigger.kind === 'task' || !NOT_AN_ITEM.test(t));
    return todos.map((text) => ({ type: 'todo', todo: { text, due: due?.due ?? null, kind: trigger.kind, evidence } }));
  }
  return [];
}

/** The user's "sure" to a request made just before by someone in the room. */
function acceptedRequest(current: Utterance, previous: readonly Utterance[], options: ExtractOptions): Extract<Finding, { type: 'todo' }> | null {
  const reply = current.text.trim();
  if (!ACCEPT_RE.test(reply) || REFUSE_RE.test(reply.replace(/\bno problem\b/gi, ''))) return null;
  const window = options.requestWindowMs ?? 120_000;
  for (let i = previous.length - 1; i >= 0; i--) {
    const p = previous[i]!;
    if (current.saidAt - p.saidAt > window) break;
    if (isUser(p.speaker, options)) break;
    if (p.speaker && MEDIA_SPEAKERS.has(p.speaker.trim().toLowerCase())) continue;
    for (const sentence of sentences(p.text)) {
      const body = sentence.replace(/^(?:[A-Z][a-z]+,\s*)/, '').replace(/,?\s*(?:okay|ok|please|alright|right)\?$/i, '?');
      let action: string | undefined = REQUEST_RE.exec(body)?.[1];
      if (!action) {
        const first = (/^(?:please\s+)?([\w']+)/i.exec(body)?.[1] ?? '').toLowerCase();
        if (TASK_VERBS.has(first) && first !== 'see' && first !== 'go') action = body.replace(/^please\s+/i, '').replace(/[?.!]+$/, '');
      }
      if (!action) continue;
      const name = p.speaker ? p.speaker.charAt(0).toUpperCase() + p.speaker.slice(1).toLowerCase() : 'them';
      action = action.replace(/\bme\b/gi, name).replace(/\bmy\b/gi, `${name}'s`).replace(/\s+when you get a (?:minute|chance|sec(?:ond)?)\b/i, '');
      const due = findDueDate(action, p.saidAt, options.timeZone) ?? findDueDate(reply, current.saidAt, options.timeZone);
      const text = cleanup(cutDue(action, due), 'task')[0];
      if (!text) continue;
      return { type: 'todo', todo: { text, due: due?.due ?? null, kind: 'task', evidence: `${p.speaker ?? ''}: ${sentence} / ${reply}`.trim() } };
    }
  }
  return null;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Removes the words that said the due date, with the preposition that led into them. */
function cutDue(action: string, due: DueMatch | null): string {
  if (!due) return action;
  const re = new RegExp(String.raw`(?:\s+(?:on|by|before|until|at|in|around|sometime|some time|first thing|for|maybe|the|this))*\s*${escape(due.text.replace(/[,.]+$/, ''))}`, 'i');
  return action.replace(re, ' ').replace(/\s+/g, ' ').trim();
}

const LEADING_FILLER = /^(?:(?:also|really|just|still|definitely|probably|maybe|like|um|uh|go ahead and|remember to|to)\s+)+/i;
const TRAILING_FILLER = /(?:[\s,]+(?:please|too|though|then|okay|ok|as well|or so|again|anymore|for me|i think|at some point|soon|sometime|maybe|tomorrow|today|tonight|honestly|now))+$/i;
const CLAUSE_CUT = /\s+(?:before it|because|since|so that|so i|or they|or else|otherwise|when i get|while|if|this is|it's|they're|i never)\b.*$/i;
const STOP_PIECE = /^(?:they|they're|it|it's|its|this|that|i|i'm|she|he|we|because|since|so|but|or|otherwise|which|who|her|his)\b/i;

/** Fillers and stutters of fast speech: "the, uh, the expense reports" → "the expense reports". */
function dropDisfluencies(text: string): string {
  return text
    .replace(/(?:^|[\s,]+)(?:uh|um|erm|er|uhm|you know)(?=[\s,]|$)[,]?/gi, ' ')
    .replace(/\b([\w']+),?\s+\1\b/gi, '$1')
    .replace(/[—–]+.*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A new clause in a transcript without punctuation (whisper): a subject and verb after the to-do's words
 * ("renew the registration its due", "feed the cat were going upstate", "call in the refill today or").
 */
const UNPUNCTUATED_CLAUSE = /\s+(?:its|were|theyre|thats|cause|cuz|we dont|i dont|i dunno|i guess|before i forget|they close|it closes|or)\b.*$|\s+(?:or|so|and)$/i;

/** Turns the words after a trigger into one or more tidy to-do texts. */
function cleanup(action: string, kind: 'task' | 'item'): string[] {
  const text = dropDisfluencies(action).replace(/[.!?;]+$/, '').replace(CLAUSE_CUT, '').replace(UNPUNCTUATED_CLAUSE, '');
  const parts = text.split(/(,\s*(?:and\s+|or\s+)?|\s+(?:and|or|plus|then)\s+)/i);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const piece = (parts[i] ?? '').trim();
    const sep = i > 0 ? (parts[i - 1] ?? ' ') : '';
    if (piece === '') continue;
    if (STOP_PIECE.test(piece) && i > 0) break;
    const first = (/^[\w']+/.exec(piece)?.[0] ?? '').toLowerCase();
    const startsNew = i === 0 || (kind === 'item' ? true : TASK_VERBS.has(first));
    if (startsNew || out.length === 0) out.push(piece);
    else out[out.length - 1] = `${out[out.length - 1]}${sep}${piece}`;
  }
  return out
    .map((t) => {
      let s = t.replace(LEADING_FILLER, '').replace(TRAILING_FILLER, '');
      if (kind === 'item') s = s.replace(/^(?:a|an|some|the|more|any|new)\s+/i, '');
      return tidyTodoText(s);
    })
    .filter((t) => t !== '' && !/^(?:some|it|them|that|this|one|those)$/i.test(t));
}
