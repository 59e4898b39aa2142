/**
 * The hearing policy (hub/src/voice/hearing-policy.ts) scored on per-utterance records of the command recogniser
 * (bench/stt-command-eval.ts `UtteranceRecord`): what the hub does when it acts on sure hearings, asks "Did you say
 * …?" on unsure ones and declines the rest. A question is right when tier 0 takes the annotated action from the
 * sentence asked about (`classify`, as the scorer judges an action). Shared by the tuning sweep
 * (`bench/hearing-policy-tune.ts`, tune half only) and `stt.command_accuracy` (`policyFigures`).
 *
 *   npx tsx bench/hearing-policy.ts <records.jsonl> [tune|test] [--wrong]   # the shipped bars on saved records
 *
 * `--wrong` (tune records only) lists every wrong action and chit-chat acted on with what the policy saw: band,
 * margins, SNR estimate, condition, what was said and heard.
 */
import { readFileSync } from 'node:fs';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { Tier0Router } from '../hub/src/router/tier0.js';
import { DEFAULT_HEARING_BARS, hear, judgeHearing, riskOf, type HearingBars } from '../hub/src/voice/hearing-policy.js';
import { loadDevSet, type DevExample } from './language-eval.js';
import { classify, type UtteranceRecord } from './stt-command-eval.js';
import { sideSources, type Side } from '../tests/fixtures/voice/matrix.js';
import type { Figure } from './lib.js';

/** What the hub does with one utterance under a policy. */
export type PolicyOutcome =
  | 'acted-right' | 'acted-opposite' | 'acted-wrong-target' | 'acted-wrong-other' | 'asked-right' | 'asked-wrong' | 'declined'
  | 'chitchat-acted' | 'chitchat-asked' | 'chitchat-declined';

/** Counts of policy outcomes over a group of records. */
export type PolicyTally = Record<PolicyOutcome, number> & {
  commands: number;
  chitchat: number;
  /** Acted wrong (commands and chit-chat) where what was done changes nothing in the home: an answer or a refusal. */
  wrongAnswerOnly: number;
};

/** Routes a sentence the way the scorer does (tier 0, the annotated device area). */
export type RouteFn = (text: string, area: string | undefined) => ReturnType<Tier0Router['route']>;

/** Sentences tier 0 threw on (reported by the scripts). */
export const routeCrashes: string[] = [];

/** A memoising router over one side's home. */
export function sideRouter(side: Side): RouteFn {
  const router = new Tier0Router(loadRegistrySnapshot(sideSources(side).home));
  const memo = new Map<string, ReturnType<Tier0Router['route']>>();
  return (text, area) => {
    const key = `${area ?? ''}\u0000${text}`;
    let d = memo.get(key);
    if (!d) {
      try {
        d = router.route(text, area ? { area } : {});
      } catch (err) {
        // A tier-0 bug on an odd sentence: counted as not understood, and said (the hub's router would fail the command).
        routeCrashes.push(`${text}: ${(err as Error).message}`);
        d = { intent: null, slots: {}, path: 'passive', tier: 0, confidence: 0, targets: [] };
      }
      memo.set(key, d);
    }
    return d;
  };
}

/** The annotated sentences of a side by line (what the records' `line` points at). */
export function sideExamples(side: Side): Map<number, DevExample> {
  return new Map(loadDevSet(sideSources(side).sentences).map((e) => [e.line, e]));
}

/** Volume or timer change the other way ("increase the volume" heard as "decrease the volume"): counted as an opposite action. */
function flipsStep(ex: DevExample, d: { intent: string | null; slots: Readonly<Record<string, string | number>> }): boolean {
  if (d.intent !== ex.intent) return false;
  return ['volume_step', 'percentage'].some((k) => typeof ex.slots[k] === 'number' && typeof d.slots[k] === 'number' && Math.sign(ex.slots[k] as number) * Math.sign(d.slots[k] as number) < 0);
}

/** The outcome of one record under `bars`. */
export function policyOutcome(r: UtteranceRecord, ex: DevExample, route: RouteFn, bars: HearingBars): PolicyOutcome {
  return policyDetail(r, ex, route, bars).outcome;
}

/**
 * A wrong "action" that changes nothing in the home: an answer to a question (state, time, timers) or a refusal the
 * router speaks ("there is no lock in the office"). The scorer counts these as acted wrong; reports say how many.
 */
export function changesNothing(d: { intent: string | null; path?: string }): boolean {
  return d.path !== 'hot' || riskOf({ intent: d.intent, slots: {} }) === 'query';
}

/** The outcome of one record under `bars`, and whether an action taken changes nothing in the home ({@link changesNothing}). */
export function policyDetail(r: UtteranceRecord, ex: DevExample, route: RouteFn, bars: HearingBars): { outcome: PolicyOutcome; answerOnly: boolean } {
  const outcome = policyOutcomeOf(r, ex, route, bars);
  if (!outcome.startsWith('acted-') && outcome !== 'chitchat-acted') return { outcome, answerOnly: false };
  const h = hear({ text: r.text, ...(r.margin !== undefined ? { margin: r.margin } : {}), ...(r.wordMargin !== undefined ? { wordMargin: r.wordMargin } : {}), ...(r.candidate ? { candidate: r.candidate } : {}), ...(r.alternative ? { alternative: r.alternative } : {}) }, r.snrEstimate, bars);
  return { outcome, answerOnly: h.text !== '' && changesNothing(route(h.text, ex.device_area)) };
}

function policyOutcomeOf(r: UtteranceRecord, ex: DevExample, route: RouteFn, bars: HearingBars): PolicyOutcome {
  const area = ex.device_area;
  const h = hear({ text: r.text, ...(r.margin !== undefined ? { margin: r.margin } : {}), ...(r.wordMargin !== undefined ? { wordMargin: r.wordMargin } : {}), ...(r.candidate ? { candidate: r.candidate } : {}), ...(r.alternative ? { alternative: r.alternative } : {}) }, r.snrEstimate, bars);
  const decision = h.text !== '' ? route(h.text, area) : undefined;
  const alternative = h.alternative !== undefined ? route(h.alternative, area) : undefined;
  const v = judgeHearing(h, decision, alternative, bars);
  const chit = ex.intent === null;
  if (v.verdict === 'decline' || decision === undefined) return chit ? 'chitchat-declined' : 'declined';
  if (v.verdict === 'confirm') {
    const asked = v.asks === 'alternative' && alternative ? alternative : decision;
    if (chit) return 'chitchat-asked';
    return classify(ex, asked).outcome === 'right' ? 'asked-right' : 'asked-wrong';
  }
  const { outcome } = classify(ex, decision);
  if (outcome === 'wrong' && flipsStep(ex, decision)) return 'acted-opposite';
  switch (outcome) {
    case 'right': return 'acted-right';
    case 'opposite': return 'acted-opposite';
    case 'wrong-target': return 'acted-wrong-target';
    case 'wrong': return 'acted-wrong-other';
    case 'chitchat-accepted': return 'chitchat-acted';
    case 'chitchat-declined': return 'chitchat-declined';
    default: return 'declined';
  }
}

/** An empty tally. */
export function emptyTally(): PolicyTally {
  return {
    commands: 0, chitchat: 0, wrongAnswerOnly: 0, 'acted-right': 0, 'acted-opposite': 0, 'acted-wrong-target': 0, 'acted-wrong-other': 0, 'asked-right': 0, 'asked-wrong': 0,
    declined: 0, 'chitchat-acted': 0, 'chitchat-asked': 0, 'chitchat-declined': 0,
  };
}

/** Tallies policy outcomes over records (closed-vocabulary commands and chit-chat; open vocabulary left to the caller). */
export function tallyPolicy(records: readonly UtteranceRecord[], examples: ReadonlyMap<number, DevExample>, route: RouteFn, bars: HearingBars): PolicyTally {
  const t = emptyTally();
  for (const r of records) {
    const ex = examples.get(r.line);
    if (!ex) continue;
    if (ex.intent === null) t.chitchat++;
    else t.commands++;
    const { outcome, answerOnly } = policyDetail(r, ex, route, bars);
    t[outcome]++;
    if (answerOnly && outcome !== 'acted-right') t.wrongAnswerOnly++;
  }
  return t;
}

/** One line of a tally, as the sweep and the report print it. */
export function formatTally(t: PolicyTally): string {
  const acted = t['acted-right'] + t['acted-opposite'] + t['acted-wrong-target'] + t['acted-wrong-other'];
  return `commands ${t.commands}: acted right ${t['acted-right']}, acted wrong ${acted - t['acted-right']} (opposite ${t['acted-opposite']}, wrong target ${t['acted-wrong-target']}, other ${t['acted-wrong-other']}; ` +
    `only an answer or a refusal ${t.wrongAnswerOnly}), ` +
    `asked right ${t['asked-right']}, asked wrong ${t['asked-wrong']}, declined ${t.declined}; chit-chat ${t.chitchat}: asked ${t['chitchat-asked']}, acted ${t['chitchat-acted']}`;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000);

/**
 * `stt.command_accuracy_hearing` figures for `stt.command_accuracy`'s records: per condition group, what the hub does with
 * the policy (right = acted right + asked right, the question answered "yes").
 */
export function policyFigures(side: Side, groups: ReadonlyArray<readonly [string, (r: UtteranceRecord) => boolean]>, records: readonly UtteranceRecord[], data: string, bars: HearingBars = DEFAULT_HEARING_BARS): Figure[] {
  const examples = sideExamples(side);
  const route = sideRouter(side);
  const closed = records.filter((r) => !r.openVocabulary);
  return groups.map(([condition, keep]) => {
    const t = tallyPolicy(closed.filter(keep), examples, route, bars);
    const acted = t['acted-right'] + t['acted-opposite'] + t['acted-wrong-target'] + t['acted-wrong-other'];
    const asked = t['asked-right'] + t['asked-wrong'];
    return {
      name: 'stt.command_accuracy_hearing', value: ratio(t['acted-right'] + t['asked-right'], t.commands), unit: 'ratio', side, tuned_on: side === 'tune', condition,
      policy: 'hub/src/voice/hearing-policy.ts DEFAULT_HEARING_BARS', acted_right: t['acted-right'], acted_wrong: acted - t['acted-right'],
      acted_wrong_answer_or_refusal_only: t.wrongAnswerOnly, acted_opposite: t['acted-opposite'], acted_wrong_target: t['acted-wrong-target'], acted_wrong_other: t['acted-wrong-other'],
      opposite_or_wrong_target_among_acted: ratio(t['acted-opposite'] + t['acted-wrong-target'], acted),
      asked_right: t['asked-right'], asked_wrong: t['asked-wrong'], asked_right_ratio: ratio(t['asked-right'], asked), declined: t.declined,
      chitchat_asked: `${t['chitchat-asked']}/${t.chitchat}`, chitchat_acted: `${t['chitchat-acted']}/${t.chitchat}`,
      chitchat_asked_or_acted_ratio: ratio(t['chitchat-asked'] + t['chitchat-acted'], t.chitchat), commands: t.commands, data,
    };
  });
}

/** Reads saved records (JSONL). */
export function loadRecords(path: string): UtteranceRecord[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as UtteranceRecord);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path, sideArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (!path) throw new Error('usage: npx tsx bench/hearing-policy.ts <records.jsonl> [tune|test]');
  const side: Side = sideArg === 'test' ? 'test' : 'tune';
  const records = loadRecords(path).filter((r) => !r.openVocabulary);
  const examples = sideExamples(side);
  const route = sideRouter(side);
  for (const [name, keep] of [['all', () => true], ['clean', (r: UtteranceRecord) => r.noise === 'clean'], ['noisy', (r: UtteranceRecord) => r.noise !== 'clean']] as const) {
    process.stdout.write(`${side} ${name}: ${formatTally(tallyPolicy(records.filter(keep), examples, route, DEFAULT_HEARING_BARS))}\n`);
  }
  if (process.argv.includes('--wrong')) {
    if (side !== 'tune') throw new Error('--wrong lists tune records only (the test half is scored in aggregate)');
    for (const r of records) {
      const ex = examples.get(r.line);
      if (!ex) continue;
      const { outcome, answerOnly } = policyDetail(r, ex, route, DEFAULT_HEARING_BARS);
      if (!/^acted-(opposite|wrong)|^chitchat-acted/.test(outcome)) continue;
      const h = hear({ text: r.text, ...(r.margin !== undefined ? { margin: r.margin } : {}), ...(r.wordMargin !== undefined ? { wordMargin: r.wordMargin } : {}), ...(r.candidate ? { candidate: r.candidate } : {}) }, r.snrEstimate, DEFAULT_HEARING_BARS);
      process.stdout.write(`${outcome}${answerOnly ? ' (only an answer or a refusal)' : ''} ${h.band} margin ${r.margin?.toFixed(2)} word ${r.wordMargin?.toFixed(1)} snr ${r.snrEstimate} ` +
        `${r.noise}${r.snrDb ?? ''} ${r.voice} ${r.wpm} wpm | said: ${ex.text} | heard: ${h.text} | ${JSON.stringify(r.got)}\n`);
    }
  }
}
