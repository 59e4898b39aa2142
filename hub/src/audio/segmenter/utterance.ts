import type { VoiceEvent, VoiceRun } from '../../core/index.js';

/** What opened a command utterance. */
export type CommandTrigger = 'ptt' | 'button' | 'device-wake' | 'hub-wake';

/** Why an utterance closed. */
export type UtteranceEndReason = 'silence' | 'max-length' | 'end-flag' | 'ptt-release' | 'complete-command';

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
  /** 16 kHz mono floats in [-1, 1], from `audioStartTs` on (pre-roll included), after the denoiser. */
  pcm16k: Float32Array;
  /** The same audio before the denoiser (when the chain taps it): what command recognition hears. */
  raw16k?: Float32Array;
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
  /** End of the last frame the VAD counted as speech, hub ms (before the refinement that gives `endTs`). */
  lastVoicedTs?: number;
}

/**
 * A command that paused long enough to be over, before the silence hangover: the audio so far, for a
 * quick decision whether it already is a complete command (the grammar's answer), and a way to end it.
 */
export interface CommandPause {
  run: VoiceRun;
  deviceId: string;
  trigger?: CommandTrigger;
  /** The command's audio so far, pre-roll included (as `Utterance.pcm16k` and `raw16k`). */
  pcm16k: Float32Array;
  raw16k?: Float32Array;
  audioStartTs: number;
  /** `Utterance.lastVoicedTs` of the utterance if nothing more is said. */
  lastVoicedTs: number;
  events: VoiceEvent[];
  /**
   * Ends the utterance now with reason `complete-command`, unless it has ended already or speech went on
   * after the pause (then false: the pause was not the end).
   */
  end(): boolean;
}
