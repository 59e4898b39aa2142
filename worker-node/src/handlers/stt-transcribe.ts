import { existsSync, readdirSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { WHISPER_SAMPLE_RATE, WHISPER_WINDOW_SECONDS, WhisperError, WhisperModel } from '@jarvis/whisper';
import { z } from 'zod';
import { WorkerError } from '../errors.js';
import type { TaskContext, TaskHandler } from '../task-handler.js';
import { meanSquare, planChunks } from './stt-chunks.js';
import { decodeWav, resampleMono } from './stt-wav.js';

/** The largest WAV accepted inline, in base64 characters: the hub's queue takes payloads up to 1 MB (about 23 s of 16 kHz audio); longer recordings go by path. */
export const MAX_WAV_BASE64_CHARS = 1_000_000;
/** The largest WAV file accepted by path (about 9 hours of 16 kHz 16-bit mono). */
export const MAX_WAV_FILE_BYTES = 1024 * 1024 * 1024;

const audioSchema = z
  .strictObject({
    wavBase64: z.string().min(1).max(MAX_WAV_BASE64_CHARS).optional(),
    path: z.string().min(1).max(4096).optional(),
  })
  .refine((a) => (a.wavBase64 === undefined) !== (a.path === undefined), 'exactly one of wavBase64 or path');

/** The payload of an `stt.transcribe` task. */
export const sttTranscribePayloadSchema = z.strictObject({
  /** The recording: a WAV inline, or the path of a WAV inside the worker's audio directory (`--audio-dir`). */
  audio: audioSchema,
  /** A ggml whisper file name inside the worker's models directory; default the worker's default model. */
  model: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.bin$/, 'a plain .bin file name inside the models directory').optional(),
  /** Spoken language (ISO 639-1) or `auto`; English-only (`.en`) models need `en`. */
  language: z.string().regex(/^(auto|[a-z]{2,3})$/, '"auto" or a 2–3 letter lower-case language code').default('en'),
  /** Names and spellings to prime whisper with (its initial prompt). */
  prompt: z.string().max(1000).optional(),
  /** Longest chunk one whisper pass decodes; whisper's window is 30 s. */
  chunkSeconds: z.number().min(5).max(WHISPER_WINDOW_SECONDS).default(WHISPER_WINDOW_SECONDS),
});

/** A parsed `stt.transcribe` payload. */
export type SttTranscribePayload = z.infer<typeof sttTranscribePayloadSchema>;

/** A timed piece of the transcript, ms from the start of the recording. */
export interface SttSegment {
  startMs: number;
  endMs: number;
  text: string;
}

/** What an `stt.transcribe` task returns. */
export interface SttTranscribeResult {
  text: string;
  segments: SttSegment[];
  /** Length of the recording. */
  durationMs: number;
  /** Wall time of the task: reading, resampling and every whisper pass (a model load is in `loadMs`). */
  ms: number;
  /** Time spent loading the model for this task; 0 when it was already loaded. */
  loadMs: number;
  model: string;
  language: string;
  /** Chunks the recording was cut into, and how many of them were silent and not decoded. */
  chunks: number;
  silentChunks: number;
}

/** Progress of one task, reported after each chunk. */
export interface SttProgress {
  taskId: string;
  /** Chunks done so far (1-based after the first). */
  chunk: number;
  chunks: number;
  /** Audio transcribed so far, and in all. */
  doneMs: number;
  durationMs: number;
}

/** Settings of {@link createSttTranscribeHandler}. */
export interface SttTranscribeOptions {
  /** Where ggml whisper models live (`jarvis-worker run --models-dir`). */
  modelsDir?: string | undefined;
  /** The only directory `audio.path` may point into (`--audio-dir`, default `<state dir>/audio`). */
  audioDir?: string | undefined;
  /** File used when a payload names none; default the first `ggml*.bin` in the models directory by name. */
  defaultModel?: string;
  /** CPU threads per pass; default this machine's cores, at most 8. */
  threads?: number;
  /** Called after each chunk (the worker logs it). */
  onProgress?: (progress: SttProgress) => void;
}

/** The `stt.transcribe` handler plus a way to free the loaded model when the worker stops. */
export interface SttTranscribeHandler extends TaskHandler {
  dispose(): Promise<void>;
}

/** A chunk quieter than this mean square (about -66 dBFS) is silence: whisper would only invent words. */
const SILENCE_MEAN_SQUARE = 2.5e-7;
/** whisper refuses passes under one second; shorter chunks get a silent tail. */
const MIN_PASS_SAMPLES = WHISPER_SAMPLE_RATE + 1600;

const cancelled = (message: string): WorkerError => new WorkerError('JARVIS_WORKER_CANCELLED', message, false);

/** The encoder window for `samples`: the audio plus ~1.3 s, in 64-frame steps (as the hub's engine). */
function audioCtxFor(samples: number): number {
  const frames = Math.ceil((samples / WHISPER_SAMPLE_RATE) * 50) + 64;
  return Math.min(1500, Math.max(128, Math.ceil(frames / 64) * 64));
}

/** whisper marks non-speech with whole-segment tags like `[BLANK_AUDIO]` or `(music)`; they are not words. */
function cleanText(text: string): string {
  const t = text.trim();
  return /^(\[[^\]]*\]|\([^)]*\)|\*[^*]*\*)$/.test(t) ? '' : t;
}

function workerErrorOf(err: unknown, fallback: 'JARVIS_WORKER_HANDLER_ERROR'): WorkerError {
  if (err instanceof WorkerError) return err;
  if (err instanceof WhisperError) {
    if (err.code === 'JARVIS_WHISPER_NATIVE_MISSING') return new WorkerError('JARVIS_WORKER_ENGINE_MISSING', err.message, false);
    if (err.code === 'JARVIS_WHISPER_MODEL_MISSING') return new WorkerError('JARVIS_WORKER_MODEL_MISSING', err.message, false);
    if (err.code === 'JARVIS_WHISPER_MODEL_BAD') return new WorkerError('JARVIS_WORKER_MODEL_BAD', err.message, false);
    if (err.code === 'JARVIS_WHISPER_BAD_PARAMS') return new WorkerError('JARVIS_WORKER_BAD_PAYLOAD', err.message, false);
  }
  return new WorkerError(fallback, (err as Error).message ?? String(err), true);
}

/**
 * Builds the `stt.transcribe` handler: a WAV (inline or from the audio directory) is decoded, mixed to
 * mono and resampled to 16 kHz, cut into chunks of at most `chunkSeconds` at quiet places, and each chunk
 * goes through whisper.cpp (@jarvis/whisper, off the event loop) with the previous chunk's words as
 * context. Progress is reported after each chunk; the task's AbortSignal stops it between chunks. One
 * model stays loaded while tasks name the same file; tasks run one at a time.
 */
export function createSttTranscribeHandler(options: SttTranscribeOptions = {}): SttTranscribeHandler {
  let loaded: { file: string; model: WhisperModel } | undefined;
  let tail: Promise<void> = Promise.resolve();

  /** Waits for the previous task to finish, or throws at once when this one is cancelled while waiting. */
  const acquire = async (signal: AbortSignal): Promise<() => void> => {
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const previous = tail;
    tail = previous.then(() => mine);
    if (signal.aborted) {
      release();
      throw cancelled('stt.transcribe was cancelled before it started');
    }
    let onAbort: (() => void) | undefined;
    try {
      await Promise.race([
        previous,
        new Promise<never>((_, reject) => {
          onAbort = () => reject(cancelled('stt.transcribe was cancelled while waiting for the transcription before it'));
          signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } catch (err) {
      release();
      throw err;
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
    return release;
  };

  const resolveModel = (requested: string | undefined): { file: string; path: string } => {
    const dir = options.modelsDir;
    if (!dir) throw new WorkerError('JARVIS_WORKER_MODEL_MISSING', 'stt.transcribe needs a models directory: start the worker with --models-dir DIR holding a ggml whisper model (`jarvis models pull base.en` on the hub fetches one)', false);
    let file = requested ?? options.defaultModel;
    if (!file) {
      const found = existsSync(dir) ? readdirSync(dir).filter((f) => /ggml.*\.bin$/.test(f)).sort() : [];
      file = found[0];
      if (!file) throw new WorkerError('JARVIS_WORKER_MODEL_MISSING', `no ggml whisper model (ggml*.bin) in ${dir}; copy one there (the hub's \`jarvis models pull base.en\` fetches one)`, false);
    }
    const path = join(dir, file);
    if (!existsSync(path)) throw new WorkerError('JARVIS_WORKER_MODEL_MISSING', `whisper model ${file} is not in ${dir}`, false);
    return { file, path };
  };

  const modelFor = async (file: string, path: string): Promise<{ model: WhisperModel; loadMs: number }> => {
    if (loaded?.file === file) return { model: loaded.model, loadMs: 0 };
    const t0 = performance.now();
    const previous = loaded;
    loaded = undefined;
    await previous?.model.free();
    try {
      loaded = { file, model: await WhisperModel.load(path) };
    } catch (err) {
      throw workerErrorOf(err, 'JARVIS_WORKER_HANDLER_ERROR');
    }
    return { model: loaded.model, loadMs: Math.round(performance.now() - t0) };
  };

  const readAudio = async (audio: SttTranscribePayload['audio']): Promise<Uint8Array> => {
    if (audio.wavBase64 !== undefined) {
      const text = audio.wavBase64.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw new WorkerError('JARVIS_WORKER_BAD_PAYLOAD', 'stt.transcribe payload audio.wavBase64: not base64', false);
      return Buffer.from(text, 'base64');
    }
    const dir = options.audioDir;
    if (!dir) throw new WorkerError('JARVIS_WORKER_PATH_DENIED', 'stt.transcribe payload audio.path: this worker has no audio directory (--audio-dir); send the WAV as audio.wavBase64', false);
    const requested = resolve(dir, audio.path!);
    let real: string;
    let realDir: string;
    try {
      realDir = await realpath(dir);
      real = await realpath(requested);
    } catch {
      throw new WorkerError('JARVIS_WORKER_AUDIO_NOT_FOUND', `stt.transcribe payload audio.path: ${audio.path} does not exist in the audio directory ${dir}`, false);
    }
    // Compared after resolving symlinks, so a link inside the directory cannot reach a file outside it.
    const rel = relative(realDir, real);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new WorkerError('JARVIS_WORKER_PATH_DENIED', `stt.transcribe payload audio.path: ${audio.path} is outside the audio directory ${dir}`, false);
    const info = await stat(real);
    if (!info.isFile()) throw new WorkerError('JARVIS_WORKER_AUDIO_NOT_FOUND', `stt.transcribe payload audio.path: ${audio.path} is not a file`, false);
    if (info.size > MAX_WAV_FILE_BYTES) throw new WorkerError('JARVIS_WORKER_BAD_AUDIO', `${audio.path} is ${info.size} bytes; at most ${MAX_WAV_FILE_BYTES} are accepted`, false);
    return readFile(real);
  };

  const run = async (ctx: TaskContext, p: SttTranscribePayload, file: string, path: string): Promise<SttTranscribeResult> => {
    const t0 = performance.now();
    const wav = decodeWav(await readAudio(p.audio));
    let pcm: Float32Array;
    try {
      pcm = await resampleMono(wav.samples, wav.sampleRate, WHISPER_SAMPLE_RATE, ctx.signal);
    } catch (err) {
      if (ctx.signal.aborted) throw cancelled('stt.transcribe was cancelled while resampling');
      throw err;
    }
    const durationMs = Math.round((wav.samples.length / wav.sampleRate) * 1000);
    const { model, loadMs } = await modelFor(file, path);
    const chunks = planChunks(pcm.length, (s, e) => meanSquare(pcm, s, e), {
      maxSamples: Math.round(p.chunkSeconds * WHISPER_SAMPLE_RATE),
      searchSamples: Math.min(2 * WHISPER_SAMPLE_RATE, Math.round(p.chunkSeconds * WHISPER_SAMPLE_RATE * 0.2)),
    });
    const threads = options.threads ?? Math.max(1, Math.min(8, availableParallelism()));
    const segments: SttSegment[] = [];
    let silentChunks = 0;
    let context = '';
    for (const [i, chunk] of chunks.entries()) {
      if (ctx.signal.aborted) throw cancelled(`stt.transcribe was cancelled after ${i} of ${chunks.length} chunks`);
      let audio = pcm.subarray(chunk.start, chunk.end);
      if (meanSquare(pcm, chunk.start, chunk.end) < SILENCE_MEAN_SQUARE) {
        silentChunks++;
      } else {
        if (audio.length < MIN_PASS_SAMPLES) {
          const padded = new Float32Array(MIN_PASS_SAMPLES);
          padded.set(audio);
          audio = padded;
        }
        // The previous chunk's last words carry whisper across the cut (spelling, sentence flow).
        const prompt = [p.prompt, context.slice(-200)].filter((s) => s).join(' ') || undefined;
        let raw;
        try {
          raw = await model.transcribe(audio, { language: p.language, threads, prompt, audioCtx: audio.length >= WHISPER_SAMPLE_RATE * 29 ? 0 : audioCtxFor(audio.length) });
        } catch (err) {
          throw workerErrorOf(err, 'JARVIS_WORKER_HANDLER_ERROR');
        }
        const offsetMs = (chunk.start / WHISPER_SAMPLE_RATE) * 1000;
        const chunkEndMs = (chunk.end / WHISPER_SAMPLE_RATE) * 1000;
        for (const s of raw) {
          const text = cleanText(s.text);
          if (text === '') continue;
          segments.push({ startMs: Math.round(offsetMs + s.startMs), endMs: Math.round(Math.min(chunkEndMs, offsetMs + s.endMs)), text });
          context = `${context} ${text}`.slice(-400);
        }
      }
      options.onProgress?.({ taskId: ctx.taskId, chunk: i + 1, chunks: chunks.length, doneMs: Math.round((chunk.end / WHISPER_SAMPLE_RATE) * 1000), durationMs });
    }
    return {
      text: segments.map((s) => s.text).join(' '),
      segments,
      durationMs,
      ms: Math.round(performance.now() - t0) - loadMs,
      loadMs,
      model: file,
      language: p.language,
      chunks: chunks.length,
      silentChunks,
    };
  };

  const handler = (async (ctx: TaskContext): Promise<SttTranscribeResult> => {
    const parsed = sttTranscribePayloadSchema.safeParse(ctx.payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new WorkerError('JARVIS_WORKER_BAD_PAYLOAD', `stt.transcribe payload ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`, false);
    }
    const { file, path } = resolveModel(parsed.data.model);
    // One transcription at a time: two whisper passes on the same cores only make both slower.
    const release = await acquire(ctx.signal);
    try {
      return await run(ctx, parsed.data, file, path);
    } finally {
      release();
    }
  }) as SttTranscribeHandler;
  handler.dispose = async () => {
    await tail;
    const previous = loaded;
    loaded = undefined;
    await previous?.model.free();
  };
  return handler;
}
