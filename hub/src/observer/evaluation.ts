import { readFileSync } from 'node:fs';
import { contentTokens, jaccard } from './normalise.js';
import type { Extractor } from './observer.js';
import { observeTranscript, parseTranscript } from './transcript.js';
import { localIsoDate, parseInstant } from './zoned-time.js';

/** One hand-written evaluation snippet (`tests/fixtures/observer/*.jsonl`). */
export interface EvalCase {
  id: string;
  transcript: string;
  reference_time: string;
  /** `due` is an ISO date, null, or a list of readings that are all fair. */
  expected: { text: string; due: string | null | (string | null)[] }[];
}

/** What the observer produced for one snippet. */
export interface EvalPrediction {
  id: string;
  todos: { text: string; due: string | null }[];
}

/** Precision, recall, F1 and due-date accuracy over a set, with the misses for a report. */
export interface EvalScore {
  cases: number;
  expected: number;
  predicted: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
  /** Of the matched to-dos, the share whose due date is one of the fair readings. */
  dueAccuracy: number;
  falsePositives: { id: string; text: string }[];
  falseNegatives: { id: string; text: string }[];
  wrongDue: { id: string; text: string; due: string | null; expected: unknown }[];
}

/** Reads an evaluation file (one JSON object per line). */
export function loadEvalCases(path: string): EvalCase[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as EvalCase);
}

/**
 * Whether a produced to-do is the expected one: the content words overlap by half or more (Jaccard),
 * or one's content words all appear in the other. Wording differs between people; the object must not.
 */
export function sameTodo(produced: string, expected: string): boolean {
  const a = contentTokens(produced);
  const b = contentTokens(expected);
  if (a.length === 0 || b.length === 0) return false;
  return jaccard(a, b) >= 0.5 || a.every((t) => b.includes(t)) || b.every((t) => a.includes(t));
}

/** Runs the observer over every case (in the given zone) and returns its predictions. */
export async function predict(cases: readonly EvalCase[], timeZone: string, extractor?: Extractor, weightsPath?: string): Promise<EvalPrediction[]> {
  const out: EvalPrediction[] = [];
  for (const c of cases) {
    const { lines } = parseTranscript(c.transcript);
    const todos = await observeTranscript(lines, { now: parseInstant(c.reference_time, 'reference_time'), timeZone, ...(extractor ? { extractor } : {}), ...(weightsPath ? { weightsPath } : {}) });
    out.push({ id: c.id, todos: todos.map((t) => ({ text: t.text, due: t.dueDate ?? (t.dueAt === null ? null : localIsoDate(t.dueAt, timeZone)) })) });
  }
  return out;
}

/** Scores predictions against the cases: greedy one-to-one matching per snippet. */
export function score(cases: readonly EvalCase[], predictions: readonly EvalPrediction[]): EvalScore {
  const s: EvalScore = {
    cases: cases.length, expected: 0, predicted: 0, truePositives: 0, precision: 0, recall: 0, f1: 0, dueAccuracy: 0,
    falsePositives: [], falseNegatives: [], wrongDue: [],
  };
  let dueRight = 0;
  for (const c of cases) {
    const produced = [...(predictions.find((p) => p.id === c.id)?.todos ?? [])];
    s.expected += c.expected.length;
    s.predicted += produced.length;
    const used = new Set<number>();
    for (const e of c.expected) {
      const i = produced.findIndex((p, j) => !used.has(j) && sameTodo(p.text, e.text));
      if (i < 0) {
        s.falseNegatives.push({ id: c.id, text: e.text });
        continue;
      }
      used.add(i);
      s.truePositives++;
      const fair = Array.isArray(e.due) ? e.due : [e.due];
      if (fair.includes(produced[i]!.due)) dueRight++;
      else s.wrongDue.push({ id: c.id, text: produced[i]!.text, due: produced[i]!.due, expected: e.due });
    }
    produced.forEach((p, j) => {
      if (!used.has(j)) s.falsePositives.push({ id: c.id, text: p.text });
    });
  }
  s.precision = s.predicted === 0 ? 1 : s.truePositives / s.predicted;
  s.recall = s.expected === 0 ? 1 : s.truePositives / s.expected;
  s.f1 = s.precision + s.recall === 0 ? 0 : (2 * s.precision * s.recall) / (s.precision + s.recall);
  s.dueAccuracy = s.truePositives === 0 ? 0 : dueRight / s.truePositives;
  return s;
}
