import type { VoiceEvent, VoiceRun } from '../../voice/events.js';

/** What opened a command utterance. */
export type CommandTrigger = 'ptt' | 'button' | 'device-wake' | 'hub-wake';

/** Why an utterance closed. */
export type UtteranceEndReason = 'silence' | 'max-length' | 'end-flag' | 'ptt-release';

/**
 * One utterance, handed to STT: a command (after a trigger) or passive speech (everything else, for
 * the observer). Times are hub ms since epoch.
 */
export interface Utterance {
  /**
   * The voice run this utterance is, still open: STT and later stages emit their events on it, and
   * whoever takes the utterance must end it (`run.end('done')` or `run.fail(code, message)`).
   */
  run: VoiceRun;
  deviceId: string;
  kind: 'command' | 'passive';
  trigger?: CommandTrigger;
  /** 16 kHz mono floats in [-1, 1], from `audioStartTs` on (pre-roll included). */
  pcm16k: Float32Array;
  /** Hub ms of `pcm16k[0]`. */
  audioStartTs: number;
  /** Detected start of speech (first voiced frame), hub ms. */
  startTs: number;
  /** Detected end of speech, hub ms: the last voiced frame within 40 dB of the loudest, or the end of a word-final fricative after it. */
  endTs: number;
  endReason: UtteranceEndReason;
  /** Wake score (0–1) when a wake phrase opened it. */
  wakeScore?: number;
  /** Speech-to-noise estimate of the raw signal, dB. */
  snrDb: number;
  /** Snapshot of the front end's events of this run (run-start … speech-end, capture-end). */
  events: VoiceEvent[];
}
