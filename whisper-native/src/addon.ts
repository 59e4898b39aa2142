import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { WhisperError } from './errors.js';

/** One segment as the binding returns it: times in ms from the start of the audio passed in. */
export interface NativeSegment {
  startMs: number;
  endMs: number;
  text: string;
  /** Mean probability of the segment's text tokens, 0..1. */
  confidence: number;
  /** whisper's no-speech probability for the window the segment came from. */
  noSpeechProb: number;
}

/** A speech span found by whisper.cpp's VAD, in ms of the audio passed in. */
export interface NativeSpan {
  startMs: number;
  endMs: number;
}

/** What one native pass returns. */
export interface NativePassResult {
  segments: NativeSegment[];
  /** True when the cancel flag stopped the pass (the segments are then empty). */
  aborted: boolean;
  /** Time inside whisper.cpp, ms (excludes queueing on the libuv pool). */
  ms: number;
  /** Speech spans whisper's VAD kept (only when the pass used VAD). */
  vadSegments?: NativeSpan[];
  /** Where the pass's time went. */
  stages: NativePassStages;
}

/** Timings inside one pass, in ms from its start inside whisper.cpp (-1: never reached). */
export interface NativePassStages {
  /** Encoder windows run (one per 30 s of audio unless whisper seeks back). */
  encodes: number;
  /** Tokens sampled (decoder steps after the prompt). */
  sampled: number;
  /** Tokens of the initial prompt, all decoded in one batch before the first token. */
  promptTokens: number;
  /** The first encoder window starts (the log-mel spectrogram is done). */
  encodeBeginMs: number;
  /** The first token is sampled (the encoder and the prompt's decode are done). */
  firstTokenMs: number;
}

/** The binding's model (native/src/addon.cc `NativeModel`); errors carry `code` MODEL_BAD, DECODE_FAILED, BAD_GRAMMAR, FREED. */
export interface NativeModel {
  readonly freed: boolean;
  transcribe(pcm: Float32Array, params: Record<string, unknown>, onSegment?: (s: NativeSegment) => void, cancel?: Int32Array): Promise<NativePassResult>;
  free(): Promise<void>;
}

/** The binding's VAD model (whisper.cpp's Silero ggml). */
export interface NativeVad {
  readonly freed: boolean;
  detect(pcm: Float32Array, params: Record<string, unknown>): Promise<{ segments: NativeSpan[]; ms: number }>;
  free(): Promise<void>;
}

/** The raw binding compiled by `native/build.mjs`. Prefer {@link WhisperModel} and {@link WhisperVad}. */
export interface WhisperAddon {
  loadModel(path: string, options?: { flashAttn?: boolean }): Promise<NativeModel>;
  loadVad(path: string, options?: { threads?: number }): Promise<NativeVad>;
  /** Parses GBNF; returns the number of rules (generated ones included) or throws `code` BAD_GRAMMAR. */
  checkGrammar(text: string, root?: string): number;
  systemInfo(): { whisperVersion: string; systemInfo: string };
}

const require = createRequire(import.meta.url);
let cached: WhisperAddon | undefined;

/** Where the compiled addon lives (the same relative path from `src/` and `dist/`). */
export function whisperAddonPath(): string {
  return fileURLToPath(new URL('../native/build/Release/jarvis_whisper.node', import.meta.url));
}

/** Loads the addon once; throws JARVIS_WHISPER_NATIVE_MISSING naming the command that builds it. */
export function loadWhisperAddon(): WhisperAddon {
  if (cached) return cached;
  const path = whisperAddonPath();
  if (!existsSync(path)) {
    throw new WhisperError('JARVIS_WHISPER_NATIVE_MISSING', `the whisper addon is not built (${path}); run \`npm rebuild -w @jarvis/whisper\` or \`node whisper-native/native/build.mjs\``);
  }
  try {
    cached = require(path) as WhisperAddon;
    return cached;
  } catch (err) {
    throw new WhisperError('JARVIS_WHISPER_NATIVE_MISSING', `the whisper addon at ${path} does not load: ${(err as Error).message}`, { cause: err });
  }
}

/** The native error's `code` (MODEL_BAD, DECODE_FAILED, BAD_GRAMMAR, FREED), if it has one. */
export function nativeCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
