import { z } from 'zod';

const ms = (min: number, max: number, fallback: number): z.ZodDefault<z.ZodNumber> => z.number().int().min(min).max(max).default(fallback);

/** The audio front end: segmenter timings, VAD and the hub-side wake phrase (issue 4). */
export const audioSection = z
  .strictObject({
    /** Silence after the last voiced frame that ends an utterance, ms. */
    hangoverMs: ms(30, 5000, 300),
    /**
     * A command pausing this long is decoded at once; if the grammar hears a complete command that no longer
     * one starts with, it ends there instead of after `hangoverMs`, ms (0 turns it off).
     */
    earlyEndPauseMs: ms(0, 5000, 120),
    /** Audio kept before the start of speech or the trigger, ms. */
    preRollMs: ms(0, 2000, 300),
    /** Longest command utterance, ms. */
    maxCommandMs: ms(500, 120_000, 15_000),
    /** A trigger with no speech after it for this long ends the run as `no-speech`, ms. */
    noSpeechTimeoutMs: ms(100, 60_000, 4000),
    /** Voice activity detector after the denoiser. */
    // hybrid by the numbers (bench vad.silero, test half): Silero takes a background talker for speech (babble 10 dB
    // frame accuracy 0.53 against 0.62) and ties elsewhere; `silero` (or `auto`: Silero when pulled) is the lean
    // lane for many always-on streams, where RNNoise on every frame costs too much.
    vad: z.enum(['auto', 'silero', 'hybrid', 'rnnoise', 'energy']).default('hybrid'),
    /** Hub-side wake phrase; off leaves PTT, buttons and device wake. */
    wake: z.boolean().default(true),
    /**
     * `auto`: openWakeWord when its model is pulled (`jarvis models pull hey-jarvis`, CC BY-NC-SA 4.0) and the
     * phrase is "hey jarvis", else templates enrolled with espeak-ng; or name one.
     */
    wakeEngine: z.enum(['auto', 'openwakeword', 'enrolled']).default('auto'),
    /** openWakeWord: score that counts (its default 0.5), 80 ms scores in a row over it, and the pause before the next wake, ms. */
    wakeThreshold: z.number().gt(0).lt(1).default(0.5),
    wakeTriggerLevel: z.number().int().min(1).max(10).default(1),
    wakeRefractoryMs: ms(0, 60_000, 2000),
    /**
     * openWakeWord's second stage: a small classifier head trained on openWakeWord's frozen 16 × 96 embeddings
     * (version 2: asked from the wake model's `askAt` score and then deciding alone; version 1 files, a logistic
     * regression over a step the wake model passed, still load). It wakes on more voices and turns down near
     * misses and "jarvis" said as a name. Used whenever `npm run wake:verifier` has
     * trained one beside the wake model (models/hey-jarvis/hey-jarvis-verifier.json; none is shipped: weights are
     * model data); on by the numbers of bench wake.oww_hit / wake.oww_fa (hub/src/audio/wake/README.md).
     */
    wakeVerifier: z.boolean().default(true),
    /** Energy pre-gate of the trained models, dB over each device's noise floor (0 = off). */
    preGateDb: z.number().min(0).max(40).default(6),
    wakePhrase: z.string().trim().min(2).max(60).default('hey jarvis'),
    /** Devices hearing the same wake phrase within this window compete; the best keeps the command, ms. */
    arbitrationWindowMs: ms(0, 2000, 150),
  })
  .prefault({});

/** The whisper model the hub uses unless `stt.whisperModel` says otherwise (and `jarvis transcribe`'s default). */
export const DEFAULT_WHISPER_MODEL = 'tiny.en';

/** Speech to text: which engines transcribe commands and passive speech, and their model files (issue 5). */
export const sttSection = z
  .strictObject({
    /** Commands: `auto` races the grammar recogniser and whisper; `whisper` runs whisper alone (benchmarks, no grammar). */
    engine: z.enum(['auto', 'whisper']).default('auto'),
    /** Catalogue name of the whisper model (`jarvis models pull NAME`). */
    whisperModel: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'a catalogue name such as tiny.en').default(DEFAULT_WHISPER_MODEL),
    /** A ggml file to use instead of the catalogue model in `$JARVIS_DATA_DIR/models`. */
    whisperPath: z.string().min(1).optional(),
    /**
     * whisper.cpp threads per pass. 1 on the 2-core target: a pass shares the CPU with the front end's real-time
     * VAD and wake (and, at a pause, with the rest of the command being heard), and 2 threads that wait on each other
     * lost every measured block to 1 (`JARVIS_BENCH_HOTPATH_SET=whisper JARVIS_BENCH_HOTPATH_WHISPER_THREADS=2,1
     * JARVIS_BENCH_HOTPATH_PREPASS=on,off npx tsx bench/run.ts hotpath.`, issue 17 note). More cores: raise it.
     */
    threads: z.number().int().min(1).max(64).default(1),
    /**
     * Engine `whisper`: start the command's whisper pass at its first pause (`audio.earlyEndPauseMs`) instead of after
     * the full hangover, and use it when nothing more was said (else it is cancelled and whisper runs again).
     */
    prePass: z.boolean().default(true),
    /** A grammar result at least this confident answers a command without waiting for whisper. */
    minGrammarConfidence: z.number().min(0).max(1).default(0.5),
    /**
     * Decode a command with the grammar while it is spoken, so only its tail is left at the pause (issue 14's hot path:
     * hub/src/voice/README.md). A streamed answer stands only where the hearing policy would act on it without asking;
     * otherwise the command is decoded whole, begun at the end of speech beside the stream's last piece. False: every
     * command is decoded whole after its pause (and the engine keeps no stream decoders).
     */
    streamCommands: z.boolean().default(true),
    /**
     * What the grammar recogniser hears of a command: `raw` (the audio as the device sent it), `denoised` (RNNoise's
     * output of it, from a fresh RNNoise state at the command's start, streamed or whole alike), or `auto`: denoised when
     * an acoustic model adapted to the household is active, raw with CMU's own (each chosen on the TUNE half of the
     * voice split with that model: hub/src/stt/README.md). Whisper and the hearing policy's SNR always take the raw audio.
     */
    commandAudio: z.enum(['auto', 'raw', 'denoised']).default('auto'),
    /** Transcribe passive speech for the observer. */
    passive: z.boolean().default(true),
  })
  .prefault({});

/** The local LLM: router tier 1 and the observer's to-do review (node-llama-cpp, CPU). */
export const llmSection = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Catalogue name of the GGUF (`jarvis models pull NAME`). */
    model: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'a catalogue name').default('qwen2.5-0.5b-instruct-q4_k_m'),
    /** A GGUF file to use instead of the catalogue model in `$JARVIS_DATA_DIR/models`. */
    path: z.string().min(1).optional(),
    threads: z.number().int().min(1).max(64).default(1),
    /** Time budget of one tier-1 decision, ms; past it the command falls through. */
    tier1BudgetMs: ms(50, 30_000, 1500),
  })
  .prefault({});
