/**
 * Per-word acoustic margins of the slot words (issue 14: the test half's wrong targets were sure and clean). For every
 * hearing the hearing policy would act on at once, the words of the heard text that name its target (the router's
 * `name`, `area` and `floor` slots) and their margins over the phone loop (`UtteranceRecord.wordMargins`, the
 * engine's `Transcript.wordMargins`). Asks whether the weakest slot word separates wrong targets from right actions,
 * and what asking ("Did you say …?") below a bar on it would do, chosen on one TUNE fold and scored on the other.
 * TUNE records only (bench/stt-command-tune.ts with `JARVIS_TUNE_BASES`); it refuses test records. Not a result.
 *
 *   npx tsx bench/stt-slot-word-margins.ts <fold-1 records.jsonl> <fold-2 records.jsonl> [--list]
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_HEARING_BARS, hear } from '../hub/src/voice/hearing-policy.js';
import { policyDetail, sideExamples, sideRouter, type PolicyOutcome, type RouteFn } from './hearing-policy.js';
import type { DevExample } from './language-eval.js';
import type { UtteranceRecord } from './stt-command-eval.js';

const args = process.argv.slice(2);
const list = args.includes('--list');
const paths = args.filter((a) => !a.startsWith('--'));
if (paths.length !== 2) throw new Error('give two TUNE fold record files (bench/stt-command-tune.ts with JARVIS_TUNE_BASES)');
if (paths.some((p) => /bench-test|test-b|\/bench-/.test(p))) throw new Error('the slot-word study runs on TUNE records only');

const examples = sideExamples('tune');
const route = sideRouter('tune');
const SLOTS = ['name', 'area', 'floor'];

/** The weakest margin among the heard words that name the decision's target; undefined when it names none. */
export function slotWordMargin(r: UtteranceRecord, text: string, routeFn: RouteFn, area: string | undefined): number | undefined {
  if (!r.wordMargins || text === '') return undefined;
  const d = routeFn(text, area);
  const words = new Set<string>();
  for (const k of SLOTS) {
    const v = d.slots[k];
    if (typeof v === 'string') for (const w of v.toLowerCase().split(/[^a-z0-9']+/)) if (w) words.add(w);
  }
  let worst: number | undefined;
  for (const w of r.wordMargins) if (words.has(w.word.toLowerCase())) worst = worst === undefined ? w.margin : Math.min(worst, w.margin);
  return worst;
}

interface Row { outcome: PolicyOutcome; slot: number | undefined; r: UtteranceRecord; ex: DevExample }

function rows(path: string): Row[] {
  const out: Row[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as UtteranceRecord;
    if (r.openVocabulary) continue;
    const ex = examples.get(r.line);
    if (!ex) continue;
    const { outcome } = policyDetail(r, ex, route, DEFAULT_HEARING_BARS);
    const h = hear({ text: r.text, ...(r.margin !== undefined ? { margin: r.margin } : {}), ...(r.wordMargin !== undefined ? { wordMargin: r.wordMargin } : {}) }, r.snrEstimate, DEFAULT_HEARING_BARS);
    out.push({ outcome, slot: outcome.startsWith('acted-') || outcome === 'chitchat-acted' ? slotWordMargin(r, h.text, route, ex.device_area) : undefined, r, ex });
  }
  return out;
}

/** Policy outcomes when an acted hearing whose weakest slot word is under `bar` is asked about instead. */
function score(rs: readonly Row[], bar: number): { right: number; wrong: number; wrongTarget: number; askedRight: number; askedWrong: number; value: number } {
  let right = 0, wrong = 0, wrongTarget = 0, askedRight = 0, askedWrong = 0;
  for (const x of rs) {
    const acted = x.outcome.startsWith('acted-');
    const ask = acted && x.slot !== undefined && x.slot < bar;
    if (ask) {
      if (x.outcome === 'acted-right') askedRight++;
      else askedWrong++;
      continue;
    }
    if (x.outcome === 'acted-right') right++;
    else if (acted) {
      wrong++;
      if (x.outcome === 'acted-wrong-target') wrongTarget++;
    } else if (x.outcome === 'asked-right') askedRight++;
    else if (x.outcome === 'asked-wrong') askedWrong++;
  }
  // The policy sweep's values (hub/src/voice/README.md): a wrong target or opposite weighs as much as the objective forbids.
  return { right, wrong, wrongTarget, askedRight, askedWrong, value: right + 0.6 * askedRight - 0.3 * askedWrong - 3 * (wrong - wrongTarget) - 10 * wrongTarget };
}

const folds = paths.map(rows);
for (const [i, rs] of folds.entries()) {
  const acted = rs.filter((x) => x.outcome.startsWith('acted-'));
  process.stdout.write(`fold ${i + 1} (${paths[i]}): acted ${acted.length}; with a slot word ${acted.filter((x) => x.slot !== undefined).length}\n`);
  for (const o of ['acted-right', 'acted-wrong-target', 'acted-wrong-other', 'acted-opposite'] as const) {
    const v = acted.filter((x) => x.outcome === o && x.slot !== undefined).map((x) => x.slot!).sort((a, b) => a - b);
    process.stdout.write(`  ${o}: ${v.length} slot-word margins ${v.map((m) => m.toFixed(1)).join(' ')}\n`);
  }
  if (list) {
    for (const x of acted.filter((y) => y.outcome !== 'acted-right')) {
      process.stdout.write(`    ${x.outcome} slot ${x.slot?.toFixed(2)} margin ${x.r.margin?.toFixed(2)} word ${x.r.wordMargin?.toFixed(1)} snr ${x.r.snrEstimate} | said: ${x.ex.text} | heard: ${x.r.text} | ${JSON.stringify(x.r.wordMargins?.map((w) => `${w.word}:${w.margin.toFixed(1)}`))}\n`);
    }
  }
}
const bars = [-Infinity, ...Array.from({ length: 31 }, (_, k) => -20 + k)];
for (const [pick, other] of [[0, 1], [1, 0]] as const) {
  let best = { bar: -Infinity, value: score(folds[pick]!, -Infinity).value };
  for (const bar of bars) {
    const v = score(folds[pick]!, bar).value;
    // Ties go to the laxer bar (fewer questions).
    if (v > best.value + 1e-9) best = { bar, value: v };
  }
  const fmt = (s: ReturnType<typeof score>): string => `acted right ${s.right}, acted wrong ${s.wrong} (wrong target ${s.wrongTarget}), asked right ${s.askedRight}, asked wrong ${s.askedWrong}`;
  process.stdout.write(`chosen on fold ${pick + 1}: slot-word bar ${best.bar}\n  fold ${pick + 1} (tuned on): none: ${fmt(score(folds[pick]!, -Infinity))}; with the bar: ${fmt(score(folds[pick]!, best.bar))}\n` +
    `  fold ${other + 1} (held out): none: ${fmt(score(folds[other]!, -Infinity))}; with the bar: ${fmt(score(folds[other]!, best.bar))}\n`);
}
