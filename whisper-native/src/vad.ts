import { existsSync } from 'node:fs';
import { loadWhisperAddon, type NativeSpan, type NativeVad } from './addon.js';
import { WhisperError } from './errors.js';
import { intIn, numberIn } from './model.js';

/** Settings of {@link WhisperVad.detect}; whisper.cpp's defaults where unset. */
export interface WhisperVadDetectParams {
  /** Speech probability threshold, 0..1; default 0.5. */
  threshold?: number;
  /** Shortest speech span kept, ms; default 250. */
  minSpeechMs?: number;
  /** Silence that ends a span, ms; default 100. */
  minSilenceMs?: number;
  /** Padding added around each span, ms; default 30. */
  speechPadMs?: number;
  /** Longest span before it is split, seconds; default unlimited. */
  maxSpeechS?: number;
}

/** A speech span, in ms of the audio passed in. */
export type WhisperVadSpan = NativeSpan;

/**
 * whisper.cpp's voice activity detection on its own: the Silero VAD model in ggml form
 * (`ggml-silero-v6.2.0.bin`), run on the libuv pool. One detection at a time per instance (the model
 * carries LSTM state); calls queue natively.
 */
export class WhisperVad {
  private freeing: Promise<void> | undefined;
  private inFlight = new Set<Promise<unknown>>();

  private constructor(
    /** The ggml file this VAD model was loaded from. */
    readonly path: string,
    private readonly native: NativeVad,
  ) {}

  /** Loads the VAD model; a missing file is JARVIS_WHISPER_MODEL_MISSING, a corrupt one JARVIS_WHISPER_MODEL_BAD. */
  static async load(path: string, options: { threads?: number } = {}): Promise<WhisperVad> {
    if (typeof path !== 'string' || path === '' || !existsSync(path)) throw new WhisperError('JARVIS_WHISPER_MODEL_MISSING', `VAD model ${String(path)} does not exist`);
    const threads = intIn('threads', options.threads ?? 1, 1, 64);
    const addon = loadWhisperAddon();
    try {
      return new WhisperVad(path, await addon.loadVad(path, { threads }));
    } catch (err) {
      throw new WhisperError('JARVIS_WHISPER_MODEL_BAD', `whisper.cpp cannot use ${(err as Error).message}`, { cause: err });
    }
  }

  /** Speech spans in `pcm` (16 kHz mono). */
  async detect(pcm: Float32Array, params: WhisperVadDetectParams = {}): Promise<WhisperVadSpan[]> {
    if (this.freeing) throw new WhisperError('JARVIS_WHISPER_FREED', `VAD model ${this.path} was freed`);
    if (!(pcm instanceof Float32Array) || pcm.length === 0) throw new WhisperError('JARVIS_WHISPER_BAD_AUDIO', 'audio must be a non-empty Float32Array');
    for (let i = 0; i < pcm.length; i++) if (!Number.isFinite(pcm[i])) throw new WhisperError('JARVIS_WHISPER_BAD_AUDIO', `sample ${i} is ${pcm[i]}`);
    const native = {
      threshold: numberIn('threshold', params.threshold ?? 0.5, 0, 1),
      minSpeechMs: intIn('minSpeechMs', params.minSpeechMs ?? 250, 0, 60_000),
      minSilenceMs: intIn('minSilenceMs', params.minSilenceMs ?? 100, 0, 60_000),
      speechPadMs: intIn('speechPadMs', params.speechPadMs ?? 30, 0, 10_000),
      ...(params.maxSpeechS !== undefined ? { maxSpeechS: numberIn('maxSpeechS', params.maxSpeechS, 1, 3600) } : {}),
    };
    const run = this.native.detect(pcm, native).then(
      (r) => r.segments,
      (err: unknown) => {
        throw new WhisperError('JARVIS_WHISPER_DECODE_FAILED', (err as Error).message, { cause: err });
      },
    );
    this.inFlight.add(run);
    const forget = (): void => void this.inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  /** Frees the model once running detections end; safe to call twice. */
  free(): Promise<void> {
    this.freeing ??= Promise.allSettled([...this.inFlight]).then(() => this.native.free());
    return this.freeing;
  }
}
