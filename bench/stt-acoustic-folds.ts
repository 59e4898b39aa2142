/**
 * One row of the acoustic-adaptation comparison on the TUNE folds (issue 14): the records of the two held-out folds
 * (bench/stt-command-tune.ts with `JARVIS_TUNE_BASES` = one fold's bases and `JARVIS_TUNE_ACOUSTIC` = an adaptation made
 * on the other fold's voices), re-scored with today's tier 0 so that rows made at different times compare: the engine's
 * accepted text and its best path routed again, and the hearing policy (hub/src/voice/hearing-policy.ts, shipped bars and
 * rules) over the same records. TUNE records only; it refuses the test half's. Not a result: the folds choose, TEST reports.
 *
 *   npx tsx bench/stt-acoustic-folds.ts <held-out B records.jsonl> <held-out A records.jsonl> [--label TEXT] [--variants f2,m3,base]
 *
 * `--variants` keeps only the records of voices with those variants (`base` = the bare voice): to compare a full fold's
 * records with a variant-held-out run (scripts/adapt-acoustic-model.ts --hold-out-variants) on the same utterances.
 */
import { DEFAULT_HEARING_BARS } from '../hub/src/voice/hearing-policy.js';
import { loadRecords, policyDetail, sideExamples, sideRouter, type RouteFn } from './hearing-policy.js';
import { classify, type UtteranceRecord } from './stt-command-eval.js';
import type { DevExample } from './language-eval.js';

/** Engine and policy counts of one held-out fold. */
export interface FoldRow {
  commands: { clean: number; noisy: number };
  chitchat: number;
  /** The engine's accepted text takes the annotated action. */
  engineRight: { clean: number; noisy: number };
  engineAccepted: number;
  engineWrong: { opposite: number; wrongTarget: number; other: number };
  bestPathRight: { clean: number; noisy: number };
  engineChitchat: number;
  acted: { right: number; opposite: number; wrongTarget: number; other: number; answerOnly: number };
  asked: { right: number; wrong: number };
  chitchatActed: number;
  chitchatAsked: number;
}

/** Scores one fold's records. */
export function foldRow(records: readonly UtteranceRecord[], examples: ReadonlyMap<number, DevExample>, route: RouteFn): FoldRow {
  const row: FoldRow = {
    commands: { clean: 0, noisy: 0 }, chitchat: 0, engineRight: { clean: 0, noisy: 0 }, engineAccepted: 0, engineWrong: { opposite: 0, wrongTarget: 0, other: 0 },
    bestPathRight: { clean: 0, noisy: 0 }, engineChitchat: 0, acted: { right: 0, opposite: 0, wrongTarget: 0, other: 0, answerOnly: 0 }, asked: { right: 0, wrong: 0 },
    chitchatActed: 0, chitchatAsked: 0,
  };
  for (const r of records) {
    if (r.openVocabulary) continue;
    const ex = examples.get(r.line);
    if (!ex) continue;
    const where = r.noise === 'clean' ? 'clean' : 'noisy';
    const area = ex.device_area;
    const engine = classify(ex, r.text === '' ? { intent: null, slots: {}, path: 'passive' } : route(r.text, area)).outcome;
    const { outcome, answerOnly } = policyDetail(r, ex, route, DEFAULT_HEARING_BARS);
    if (ex.intent === null) {
      row.chitchat++;
      if (engine === 'chitchat-accepted') row.engineChitchat++;
      if (outcome === 'chitchat-acted') row.chitchatActed++;
      if (outcome === 'chitchat-asked') row.chitchatAsked++;
      continue;
    }
    row.commands[where]++;
    if (engine !== 'declined') row.engineAccepted++;
    if (engine === 'right') row.engineRight[where]++;
    if (engine === 'opposite') row.engineWrong.opposite++;
    if (engine === 'wrong-target') row.engineWrong.wrongTarget++;
    if (engine === 'wrong') row.engineWrong.other++;
    const best = r.bestPath || r.text || r.candidate || '';
    if (best !== '' && classify(ex, route(best, area)).outcome === 'right') row.bestPathRight[where]++;
    if (outcome === 'acted-right') row.acted.right++;
    if (outcome === 'acted-opposite') row.acted.opposite++;
    if (outcome === 'acted-wrong-target') row.acted.wrongTarget++;
    if (outcome === 'acted-wrong-other') row.acted.other++;
    if (outcome.startsWith('acted-') && outcome !== 'acted-right' && answerOnly) row.acted.answerOnly++;
    if (outcome === 'asked-right') row.asked.right++;
    if (outcome === 'asked-wrong') row.asked.wrong++;
  }
  return row;
}

/** The markdown cells of a fold row, as the stt README's table has them. */
export function formatFoldRow(f: FoldRow): string {
  const wrong = f.acted.opposite + f.acted.wrongTarget + f.acted.other;
  const ew = f.engineWrong;
  return [
    `${f.engineRight.clean}/${f.commands.clean} / ${f.engineRight.noisy}/${f.commands.noisy}`,
    `${f.bestPathRight.clean} / ${f.bestPathRight.noisy}`,
    `${f.engineAccepted} (${ew.opposite} opp, ${ew.wrongTarget} wt, ${ew.other} other)`,
    `${f.acted.right} / ${wrong}${wrong ? ` (${f.acted.opposite} opp, ${f.acted.wrongTarget} wt, ${f.acted.other} other${f.acted.answerOnly ? `; ${f.acted.answerOnly} answer only` : ''})` : ''}`,
    `${f.asked.right} / ${f.asked.wrong}`,
    `${f.chitchatActed}/${f.chitchat} (asked ${f.chitchatAsked}; engine ${f.engineChitchat})`,
  ].join(' | ');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const valueOf = (flag: string): { at: number; value: string | undefined } => {
    const at = args.indexOf(flag);
    return { at, value: at >= 0 ? args[at + 1] : undefined };
  };
  const label = valueOf('--label');
  const only = valueOf('--variants');
  const variants = only.value?.split(',').filter(Boolean).map((v) => (v === 'base' ? '' : v));
  const valueAt = new Set([label.at, only.at].filter((at) => at >= 0).map((at) => at + 1));
  const paths = args.filter((a, i) => !a.startsWith('--') && !valueAt.has(i));
  if (paths.length !== 2 || (only.at >= 0 && !variants?.length)) {
    throw new Error('usage: npx tsx bench/stt-acoustic-folds.ts <held-out B records> <held-out A records> [--label TEXT] [--variants f2,m3,base]');
  }
  if (paths.some((p) => /bench-test|test-b|\/bench-/.test(p))) throw new Error('fold rows are made from TUNE records only (bench/stt-command-tune.ts)');
  const examples = sideExamples('tune');
  const route = sideRouter('tune');
  process.stdout.write('| held out | adaptation | engine right clean / noisy | best path right clean / noisy | engine accepted (wrong) | policy acted right / wrong | asked right / wrong | chit-chat acted |\n');
  for (const [fold, path] of [['B', paths[0]!], ['A', paths[1]!]] as const) {
    const records = loadRecords(path).filter((r) => !variants || variants.includes(r.voice.split('+')[1] ?? ''));
    process.stdout.write(`| ${fold} | ${label.value ?? ''} | ${formatFoldRow(foldRow(records, examples, route))} |\n`);
  }
}
