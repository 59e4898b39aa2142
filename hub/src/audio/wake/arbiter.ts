import { AudioError } from '../dsp/errors.js';

/** One device's claim to a wake phrase. */
export interface WakeCandidate {
  deviceId: string;
  /** Hub ms when the wake was heard. */
  at: number;
  /** Wake score 0–1 (device-reported or hub DTW). */
  score: number;
  /** Speech-to-noise estimate in dB, read when the verdict is made (it grows as speech arrives). */
  snrDb: () => number;
}

/** Verdict for one candidate. */
export type ArbitrationVerdict = 'pending' | 'won' | 'lost';

/** Options of the arbiter. */
export interface WakeArbiterOptions {
  /** Wakes within this many ms of the first of a group compete (default 150). */
  windowMs?: number;
  /** Scores closer than this count as a tie, decided by SNR (default 0.05). */
  scoreTolerance?: number;
}

interface Group {
  start: number;
  candidates: WakeCandidate[];
  winner?: WakeCandidate;
}

/**
 * Decides which device keeps an utterance when several hear the same wake phrase (issue 4 §4): the
 * best wake score wins; near-equal scores go to the better speech-to-noise estimate, which favours the
 * device closest to the talker.
 */
export class WakeArbiter {
  private readonly windowMs: number;
  private readonly tolerance: number;
  private readonly groups: Group[] = [];
  private readonly groupOf = new Map<WakeCandidate, Group>();

  constructor(options: WakeArbiterOptions = {}) {
    this.windowMs = options.windowMs ?? 150;
    this.tolerance = options.scoreTolerance ?? 0.05;
    if (!(this.windowMs >= 0 && this.windowMs <= 5000)) throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `arbitration windowMs ${this.windowMs} is outside 0..5000`);
  }

  /** Registers a candidate; ask `verdict()` for it later. */
  propose(candidate: WakeCandidate): WakeCandidate {
    // Either side of the group's start: devices decide at different moments (a trained detector's 80 ms steps
    // are not in phase across devices), so a later proposal may carry an earlier time.
    let group = this.groups.find((g) => Math.abs(candidate.at - g.start) <= this.windowMs && g.winner === undefined);
    if (!group) {
      group = { start: candidate.at, candidates: [] };
      this.groups.push(group);
    }
    group.start = Math.min(group.start, candidate.at);
    group.candidates.push(candidate);
    this.groupOf.set(candidate, group);
    return candidate;
  }

  /** The verdict at hub time `now`; final once the group's window has passed. */
  verdict(candidate: WakeCandidate, now: number): ArbitrationVerdict {
    const group = this.groupOf.get(candidate);
    if (!group) return 'won';
    if (!group.winner) {
      if (now - group.start < this.windowMs) return 'pending';
      group.winner = this.best(group.candidates);
    }
    return group.winner === candidate ? 'won' : 'lost';
  }

  /** Forgets a candidate whose utterance is over. */
  release(candidate: WakeCandidate): void {
    const group = this.groupOf.get(candidate);
    this.groupOf.delete(candidate);
    if (group && ![...this.groupOf.values()].includes(group)) this.groups.splice(this.groups.indexOf(group), 1);
  }

  private best(candidates: readonly WakeCandidate[]): WakeCandidate {
    let best = candidates[0] as WakeCandidate;
    for (const c of candidates.slice(1)) {
      if (c.score > best.score + this.tolerance) best = c;
      else if (Math.abs(c.score - best.score) <= this.tolerance && c.snrDb() > best.snrDb()) best = c;
    }
    return best;
  }
}
