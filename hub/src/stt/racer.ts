import type { SttEngine, Transcript, TranscribeOptions } from './engine.js';

/** The outcome of racing both engines on a command utterance. */
export interface RaceResult {
  transcript: Transcript;
  winner: 'grammar' | 'whisper';
  /** The grammar engine's own answer (also when whisper won). */
  grammar?: Transcript;
}

/** What the racer needs: the grammar engine and a way to get whisper's text (the scheduler's command lane). */
export interface RaceEngines {
  grammar: Pick<SttEngine, 'transcribe'>;
  whisper: (pcm: Float32Array, options: TranscribeOptions) => Promise<Transcript>;
  /** A grammar result at least this confident wins at once. */
  minGrammarConfidence?: number;
  /**
   * The grammar's answer for this audio when it is already known or under way (the early-endpoint probe
   * decoded the same speech): used instead of decoding again.
   */
  grammarResult?: Promise<Transcript>;
  /**
   * `grammar-first` (default): whisper starts only when the grammar has no confident answer, so on a
   * 2-core box the grammar decode gets the CPU to itself. `race`: both start at once (more cores).
   */
  strategy?: RaceStrategy;
}

/** How the racer schedules the two engines. */
export type RaceStrategy = 'grammar-first' | 'race';

/** Whether a grammar result answers a command on its own (else whisper's text is waited for). */
export function grammarWins(grammar: Transcript | undefined, minConfidence = 0.5): grammar is Transcript {
  return grammar !== undefined && grammar.text !== '' && grammar.confidence >= minConfidence;
}

/**
 * On a command utterance a confident in-grammar result wins at once; otherwise whisper's text is the
 * answer. Whisper starts after the grammar declines (`grammar-first`) or together with it and is
 * cancelled if it has not started yet when the grammar wins (`race`). A grammar failure never fails it.
 */
export async function raceCommand(pcm: Float32Array, engines: RaceEngines, options: TranscribeOptions = {}): Promise<RaceResult> {
  const cancelWhisper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, cancelWhisper.signal]) : cancelWhisper.signal;
  let started: Promise<Transcript> | undefined;
  const startWhisper = (): Promise<Transcript> => {
    if (!started) {
      started = engines.whisper(pcm, { ...options, signal });
      // Whisper's promise may reject once cancelled; that is expected and must not surface as unhandled.
      started.catch(() => undefined);
    }
    return started;
  };
  if ((engines.strategy ?? 'grammar-first') === 'race') startWhisper();
  let grammar: Transcript | undefined;
  try {
    grammar = await (engines.grammarResult ?? engines.grammar.transcribe(pcm, options));
  } catch {
    grammar = undefined;
  }
  if (grammarWins(grammar, engines.minGrammarConfidence)) {
    cancelWhisper.abort();
    return { transcript: grammar, winner: 'grammar', grammar };
  }
  const transcript = await startWhisper();
  return { transcript, winner: 'whisper', ...(grammar ? { grammar } : {}) };
}
