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
}

/**
 * On a command utterance both engines start; a confident in-grammar result wins at once (whisper's job
 * is cancelled if it has not started yet); otherwise whisper's text is the answer. A grammar failure
 * never fails the race.
 */
export async function raceCommand(pcm: Float32Array, engines: RaceEngines, options: TranscribeOptions = {}): Promise<RaceResult> {
  const cancelWhisper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, cancelWhisper.signal]) : cancelWhisper.signal;
  const whisper = engines.whisper(pcm, { ...options, signal });
  // Whisper's promise may reject once cancelled; that is expected and must not surface as unhandled.
  whisper.catch(() => undefined);
  let grammar: Transcript | undefined;
  try {
    grammar = await engines.grammar.transcribe(pcm, options);
  } catch {
    grammar = undefined;
  }
  if (grammar && grammar.text !== '' && grammar.confidence >= (engines.minGrammarConfidence ?? 0.5)) {
    cancelWhisper.abort();
    return { transcript: grammar, winner: 'grammar', grammar };
  }
  const transcript = await whisper;
  return { transcript, winner: 'whisper', ...(grammar ? { grammar } : {}) };
}
