/**
 * Memory figures on `tests/fixtures/memory/` (facts by one writer, questions paraphrased by another):
 * `memory.recall_at_1` — the top answer is the fact the question is about (for a corrected fact, the
 * correction; for a question about something never told, no answer, "I don't know") — and
 * `memory.answer_ms` (one question: BM25 + sqlite-vec + fusion, in-memory SQLite). Retrieval is lexical
 * plus the hashed n-gram embedding: no real embedding model is used here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MemoryService, parseMemoryCommand } from '../hub/src/memory/index.js';
import { heldOutQuestionIds } from '../hub/src/memory/eval-split.js';
import { openDatabase } from '../hub/src/store/database.js';
import { migrations } from '../hub/src/store/migrations/index.js';
import { distribution, type Benchmark } from './lib.js';

interface FactCase { id: string; said: string; person: string; corrects?: string }
interface QuestionCase { id: string; fact: string | null; person: string; question: string }

const load = <T>(name: string): T[] =>
  readFileSync(fileURLToPath(new URL(`../tests/fixtures/memory/${name}`, import.meta.url)), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);

/** Stores every fact as said and asks every question; returns the score and the per-question times. */
export function runMemoryEval(): { hits: number; total: number; nullRight: number; nulls: number; replacedRight: number; corrections: number; ms: number[]; misses: { id: string; question: string; got: string | null }[]; right: Map<string, boolean> } {
  const db = openDatabase(':memory:', { migrations });
  const memory = new MemoryService({ db });
  const people = new Map<string, number | null>([['household', null]]);
  const personOf = (name: string): number | null => {
    if (!people.has(name)) people.set(name, memory.person(name));
    return people.get(name)!;
  };
  const stored = new Map<string, number>();
  const correctedBy = new Map<string, string>();
  let replacedRight = 0;
  let corrections = 0;
  for (const f of load<FactCase>('facts.jsonl')) {
    const parsed = parseMemoryCommand(f.said);
    const content = parsed?.kind === 'remember' ? parsed.content : f.said;
    const { fact, replaced } = memory.remember(content, { personId: personOf(f.person) });
    stored.set(f.id, fact.id);
    if (f.corrects) {
      corrections++;
      correctedBy.set(f.corrects, f.id);
      if (replaced && replaced.id === stored.get(f.corrects)) replacedRight++;
    }
  }
  const expectedOf = (id: string): number | undefined => {
    let cur = id;
    while (correctedBy.has(cur)) cur = correctedBy.get(cur)!;
    return stored.get(cur);
  };
  let hits = 0;
  let nullRight = 0;
  let nulls = 0;
  const ms: number[] = [];
  const misses: { id: string; question: string; got: string | null }[] = [];
  const rightOf = new Map<string, boolean>();
  const questions = load<QuestionCase>('questions.jsonl');
  for (const q of questions) {
    const t0 = performance.now();
    const hit = memory.recall(q.question, { personId: personOf(q.person) }, { touch: false });
    ms.push(performance.now() - t0);
    const right = q.fact === null ? hit === undefined : hit?.fact.id === expectedOf(q.fact);
    if (q.fact === null) nulls++;
    rightOf.set(q.id, right);
    if (right) {
      hits++;
      if (q.fact === null) nullRight++;
    } else {
      misses.push({ id: q.id, question: q.question, got: hit?.fact.text ?? null });
    }
  }
  db.close();
  return { hits, total: questions.length, nullRight, nulls, replacedRight, corrections, ms, misses, right: rightOf };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'memory.',
    run(emit) {
      const r = runMemoryEval();
      const label = 'tests/fixtures/memory facts.jsonl + questions.jsonl (questions paraphrased by another writer); lexical BM25 + hashed n-gram embedding, no embedding model';
      emit({
        name: 'memory.recall_at_1', value: Math.round((r.hits / r.total) * 1000) / 1000, unit: 'ratio', set: label, questions: r.total,
        dont_know_right: `${r.nullRight}/${r.nulls}`, corrections_replaced: `${r.replacedRight}/${r.corrections}`,
      });
      emit(distribution('memory.answer_ms', 'ms', r.ms, { set: label }));
      // The question set split by a hash rule before any failure was looked at: tuned on one half only.
      const held = heldOutQuestionIds([...r.right.keys()]);
      const half = (keep: (id: string) => boolean): { value: number; n: number } => {
        const ids = [...r.right.keys()].filter(keep);
        return { value: Math.round((ids.filter((id) => r.right.get(id)).length / ids.length) * 1000) / 1000, n: ids.length };
      };
      const h = half((id) => held.has(id));
      const t = half((id) => !held.has(id));
      emit({ name: 'memory.holdout.recall_at_1', value: h.value, unit: 'ratio', questions: h.n, set: 'hold-out half of questions.jsonl (split by hash rule, never looked at)' });
      emit({ name: 'memory.tuning.recall_at_1', value: t.value, unit: 'ratio', questions: t.n, set: 'tuning half of questions.jsonl (failures looked at; not a result)' });
      // Misses of the tuning half only: the hold-out half is never printed.
      if (process.env['MEMORY_BENCH_MISSES']) for (const m of r.misses) if (!held.has(m.id)) process.stderr.write(`${JSON.stringify(m)}\n`);
    },
  },
];
