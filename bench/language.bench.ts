import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { OPPOSITE_INTENTS } from '../hub/src/language/intents.js';
import { Tier0Router } from '../hub/src/router/tier0.js';
import { evaluate, loadDevSet, SCORING_RULE, type DevResult } from './language-eval.js';
import type { Benchmark } from './lib.js';

const fixture = (p: string): string => fileURLToPath(new URL(`../tests/fixtures/${p}`, import.meta.url));

/**
 * The development sets: `tune-a` is the half the templates were written and tuned against (its figure is
 * NOT the result); `tune-c` is a second, independently written set (another writer, another home) used for
 * tuning since its first unseen run; `tune-d` a fourth writer and home, tuned on since its first unseen run (issue 14); `tune-e` a fifth writer and
 * home, scored unseen 0.864 (484/560) at d716c08, then tuned on (its every fourth line from the fourth, i % 4 === 3, is
 * held out of the tuning: the floor in hub/test/language/dev-accuracy.test.ts); `tune-f` a sixth writer and home, scored
 * unseen 0.944 (491/520) with the code of its commit 1ac1a7c and 0.950 (494/520) at 50c903d (general changes made without
 * reading it), then tuned on except its every fourth line from the fourth (i % 4 === 3), held out like tune-e's;
 * `tune-g` a seventh writer and home, scored unseen 0.882 (485/550) with the code of its commit b25c9d1 and 0.885
 * (487/550) at f64b280 (the intent audit, made without reading it), then tuned on except its quarter i % 4 === 3 (held out);
 * `tune-h` an eighth writer and home, held out of all tuning (its failures are never printed): scored unseen 0.867 (386/445)
 * with the code at the start of that session (4478171), then again at its end to see whether the session's changes
 * carry to text nobody tuned on; `tune-i` a ninth writer and home (a bakery townhouse), scored unseen 0.892 (496/556) with
 * the code at the start of the session that added it (c288460; its quarter i % 4 === 3: 126/139), then tuned on except that
 * quarter (held out, floored in hub/test/language/dev-accuracy.test.ts); `test-b` is a different household, locked: only its aggregate figures
 * are looked at.
 */
const SETS = [
  { set: 'tune-a', sentences: 'language/tune-a.jsonl', registry: 'registry/home.json', tuned: true },
  { set: 'tune-c', sentences: 'language/tune-c.jsonl', registry: 'registry/home-c.json', tuned: true },
  { set: 'tune-d', sentences: 'language/tune-d.jsonl', registry: 'registry/home-d.json', tuned: true },
  { set: 'tune-e', sentences: 'language/tune-e.jsonl', registry: 'registry/home-e.json', tuned: true },
  { set: 'tune-f', sentences: 'language/tune-f.jsonl', registry: 'registry/home-f.json', tuned: true },
  { set: 'tune-g', sentences: 'language/tune-g.jsonl', registry: 'registry/home-g.json', tuned: true },
  { set: 'tune-i', sentences: 'language/tune-i.jsonl', registry: 'registry/home-i.json', tuned: true },
  { set: 'tune-h', sentences: 'language/tune-h.jsonl', registry: 'registry/home-h.json', tuned: false },
  { set: 'test-b', sentences: 'language/test-b.jsonl', registry: 'registry/home-b.json', tuned: false },
] as const;

/** Near misses (one sentence a line) that must not become commands, with the home they are routed against. */
const NEAR_MISSES = [{ set: 'tune-c-nocommand', sentences: 'language/tune-c-nocommand.txt', registry: 'registry/home-c.json' }] as const;

const TARGET_SLOTS = ['name', 'area', 'floor', 'domain', 'device_class'];
const opposite = (a: string | null, b: string | null): boolean => OPPOSITE_INTENTS.some(([x, y]) => (a === x && b === y) || (a === y && b === x));

/**
 * Kinds of failure, counted without naming a sentence (safe to print for the locked set): `declined` (a command
 * taken as none), `false_accept` (not a command, acted on), `other_intent`, `opposite` (the opposite action),
 * `wrong_target` (right intent, a target slot wrong, acted on), `slot:<name>` (right intent, another slot wrong).
 */
export function failureKinds(r: DevResult): Map<string, number> {
  const out = new Map<string, number>();
  const add = (k: string): void => void out.set(k, (out.get(k) ?? 0) + 1);
  for (const f of r.failures) {
    const got = f.got.path === 'passive' ? null : f.got.intent;
    const want = f.example.intent;
    if (want === null) add(f.got.path === 'hot' ? 'false_accept' : 'false_reply');
    else if (got === null) add('declined');
    else if (opposite(got, want)) add('opposite');
    else if (got !== want) add(f.got.path === 'hot' ? 'other_intent' : 'other_intent_not_acted');
    else {
      const slot = /^(\w+) /.exec(f.why)?.[1] ?? 'slot';
      if (TARGET_SLOTS.includes(slot)) {
        add(f.got.path === 'hot' ? 'wrong_target' : 'target_not_acted');
        add(`${f.got.path === 'hot' ? 'wrong_target' : 'target_not_acted'}:${slot}${/not annotated/.test(f.why) ? '(extra)' : ''}`);
      }
      else add(`slot:${slot}`);
    }
  }
  return out;
}

/**
 * `router.dev_accuracy{set=…}`: share of sentences whose tier-0 decision has the annotated intent and key slots.
 * Per-intent breakdown and failure kinds on stderr; failing sentences are printed only for the tuning sets
 * (`JARVIS_BENCH_SHOW_FAILURES=1`, `JARVIS_BENCH_SETS=tune-c` to pick sets), never for the locked test set.
 * `router.near_miss_accepts{set=…}`: near misses taken as a command (acted on) or answered.
 */
export const benchmarks: Benchmark[] = [
  {
    name: 'router.dev_accuracy',
    run(emit) {
      const only = process.env['JARVIS_BENCH_SETS']?.split(',');
      for (const s of SETS) {
        if (only && !only.includes(s.set)) continue;
        if (!existsSync(fixture(s.sentences)) || !existsSync(fixture(s.registry))) {
          process.stderr.write(`router.dev_accuracy: ${s.sentences} or ${s.registry} missing, set ${s.set} skipped\n`);
          continue;
        }
        const home = loadRegistrySnapshot(fixture(s.registry));
        const router = new Tier0Router(home);
        const examples = loadDevSet(fixture(s.sentences));
        const r = evaluate(router, examples, home);
        const rows = [...r.perIntent.entries()].sort((a, b) => a[1].correct / a[1].total - b[1].correct / b[1].total);
        process.stderr.write(`router.dev_accuracy{set=${s.set}} per intent (correct/total):\n`);
        for (const [intent, row] of rows) process.stderr.write(`  ${intent.padEnd(28)} ${row.correct}/${row.total}\n`);
        const kinds = failureKinds(r);
        process.stderr.write(`router.dev_accuracy{set=${s.set}} failure kinds: ${JSON.stringify(Object.fromEntries(kinds))}\n`);
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
          opposite: kinds.get('opposite') ?? 0,
          wrong_target: kinds.get('wrong_target') ?? 0,
          false_accept: kinds.get('false_accept') ?? 0,
          scoring: SCORING_RULE,
        });
      }
      for (const s of NEAR_MISSES) {
        if (only && !only.includes(s.set)) continue;
        if (!existsSync(fixture(s.sentences)) || !existsSync(fixture(s.registry))) {
          process.stderr.write(`router.near_miss_accepts: ${s.sentences} or ${s.registry} missing, set ${s.set} skipped\n`);
          continue;
        }
        const router = new Tier0Router(loadRegistrySnapshot(fixture(s.registry)));
        const lines = readFileSync(fixture(s.sentences), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
        let acted = 0;
        let answered = 0;
        for (const text of lines) {
          const d = router.route(text, {});
          if (d.path === 'hot') acted++;
          else if (d.path !== 'passive') answered++;
          if (d.path !== 'passive' && process.env['JARVIS_BENCH_SHOW_FAILURES'] === '1') {
            process.stderr.write(`  NEAR-MISS ${s.set} "${text}" got ${JSON.stringify({ intent: d.intent, slots: d.slots, path: d.path })}\n`);
          }
        }
        emit({
          name: 'router.near_miss_accepts',
          value: Math.round((acted / lines.length) * 10_000) / 10_000,
          unit: 'ratio',
          set: s.set,
          data: `${s.sentences} against ${s.registry}`,
          acted,
          answered,
          n: lines.length,
        });
      }
    },
  },
];
