/**
 * Cross-validation of the observer's learned stage on the TUNING part of the development snippets
 * (the locked thirds are dropped before anything is read: `developmentSnippets`). Snippets are folded by
 * the hash of their key (a snippet's clauses never straddle folds), and also left out one writer (file)
 * at a time. For each feature setting, a model is trained on the other folds and replayed on the held-out
 * fold at each pair of thresholds; the held-out predictions of all folds are scored together.
 *
 *   npx tsx scripts/observer-cv.ts [--folds 5] [--quick] [--writers] [--fresh dev-calls.jsonl]
 *
 * Prints one JSON line per (setting, thresholds) and the clause reader alone, labelled
 * "cross-validated on the tuning part"; with --writers also one line per held-out writer at the committed
 * thresholds (`heldOutWriter`: trained without that writer, scored on it).
 *
 * --fresh FILE: the folds are taken within FILE's tuning part only, a file the reader's rules were NOT tuned on
 * (dev-calls.jsonl: scored unseen, then only due-date rules looked at it). Each fold's model is trained on the other
 * folds of FILE plus every other file's tuning part, and scored on its held-out fold of FILE: the reader's errors on
 * fresh text are what it learns from and what it is scored on. Labelled "cross-validated on fresh text".
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { score, type EvalCase, type EvalPrediction } from '../hub/src/observer/evaluation.js';
import type { FeatureConfig } from '../hub/src/observer/todo-classifier.js';
import { developmentSnippets, foldOf, record, replay, trainTodoModel, TRAINING, type Recording } from '../hub/src/observer/todo-training.js';

const { values } = parseArgs({ options: { folds: { type: 'string', default: '5' }, quick: { type: 'boolean', default: false }, writers: { type: 'boolean', default: false }, fresh: { type: 'string' } } });
const K = Number(values.folds);
const TZ = 'America/New_York';
const dir = fileURLToPath(new URL('../tests/fixtures/observer/', import.meta.url));
const r3 = (x: number): number => Math.round(x * 1000) / 1000;

const recordings = await record(developmentSnippets(dir), TZ);
const cases: EvalCase[] = recordings.map((r) => ({ ...r.snippet.case, id: r.snippet.key }));
const withKey = (r: Recording, p: EvalPrediction): EvalPrediction => ({ ...p, id: r.snippet.key });
const pos = recordings.reduce((n, r) => n + r.examples.filter((e) => e.label === 1).length, 0);
const neg = recordings.reduce((n, r) => n + r.examples.filter((e) => e.label === 0).length, 0);
console.error(`recorded ${recordings.length} tuning snippets, ${pos} positive / ${neg} negative candidates`);

if (values.fresh !== undefined) {
  await freshCrossValidation(values.fresh);
  process.exit(0);
}

/** See --fresh in the header. */
async function freshCrossValidation(file: string): Promise<void> {
  const fresh = recordings.filter((r) => r.snippet.file === file);
  if (fresh.length === 0) throw new Error(`no tuning snippets of ${file} among the training files`);
  const rest = recordings.filter((r) => r.snippet.file !== file);
  const freshCases = cases.filter((c) => fresh.some((r) => r.snippet.key === c.id));
  const line = (setting: string, thresholds: string, preds: EvalPrediction[]): void => {
    const s = score(freshCases, preds);
    console.log(JSON.stringify({ data: `cross-validated on fresh text (${file} tuning part, ${K} folds; rules not tuned on it)`, setting, thresholds, f1: r3(s.f1), precision: r3(s.precision), recall: r3(s.recall), due: r3(s.dueAccuracy), expected: s.expected, predicted: s.predicted }));
  };
  const alone: EvalPrediction[] = [];
  for (const r of fresh) alone.push(withKey(r, await replay(r, null, TZ)));
  line('clause reader alone', '-', alone);
  const settings: [string, FeatureConfig][] = [
    ['verdict+cues+words', { words: true, previousWords: false, cues: true, verdict: true }],
    ['cues+words (no verdict)', { words: true, previousWords: false, cues: true, verdict: false }],
    ['verdict+cues', { words: false, previousWords: false, cues: true, verdict: true }],
  ];
  for (const [name, features] of settings) {
    const models = Array.from({ length: K }, (_, k) => trainTodoModel([...fresh.filter((r) => foldOf(r.snippet.key, K) !== k), ...rest], { ...TRAINING, features }));
    for (const keep of [0, 0.3, 0.5]) {
      for (const recover of [0.5, 0.7, 0.9, 1.01]) {
        const preds: EvalPrediction[] = [];
        for (const r of fresh) preds.push(withKey(r, await replay(r, { ...models[foldOf(r.snippet.key, K)]!, thresholds: { keep, recover } }, TZ)));
        line(name, `keep>=${keep} recover>=${recover > 1 ? 'off' : recover}`, preds);
      }
    }
  }
}

const report = (setting: string, thresholds: string, preds: EvalPrediction[], split: string, only?: string): void => {
  const keys = only === undefined ? null : new Set(recordings.filter((r) => r.snippet.file === only).map((r) => r.snippet.key));
  const s = score(keys ? cases.filter((c) => keys.has(c.id)) : cases, keys ? preds.filter((p) => keys.has(p.id)) : preds);
  console.log(JSON.stringify({ data: `cross-validated on the tuning part (${split})`, ...(only ? { heldOutWriter: only } : {}), setting, thresholds, f1: r3(s.f1), precision: r3(s.precision), recall: r3(s.recall), due: r3(s.dueAccuracy), expected: s.expected, predicted: s.predicted }));
};
const files = [...new Set(recordings.map((r) => r.snippet.file))].sort();

const rules: EvalPrediction[] = [];
for (const r of recordings) rules.push(withKey(r, await replay(r, null, TZ)));
report('clause reader alone', '-', rules, 'no training');
// Per writer, the clause reader alone (its rules were tuned on all these tuning parts: not a held-out figure).
if (values.writers) for (const f of files) report('clause reader alone (rules tuned on this writer too)', '-', rules, 'no training', f);

const settings: [string, FeatureConfig][] = values.quick
  ? [
      ['verdict+cues+words', { words: true, previousWords: false, cues: true, verdict: true }],
      ['cues+words (no verdict)', { words: true, previousWords: false, cues: true, verdict: false }],
    ]
  : [
      ['verdict+cues', { words: false, previousWords: false, cues: true, verdict: true }],
      ['verdict+cues+words', { words: true, previousWords: false, cues: true, verdict: true }],
      ['verdict+cues+words+previous', { words: true, previousWords: true, cues: true, verdict: true }],
      ['cues+words (no verdict)', { words: true, previousWords: false, cues: true, verdict: false }],
      ['cues+words+previous (no verdict)', { words: true, previousWords: true, cues: true, verdict: false }],
    ];
const keeps = [...new Set([...(values.quick ? [0, 0.3] : [0, 0.2, 0.3, 0.4, 0.5]), TRAINING.thresholds.keep])];
const recovers = [...new Set([0.5, 0.6, 0.7, 0.8, 0.9, 1.01, TRAINING.thresholds.recover])];
// --writers: leave one writer (file) out instead of K folds by snippet.
const groupings: [string, (r: Recording) => string][] = values.writers
  ? [['leave one writer out', (r) => r.snippet.file]]
  : [[`${K}-fold by snippet`, (r) => String(foldOf(r.snippet.key, K))]];

for (const [split, groupOf] of groupings) {
  const groups = [...new Set(recordings.map(groupOf))].sort();
  for (const [name, features] of settings) {
    const models = new Map(groups.map((g) => [g, trainTodoModel(recordings.filter((r) => groupOf(r) !== g), { ...TRAINING, features })]));
    for (const keep of keeps) {
      for (const recover of recovers) {
        const preds: EvalPrediction[] = [];
        for (const r of recordings) {
          const m = models.get(groupOf(r))!;
          preds.push(withKey(r, await replay(r, { ...m, thresholds: { keep, recover } }, TZ)));
        }
        report(name, `keep>=${keep} recover>=${recover > 1 ? 'off' : recover}`, preds, split);
        // Leave-one-writer-out: each writer scored by the model trained without it (the figure that predicts unseen text).
        if (values.writers && keep === TRAINING.thresholds.keep && recover === TRAINING.thresholds.recover) {
          for (const f of files) report(name, `keep>=${keep} recover>=${recover} (committed thresholds)`, preds, split, f);
        }
      }
    }
  }
}
