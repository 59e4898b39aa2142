import { existsSync } from 'node:fs';
import { loadWhisperAddon, nativeCode, type NativeModel, type NativePassResult, type NativePassStages, type NativeSegment, type NativeSpan, type WhisperAddon } from './addon.js';
import { WhisperError } from './errors.js';

/** whisper's input rate: mono float PCM at 16 kHz. */
export const WHISPER_SAMPLE_RATE = 16_000;
/** whisper's encoder window: one pass covers at most 30 s of audio. */
export const WHISPER_WINDOW_SECONDS = 30;
/** Encoder frames of a full 30 s window (`audioCtx` 0 or 1500 decodes all of it). */
export const WHISPER_FULL_AUDIO_CTX = 1500;

/** whisper.cpp's own voice activity detection (Silero, ggml) before a pass: only speech is decoded. */
export interface WhisperVadParams {
  /** whisper.cpp's ggml Silero VAD model file (`ggml-silero-v6.2.0.bin`). */
  modelPath: string;
  /** Speech probability threshold, 0..1; default 0.5. */
  threshold?: number;
  /** Shortest speech span kept, ms; default 250. */
  minSpeechMs?: number;
  /** Silence that ends a span, ms; default 100. */
  minSilenceMs?: number;
  /** Padding added around each span, ms; default 30. */
  speechPadMs?: number;
}

/** Settings of one pass; defaults are the hub's (greedy, temperature 0, no carried context, 2 threads). */
export interface WhisperParams {
  /** ISO 639-1 code, or `auto` to detect (multilingual models only); default `en`. */
  language?: string;
  /** CPU threads of this pass; default 2 (the hub's target is a 2-core CPU). */
  threads?: number;
  /** whisper's initial prompt: spelling of names, or the previous chunk's text for continuity. */
  prompt?: string | undefined;
  /** Encoder frames to use (50 per second of audio, ≤ 1500); 0 = the full 30 s window. */
  audioCtx?: number;
  /** One segment for the whole pass instead of whisper's own segmentation. */
  singleSegment?: boolean;
  /** No timestamp tokens (slightly faster; segment times then span the whole window). */
  noTimestamps?: boolean;
  /** Sampling temperature; default 0 (greedy, deterministic). */
  temperature?: number;
  /** Temperature step on fallback; default 0 (no fallback re-decodes). */
  temperatureIncrement?: number;
  /** Stop a segment after this many tokens; 0 = no limit. */
  maxTokens?: number;
  /**
   * A GBNF grammar the text must follow (whisper.cpp's grammar-constrained sampling): tokens the grammar
   * cannot continue with lose `grammarPenalty` from their logit. Checked before the pass (BAD_GRAMMAR).
   */
  grammar?: string | undefined;
  /** The grammar's start rule; default `root`. */
  grammarRoot?: string;
  /** Logit penalty of tokens outside the grammar; default 100 (effectively forbidden). */
  grammarPenalty?: number;
  /** Run whisper.cpp's VAD first and decode only the speech it finds. */
  vad?: WhisperVadParams | undefined;
}

/** A timed piece of a transcript, in ms from the start of the audio passed in. */
export interface WhisperSegment {
  startMs: number;
  endMs: number;
  /** whisper's text as is (leading space, bracketed tags); callers clean it for their use. */
  text: string;
  /** Mean token probability, 0..1. */
  confidence: number;
  /** whisper's no-speech probability for the window, 0..1. */
  noSpeechProb: number;
}

/** The full result of {@link WhisperModel.pass}. */
export interface WhisperPassResult {
  segments: WhisperSegment[];
  /** Speech spans whisper's VAD found (only with `vad`); empty means it heard no speech and decoded nothing. */
  vadSpans?: NativeSpan[];
  /** Time inside whisper.cpp, ms. */
  nativeMs: number;
  /** Where that time went: the encoder's start, the first sampled token, the prompt's length in tokens. */
  stages: NativePassStages;
}

/** Options of {@link WhisperModel.transcribe}. */
export interface WhisperPassOptions {
  /** Called with each segment as whisper.cpp finishes it (before the pass resolves). */
  onSegment?: (segment: WhisperSegment) => void;
  /**
   * Cancels the pass: it stops at whisper.cpp's next check (before the encoder, after it, or after a
   * decoder step) and rejects with JARVIS_WHISPER_CANCELLED.
   */
  signal?: AbortSignal;
}

function checkAudio(pcm: unknown): asserts pcm is Float32Array {
  if (!(pcm instanceof Float32Array)) throw new WhisperError('JARVIS_WHISPER_BAD_AUDIO', `audio must be a Float32Array, got ${pcm === null ? 'null' : typeof pcm}`);
  if (pcm.length === 0) throw new WhisperError('JARVIS_WHISPER_BAD_AUDIO', 'audio is empty');
  for (let i = 0; i < pcm.length; i++) {
    if (!Number.isFinite(pcm[i])) throw new WhisperError('JARVIS_WHISPER_BAD_AUDIO', `sample ${i} is ${pcm[i]}`);
  }
}

export function intIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new WhisperError('JARVIS_WHISPER_BAD_PARAMS', `${name} must be an integer ${min}..${max}, got ${value}`);
  return value;
}

export function numberIn(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw new WhisperError('JARVIS_WHISPER_BAD_PARAMS', `${name} must be a number ${min}..${max}, got ${value}`);
  return value;
}

function boolOf(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new WhisperError('JARVIS_WHISPER_BAD_PARAMS', `${name} must be a boolean, got ${typeof value}`);
  return value;
}

/** Checks GBNF text with the binding's parser; throws JARVIS_WHISPER_BAD_GRAMMAR with line:column. Returns the rule count. */
export function checkWhisperGrammar(text: string, root = 'root', addon: WhisperAddon = loadWhisperAddon()): number {
  if (typeof text !== 'string' || text.trim() === '') throw new WhisperError('JARVIS_WHISPER_BAD_GRAMMAR', 'grammar must be non-empty GBNF text');
  if (typeof root !== 'string' || !/^[A-Za-z0-9_-]+$/.test(root)) throw new WhisperError('JARVIS_WHISPER_BAD_GRAMMAR', `start rule must be a rule name, got ${JSON.stringify(root)}`);
  try {
    return addon.checkGrammar(text, root);
  } catch (err) {
    throw new WhisperError('JARVIS_WHISPER_BAD_GRAMMAR', (err as Error).message, { cause: err });
  }
}

/**
 * The binding reads fields by type only, so everything is range-checked and converted here, once, with
 * the caller's names in the messages.
 */
function nativeParams(p: WhisperParams, addon: WhisperAddon): Record<string, unknown> {
  if (p === null || typeof p !== 'object') throw new WhisperError('JARVIS_WHISPER_BAD_PARAMS', 'params must be an object');
  const language = p.language ?? 'en';
  if (typeof language !== 'string' || !/^(auto|[a-z]{2,3})$/.test(language)) throw new WhisperError('JARVIS_WHISPER_BAD_PARAMS', `language must be "auto" or a 2–3 letter code, got ${JSON.stringify(language)}`);
  if (p.prompt !== undefined && typeof p.prompt !== 'string') throw new WhisperError('JARVIS_WHISPER_BAD_PARAMS', 'prompt must be a string');
  const out: Record<string, unknown> = {
    language,
    threads: intIn('threads', p.threads ?? 2, 1, 256),
    audioCtx: intIn('audioCtx', p.audioCtx ?? 0, 0, WHISPER_FULL_AUDIO_CTX),
    singleSegment: boolOf('singleSegment', p.singleSegment, false),
    noTimestamps: boolOf('noTimestamps', p.noTimestamps, false),
    temperature: numberIn('temperature', p.temperature ?? 0, 0, 1),
    temperatureIncrement: numberIn('temperatureIncrement', p.temperatureIncrement ?? 0, 0, 1),
    maxTokens: intIn('maxTokens', p.maxTokens ?? 0, 0, 100_000),
    noContext: true,
    suppressBlank: true,
    suppressNonSpeech: true,
  };
  if (p.prompt) out['prompt'] = p.prompt;
  if (p.grammar !== undefined) {
    const root = p.grammarRoot ?? 'root';
    checkWhisperGrammar(p.grammar, root, addon);
    out['grammar'] = p.grammar;
    out['grammarRoot'] = root;
    out['grammarPenalty'] = numberIn('grammarPenalty', p.grammarPenalty ?? 100, 0, 1e6);
  } else if (p.grammarRoot !== undefined || p.grammarPenalty !== undefined) {
    throw new WhisperError('JARVIS_WHISPER_BAD_PARAMS', 'grammarRoot and grammarPenalty need a grammar');
  }
  if (p.vad !== undefined) {
    const v = p.vad;
    if (v === null || typeof v !== 'object' || typeof v.modelPath !== 'string' || v.modelPath === '') throw new WhisperError('JARVIS_WHISPER_BAD_PARAMS', 'vad.modelPath must name the Silero ggml model file');
    if (!existsSync(v.modelPath)) throw new WhisperError('JARVIS_WHISPER_MODEL_MISSING', `VAD model ${v.modelPath} does not exist`);
    out['vadModelPath'] = v.modelPath;
    out['vadThreshold'] = numberIn('vad.threshold', v.threshold ?? 0.5, 0, 1);
    out['vadMinSpeechMs'] = intIn('vad.minSpeechMs', v.minSpeechMs ?? 250, 0, 60_000);
    out['vadMinSilenceMs'] = intIn('vad.minSilenceMs', v.minSilenceMs ?? 100, 0, 60_000);
    out['vadSpeechPadMs'] = intIn('vad.speechPadMs', v.speechPadMs ?? 30, 0, 10_000);
  }
  return out;
}

const toSegment = (s: NativeSegment): WhisperSegment => ({ startMs: s.startMs, endMs: s.endMs, text: s.text, confidence: s.confidence, noSpeechProb: s.noSpeechProb });

/**
 * A loaded whisper.cpp model. Loading, each pass and freeing run on the libuv thread pool, never on the
 * event loop. Passes may overlap (each takes a whisper state from the model's pool, so a pass reuses the
 * buffers of an earlier one); `free()` waits for running passes, and the native side keeps the model alive
 * until the last pass using it ends anyway.
 */
export class WhisperModel {
  private inFlight = new Set<Promise<unknown>>();
  private freeing: Promise<void> | undefined;

  private constructor(
    /** The ggml file this model was loaded from. */
    readonly path: string,
    private readonly addon: WhisperAddon,
    private readonly native: NativeModel,
  ) {}

  /**
   * Loads a ggml whisper model. The binding checks the file's layout before whisper.cpp reads it, so a
   * corrupt or foreign file is JARVIS_WHISPER_MODEL_BAD (saying what and at which byte), never a crash.
   * Throws JARVIS_WHISPER_MODEL_MISSING, _MODEL_BAD or _NATIVE_MISSING.
   */
  static async load(path: string, options: { flashAttn?: boolean } = {}): Promise<WhisperModel> {
    if (typeof path !== 'string' || path === '' || !existsSync(path)) throw new WhisperError('JARVIS_WHISPER_MODEL_MISSING', `whisper model ${String(path)} does not exist`);
    const addon = loadWhisperAddon();
    let native: NativeModel;
    try {
      native = await addon.loadModel(path, { flashAttn: options.flashAttn ?? true });
    } catch (err) {
      throw new WhisperError('JARVIS_WHISPER_MODEL_BAD', `whisper.cpp cannot use ${(err as Error).message}`, { cause: err });
    }
    return new WhisperModel(path, addon, native);
  }

  /** True once `free()` was called. */
  get freed(): boolean {
    return this.freeing !== undefined;
  }

  /** One whisper pass over `pcm` (16 kHz mono; whisper decodes at most the first 30 s per window). */
  async transcribe(pcm: Float32Array, params: WhisperParams = {}, options: WhisperPassOptions = {}): Promise<WhisperSegment[]> {
    return (await this.pass(pcm, params, options)).segments;
  }

  /** {@link transcribe} with the VAD spans and whisper.cpp's own time. */
  pass(pcm: Float32Array, params: WhisperParams = {}, options: WhisperPassOptions = {}): Promise<WhisperPassResult> {
    if (this.freeing) return Promise.reject(new WhisperError('JARVIS_WHISPER_FREED', `model ${this.path} was freed`));
    let native: Record<string, unknown>;
    try {
      checkAudio(pcm);
      native = nativeParams(params, this.addon);
    } catch (err) {
      return Promise.reject(err);
    }
    const { onSegment, signal } = options;
    if (signal?.aborted) return Promise.reject(new WhisperError('JARVIS_WHISPER_CANCELLED', 'the pass was cancelled before it started', { cause: signal.reason }));
    // The binding polls element 0 from its worker thread; the abort listener raises it.
    const cancel = new Int32Array(1);
    const raise = (): void => void Atomics.store(cancel, 0, 1);
    signal?.addEventListener('abort', raise, { once: true });
    const pass = (async (): Promise<WhisperPassResult> => {
      let out: NativePassResult;
      try {
        out = await this.native.transcribe(pcm, native, onSegment ? (s) => onSegment(toSegment(s)) : undefined, cancel);
      } catch (err) {
        const code = nativeCode(err) === 'FREED' ? 'JARVIS_WHISPER_FREED' : nativeCode(err) === 'BAD_GRAMMAR' ? 'JARVIS_WHISPER_BAD_GRAMMAR' : 'JARVIS_WHISPER_DECODE_FAILED';
        throw new WhisperError(code, (err as Error).message, { cause: err });
      } finally {
        signal?.removeEventListener('abort', raise);
      }
      if (out.aborted) throw new WhisperError('JARVIS_WHISPER_CANCELLED', `the pass was cancelled after ${Math.round(out.ms)} ms`, { cause: signal?.reason });
      return { segments: out.segments.map(toSegment), nativeMs: out.ms, stages: out.stages, ...(out.vadSegments ? { vadSpans: out.vadSegments } : {}) };
    })();
    this.inFlight.add(pass);
    const forget = (): void => void this.inFlight.delete(pass);
    pass.then(forget, forget);
    return pass;
  }

  /** Frees the model once every running pass has finished; safe to call twice. */
  free(): Promise<void> {
    this.freeing ??= Promise.allSettled([...this.inFlight]).then(() => this.native.free());
    return this.freeing;
  }
}
