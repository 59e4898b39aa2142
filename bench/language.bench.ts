import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { Tier0Router } from '../hub/src/router/tier0.js';
import { evaluate, loadDevSet, SCORING_RULE } from './language-eval.js';
import type { Benchmark } from './lib.js';

const fixture = (p: string): string => fileURLToPath(new URL(`../tests/fixtures/${p}`, import.meta.url));

/**
 * The development sets: `tune-a` is the half the templates were written and tuned against (its figure is
 * NOT the result); `test-b` is a different household, locked: only its aggregate figures are looked at.
 */
const SETS = [
  { set: 'tune-a', sentences: 'language/tune-a.jsonl', registry: 'registry/home.json', tuned: true },
  { set: 'test-b', sentences: 'language/test-b.jsonl', registry: 'registry/home-b.json', tuned: false },
] as const;

/**
 * `router.dev_accuracy{set=…}`: share of sentences whose tier-0 decision has the annotated intent and key slots.
 * Per-intent breakdown on stderr; failing sentences are printed only for the tuning set
 * (`JARVIS_BENCH_SHOW_FAILURES=1`), never for the locked test set.
 */
export const benchmarks: Benchmark[] = [
  {
    name: 'router.dev_accuracy',
    run(emit) {
      for (const s of SETS) {
        if (!existsSync(fixture(s.sentences))) {
          process.stderr.write(`router.dev_accuracy: ${s.sentences} missing, set ${s.set} skipped\n`);
          continue;
        }
        const router = new Tier0Router(loadRegistrySnapshot(fixture(s.registry)));
        const examples = loadDevSet(fixture(s.sentences));
        const r = evaluate(router, examples);
        const rows = [...r.perIntent.entries()].sort((a, b) => a[1].correct / a[1].total - b[1].correct / b[1].total);
        process.stderr.write(`router.dev_accuracy{set=${s.set}} per intent (correct/total):\n`);
        for (const [intent, row] of rows) process.stderr.write(`  ${intent.padEnd(28)} ${row.correct}/${row.total}\n`);
        if (s.tuned && process.env['JARVIS_BENCH_SHOW_FAILURES'] === '1') {
          for (const f of r.failures) process.stderr.write(`  FAIL ${s.set}:${f.example.line} "${f.example.text}" ${f.why} got ${JSON.stringify({ intent: f.got.intent, slots: f.got.slots, path: f.got.path })}\n`);
        }
        emit({
          name: 'router.dev_accuracy',
          value: Math.round((r.correct / r.total) * 10_000) / 10_000,
          unit: 'ratio',
          set: s.set,
          data: `${s.sentences} against ${s.registry}`,
          tuned_on: s.tuned,
          correct: r.correct,
          n: r.total,
          scoring: SCORING_RULE,
        });
      }
    },
  },
];
