import { existsSync } from 'node:fs';
import { WhisperError, WhisperModel, whisperBuildSummary } from '@jarvis/whisper';
import { silentLogger, type Component, type Logger } from '../core/index.js';
import { assertPcm, looksLikeSpeech } from './audio.js';
import type { StreamOptions, SttEngine, Transcript, TranscribeOptions, TranscriptSegment, TranscriptStream } from './engine.js';
import { STT_SAMPLE_RATE } from './engine.js';
import { SttError, fromNativeError } from './errors.js';
import { PHANTOM_PHRASES, cleanWhisperText, isPhantom } from './hallucination.js';
import { LocalAgreement } from './local-agreement.js';
import { SerialQueue } from './serial-queue.js';

/** Options of the whisper.cpp engine. */
export interface WhisperEngineOptions {
  /** A ggml model file (`$JARVIS_DATA_DIR/models/ggml-tiny.en.bin`). */
  modelPath: string;
  /** Catalogue name of the model, for the "pull it" message when the file is missing. */
  modelName?: string;
  /** Threads per pass; the hub's target is a 2-core CPU. */
  threads?: number;
  /** Trim the encoder window to the audio (`audio_ctx`); false decodes the full 30 s window. */
  trimWindow?: boolean;
  /** Names always put in the initial prompt (entity and area names). */
  vocabulary?: readonly string[];
  phantomPhrases?: readonly string[];
  /** Re-decode interval of streaming, in milliseconds of audio. */
  streamIntervalMs?: number;
  logger?: Logger;
}

/** Encoder frames per second of audio (whisper: 1500 frames for 30 s). */
const CTX_PER_SECOND = 50;
const FULL_CTX = 1500;

/**
 * The encoder window for `samples` of audio: the audio plus about 1.3 s of margin, in steps of 64
 * frames, at least 2.5 s. Shorter windows than the audio cut words; the margin keeps the last word whole.
 */
export function audioContextFor(samples: number): number {
  const frames = Math.ceil((samples / STT_SAMPLE_RATE) * CTX_PER_SECOND) + 64;
  return Math.min(FULL_CTX, Math.max(128, Math.ceil(frames / 64) * 64));
}

/** Words of names the initial prompt holds at most (whisper itself keeps at most its last 224 tokens). */
export const PROMPT_MAX_WORDS = 80;

/**
 * The initial prompt: whisper spells names it has "seen" in the prompt the way the prompt does. Each word
 * appears once (case-insensitively, first spelling kept): "Bedroom Light" after "Bedroom" and "Desk Lamp"
 * adds nothing, "master bedroom" adds "master". Every prompt token is decoded in one batch before the first
 * word of every pass, which costs about as much per token as the encoder does per frame: the demo home's 60
 * names took 190 tokens, 2.7× the encoder's time (`stages` of the pass); as distinct words they take ~95.
 */
export function initialPrompt(names: readonly string[]): string | undefined {
  const seen = new Set<string>();
  const parts: string[] = [];
  let words = 0;
  for (const name of names) {
    const fresh = name.trim().split(/\s+/).filter((w) => {
      const key = w.toLowerCase();
      if (w === '' || seen.has(key) || words >= PROMPT_MAX_WORDS) return false;
      seen.add(key);
      words++;
      return true;
    });
    if (fresh.length > 0) parts.push(fresh.join(' '));
  }
  return parts.length === 0 ? undefined : `${parts.join(', ')}.`;
}

/** The hub's code for an error of @jarvis/whisper (the wrapper's codes are not the hub's). */
function sttErrorOf(err: unknown, fallback: 'JARVIS_STT_ENGINE_INIT' | 'JARVIS_STT_DECODE_FAILED'): SttError {
  if (!(err instanceof WhisperError)) return fromNativeError(err, fallback);
  const code = err.code === 'JARVIS_WHISPER_NATIVE_MISSING' ? 'JARVIS_STT_NATIVE_MISSING'
    : err.code === 'JARVIS_WHISPER_MODEL_MISSING' ? 'JARVIS_STT_MODEL_MISSING'
    : err.code === 'JARVIS_WHISPER_BAD_AUDIO' ? 'JARVIS_STT_BAD_AUDIO'
    : err.code === 'JARVIS_WHISPER_FREED' ? 'JARVIS_STT_ENGINE_CLOSED'
    : fallback;
  return new SttError(code, err.message.replace(/^JARVIS_WHISPER_[A-Z_]+: /, ''), { cause: err });
}

/** whisper.cpp through @jarvis/whisper (smart-whisper's binding built with AVX2/FMA/F16C), inference on the libuv pool. */
export class WhisperEngine implements SttEngine, Component {
  readonly name = 'whisper' as const;
  private model: WhisperModel | undefined;
  private readonly queue = new SerialQueue();
  private readonly log: Logger;

  constructor(private readonly options: WhisperEngineOptions) {
    this.log = options.logger ?? silentLogger();
  }

  async start(): Promise<void> {
    if (this.model) return;
    const { modelPath } = this.options;
    if (!existsSync(modelPath)) {
      const name = this.options.modelName ?? 'tiny.en';
      throw new SttError('JARVIS_STT_MODEL_MISSING', `whisper model ${modelPath} is missing; transcription is off until you run \`jarvis models pull ${name}\``);
    }
    const t0 = performance.now();
    try {
      this.model = await WhisperModel.load(modelPath);
    } catch (err) {
      throw sttErrorOf(err, 'JARVIS_STT_ENGINE_INIT');
    }
    this.log.info({ modelPath, ms: Math.round(performance.now() - t0), build: whisperBuildSummary() }, 'whisper model loaded');
  }

  async stop(): Promise<void> {
    const model = this.model;
    if (!model) return;
    this.model = undefined;
    // Let a running pass finish before freeing the context it uses.
    await this.queue.run(() => model.free());
  }

  transcribe(pcm16k: Float32Array, options: TranscribeOptions = {}): Promise<Transcript> {
    return this.transcribeWith(pcm16k, options, this.options.trimWindow ?? true);
  }

  /** One pass with an explicit window choice (the benchmark compares both). */
  async transcribeWith(pcm16k: Float32Array, options: TranscribeOptions, trimWindow: boolean): Promise<Transcript> {
    assertPcm(pcm16k);
    const queued = performance.now();
    const empty = (rejected: Transcript['rejected'], decodeMs = 0): Transcript => ({
      text: '', confidence: 0, segments: [], engine: 'whisper', rejected,
      timings: { queueMs: 0, decodeMs, totalMs: performance.now() - queued },
    });
    if (!looksLikeSpeech(pcm16k)) return empty('non-speech');
    return this.queue.run(async () => {
      options.signal?.throwIfAborted();
      const model = this.model;
      if (!model) throw new SttError('JARVIS_STT_ENGINE_CLOSED', 'whisper engine is not started');
      const started = performance.now();
      // whisper needs at least 1 s of input; pad short utterances with silence.
      const input = pcm16k.length >= STT_SAMPLE_RATE ? pcm16k : padTo(pcm16k, STT_SAMPLE_RATE + 1600);
      const prompt = initialPrompt([...(this.options.vocabulary ?? []), ...(options.vocabulary ?? [])]);
      let raw;
      try {
        raw = await model.transcribe(input, {
          language: 'en', threads: this.options.threads ?? 2, prompt, temperature: 0, temperatureIncrement: 0,
          audioCtx: trimWindow ? audioContextFor(input.length) : 0,
        }, options.signal ? { signal: options.signal } : {});
      } catch (err) {
        // A pass cut short by the caller's signal ends the way an abort before it does: with the signal's reason.
        if (options.signal?.aborted) throw options.signal.reason;
        throw sttErrorOf(err, 'JARVIS_STT_DECODE_FAILED');
      }
      const decodeMs = performance.now() - started;
      const segments: TranscriptSegment[] = raw
        .map((s) => ({ text: cleanWhisperText(s.text), startMs: s.startMs, endMs: s.endMs, confidence: s.confidence }))
        .filter((s) => s.text !== '');
      const text = segments.map((s) => s.text).join(' ').trim();
      const timings = { queueMs: started - queued, decodeMs, totalMs: performance.now() - queued };
      if (text === '') return { ...empty(undefined, decodeMs), timings };
      if (isPhantom(text, this.options.phantomPhrases ?? PHANTOM_PHRASES)) return { ...empty('phantom', decodeMs), timings };
      const confidence = segments.reduce((a, s) => a + s.confidence, 0) / segments.length;
      return { text, confidence, segments, engine: 'whisper', timings };
    });
  }

  stream(options: StreamOptions = {}): TranscriptStream {
    return new WhisperStream(this, options, this.options.streamIntervalMs ?? 500);
  }
}

function padTo(pcm: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length);
  out.set(pcm);
  return out;
}

/**
 * Re-decodes the open utterance each time another `intervalMs` of audio has arrived (never two passes at
 * once) and commits what two consecutive passes agree on; `end()` runs the final pass over everything.
 */
class WhisperStream implements TranscriptStream {
  private chunks: Float32Array[] = [];
  private length = 0;
  private lastPassAt = 0;
  private inFlight: Promise<void> | undefined;
  private readonly agreement = new LocalAgreement();
  private readonly aborter = new AbortController();
  private partialAborter: AbortController | undefined;
  private closed = false;

  constructor(private readonly engine: WhisperEngine, private readonly options: StreamOptions, private readonly intervalMs: number) {}

  push(samples: Float32Array): void {
    if (this.closed) return;
    assertPcm(samples);
    this.chunks.push(samples);
    this.length += samples.length;
    if (!this.inFlight && this.length - this.lastPassAt >= (this.intervalMs * STT_SAMPLE_RATE) / 1000) this.pass();
  }

  private audio(): Float32Array {
    const out = new Float32Array(this.length);
    let at = 0;
    for (const c of this.chunks) { out.set(c, at); at += c.length; }
    this.chunks = [out];
    return out;
  }

  private pass(): void {
    this.lastPassAt = this.length;
    const pcm = this.audio();
    const partial = new AbortController();
    this.partialAborter = partial;
    this.inFlight = this.engine
      .transcribe(pcm, { ...this.options, signal: AbortSignal.any([this.aborter.signal, partial.signal]) })
      .then((t) => {
        if (this.closed) return;
        this.agreement.update(t.text);
        this.options.onPartial?.({ committed: this.agreement.committed, tentative: this.agreement.tentative });
      })
      .catch(() => undefined) // a failed partial pass is superseded by the next one and by the final pass
      .finally(() => { this.inFlight = undefined; });
  }

  async end(): Promise<Transcript> {
    if (this.closed) throw new SttError('JARVIS_STT_ENGINE_CLOSED', 'stream already ended');
    // The final pass supersedes a partial still running: cancel it rather than wait for it (it held the
    // end of speech back by a whole pass on the hot path).
    this.partialAborter?.abort();
    await this.inFlight;
    this.closed = true;
    return this.engine.transcribe(this.audio(), this.options);
  }

  abort(): void {
    this.closed = true;
    this.chunks = [];
    this.aborter.abort();
  }
}
