/**
 * Threshold sweep over the records of a TUNE run (bench/stt-command-tune.ts; never a test-half record file): for each
 * candidate `GrammarMargins` the outcome every utterance would have had — its best path (accepted text or declined
 * candidate) routed by tier 0 when its margins pass, declined otherwise or when the second opinion disagreed.
 *
 *   npx tsx bench/stt-command-sweep.ts tests/fixtures/generated/stt-command/tune-….jsonl
 *
 * Prints the current ROUTER_GRAMMAR_MARGINS and the best candidates by the rule the thresholds are chosen by: the most
 * commands right with at most one wrong action (opposite, wrong target, other) and no chit-chat taken.
 */
import { readFileSync } from 'node:fs';
import { acceptsMargins, ROUTER_GRAMMAR_MARGINS, type GrammarMargins } from '../hub/src/stt/grammar/grammar-engine.js';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { Tier0Router } from '../hub/src/router/tier0.js';
import { sideSources } from '../tests/fixtures/voice/matrix.js';
import { classify, type Outcome, type UtteranceRecord } from './stt-command-eval.js';
import type { DevExample } from './language-eval.js';

const file = process.argv[2];
if (!file) throw new Error('usage: stt-command-sweep.ts <a record file of bench/stt-command-tune.ts>');
const all = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as UtteranceRecord);
// Thresholds are chosen on the tune half only.
if (all.some((r) => !r.id.startsWith('tune:'))) throw new Error(`${file} holds records of the test half: thresholds are never chosen on it`);
const records = all.filter((r) => !r.openVocabulary);
const router = new Tier0Router(loadRegistrySnapshot(sideSources('tune').home));
const sentences = new Map(readFileSync(sideSources('tune').sentences, 'utf8').split('\n').map((l, i) => [i + 1, l] as const).filter(([, l]) => l.trim() !== '').map(([i, l]) => [i, JSON.parse(l) as DevExample]));

/** The outcome of each record if its best path were accepted. */
const ifAccepted = records.map((r): Outcome => {
  const best = r.text || r.candidate || '';
  const ex = { ...sentences.get(r.line)!, line: r.line };
  if (best === '') return r.command ? 'declined' : 'chitchat-declined';
  const context = ex.device_area ? { area: ex.device_area } : {};
  try {
    return classify(ex, router.route(best, context)).outcome;
  } catch {
    return r.command ? 'declined' : 'chitchat-declined';
  }
});

function score(t: GrammarMargins): { right: number; wrong: number; chitchat: number; accepted: number; opposite: number } {
  const s = { right: 0, wrong: 0, chitchat: 0, accepted: 0, opposite: 0 };
  records.forEach((r, i) => {
    if (r.alternative !== undefined || r.margin === undefined || r.wordMargin === undefined) return;
    if (!acceptsMargins({ margin: r.margin, wordMargin: r.wordMargin }, r.snrEstimate, t)) return;
    const o = ifAccepted[i]!;
    if (o === 'chitchat-accepted') s.chitchat++;
    if (o === 'declined' || o === 'chitchat-declined' || o === 'chitchat-accepted') return;
    s.accepted++;
    if (o === 'right') s.right++;
    else s.wrong++;
    if (o === 'opposite') s.opposite++;
  });
  return s;
}

const fmt = (t: GrammarMargins, s: ReturnType<typeof score>): string => `clean ${t.clean} noisy ${t.noisy} word ${t.wordClean}/${t.wordNoisy}: right ${s.right}, accepted ${s.accepted}, wrong ${s.wrong} (opposite ${s.opposite}), chit-chat ${s.chitchat}`;
process.stdout.write(`${file.replace(/.*\//, '')}: ${records.filter((r) => r.command).length} closed commands, ${records.filter((r) => !r.command).length} chit-chat\n`);
process.stdout.write(`current ${fmt(ROUTER_GRAMMAR_MARGINS, score(ROUTER_GRAMMAR_MARGINS))}\n`);
// Extra candidates to score: JARVIS_SWEEP_TRY="clean,noisy,wordClean,wordNoisy;…".
for (const c of (process.env['JARVIS_SWEEP_TRY'] ?? '').split(';').filter(Boolean)) {
  const [clean, noisy, wordClean, wordNoisy] = c.split(',').map(Number) as [number, number, number, number];
  const t = { clean, noisy, wordClean, wordNoisy };
  process.stdout.write(`tried ${fmt(t, score(t))}\n`);
}
const results: Array<{ t: GrammarMargins; s: ReturnType<typeof score> }> = [];
for (let clean = -12; clean <= 2; clean += 1) {
  for (let noisy = -8; noisy <= 3; noisy += 1) {
    for (const [wordClean, wordNoisy] of [[-99, -99], [-60, -50], [-50, -40], [-40, -30], [-30, -20], [-25, -15], [-20, -10], [-15, -10]] as const) {
      const t = { clean, noisy, wordClean, wordNoisy };
      results.push({ t, s: score(t) });
    }
  }
}
for (const [label, maxWrong] of [['≤ 1 wrong, 0 chit-chat', 1], ['0 wrong, 0 chit-chat', 0]] as const) {
  const ok = results.filter((x) => x.s.wrong <= maxWrong && x.s.chitchat === 0).sort((a, b) => b.s.right - a.s.right || a.s.wrong - b.s.wrong || b.s.accepted - a.s.accepted);
  process.stdout.write(`best with ${label}:\n${ok.slice(0, 5).map((x) => `  ${fmt(x.t, x.s)}`).join('\n')}\n`);
}
// The best per clean threshold (other tests bound it: the router grammar's clean fixture commands in grammar-engine.test.ts).
process.stdout.write('best with ≤ 1 wrong, 0 chit-chat, per clean threshold:\n');
for (let clean = -12; clean <= 2; clean += 1) {
  const ok = results.filter((x) => x.t.clean === clean && x.s.wrong <= 1 && x.s.chitchat === 0).sort((a, b) => b.s.right - a.s.right || a.s.wrong - b.s.wrong || b.s.accepted - a.s.accepted);
  if (ok[0]) process.stdout.write(`  ${fmt(ok[0].t, ok[0].s)}\n`);
}
// And where that cannot be had, the fewest wrong actions and chit-chat per clean threshold.
process.stdout.write('fewest wrong + chit-chat per clean threshold (then most right):\n');
for (let clean = -8; clean <= -4; clean += 1) {
  const ok = results.filter((x) => x.t.clean === clean).sort((a, b) => a.s.wrong + a.s.chitchat - (b.s.wrong + b.s.chitchat) || b.s.right - a.s.right);
  process.stdout.write(`${ok.slice(0, 3).map((x) => `  ${fmt(x.t, x.s)}`).join('\n')}\n`);
}
