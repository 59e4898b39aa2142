/**
 * Scoring of the command recogniser on the spoken matrix (tests/fixtures/voice/matrix.ts): each utterance is
 * decoded, its text routed by tier 0 from the annotated device area, and the action compared with the
 * annotation (bench/language-eval.ts `judge`). Shared by `bench/stt-command.bench.ts` (`stt.command_accuracy`)
 * and the tuning script (`bench/stt-command-tune.ts`, tune half only).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { estimateSnrDb, int16ToFloat } from '../hub/src/stt/audio.js';
import type { Transcript } from '../hub/src/stt/engine.js';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { Tier0Router } from '../hub/src/router/tier0.js';
import { judge, type DevExample, type ScoredDecision } from './language-eval.js';
import { commandMatrix, renderItem, sideSources, type MatrixItem, type MatrixOptions, type Side } from '../tests/fixtures/voice/matrix.js';

/** Where per-utterance records go (git-ignored). */
export const RECORD_DIR = fileURLToPath(new URL('../tests/fixtures/generated/stt-command/', import.meta.url));

/** Intents that undo each other: hearing one for the other is the worst error. */
export const OPPOSITES: ReadonlyArray<readonly [string, string]> = [
  ['HassTurnOn', 'HassTurnOff'], ['HassMediaPause', 'HassMediaUnpause'], ['HassMediaPlayerMute', 'HassMediaPlayerUnmute'],
  ['HassPauseTimer', 'HassUnpauseTimer'], ['HassIncreaseTimer', 'HassDecreaseTimer'], ['HassVacuumStart', 'HassVacuumReturnToBase'],
  ['HassLawnMowerStartMowing', 'HassLawnMowerDock'], ['HassMediaNext', 'HassMediaPrevious'],
];

/** What happened to one utterance. */
export type Outcome = 'right' | 'declined' | 'opposite' | 'wrong-target' | 'wrong' | 'chitchat-declined' | 'chitchat-accepted';

/** One decoded utterance. */
export interface UtteranceRecord {
  id: string;
  line: number;
  voice: string;
  wpm: number;
  noise: string;
  snrDb: number | null;
  openVocabulary: boolean;
  command: boolean;
  intent: string | null;
  /** What the recogniser said (empty when it declined). */
  text: string;
  margin?: number;
  wordMargin?: number;
  /** Each word of the best path with its acoustic margin over the phone loop per frame (`Transcript.wordMargins`). */
  wordMargins?: Array<{ word: string; margin: number; frames: number }>;
  /**
   * The recogniser's SNR estimate (`estimateSnrDb`) of the utterance as the device sent it, before any denoising: what
   * the hearing policy bands by. The hub hands the recogniser that raw audio, so it is also the engine's own estimate
   * (`Transcript.snrDb`); when a bench feeds RNNoise output instead, the engine's estimate of that is far higher (brown
   * noise at 0 dB reads 11 dB raw, 62 dB denoised) and the policy's noise bars would no longer see the noise.
   */
  snrEstimate: number;
  rejected?: string;
  /** Which grammar answered (the device's area's or the whole home's). */
  grammar?: string;
  /** The best path when the recogniser declined. */
  candidate?: string;
  /** The second opinion's other sentence, when it disagreed. */
  alternative?: string;
  /** The N-best list's whole sentences with their scores relative to the best (when the engine's list was on). */
  nbest?: Array<{ text: string; score: number }>;
  /** Posterior mass of the text's action in the N-best list (when the engine knew the router's reading). */
  agreement?: number;
  /** The search's best path when the N-best action vote chose another sentence. */
  bestPath?: string;
  /** Length of the utterance's audio. */
  durationMs?: number;
  /** Whether tier 0 takes the annotated action from the best path (accepted or not): what recognition alone gets right. */
  bestPathRight?: boolean;
  decodeMs: number;
  /** Tier 0's decision on the recognised text. */
  got: { intent: string | null; slots: Record<string, string | number> };
  outcome: Outcome;
  why?: string;
  /** Whether tier 0 gets the annotated action from the sentence's own text (the router's ceiling for this item). */
  textRight: boolean;
  /**
   * Whether the annotated text is a sentence of the grammar the recogniser searched: when it is not, the recogniser
   * cannot get it right whatever its thresholds (the recogniser's ceiling for this item).
   */
  inGrammar: boolean;
}

/** A recogniser as the scorer drives it. */
export interface CommandRecogniser {
  transcribe(pcm: Float32Array, context: { area?: string }): Promise<Transcript>;
  /** Whether a text is a sentence of the grammar it searches (`GrammarEngine.inGrammar`). */
  inGrammar(text: string): boolean;
}

function example(item: MatrixItem): DevExample {
  const s = item.sentence;
  return { text: s.text, intent: s.intent, slots: s.slots, ...(s.device_area ? { device_area: s.device_area } : {}), line: s.line };
}

/** Classifies a decision against the annotation. */
export function classify(ex: DevExample, got: ScoredDecision): { outcome: Outcome; why?: string } {
  const acted = got.path !== 'passive' && got.intent !== null;
  if (ex.intent === null) return { outcome: acted ? 'chitchat-accepted' : 'chitchat-declined' };
  if (!acted) return { outcome: 'declined' };
  const why = judge(ex, got);
  if (why === undefined) return { outcome: 'right' };
  if (OPPOSITES.some(([a, b]) => (a === ex.intent && b === got.intent) || (b === ex.intent && a === got.intent))) return { outcome: 'opposite', why };
  if (got.intent === ex.intent && /^(name|area|floor|domain|device_class)\b/.test(why)) return { outcome: 'wrong-target', why };
  return { outcome: 'wrong', why };
}

/**
 * Tier 0's decision, or none when tier 0 throws on a recognised text (a router bug: logged with the text, counted
 * as declined so one bad sentence does not lose a whole run's records).
 */
function safeRoute(router: Tier0Router, text: string, context: { area?: string }): ScoredDecision {
  try {
    return router.route(text, context);
  } catch (err) {
    process.stderr.write(`tier 0 threw on ${JSON.stringify(text)} (${JSON.stringify(context)}): ${(err as Error).message}\n`);
    return { intent: null, slots: {}, path: 'passive' };
  }
}

/** Decodes and scores every item of one side's matrix. */
export async function runMatrix(
  side: Side,
  recogniser: CommandRecogniser,
  options: MatrixOptions & { onProgress?: (done: number, total: number) => void; only?: (item: MatrixItem) => boolean } = {},
): Promise<UtteranceRecord[]> {
  const router = new Tier0Router(loadRegistrySnapshot(sideSources(side).home));
  const items = commandMatrix(side, options).filter((item) => options.only?.(item) ?? true);
  const out: UtteranceRecord[] = [];
  for (const item of items) {
    const ex = example(item);
    const context = ex.device_area ? { area: ex.device_area } : {};
    const audio = renderItem(item);
    const pcm = int16ToFloat(audio.samples);
    const t = await recogniser.transcribe(pcm, context);
    const decision = t.text === '' ? { intent: null, slots: {}, path: 'passive' } : safeRoute(router, t.text, context);
    const { outcome, why } = classify(ex, decision);
    const textRight = judge(ex, router.route(ex.text, context)) === undefined;
    const best = t.bestPath || t.text || t.candidate || '';
    const bestPathRight = ex.intent !== null && best !== '' && classify(ex, safeRoute(router, best, context)).outcome === 'right';
    out.push({
      id: item.id, line: ex.line, voice: item.voice, wpm: item.wpm, noise: item.noise, snrDb: item.snrDb, openVocabulary: item.openVocabulary,
      command: ex.intent !== null, intent: ex.intent, text: t.text, ...(t.margin !== undefined ? { margin: t.margin } : {}),
      ...(t.wordMargin !== undefined ? { wordMargin: t.wordMargin } : {}), ...(t.wordMargins ? { wordMargins: t.wordMargins } : {}), snrEstimate: Math.round(estimateSnrDb(pcm) * 10) / 10, ...(t.rejected ? { rejected: t.rejected } : {}),
      ...(t.grammar ? { grammar: t.grammar } : {}), ...(t.candidate ? { candidate: t.candidate } : {}), ...(t.alternative ? { alternative: t.alternative } : {}), bestPathRight,
      ...(t.nbest ? { nbest: t.nbest.map((h) => ({ text: h.text, score: h.score })) } : {}), ...(t.agreement !== undefined ? { agreement: Math.round(t.agreement * 1e4) / 1e4 } : {}),
      ...(t.bestPath ? { bestPath: t.bestPath } : {}), durationMs: Math.round(pcm.length / 16),
      decodeMs: Math.round(t.timings.decodeMs), got: { intent: decision.intent, slots: { ...decision.slots } }, outcome, ...(why ? { why } : {}), textRight,
      inGrammar: recogniser.inGrammar(ex.text),
    });
    options.onProgress?.(out.length, items.length);
  }
  return out;
}

/** Counts of one group of records. */
export interface Tally {
  commands: number;
  right: number;
  declined: number;
  accepted: number;
  opposite: number;
  wrongTarget: number;
  wrongOther: number;
  chitchat: number;
  chitchatAccepted: number;
  /** Commands tier 0 gets right from the true text (the ceiling the recogniser is measured against). */
  textRight: number;
  /** Commands whose text is a sentence of the recogniser's grammar (the most it can get right). */
  inGrammar: number;
}

/** Tallies records (open-vocabulary commands should be tallied apart by the caller). */
export function tally(records: readonly UtteranceRecord[]): Tally {
  const t: Tally = { commands: 0, right: 0, declined: 0, accepted: 0, opposite: 0, wrongTarget: 0, wrongOther: 0, chitchat: 0, chitchatAccepted: 0, textRight: 0, inGrammar: 0 };
  for (const r of records) {
    if (!r.command) {
      t.chitchat++;
      if (r.outcome === 'chitchat-accepted') t.chitchatAccepted++;
      continue;
    }
    t.commands++;
    if (r.textRight) t.textRight++;
    if (r.inGrammar) t.inGrammar++;
    if (r.outcome === 'declined') t.declined++;
    else t.accepted++;
    if (r.outcome === 'right') t.right++;
    if (r.outcome === 'opposite') t.opposite++;
    if (r.outcome === 'wrong-target') t.wrongTarget++;
    if (r.outcome === 'wrong') t.wrongOther++;
  }
  return t;
}

/** Writes records as JSONL for later analysis; returns the path. */
export function saveRecords(name: string, records: readonly UtteranceRecord[]): string {
  if (!existsSync(RECORD_DIR)) mkdirSync(RECORD_DIR, { recursive: true });
  const path = `${RECORD_DIR}${name}.jsonl`;
  writeFileSync(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}
