/**
 * Sweep of the hearing policy's bars (hub/src/voice/hearing-policy.ts) over saved per-utterance records of the TUNE
 * half only (written by bench/stt-command-tune.ts). Not a benchmark result.
 *
 *   npx tsx bench/hearing-policy-tune.ts [--engine-now] [tests/fixtures/generated/stt-command/<tune records>.jsonl ...]
 *
 * Several files are pooled; `--engine-now` replays them at the engine's accept bars as they are in the tree;
 * `--sure=clean,noisy,word` holds the sure bar; `--rules [--snr-floor=12]` holds the household-model rules
 * (`HOUSEHOLD_MODEL_RULES`: risky domains and unsure questions asked about, nothing sure below the SNR floor) while
 * the bars are swept. To cross-validate, sweep one fold's records and score the chosen bars on the other's.
 *
 * The sure bar only changes utterances the engine accepted, the ask bar and the disagreement rule only those it
 * declined, so each half of the grid is swept on its own records and the best pair combined. Chosen: no opposite or
 * wrong-target action (a volume or step change the other way counts as opposite), no chit-chat acted on and no
 * chit-chat the engine accepted at or above the sure bar (acting on it depends on the home), chit-chat
 * asked about at most 3 % of chit-chat, then the highest score: a right action 1, a right question 0.6 (it costs a turn), a wrong
 * question −0.3 (the user says no), any other wrong action −3; ties go to the higher bars (fewer questions). Prints today's behaviour (no policy), the top pairs and the chosen one as a table.
 */
import { fileURLToPath } from 'node:url';
import { acceptsMargins, ROUTER_GRAMMAR_MARGINS, type GrammarMargins } from '../hub/src/stt/grammar/grammar-engine.js';
import { ACT_ON_ACCEPTED_BARS, DEFAULT_HEARING_BARS, hear, type HearingBars } from '../hub/src/voice/hearing-policy.js';
import { routeCrashes, formatTally, loadRecords, sideExamples, sideRouter, tallyPolicy, type PolicyTally } from './hearing-policy.js';
import type { UtteranceRecord } from './stt-command-eval.js';

const args = process.argv.slice(2);
const replay = args.includes('--engine-now');
const paths = args.filter((a) => !a.startsWith('--'));
if (paths.length === 0) paths.push(fileURLToPath(new URL('../tests/fixtures/generated/stt-command/tune-area-dom-sp-2nd-e6.jsonl', import.meta.url)));
if (paths.some((p) => /bench-test|test-b|\/bench-/.test(p))) throw new Error('the sweep runs on TUNE records only');
// Several files (runs of different engine variants on the same tune audio) are pooled.
// `--engine-now`: the records are replayed with the engine's accept bars as they are in the tree (ROUTER_GRAMMAR_MARGINS):
// a best path declined by margin only (the second opinion agreed) that passes them counts as accepted.
const records = paths.flatMap((p) => loadRecords(p)).filter((r) => !r.openVocabulary).map((r) => {
  if (!replay || r.text !== '' || !r.candidate || r.alternative || r.margin === undefined || r.wordMargin === undefined) return r;
  return acceptsMargins({ margin: r.margin, wordMargin: r.wordMargin }, r.snrEstimate, ROUTER_GRAMMAR_MARGINS) ? { ...r, text: r.candidate } : r;
});
const path = paths.join(' + ');
const examples = sideExamples('tune');
const route = sideRouter('tune');
const OFF = 1e9;
const NEVER: GrammarMargins = { clean: OFF, noisy: OFF, wordClean: OFF, wordNoisy: OFF };
const ALWAYS: GrammarMargins = { clean: -OFF, noisy: -OFF, wordClean: -OFF, wordNoisy: -OFF };

const accepted = records.filter((r) => r.text !== '');
const declined = records.filter((r) => r.text === '');

const add = (a: PolicyTally, b: PolicyTally): PolicyTally => Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof PolicyTally] + b[k as keyof PolicyTally]])) as PolicyTally;
const wrongTargets = (t: PolicyTally): number => t['acted-opposite'] + t['acted-wrong-target'];
/** A right action 1, a right question 0.6 (the extra turn), a wrong question −0.3 (a "no"), any other wrong action −3. */
const score = (t: PolicyTally): number => t['acted-right'] + 0.6 * t['asked-right'] - 0.3 * t['asked-wrong'] - 3 * t['acted-wrong-other'];
const chitBudget = Math.max(0, Math.floor(0.03 * records.filter((r) => examples.get(r.line)?.intent === null).length));

interface Part { bars: Partial<HearingBars>; tally: PolicyTally; strict: number }

const grid = (from: number, to: number, step = 1): number[] => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
const words = [-99, -60, -45, -35, -25];
// `--rules`: the sure-band rules of DEFAULT_HEARING_BARS (risky domains asked about, unsure questions asked about, the
// SNR floor) held while the bars are swept.
const rules: Partial<HearingBars> = args.includes('--rules') ? { askRiskyWhenSure: true, askUnsureQueries: true, sureFromSnrDb: Number(args.find((a) => a.startsWith('--snr-floor='))?.slice(12) ?? 12) } : {};
const base: HearingBars = { sure: ALWAYS, ask: NEVER, confirm: 'action', disagreed: 'decline', askQueries: false, ...rules };

function sweep(subset: readonly UtteranceRecord[], configs: Iterable<Part['bars'] & { strict: number }>): Part[] {
  const out: Part[] = [];
  for (const c of configs) {
    const { strict, ...bars } = c;
    const tally = tallyPolicy(subset, examples, route, { ...base, ...bars });
    out.push({ bars, tally, strict });
  }
  return out;
}

/** `--sure=clean,noisy,word`: hold the sure bar there and sweep the rest. */
const fixedSure = args.find((a) => a.startsWith('--sure='))?.slice(7).split(',').map(Number);

function* sureConfigs(): Generator<Part['bars'] & { strict: number }> {
  if (fixedSure && fixedSure.length === 3 && fixedSure.every(Number.isFinite)) {
    const [clean, noisy, w] = fixedSure as [number, number, number];
    yield { sure: { clean, noisy, wordClean: w, wordNoisy: w }, confirm: 'action', strict: 0 };
    return;
  }
  for (const confirm of ['action', 'opposite'] as const) {
    yield { sure: ALWAYS, confirm, strict: -OFF };
    yield { sure: NEVER, confirm, strict: OFF };
    for (const clean of grid(-7, 10, 0.5)) for (const noisy of grid(-2, 12)) for (const w of words) {
      yield { sure: { clean, noisy, wordClean: w, wordNoisy: w }, confirm, strict: clean + noisy + w / 10 };
    }
  }
}

function* askConfigs(): Generator<Part['bars'] & { strict: number }> {
  for (const disagreed of ['decline', 'candidate', 'alternative'] as const) for (const askQueries of [false, true]) {
    yield { ask: NEVER, disagreed, askQueries, strict: OFF };
    for (const clean of grid(-20, 0)) for (const noisy of grid(-16, 4)) for (const w of words) {
      yield { ask: { clean, noisy, wordClean: w, wordNoisy: w }, disagreed, askQueries, strict: clean + noisy + w / 10 };
    }
  }
}

const today = tallyPolicy(records, examples, route, { ...base });
process.stdout.write(`records ${path} (${records.length} closed-vocabulary utterances, ${accepted.length} accepted by the engine${replay ? ` replayed at its bars now, ${JSON.stringify(ROUTER_GRAMMAR_MARGINS)}` : ''})\n`);
process.stdout.write(`today (act on every accepted text, never ask): ${formatTally(today)}\n`);

const rank = (a: Part, b: Part): number => score(b.tally) - score(a.tally) || b.strict - a.strict;
/**
 * Chit-chat the engine accepted at or above the sure bar: whether it is then acted on depends on the home ("stop it,
 * both of you" heard as "stop the robot" does nothing where there is no vacuum), so the sure bar stays above all of it.
 */
const chitchatAccepted = accepted.filter((r) => examples.get(r.line)?.intent === null);
const sureChitchat = (bars: Partial<HearingBars>): number =>
  chitchatAccepted.filter((r) => hear({ text: r.text, margin: r.margin!, wordMargin: r.wordMargin! }, r.snrEstimate, { ...base, ...bars }).band === 'sure').length;
/** The best `n` of each chit-chat count, so settings that ask about less chit-chat are not cut off by better-scoring ones. */
const bestPerChitchat = (parts: Part[], n: number): Part[] => {
  const groups = new Map<number, Part[]>();
  for (const p of parts) {
    const k = p.tally['chitchat-asked'] + p.tally['chitchat-acted'];
    if (k <= chitBudget) groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  return [...groups.values()].flatMap((g) => g.sort(rank).slice(0, n));
};
const sureParts = bestPerChitchat(sweep(accepted, sureConfigs()).filter((p) => wrongTargets(p.tally) === 0 && p.tally['chitchat-acted'] === 0 && sureChitchat(p.bars) === 0), 300).sort(rank);
const askParts = bestPerChitchat(sweep(declined, askConfigs()).filter((p) => wrongTargets(p.tally) === 0 && p.tally['chitchat-acted'] === 0), 300).sort(rank);
let best: { s: Part; a: Part; t: PolicyTally } | undefined;
for (const s of sureParts) for (const a of askParts) {
  const t = add(s.tally, a.tally);
  if (t['chitchat-asked'] + t['chitchat-acted'] > chitBudget) continue;
  // Chit-chat taken as an action is a wrong action too: none.
  if (t['chitchat-acted'] > 0) continue;
  if (!best || score(t) > score(best.t) || (score(t) === score(best.t) && s.strict + a.strict > best.s.strict + best.a.strict)) best = { s, a, t };
}
const show = (b: Partial<HearingBars>): string => JSON.stringify(b, (_, v: unknown) => (v === OFF ? 'never' : v === -OFF ? 'always' : v));
process.stdout.write('\ntop sure-bar settings (accepted utterances only):\n');
for (const p of sureParts.slice(0, 5)) process.stdout.write(`  ${show(p.bars)}: ${formatTally(p.tally)}\n`);
process.stdout.write('top ask-bar settings (declined utterances only):\n');
for (const p of askParts.slice(0, 8)) process.stdout.write(`  ${show(p.bars)}: ${formatTally(p.tally)}\n`);
if (!best) {
  process.stdout.write('no setting meets the constraints\n');
} else {
  const chosen: HearingBars = { ...base, ...best.s.bars, ...best.a.bars };
  process.stdout.write(`\nchosen: ${show(chosen)}\n  ${formatTally(best.t)}\n`);
  for (const [name, keep] of [['clean', (r: UtteranceRecord) => r.noise === 'clean'], ['noisy', (r: UtteranceRecord) => r.noise !== 'clean']] as const) {
    process.stdout.write(`  ${name}: ${formatTally(tallyPolicy(records.filter(keep), examples, route, chosen))}\n`);
  }
}
for (const [name, bars] of [['shipped DEFAULT_HEARING_BARS', DEFAULT_HEARING_BARS], ['ACT_ON_ACCEPTED_BARS', ACT_ON_ACCEPTED_BARS]] as const) {
  process.stdout.write(`\n${name}: ${formatTally(tallyPolicy(records, examples, route, bars))}\n`);
  for (const [group, keep] of [['clean', (r: UtteranceRecord) => r.noise === 'clean'], ['noisy', (r: UtteranceRecord) => r.noise !== 'clean']] as const) {
    process.stdout.write(`  ${group}: ${formatTally(tallyPolicy(records.filter(keep), examples, route, bars))}\n`);
  }
}
if (routeCrashes.length > 0) process.stdout.write(`\ntier 0 threw on ${routeCrashes.length} sentence(s), counted as not understood: ${[...new Set(routeCrashes)].slice(0, 5).join(' | ')}\n`);
