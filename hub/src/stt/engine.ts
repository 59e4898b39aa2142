/** The one interface every speech-to-text engine implements (DESIGN.md §3 `stt/`). */

/** Which engine produced a transcript. */
export type EngineName = 'whisper' | 'grammar';

/** Options of one transcription. */
export interface TranscribeOptions {
  /** Names of the user's entities and areas: whisper's initial prompt. */
  vocabulary?: readonly string[];
  /** Cancels the work if it has not started yet. */
  signal?: AbortSignal;
  /**
   * Area (id, name or alias) of the device that heard the speech: the grammar recogniser tries that area's
   * grammar first and the whole home's only when it declines.
   */
  area?: string | undefined;
}

/** A timed piece of a transcript (milliseconds from the start of the audio). */
export interface TranscriptSegment {
  text: string;
  startMs: number;
  endMs: number;
  confidence: number;
}

/** Where the time of one transcription went, in milliseconds. */
export interface TranscriptTimings {
  /** Waiting for the engine (queue). */
  queueMs: number;
  /** Inside the native decoder. */
  decodeMs: number;
  totalMs: number;
}

/** The result of transcribing one utterance. Empty text means nothing was heard or it was rejected. */
export interface Transcript {
  text: string;
  /** 0..1; for the grammar engine, how far the command beat the open phone loop. */
  confidence: number;
  segments: TranscriptSegment[];
  engine: EngineName;
  timings: TranscriptTimings;
  /** Why the text is empty, when it is: `non-speech`, `phantom`, `out-of-grammar`. */
  rejected?: 'non-speech' | 'phantom' | 'out-of-grammar';
  /** Grammar engine only: per-frame log-score margin of the command over a free phone loop. */
  margin?: number;
  /** Grammar engine only: the same margin for the command's worst word, over that word's frames. */
  wordMargin?: number;
  /**
   * Grammar engine only: a longer command starts with this text ("turn on the kitchen" and "... lights"),
   * so a short pause after it does not mean the command is complete.
   */
  continues?: boolean;
  /** Grammar engine only: which grammar gave the answer — the speaking device's area's, or the whole home's. */
  grammar?: 'area' | 'home';
  /** Grammar engine only, when it declined: the best path it found (for scoring and logs; never acted on). */
  candidate?: string;
  /**
   * Grammar engine only: the sentence one word away from the best path that a second decode against just those
   * sentences preferred ("stop the vacuum" for "start the vacuum"): the hearing was unsure, so it was declined.
   */
  alternative?: string;
  /**
   * Grammar engine only, when its N-best list is on: the whole sentences of the search's lattice, best first, with
   * their score relative to the best and their share of the list's probability mass.
   */
  nbest?: Array<{ text: string; score: number; posterior: number }>;
  /**
   * Grammar engine only, when it knows the router's reading (`actionOf`): the posterior mass of the N-best sentences
   * that mean the same action as the text (or the candidate), 0..1.
   */
  agreement?: number;
  /**
   * Grammar engine only: its estimate of the utterance's signal-to-noise ratio in dB (`estimateSnrDb` of the audio it
   * decoded), which its acceptance thresholds were interpolated by. The hearing policy does not band by it: it bands
   * by the estimate of the audio as the device sent it, which differs when the engine was fed RNNoise's output
   * (`stt.commandAudio`; denoised audio reads as clean).
   */
  snrDb?: number;
  /**
   * Grammar engine only: every word of the best path (text or candidate) with its acoustic margin over the free phone
   * loop per frame on its own frames (the figure whose minimum is `wordMargin`), and its length in frames, in order.
   */
  wordMargins?: Array<{ word: string; margin: number; frames: number }>;
  /** Grammar engine only: the search's best path, when the N-best action vote chose another sentence as the text. */
  bestPath?: string;
  /**
   * Grammar engine only, an utterance decoded while spoken: how far the live CMN's starting mean (from the start of
   * the utterance) was from the utterance's own mean, as the distance of the two cepstral mean vectors.
   */
  cmnShift?: number;
  /** Grammar engine only: `stream` when the answer is the one decoded while the utterance was spoken. */
  decodedAs?: 'stream' | 'whole';
}

/** A partial result of a streaming transcription. */
export interface PartialTranscript {
  /** Text two consecutive passes agreed on; it never changes once emitted. */
  committed: string;
  /** The rest of the latest pass, which may still change. */
  tentative: string;
}

/** A streaming transcription of one open utterance. */
export interface TranscriptStream {
  /** Appends 16 kHz mono samples; partial results arrive through `onPartial`. */
  push(samples: Float32Array): void;
  /** Speech ended: one final pass over the whole utterance. */
  end(): Promise<Transcript>;
  /** Drops the utterance (e.g. the device muted). */
  abort(): void;
}

/** Options of a streaming transcription. */
export interface StreamOptions extends TranscribeOptions {
  onPartial?: (partial: PartialTranscript) => void;
}

/** A speech-to-text engine: 16 kHz mono float PCM in, text out; loaded by `start()`. */
export interface SttEngine {
  readonly name: EngineName;
  start(): Promise<void>;
  stop(): Promise<void>;
  transcribe(pcm16k: Float32Array, options?: TranscribeOptions): Promise<Transcript>;
  stream(options?: StreamOptions): TranscriptStream;
}

/** Sample rate every engine takes. */
export const STT_SAMPLE_RATE = 16_000;
