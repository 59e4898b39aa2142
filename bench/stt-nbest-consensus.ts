/**
 * N-best action consensus (hub/src/stt/grammar/consensus.ts) replayed on saved records of the TUNE half (written by
 * `JARVIS_TUNE_NBEST=30 bench/stt-command-tune.ts`, which keeps each utterance's N-best sentences and scores). Not a
 * benchmark result: the variants are chosen here, on the tune half only.
 *
 *   npx tsx bench/stt-nbest-consensus.ts tests/fixtures/generated/stt-command/<tune records with nbest>.jsonl
 *
 * For each posterior scale and variant it prints, for the engine alone (its accept rule as recorded) and with the
 * hearing policy (DEFAULT_HEARING_BARS): right, accepted, opposite / wrong target / other wrong, chit-chat accepted;
 * acted right / wrong, asked right / wrong, chit-chat asked / acted. Variants:
 * - `best path`: the records as the engine made them (the baseline);
 * - `mbr`: the text (or the declined candidate) is the best sentence of the action with the most posterior mass;
 *   `mbr-possible`: the same, sentences the router can do nothing with do not vote;
 * - `agree≥θ`: the best path stays, but an accepted hearing whose action holds less than θ of the mass is asked about
 *   instead of acted on (sure → unsure), and a declined close guess under θ is dropped;
 * - both together.
 * Also: how often the best path, the consensus pick and any N-best sentence (an oracle) mean the annotated action.
 */
import { actionConsensus, posteriors, type ActionOf } from '../hub/src/stt/grammar/consensus.js';
import { DEFAULT_HEARING_BARS, hear, judgeHearing, acts, type Hearing, type HearingBars } from '../hub/src/voice/hearing-policy.js';
import { loadRecords, sideExamples, sideRouter, type PolicyOutcome } from './hearing-policy.js';
import { classify, type Outcome, type UtteranceRecord } from './stt-command-eval.js';
import type { DevExample } from './language-eval.js';

const paths = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (paths.length === 0) throw new Error('usage: npx tsx bench/stt-nbest-consensus.ts <tune records with nbest>.jsonl');
const all = paths.flatMap((p) => loadRecords(p));
if (all.some((r) => !r.id.startsWith('tune:'))) throw new Error('the consensus is chosen on TUNE records only');
const records = all.filter((r) => !r.openVocabulary);
if (!records.some((r) => r.nbest !== undefined)) throw new Error('these records have no N-best lists (run the tune script with JARVIS_TUNE_NBEST=30)');
const examples = sideExamples('tune');
const route = sideRouter('tune');

/** The router's reading as an action key: intent and slots; null when it would do nothing now. */
export const actionOf: ActionOf = (text, area) => {
  const d = route(text, area);
  if (!acts(d) || (d.path !== undefined && d.path !== 'hot')) return null;
  const slots = Object.entries(d.slots).map(([k, v]) => [k, String(v).toLowerCase()] as const).sort(([a], [b]) => a.localeCompare(b));
  return `${d.intent}|${JSON.stringify(slots)}`;
};

interface Variant { name: string; scale: number; pick: 'best-path' | 'action'; possibleOnly: boolean; agree: number }

interface Row { engine: Record<Outcome, number>; policy: Record<PolicyOutcome, number>; pickRight: number; changed: number; changedRight: number; changedWrong: number }

const zero = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
const OUTCOMES: Outcome[] = ['right', 'declined', 'opposite', 'wrong-target', 'wrong', 'chitchat-declined', 'chitchat-accepted'];
const POLICY: PolicyOutcome[] = ['acted-right', 'acted-opposite', 'acted-wrong-target', 'acted-wrong-other', 'asked-right', 'asked-wrong', 'declined', 'chitchat-acted', 'chitchat-asked', 'chitchat-declined'];

function flipsStep(ex: DevExample, d: { intent: string | null; slots: Readonly<Record<string, string | number>> }): boolean {
  if (d.intent !== ex.intent) return false;
  return ['volume_step', 'percentage'].some((k) => typeof ex.slots[k] === 'number' && typeof d.slots[k] === 'number' && Math.sign(ex.slots[k] as number) * Math.sign(d.slots[k] as number) < 0);
}

function run(v: Variant, keep: (r: UtteranceRecord) => boolean = () => true, bars: HearingBars = DEFAULT_HEARING_BARS): Row {
  const row: Row = { engine: zero(OUTCOMES), policy: zero(POLICY), pickRight: 0, changed: 0, changedRight: 0, changedWrong: 0 };
  for (const r of records.filter(keep)) {
    const ex = examples.get(r.line);
    if (!ex) continue;
    const area = ex.device_area;
    const best = r.bestPath || r.text || r.candidate || '';
    let pick = best;
    let agreement = 1;
    if (best !== '' && r.nbest) {
      const c = actionConsensus(best, posteriors(r.nbest, v.scale), actionOf, area, { pick: v.pick, possibleOnly: v.possibleOnly });
      pick = c.text;
      agreement = c.agreement;
    }
    const accepted = r.text !== '';
    if (pick !== best) {
      row.changed++;
      const before = classify(ex, route(best, area)).outcome === 'right';
      const after = classify(ex, route(pick, area)).outcome === 'right';
      if (after && !before) row.changedRight++;
      if (before && !after) row.changedWrong++;
    }
    if (ex.intent !== null && pick !== '' && classify(ex, route(pick, area)).outcome === 'right') row.pickRight++;
    // Engine alone: what it accepted, with the picked sentence.
    const engineText = accepted ? pick : '';
    const decision = engineText === '' ? { intent: null, slots: {}, path: 'passive' } : route(engineText, area);
    row.engine[classify(ex, decision).outcome]++;
    // With the policy: the hearing of the picked sentence, then the agreement rule.
    const margins = { ...(r.margin !== undefined ? { margin: r.margin } : {}), ...(r.wordMargin !== undefined ? { wordMargin: r.wordMargin } : {}) };
    let h: Hearing = hear({ text: accepted ? pick : '', ...margins, ...(!accepted && pick ? { candidate: pick } : {}), ...(r.alternative ? { alternative: r.alternative } : {}) }, r.snrEstimate, bars);
    if (agreement < v.agree) {
      if (h.band === 'sure') h = { ...h, band: 'unsure' };
      else if (h.band === 'close') h = { band: 'none', text: '' };
    }
    const d = h.text !== '' ? route(h.text, area) : undefined;
    const alt = h.alternative !== undefined ? route(h.alternative, area) : undefined;
    const verdict = judgeHearing(h, d, alt, bars);
    const chit = ex.intent === null;
    let o: PolicyOutcome;
    if (verdict.verdict === 'decline' || d === undefined) o = chit ? 'chitchat-declined' : 'declined';
    else if (verdict.verdict === 'confirm') {
      const asked = verdict.asks === 'alternative' && alt ? alt : d;
      o = chit ? 'chitchat-asked' : classify(ex, asked).outcome === 'right' ? 'asked-right' : 'asked-wrong';
    } else {
      const out = classify(ex, d).outcome;
      o = out === 'wrong' && flipsStep(ex, d) ? 'acted-opposite'
        : out === 'right' ? 'acted-right' : out === 'opposite' ? 'acted-opposite' : out === 'wrong-target' ? 'acted-wrong-target' : out === 'wrong' ? 'acted-wrong-other'
          : out === 'chitchat-accepted' ? 'chitchat-acted' : out === 'chitchat-declined' ? 'chitchat-declined' : 'declined';
    }
    row.policy[o]++;
  }
  return row;
}

const fmt = (v: Variant, row: Row): string => {
  const e = row.engine;
  const p = row.policy;
  const acted = p['acted-right'] + p['acted-opposite'] + p['acted-wrong-target'] + p['acted-wrong-other'];
  const accepted = e.right + e.opposite + e['wrong-target'] + e.wrong;
  return `| ${v.name} | ${v.scale} | ${row.pickRight} | ${row.changed} (+${row.changedRight} −${row.changedWrong}) | ${e.right} | ${accepted} | ${e.opposite}/${e['wrong-target']}/${e.wrong} | ${e['chitchat-accepted']} | ` +
    `${p['acted-right']} / ${acted - p['acted-right']} (opp. ${p['acted-opposite']}, target ${p['acted-wrong-target']}) | ${p['asked-right']} / ${p['asked-wrong']} | ${p['chitchat-asked']} / ${p['chitchat-acted']} |`;
};

const commands = records.filter((r) => examples.get(r.line)?.intent != null);
const chit = records.length - commands.length;
const oracle = commands.filter((r) => {
  const ex = examples.get(r.line)!;
  const list = r.nbest?.map((h) => h.text) ?? [];
  const best = r.bestPath || r.text || r.candidate || '';
  return [best, ...list].some((t) => t !== '' && classify(ex, route(t, ex.device_area)).outcome === 'right');
}).length;
const sizes = records.map((r) => r.nbest?.length ?? 0).sort((a, b) => a - b);
process.stdout.write(`${paths.join(' + ')}: ${commands.length} closed-vocabulary commands, ${chit} chit-chat; N-best sentences per utterance p50 ${sizes[sizes.length >> 1]}; ` +
  `some N-best sentence means the annotated action: ${oracle} (oracle)\n\n`);
process.stdout.write('| variant | scale | pick right | changed (+right −right) | engine right | accepted | opp./target/other | chit-chat acc. | policy acted right / wrong | asked right / wrong | chit-chat asked / acted |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n');
const base: Variant = { name: 'best path', scale: 0, pick: 'best-path', possibleOnly: false, agree: 0 };
process.stdout.write(`${fmt(base, run(base))}\n`);
const scales = (process.argv.find((a) => a.startsWith('--scales='))?.slice(9) ?? '0.002,0.005,0.01,0.02,0.05').split(',').map(Number);
for (const scale of scales) {
  const variants: Variant[] = [
    { name: 'mbr', scale, pick: 'action', possibleOnly: false, agree: 0 },
    { name: 'mbr-possible', scale, pick: 'action', possibleOnly: true, agree: 0 },
    ...[0.5, 0.7, 0.9].map((agree) => ({ name: `agree≥${agree}`, scale, pick: 'best-path' as const, possibleOnly: false, agree })),
    ...[0.5, 0.7].map((agree) => ({ name: `mbr-possible + agree≥${agree}`, scale, pick: 'action' as const, possibleOnly: true, agree })),
  ];
  for (const v of variants) process.stdout.write(`${fmt(v, run(v))}\n`);
}
