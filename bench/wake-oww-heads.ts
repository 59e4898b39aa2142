/**
 * More than one wake head in one benchmark pass. The expensive part of a wake step is the pre-trained pipeline
 * (mel, embedding, wake model); a head is a small product on the step's 16 × 96 features. So the benchmarks run
 * the detector once and replay each extra head from every step's score and features, by the detector's own rule
 * (openwakeword.ts `scored`: asked at askAt, passing at the head's threshold, the head's steps in a row, 2 s
 * refractory; a gated step breaks a run). The loaded head is replayed too and must equal the detector's own
 * detections, so the replay is checked on every run.
 *
 * `JARVIS_BENCH_WAKE_HEADS=name=FILE[,name=FILE…]` names the extra heads.
 */
import { ConfigError } from '../hub/src/core/index.js';
import { loadWakeVerifier, type WakeVerifier } from '../hub/src/audio/wake/verifier.js';
import type { WakeScore } from '../hub/src/audio/wake/openwakeword.js';

/** A malformed JARVIS_BENCH_WAKE_HEADS. */
export class HeadListError extends ConfigError<'JARVIS_CLI_BAD_ARGUMENT'> {
  constructor(message: string) {
    super('JARVIS_CLI_BAD_ARGUMENT', message);
    this.name = 'HeadListError';
  }
}

/** Names reserved for the detector's own modes. */
const RESERVED = new Set(['on', 'off']);

/** Parses `name=FILE,name=FILE`: names are [a-z0-9_-]+, unique, not "on" or "off"; empty text is no heads. */
export function parseHeadList(text: string | undefined): Array<{ name: string; file: string }> {
  if (text === undefined || text.trim() === '') return [];
  const out: Array<{ name: string; file: string }> = [];
  text.split(',').forEach((item, i) => {
    const eq = item.indexOf('=');
    if (eq < 0) throw new HeadListError(`JARVIS_BENCH_WAKE_HEADS item ${i + 1} "${item}" is not name=FILE`);
    const name = item.slice(0, eq).trim();
    const file = item.slice(eq + 1).trim();
    if (!/^[a-z0-9_-]+$/.test(name)) throw new HeadListError(`JARVIS_BENCH_WAKE_HEADS item ${i + 1}: name "${name}" is not [a-z0-9_-]+`);
    if (RESERVED.has(name)) throw new HeadListError(`JARVIS_BENCH_WAKE_HEADS item ${i + 1}: "${name}" is reserved (the detector's own modes)`);
    if (file === '') throw new HeadListError(`JARVIS_BENCH_WAKE_HEADS item ${i + 1}: "${name}" has no file`);
    if (out.some((h) => h.name === name)) throw new HeadListError(`JARVIS_BENCH_WAKE_HEADS names "${name}" twice`);
    out.push({ name, file });
  });
  return out;
}

/** One head's detections on one stream, replayed from the detector's step scores. */
export class HeadReplay {
  private over = 0;
  private lastFire = -Infinity;
  private readonly askAt: number;
  private readonly trigger: number;
  /** When this stream's replay fired (hub ms of the step). */
  readonly detections: Array<{ at: number; score: number }> = [];

  /**
   * `threshold` and `triggerLevel` are the detector's options (openWakeWord's 0.5 and 1): the head's askAt
   * defaults to the threshold, and the steps in a row are the larger of the two levels, as the detector takes them.
   */
  constructor(private readonly head: WakeVerifier, threshold: number, triggerLevel: number, private readonly refractoryMs: number) {
    this.askAt = head.askAt ?? threshold;
    this.trigger = Math.max(triggerLevel, head.triggerLevel ?? 1);
  }

  /** A step's score (as the detector's onScore reports it). */
  step(s: WakeScore): void {
    let passes = false;
    let v = 0;
    if (s.ran && s.score >= this.askAt && s.score > 0 && s.features) {
      v = this.head.score(s.features, s.score);
      passes = v >= this.head.threshold;
    }
    if (!passes) {
      this.over = 0;
      return;
    }
    this.over++;
    if (this.over >= this.trigger && s.at - this.lastFire >= this.refractoryMs) {
      this.lastFire = s.at;
      this.over = 0;
      this.detections.push({ at: s.at, score: v });
    }
  }
}

/** The extra heads of JARVIS_BENCH_WAKE_HEADS, loaded. */
export function extraHeads(): Array<{ name: string; file: string; head: WakeVerifier }> {
  return parseHeadList(process.env['JARVIS_BENCH_WAKE_HEADS']).map((h) => ({ ...h, head: loadWakeVerifier(h.file) }));
}
