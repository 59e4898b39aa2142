import { existsSync } from 'node:fs';
import { loadWhisperAddon, type NativeModel, type NativeSegment, type WhisperAddon } from './addon.js';
import { WhisperError } from './errors.js';

/** whisper's input rate: mono float PCM at 16 kHz. */
export const WHISPER_SAMPLE_RATE = 16_000;
/** whisper's encoder window: one pass covers at most 30 s of audio. */
export const WHISPER_WINDOW_SECONDS = 30;
/** Encoder frames of a full 30 s window (`audioCtx` 0 or 1500 decodes all of it). */
export const WHISPER_FULL_AUDIO_CTX = 1500;

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
  /** Sampling temperature; default 0 (greedy, deterministic). */
  temperature?: number;
  /** Temperature step on fallback; default 0 (no fallback re-decodes). */
  temperatureIncrement?: number;
  /** Stop a segment after this many tokens; 0 = no limit. */
  maxTokens?: number;
}

/** A timed piece of a transcript, in ms from the start of the audio passed in. */
export interface WhisperSegment {
  startMs: number;
  endMs: number;
  /** whisper's text as is (leading space, bracketed tags); callers clean it for their use. */
  text: string;
  /** Mean token probability, 0..1. */
  confidence: number;
}

/** Options of {@link WhisperModel.transcribe}. */
export interface WhisperPassOptions {
  /** Called with each segment as whisper.cpp finishes it (before the pass resolves). */
  onSegment?: (segment: WhisperSegment) => void;
}

function checkAudio(pcm: unknown): asserts pcm is Float32Array {
  if (!(pcm instanceof Float32Array)) throw new WhisperError('JARVIS_WHISPER_BAD_AUDIO', `audio must be a Float32Array, got ${pcm === null ? 'null' : typeof pcm}`);
  if (pcm.length === 0) throw new WhisperError('JARVIS_WHISPER_BAD_AUDIO', 'audio is empty');
  for (let i = 0; i < pcm.length; i++) {
    if (!Number.isFinite(pcm[i])) throw new WhisperError('JARVIS_WHISPER_BAD_AUDIO', `sample ${i} is ${pcm[i]}`);
  }
}

function intIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new WhisperError('JARVIS_WHISPER_BAD_PARAMS', `${name} must be an integer ${min}..${max}, got ${value}`);
  return value;
}

function numberIn(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) throw new WhisperError('JARVIS_WHISPER_BAD_PARAMS', `${name} must be a number ${min}..${max}, got ${value}`);
  return value;
}

/**
 * The binding reads every field with an unchecked cast, so a wrong type would be undefined behaviour in
 * C++: everything is checked and converted here.
 */
function nativeParams(p: WhisperParams): Record<string, unknown> {
  const language = p.language ?? 'en';
  if (typeof language !== 'string' || !/^(auto|[a-z]{2,3})$/.test(language)) throw new WhisperError('JARVIS_WHISPER_BAD_PARAMS', `language must be "auto" or a 2–3 letter code, got ${JSON.stringify(language)}`);
  if (p.prompt !== undefined && typeof p.prompt !== 'string') throw new WhisperError('JARVIS_WHISPER_BAD_PARAMS', 'prompt must be a string');
  const out: Record<string, unknown> = {
    language,
    n_threads: intIn('threads', p.threads ?? 2, 1, 256),
    strategy: 0,
    format: 'detail',
    no_context: true,
    single_segment: p.singleSegment ?? false,
    suppress_blank: true,
    suppress_non_speech_tokens: true,
    temperature: numberIn('temperature', p.temperature ?? 0, 0, 1),
    temperature_inc: numberIn('temperatureIncrement', p.temperatureIncrement ?? 0, 0, 1),
    audio_ctx: intIn('audioCtx', p.audioCtx ?? 0, 0, WHISPER_FULL_AUDIO_CTX),
    max_tokens: intIn('maxTokens', p.maxTokens ?? 0, 0, 100_000),
  };
  if (p.prompt) out['initial_prompt'] = p.prompt;
  return out;
}

const toSegment = (s: NativeSegment): WhisperSegment => ({ startMs: s.from, endMs: s.to, text: s.text, confidence: s.confidence ?? 0 });

/**
 * A loaded whisper.cpp model. Loading, each pass and freeing run on the libuv thread pool, never on the
 * event loop. Passes may overlap (each gets its own whisper state); `free()` waits for running passes,
 * since freeing the context under one would crash the process.
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

  /** Loads a ggml whisper model; throws JARVIS_WHISPER_MODEL_MISSING, _MODEL_BAD or _NATIVE_MISSING. */
  static async load(path: string, options: { gpu?: boolean } = {}): Promise<WhisperModel> {
    if (typeof path !== 'string' || path === '' || !existsSync(path)) throw new WhisperError('JARVIS_WHISPER_MODEL_MISSING', `whisper model ${String(path)} does not exist`);
    const addon = loadWhisperAddon();
    let native: NativeModel;
    try {
      native = await addon.WhisperModel.load(path, options.gpu ?? false);
    } catch (err) {
      throw new WhisperError('JARVIS_WHISPER_MODEL_BAD', `whisper.cpp could not load ${path}: ${(err as Error).message}`, { cause: err });
    }
    return new WhisperModel(path, addon, native);
  }

  /** True once `free()` was called. */
  get freed(): boolean {
    return this.freeing !== undefined;
  }

  /** One whisper pass over `pcm` (16 kHz mono; whisper decodes at most the first 30 s per window). */
  transcribe(pcm: Float32Array, params: WhisperParams = {}, options: WhisperPassOptions = {}): Promise<WhisperSegment[]> {
    if (this.freeing) return Promise.reject(new WhisperError('JARVIS_WHISPER_FREED', `model ${this.path} was freed`));
    try {
      checkAudio(pcm);
    } catch (err) {
      return Promise.reject(err);
    }
    let native: Record<string, unknown>;
    try {
      native = nativeParams(params);
    } catch (err) {
      return Promise.reject(err);
    }
    const onSegment = options.onSegment;
    const pass = new Promise<WhisperSegment[]>((resolve, reject) => {
      try {
        this.addon.transcribe(
          this.native.handle,
          pcm,
          native,
          (out) => (out instanceof Error ? reject(new WhisperError('JARVIS_WHISPER_DECODE_FAILED', out.message, { cause: out })) : resolve(out.map(toSegment))),
          (s) => onSegment?.(toSegment(s)),
        );
      } catch (err) {
        reject(new WhisperError('JARVIS_WHISPER_DECODE_FAILED', (err as Error).message, { cause: err }));
      }
    });
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
