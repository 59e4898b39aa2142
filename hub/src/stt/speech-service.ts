import { silentLogger, type Component, type Logger } from '../core/index.js';
import type { Transcript, TranscribeOptions } from './engine.js';
import { SttError } from './errors.js';
import { GrammarEngine, type GrammarEngineOptions, type GrammarStreamStats } from './grammar/grammar-engine.js';
import type { GrammarNames } from './grammar/slots.js';
import { grammarWins, raceCommand, type RaceResult, type RaceStrategy } from './racer.js';
import { SttScheduler, type SttSchedulerOptions } from './scheduler.js';
import { WhisperEngine, type WhisperEngineOptions } from './whisper-engine.js';

/** A command decoded by the grammar while it is spoken ({@link SpeechService.commandStream}). */
export interface GrammarCommandStream {
  push(pcm: Float32Array): void;
  end(): Promise<{ transcript: Transcript; complete: boolean }>;
  abort(): void;
  /** Resolves when nothing of this command is decoding any more (see `GrammarTranscriptStream.settled`). */
  settled?(): Promise<void>;
}

/** Options of {@link SpeechService.commandStream}. */
export interface CommandStreamOptions extends TranscribeOptions {
  /** The caller's own bar for a streamed answer (see `GrammarStreamOptions.stands`): false decodes it again whole. */
  stands?: (t: Transcript) => boolean;
}

/** Options of the hub's speech part. */
export interface SpeechServiceOptions {
  whisper: WhisperEngineOptions;
  /** Undefined turns the grammar recogniser off. */
  grammar?: GrammarEngineOptions;
  scheduler?: SttSchedulerOptions;
  /** A grammar result at least this confident answers a command without waiting for whisper. */
  minGrammarConfidence?: number;
  /**
   * Offer {@link SpeechService.commandStream} (config `stt.streamCommands`, on by default, passes it; unset here: off,
   * and commands are decoded whole).
   */
  streamCommands?: boolean;
  /** How grammar and whisper share the CPU on a command; default `grammar-first` (see {@link RaceStrategy}). */
  strategy?: RaceStrategy;
  logger?: Logger;
}

/**
 * The `stt/` part as the composition root uses it: whisper behind the two-lane scheduler, the grammar
 * recogniser racing it on commands. An engine that cannot start (missing model or addon) is switched off
 * with one warning naming the command that fixes it; the hub keeps running (DESIGN.md §6).
 */
export class SpeechService implements Component {
  readonly name = 'stt';
  private whisper: WhisperEngine | undefined;
  private grammar: GrammarEngine | undefined;
  private scheduler: SttScheduler | undefined;
  private readonly log: Logger;
  /** Why each engine is off, when it is. */
  readonly off: { whisper?: string; grammar?: string } = {};

  constructor(private readonly options: SpeechServiceOptions) {
    this.log = options.logger ?? silentLogger();
  }

  async start(): Promise<void> {
    if (this.scheduler) return;
    const whisper = new WhisperEngine({ ...this.options.whisper, logger: this.log });
    try {
      await whisper.start();
      this.whisper = whisper;
      delete this.off.whisper;
    } catch (err) {
      this.off.whisper = err instanceof Error ? err.message : String(err);
      this.log.warn({ reason: this.off.whisper }, 'whisper transcription is off');
    }
    if (this.options.grammar) {
      // Without streamed commands the engine keeps no decoder pairs for them (each would load every grammar rebuild).
      const streams = this.options.streamCommands === true ? {} : { streamDecoders: 0 };
      const grammar = new GrammarEngine({ ...this.options.grammar, ...streams, logger: this.log });
      try {
        await grammar.start();
        this.grammar = grammar;
        delete this.off.grammar;
      } catch (err) {
        this.off.grammar = err instanceof Error ? err.message : String(err);
        this.log.warn({ reason: this.off.grammar }, 'grammar command recogniser is off');
      }
    }
    const w = this.whisper;
    this.scheduler = new SttScheduler((pcm, o) => {
      if (!w) return Promise.reject(new SttError('JARVIS_STT_MODEL_MISSING', this.off.whisper ?? 'whisper is off'));
      return w.transcribe(pcm, o);
    }, this.options.scheduler ?? {});
    await this.scheduler.start();
  }

  async stop(): Promise<void> {
    const scheduler = this.scheduler;
    if (!scheduler) return;
    this.scheduler = undefined;
    await scheduler.stop();
    for (const engine of [this.grammar, this.whisper]) {
      try {
        await engine?.stop();
      } catch (err) {
        this.log.error({ err }, 'stopping a speech engine failed');
      }
    }
    this.grammar = undefined;
    this.whisper = undefined;
  }

  /**
   * A command utterance: the grammar answers, whisper when it cannot; commands go ahead of passive work.
   * `grammarResult` is the grammar's answer for this speech when a {@link probe} already has it.
   */
  command(pcm: Float32Array, options: TranscribeOptions = {}, grammarResult?: Promise<Transcript>): Promise<RaceResult> {
    const scheduler = this.requireScheduler();
    if (!this.grammar) return scheduler.command(pcm, options).then((transcript) => ({ transcript, winner: 'whisper' as const }));
    return raceCommand(pcm, {
      grammar: this.grammar, whisper: (p, o) => scheduler.command(p, o), minGrammarConfidence: this.options.minGrammarConfidence ?? 0.5,
      strategy: this.options.strategy ?? 'grammar-first', ...(grammarResult ? { grammarResult } : {}),
    }, options);
  }

  /**
   * The grammar alone on a command that may not be over yet (the speaker paused): its transcript, and
   * whether it is `complete` — confident enough to answer the command on its own, and no longer command
   * starts with it — so the utterance can end now instead of after the full silence hangover. Undefined
   * when the grammar is off.
   */
  async probe(pcm: Float32Array, options: TranscribeOptions = {}): Promise<{ transcript: Transcript; complete: boolean } | undefined> {
    if (!this.grammar) return undefined;
    const transcript = await this.grammar.transcribe(pcm, options);
    return { transcript, complete: grammarWins(transcript, this.options.minGrammarConfidence ?? 0.5) && transcript.continues === false };
  }

  /**
   * The grammar alone on a command decoded while it is spoken (issue 14's hot path): push its audio as it arrives;
   * `end()` gives what {@link probe} gives for the whole audio pushed, with only the last piece and the end of the
   * utterance left to decode. `abort()` (a mute) keeps nothing. Undefined when the grammar is off.
   */
  commandStream(options: CommandStreamOptions = {}): GrammarCommandStream | undefined {
    const grammar = this.grammar;
    if (!grammar || this.options.streamCommands !== true) return undefined;
    const stream = grammar.stream(options);
    const min = this.options.minGrammarConfidence ?? 0.5;
    return {
      push: (pcm) => stream.push(pcm),
      end: async () => {
        const transcript = await stream.end();
        return { transcript, complete: grammarWins(transcript, min) && transcript.continues === false };
      },
      abort: () => stream.abort(),
      settled: () => stream.settled(),
    };
  }

  /** What the grammar's streams did since start (undefined when the grammar is off). */
  get grammarStreams(): GrammarStreamStats | undefined {
    return this.grammar?.streamStats;
  }

  /** Passive speech at low priority; rejects with JARVIS_STT_QUEUE_FULL when dropped. */
  passive(pcm: Float32Array, options: TranscribeOptions = {}): Promise<Transcript> {
    return this.requireScheduler().passive(pcm, options);
  }

  /** The registry changed: rebuild the command grammar. */
  async setNames(names: GrammarNames): Promise<void> {
    if (this.grammar) await this.grammar.setNames(names);
  }

  /** Scheduler counters (commands, passive, dropped, longest command wait). */
  get stats(): SttScheduler['stats'] | undefined {
    return this.scheduler?.stats;
  }

  private requireScheduler(): SttScheduler {
    if (!this.scheduler) throw new SttError('JARVIS_STT_ENGINE_CLOSED', 'speech service is not started');
    return this.scheduler;
  }
}
