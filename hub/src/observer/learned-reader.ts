import { readUtterance } from './clause-reader.js';
import type { DueDate } from './due-date.js';
import { ObserverError } from './errors.js';
import { isUser, type ExtractOptions, type Finding, type ReaderTrace, type Utterance } from './extract.js';
import { contentTokens, words } from './normalise.js';
import { normaliseSpeech } from './speech-text.js';
import { TASK_VERBS } from './task-verbs.js';
import { loadTodoModel, probability, type FeatureConfig, type TodoModel } from './todo-classifier.js';

/**
 * The learned stage of the observer: the clause reader reads each utterance as before, and reports
 * the frames it turned down and why (`ExtractOptions.trace`); a logistic-regression classifier
 * (`todo-classifier.ts`, weights in a file made by
 * `npx tsx scripts/train-todo-classifier.ts` on the development snippets' tuning parts) then scores
 * every to-do the reader made — dropping those below `thresholds.keep` — and every frame it turned down —
 * taking those at or above `thresholds.recover`. The features: which frame fired or why it was turned
 * down, modal and obligation cues, negation, hedges, tense, person, question, who spoke before, and the
 * words of the clause and of the utterance before. It sees only what was said up to now (it runs live);
 * later cancellations stay the observer's job.
 */

/** A function that reads one utterance (the clause reader, the string rules, or the learned stage). */
export type UtteranceReader = (current: Utterance, previous: readonly Utterance[], options: ExtractOptions) => Finding[];

/**
 * How to make a weights file. Weights are model data (DESIGN §6): none is in the repository; the training script
 * writes one from the development snippets' tuning parts.
 */
export const TRAIN_WEIGHTS_COMMAND = 'npx tsx scripts/train-todo-classifier.ts --out FILE';

/** A to-do the reader made, or a frame it turned down, as the classifier sees it. */
export interface Candidate {
  stage: 'kept' | 'down';
  /** `via` of a kept to-do, or the reason a frame was turned down. */
  source: string;
  marker: number | null;
  kind: 'task' | 'item';
  text: string;
  due: DueDate | null;
  /** The words it came from. */
  clause: string;
}

/** One utterance read with everything the classifier needs. */
export interface CandidateReading {
  findings: Finding[];
  /** Features of each to-do finding, by its index in `findings`. */
  kept: Map<number, string[]>;
  /** Frames turned down that give a usable to-do text, with their features. */
  down: { candidate: Candidate; features: string[] }[];
}

const MEDIA = /^(?:tv|radio|podcast|video|movie|film|ad|advert|speaker|music|voicemail|announcer|pa)$/i;

const CUES: [string, RegExp][] = [
  ['neg', /\b(?:not|never|no|nothing|nobody)\b/i],
  ['hedge', /\b(?:maybe|probably|might|guess|dunno|perhaps|someday|some day|at some point|eventually|sometime|kind of|sort of)\b/i],
  ['hyp', /\b(?:if|would|could|wish|unless|whether|in case|rather)\b/i],
  ['past', /\b(?:already|was|were|had|did|used to|yesterday|last|ago|earlier)\b/i],
  ['ed', /\b\w{3,}ed\b/i],
  ['need', /\bneeds? to\b/i],
  ['have-to', /\b(?:have|has|got) to\b/i],
  ['must', /\bmust\b/i],
  ['will', /\b(?:will|going to|gonna)\b/i],
  ['should', /\b(?:should|ought to)\b/i],
  ['remind', /\b(?:remind|remember|forget|note to self|reminder)\b/i],
  ['list', /\blist\b/i],
  ['let-us', /\blet us\b/i],
  ['i', /\bI\b/],
  ['we', /\bwe\b/i],
  ['you', /\byou\b/i],
  ['3p', /\b(?:he|she|they|his|her|their)\b/i],
  ['done', /\b(?:done|finished|sent|took care|handled|sorted)\b/i],
  ['cancel', /\b(?:never ?mind|scratch that|forget it|no need|cancel)\b/i],
  ['quote', /"|\b(?:said|says|told me|was like)\b/i],
  ['now', /\b(?:right now|now|a sec|real quick|at once)\b/i],
  ['habit', /\b(?:every|always|usually|normally|often|sometimes)\b/i],
  ['ask', /\b(?:can|could|would|will) you\b|\bplease\b/i],
  ['accept', /^(?:\W*)(?:yes|yeah|sure|okay|ok|fine|deal|will do|no problem|of course|got it)\b/i],
  ['date-word', /\b(?:today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|week|morning|evening|eod|by)\b/i],
];

const bucket = (n: number, edges: readonly number[]): string => {
  const i = edges.findIndex((e) => n <= e);
  return i < 0 ? `>${edges.at(-1)!}` : `<=${edges[i]!}`;
};

function lexical(prefix: string, text: string): string[] {
  const ws = words(text).slice(0, 40);
  return [...ws.map((w) => `${prefix}=${w}`), ...ws.slice(1).map((w, i) => `${prefix}2=${ws[i]!}_${w}`)];
}

/** The features of one candidate (every group; {@link selectFeatures} keeps the configured ones). */
export function candidateFeatures(c: Candidate, current: Utterance, previous: readonly Utterance[], options: ExtractOptions): string[] {
  const f: string[] = [`stage=${c.stage}`, `src=${c.stage}:${c.source.replace(/:\d+$/, '')}`, `kind=${c.kind}`];
  if (c.marker !== null) f.push(`marker=${c.stage}:${c.marker}`);
  const textWords = words(c.text);
  const head = textWords[0] ?? '';
  f.push(`v=${head}`, TASK_VERBS.has(head) ? 'v-task' : 'v-other', `len=${bucket(textWords.length, [1, 2, 3, 4, 6])}`, `content=${bucket(contentTokens(c.text).length, [0, 1, 2, 3])}`);
  if (/\b(?:it|them|that|this|those|these|one)\b/i.test(c.text)) f.push('t-pronoun');
  if (/\b(?:you|your)\b/i.test(c.text)) f.push('t-you');
  if (/\s[A-Z][a-z]+/.test(c.text)) f.push('t-name');
  if (c.due) {
    const days = Math.round((Date.parse(`${c.due.date}T12:00:00Z`) - current.saidAt) / 86_400_000);
    f.push('due', `due-days=${bucket(days, [0, 1, 3, 7, 31])}`);
    if (c.due.at !== null) f.push('due-at');
  } else f.push('no-due');
  const clause = normaliseSpeech(c.clause);
  for (const [name, re] of CUES) if (re.test(clause)) f.push(`c:${name}`);
  if (/\?\s*$/.test(clause.trim())) f.push('c:question');
  f.push(`c0=${words(clause)[0] ?? ''}`);
  const last = previous.at(-1);
  const who = (u: Utterance | undefined): string => (!u ? 'none' : isUser(u.speaker, options) ? 'user' : u.speaker && MEDIA.test(u.speaker.trim()) ? 'media' : 'other');
  f.push(`prev=${who(last)}`, `speaker=${who(current)}`);
  if (last && /\?\s*$/.test(last.text.trim())) f.push('prev-question');
  if (last && /\b(?:can|could|would|will) you\b|\bplease\b/i.test(last.text)) f.push('prev-ask');
  if (previous.every((p) => isUser(p.speaker, options) || (p.speaker !== undefined && MEDIA.test(p.speaker.trim())))) f.push('alone');
  f.push(...lexical('w', clause));
  if (last) f.push(...lexical('p', normaliseSpeech(last.text)));
  return f;
}

/** The features of the groups `config` turns on. */
export function selectFeatures(features: readonly string[], config: FeatureConfig): string[] {
  return features.filter((f) => {
    if (/^w2?=/.test(f)) return config.words;
    if (/^p2?=/.test(f)) return config.previousWords;
    if (/^(?:stage|src|marker)=/.test(f)) return config.verdict;
    return config.cues;
  });
}

/** Reads an utterance with the clause reader and gathers its candidates' features (nothing is decided yet). */
export function readCandidates(current: Utterance, previous: readonly Utterance[], options: ExtractOptions): CandidateReading {
  const traces: ReaderTrace[] = [];
  const findings = readUtterance(current, previous, { ...options, trace: (e) => traces.push(e) });
  const kept = new Map<number, string[]>();
  const keptTexts: string[] = [];
  findings.forEach((finding, i) => {
    if (finding.type !== 'todo') return;
    const t = finding.todo;
    keptTexts.push(t.text);
    const via = t.via ?? 'unknown';
    const marker = /:(\d+)$/.exec(via)?.[1];
    kept.set(i, candidateFeatures({ stage: 'kept', source: via, marker: marker === undefined ? null : Number(marker), kind: t.kind, text: t.text, due: t.due, clause: t.evidence }, current, previous, options));
  });
  const down: CandidateReading['down'] = [];
  const seen = new Set<string>();
  for (const e of traces) {
    const key = contentTokens(e.text).join(' ');
    if (key === '' || (e.kind === 'task' && !/\s/.test(e.text)) || seen.has(key)) continue;
    if (keptTexts.some((k) => contentTokens(k).some((t) => key.split(' ').includes(t)))) continue;
    seen.add(key);
    const candidate: Candidate = { stage: 'down', source: e.reason, marker: e.marker, kind: e.kind, text: e.text, due: e.due, clause: e.clause };
    down.push({ candidate, features: candidateFeatures(candidate, current, previous, options) });
  }
  return { findings, kept, down };
}

/** Applies a model to a reading: drops kept to-dos below `keep`, takes turned-down frames at or above `recover`. */
export function decide(reading: CandidateReading, model: TodoModel): Finding[] {
  const recovered: Finding[] = reading.down
    .filter((d) => probability(model, selectFeatures(d.features, model.features)) >= model.thresholds.recover)
    .map((d) => ({ type: 'todo', todo: { text: d.candidate.text, due: d.candidate.due, kind: d.candidate.kind, evidence: d.candidate.clause, via: `recovered:${d.candidate.source}` } }));
  const kept = reading.findings.filter((f, i) => {
    const features = reading.kept.get(i);
    return f.type !== 'todo' || !features || probability(model, selectFeatures(features, model.features)) >= model.thresholds.keep;
  });
  return [...recovered, ...kept];
}

/** The learned stage as an {@link UtteranceReader}. */
export function learnedReader(model: TodoModel): UtteranceReader {
  return (current, previous, options) => decide(readCandidates(current, previous, options), model);
}

const LOADED = new Map<string, UtteranceReader>();

/**
 * Loads the weights file at `path` once per process; throws JARVIS_OBSERVER_BAD_WEIGHTS when no path is given
 * or the file is missing or malformed (a failed load is not remembered: a fixed file is read again).
 */
export function loadLearnedReader(path: string | undefined): UtteranceReader {
  if (path === undefined) throw new ObserverError('JARVIS_OBSERVER_BAD_WEIGHTS', `the learned to-do stage needs its weights file (make one: ${TRAIN_WEIGHTS_COMMAND})`);
  const hit = LOADED.get(path);
  if (hit) return hit;
  const reader = learnedReader(loadTodoModel(path));
  LOADED.set(path, reader);
  return reader;
}
