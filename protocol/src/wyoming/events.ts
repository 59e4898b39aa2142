/**
 * Typed Wyoming events (SPEC.md §9, [WY-2.x]): builders that give the exact data members, in the
 * order and with the `null`s the reference's `Eventable.event()` writes, and readers that check the
 * members a receiver relies on. Field names follow rhasspy/wyoming `audio.py`, `asr.py`, `wake.py`,
 * `handle.py`, `info.py`, `ping.py`, `satellite.py`, `pipeline.py`, `tts.py`, `snd.py`, `error.py`.
 */
import { ProtocolError } from '../errors.js';
import type { WyomingEvent } from './framing.js';

type Data = Record<string, unknown>;
const ev = (type: string, data: Data = {}, payload?: Uint8Array): WyomingEvent =>
  payload && payload.length > 0 ? { type, data, payload } : { type, data };

function bad(event: WyomingEvent, message: string): never {
  throw new ProtocolError('JARVIS_PROTO_BAD_FIELD', `${event.type}: ${message}`);
}

function optString(event: WyomingEvent, key: string): string | undefined {
  const v = event.data[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') bad(event, `"${key}" is not a string`);
  return v;
}

function reqString(event: WyomingEvent, key: string): string {
  const v = optString(event, key);
  if (v === undefined) bad(event, `"${key}" is missing`);
  return v;
}

function optInt(event: WyomingEvent, key: string): number | undefined {
  const v = event.data[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) bad(event, `"${key}" is not a number`);
  return v;
}

function optObject(event: WyomingEvent, key: string): Data | undefined {
  const v = event.data[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) bad(event, `"${key}" is not an object`);
  return v as Data;
}

/** Event type names used by Jarvis. */
export const WyomingType = {
  DESCRIBE: 'describe',
  INFO: 'info',
  AUDIO_START: 'audio-start',
  AUDIO_CHUNK: 'audio-chunk',
  AUDIO_STOP: 'audio-stop',
  TRANSCRIBE: 'transcribe',
  TRANSCRIPT: 'transcript',
  TRANSCRIPT_START: 'transcript-start',
  TRANSCRIPT_CHUNK: 'transcript-chunk',
  TRANSCRIPT_STOP: 'transcript-stop',
  DETECT: 'detect',
  DETECTION: 'detection',
  NOT_DETECTED: 'not-detected',
  HANDLED: 'handled',
  NOT_HANDLED: 'not-handled',
  ERROR: 'error',
  PING: 'ping',
  PONG: 'pong',
  RUN_SATELLITE: 'run-satellite',
  PAUSE_SATELLITE: 'pause-satellite',
  RUN_PIPELINE: 'run-pipeline',
  VOICE_STARTED: 'voice-started',
  VOICE_STOPPED: 'voice-stopped',
  SYNTHESIZE: 'synthesize',
  PLAYED: 'played',
} as const;

// --- audio (audio.py) ----------------------------------------------------------------------------

/** PCM format of an audio stream: rate in Hz, width in bytes per sample, channels. */
export interface WyomingAudioFormat {
  rate: number;
  width: number;
  channels: number;
}

/** Sample widths and channel counts Jarvis accepts [WY-2.2]. */
export const WYOMING_AUDIO_BOUNDS = { minRate: 1000, maxRate: 384000, widths: [1, 2, 3, 4], maxChannels: 8 } as const;

function audioFormat(event: WyomingEvent): WyomingAudioFormat {
  const fmt = { rate: event.data['rate'], width: event.data['width'], channels: event.data['channels'] };
  for (const [k, v] of Object.entries(fmt)) {
    if (v === undefined || v === null) bad(event, `"${k}" is missing`);
    if (typeof v !== 'number' || !Number.isInteger(v)) bad(event, `"${k}" is not an integer`);
  }
  const f = fmt as WyomingAudioFormat;
  const b = WYOMING_AUDIO_BOUNDS;
  if (f.rate < b.minRate || f.rate > b.maxRate) bad(event, `rate ${f.rate} Hz is outside ${b.minRate}–${b.maxRate}`);
  if (!(b.widths as readonly number[]).includes(f.width)) bad(event, `width ${f.width} is not 1, 2, 3 or 4 bytes`);
  if (f.channels < 1 || f.channels > b.maxChannels) bad(event, `channels ${f.channels} is outside 1–${b.maxChannels}`);
  return f;
}

/** `audio-start {rate, width, channels, timestamp}`. */
export function audioStartEvent(format: WyomingAudioFormat, timestamp: number | null = null): WyomingEvent {
  return ev(WyomingType.AUDIO_START, { rate: format.rate, width: format.width, channels: format.channels, timestamp });
}

/** `audio-chunk {rate, width, channels, timestamp}` + PCM payload. */
export function audioChunkEvent(format: WyomingAudioFormat, audio: Uint8Array, timestamp: number | null = null): WyomingEvent {
  return ev(WyomingType.AUDIO_CHUNK, { rate: format.rate, width: format.width, channels: format.channels, timestamp }, audio);
}

/** `audio-stop {timestamp}`. */
export function audioStopEvent(timestamp: number | null = null): WyomingEvent {
  return ev(WyomingType.AUDIO_STOP, { timestamp });
}

/** Reads `audio-start`: its format and optional timestamp (ms). */
export function parseAudioStart(event: WyomingEvent): WyomingAudioFormat & { timestamp?: number } {
  const ts = optInt(event, 'timestamp');
  return { ...audioFormat(event), ...(ts !== undefined ? { timestamp: ts } : {}) };
}

/** Reads `audio-chunk`: format, audio bytes (whole frames only [WY-2.2]) and optional timestamp. */
export function parseAudioChunk(event: WyomingEvent): WyomingAudioFormat & { audio: Uint8Array; timestamp?: number } {
  const fmt = audioFormat(event);
  const audio = event.payload ?? new Uint8Array(0);
  if (audio.length % (fmt.width * fmt.channels) !== 0) {
    throw new ProtocolError(
      'JARVIS_PROTO_BAD_LENGTH',
      `audio-chunk: payload of ${audio.length} bytes is not a whole number of ${fmt.width * fmt.channels}-byte frames`,
    );
  }
  const ts = optInt(event, 'timestamp');
  return { ...fmt, audio, ...(ts !== undefined ? { timestamp: ts } : {}) };
}

// --- asr (asr.py) --------------------------------------------------------------------------------

/** Reads `transcribe {name?, language?, context?}`. */
export function parseTranscribe(event: WyomingEvent): { name?: string; language?: string; context?: Data } {
  const name = optString(event, 'name');
  const language = optString(event, 'language');
  const context = optObject(event, 'context');
  return { ...(name ? { name } : {}), ...(language ? { language } : {}), ...(context ? { context } : {}) };
}

/** `transcribe {name?, language?, context?}` as a client sends it. */
export function transcribeEvent(opts: { name?: string; language?: string; context?: Data } = {}): WyomingEvent {
  return ev(WyomingType.TRANSCRIBE, { name: opts.name, language: opts.language, context: opts.context });
}

/** `transcript {text, language?, context?}`. */
export function transcriptEvent(text: string, opts: { language?: string; context?: Data } = {}): WyomingEvent {
  return ev(WyomingType.TRANSCRIPT, { text, language: opts.language, context: opts.context });
}

/** Reads `transcript {text, language?, context?}` (text is required, as `Transcript.from_event` requires it). */
export function parseTranscript(event: WyomingEvent): { text: string; language?: string; context?: Data } {
  const text = reqString(event, 'text');
  const language = optString(event, 'language');
  const context = optObject(event, 'context');
  return { text, ...(language ? { language } : {}), ...(context ? { context } : {}) };
}

/** `transcript-start {language?, context?}` (streaming transcripts, wyoming ≥ 1.7). */
export function transcriptStartEvent(opts: { language?: string; context?: Data } = {}): WyomingEvent {
  return ev(WyomingType.TRANSCRIPT_START, { language: opts.language, context: opts.context });
}

/** `transcript-chunk {text}`. */
export function transcriptChunkEvent(text: string): WyomingEvent {
  return ev(WyomingType.TRANSCRIPT_CHUNK, { text });
}

/** `transcript-stop`. */
export function transcriptStopEvent(): WyomingEvent {
  return ev(WyomingType.TRANSCRIPT_STOP);
}

// --- wake (wake.py) ------------------------------------------------------------------------------

/** `detect {names}` (`names: null` = any model). */
export function detectEvent(names: string[] | null = null): WyomingEvent {
  return ev(WyomingType.DETECT, { names });
}

/** Reads `detect {names?}`. */
export function parseDetect(event: WyomingEvent): { names?: string[] } {
  const v = event.data['names'];
  if (v === undefined || v === null) return {};
  if (!Array.isArray(v) || v.some((n) => typeof n !== 'string')) bad(event, '"names" is not a list of strings');
  return { names: v as string[] };
}

/** `detection {name, timestamp, speaker}`. */
export function detectionEvent(name: string | null, timestamp: number | null = null, speaker: string | null = null): WyomingEvent {
  return ev(WyomingType.DETECTION, { name, timestamp, speaker });
}

/** Reads `detection {name?, timestamp?}`. */
export function parseDetection(event: WyomingEvent): { name?: string; timestamp?: number } {
  const name = optString(event, 'name');
  const timestamp = optInt(event, 'timestamp');
  return { ...(name !== undefined ? { name } : {}), ...(timestamp !== undefined ? { timestamp } : {}) };
}

/** `not-detected`. */
export function notDetectedEvent(): WyomingEvent {
  return ev(WyomingType.NOT_DETECTED);
}

// --- handle (handle.py) --------------------------------------------------------------------------

/** `handled {text?, context?}`. */
export function handledEvent(text?: string, context?: Data): WyomingEvent {
  return ev(WyomingType.HANDLED, { text, context });
}

/** `not-handled {text?, context?}`. */
export function notHandledEvent(text?: string, context?: Data): WyomingEvent {
  return ev(WyomingType.NOT_HANDLED, { text, context });
}

/** Reads `handled` / `not-handled`. */
export function parseHandled(event: WyomingEvent): { text?: string; context?: Data } {
  const text = optString(event, 'text');
  const context = optObject(event, 'context');
  return { ...(text !== undefined ? { text } : {}), ...(context ? { context } : {}) };
}

// --- error, ping, satellite, pipeline, vad, tts, snd ---------------------------------------------

/** `error {text, code?}` (error.py). */
export function errorEvent(text: string, code?: string): WyomingEvent {
  return ev(WyomingType.ERROR, { text, code });
}

/** Reads `error {text, code?}`. */
export function parseError(event: WyomingEvent): { text: string; code?: string } {
  const text = reqString(event, 'text');
  const code = optString(event, 'code');
  return { text, ...(code !== undefined ? { code } : {}) };
}

/** `ping {text}` (ping.py; `text: null` when none). */
export function pingEvent(text: string | null = null): WyomingEvent {
  return ev(WyomingType.PING, { text });
}

/** `pong {text}` copying the ping's text. */
export function pongEvent(text: string | null = null): WyomingEvent {
  return ev(WyomingType.PONG, { text });
}

/** Reads the optional `text` of a ping or pong. */
export function parsePingText(event: WyomingEvent): string | null {
  return optString(event, 'text') ?? null;
}

/** Events without data: `describe`, `run-satellite`, `pause-satellite`, `played`, `not-detected`, `transcript-stop`. */
export function bareEvent(type: string): WyomingEvent {
  return ev(type);
}

/** Pipeline stages (pipeline.py `PipelineStage`). */
export const PIPELINE_STAGES = ['wake', 'identity', 'asr', 'intent', 'handle', 'tts'] as const;
/** One pipeline stage. */
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

/** What a satellite asks for in `run-pipeline`. */
export interface RunPipeline {
  startStage: PipelineStage;
  endStage: PipelineStage;
  restartOnEnd: boolean;
  wakeWordName?: string;
  wakeWordNames?: string[];
  announceText?: string;
}

/** Reads `run-pipeline`; start must not come after end in the stage order (`RunPipeline.__post_init__`). */
export function parseRunPipeline(event: WyomingEvent): RunPipeline {
  const start = event.data['start_stage'];
  const end = event.data['end_stage'];
  const si = PIPELINE_STAGES.indexOf(start as PipelineStage);
  const ei = PIPELINE_STAGES.indexOf(end as PipelineStage);
  if (si < 0) bad(event, `start_stage ${JSON.stringify(start)} is not a pipeline stage`);
  if (ei < 0) bad(event, `end_stage ${JSON.stringify(end)} is not a pipeline stage`);
  // identity may end an asr run (the reference allows asr → identity); otherwise end ≥ start.
  if (ei < si && !(start === 'asr' && end === 'identity')) bad(event, `end_stage ${String(end)} comes before start_stage ${String(start)}`);
  const restart = event.data['restart_on_end'];
  if (restart !== undefined && restart !== null && typeof restart !== 'boolean') bad(event, '"restart_on_end" is not a boolean');
  const names = event.data['wake_word_names'];
  if (names !== undefined && names !== null && (!Array.isArray(names) || names.some((n) => typeof n !== 'string'))) {
    bad(event, '"wake_word_names" is not a list of strings');
  }
  const wakeWordName = optString(event, 'wake_word_name');
  const announceText = optString(event, 'announce_text');
  return {
    startStage: start as PipelineStage,
    endStage: end as PipelineStage,
    restartOnEnd: restart === true,
    ...(wakeWordName !== undefined ? { wakeWordName } : {}),
    ...(Array.isArray(names) ? { wakeWordNames: names as string[] } : {}),
    ...(announceText !== undefined ? { announceText } : {}),
  };
}

/** `run-pipeline {start_stage, end_stage, restart_on_end, …}` as a satellite sends it. */
export function runPipelineEvent(p: RunPipeline): WyomingEvent {
  return ev(WyomingType.RUN_PIPELINE, {
    start_stage: p.startStage,
    end_stage: p.endStage,
    restart_on_end: p.restartOnEnd,
    wake_word_name: p.wakeWordName,
    wake_word_names: p.wakeWordNames && p.wakeWordNames.length > 0 ? p.wakeWordNames : undefined,
    announce_text: p.announceText,
  });
}

/** `voice-started {timestamp}` (vad.py). */
export function voiceStartedEvent(timestamp: number | null = null): WyomingEvent {
  return ev(WyomingType.VOICE_STARTED, { timestamp });
}

/** `voice-stopped {timestamp}`. */
export function voiceStoppedEvent(timestamp: number | null = null): WyomingEvent {
  return ev(WyomingType.VOICE_STOPPED, { timestamp });
}

/** `synthesize {text, voice?}` (tts.py). */
export function synthesizeEvent(text: string, voice?: { name?: string; language?: string }): WyomingEvent {
  return ev(WyomingType.SYNTHESIZE, { text, voice: voice && (voice.name !== undefined || voice.language !== undefined) ? voice : undefined });
}

/** Reads `synthesize {text}`. */
export function parseSynthesize(event: WyomingEvent): { text: string } {
  return { text: reqString(event, 'text') };
}

// --- info (info.py) ------------------------------------------------------------------------------

/** Who made an artifact and where it is from. */
export interface WyomingAttribution {
  name: string;
  url: string;
}

/** Fields every program and model carries (info.py `Artifact`): HA's `from_dict` requires name, attribution, installed. */
export interface WyomingArtifact {
  name: string;
  attribution: WyomingAttribution;
  installed: boolean;
  description: string | null;
  version: string | null;
}

/** A model with languages (asr, handle, intent). */
export interface WyomingModel extends WyomingArtifact {
  languages: string[];
}

/** A wake model with its phrase. */
export interface WyomingWakeModel extends WyomingModel {
  phrase: string | null;
}

/** What `info` describes. */
export interface WyomingInfo {
  asr?: Array<WyomingArtifact & { models: WyomingModel[]; supports_transcript_streaming?: boolean }>;
  tts?: Array<WyomingArtifact & { voices: WyomingModel[]; supports_synthesize_streaming?: boolean }>;
  handle?: Array<WyomingArtifact & { models: WyomingModel[]; supports_handled_streaming?: boolean; supports_home_control?: boolean }>;
  intent?: Array<WyomingArtifact & { models: WyomingModel[] }>;
  wake?: Array<WyomingArtifact & { models: WyomingWakeModel[] }>;
  satellite?: WyomingArtifact & { area?: string | null };
}

function artifact(a: WyomingArtifact): Data {
  return { name: a.name, attribution: { name: a.attribution.name, url: a.attribution.url }, installed: a.installed, description: a.description, version: a.version };
}

/**
 * `info` in the reference's shape [WY-2.1]: every family present as a list (`asr`, `tts`, `handle`,
 * `intent`, `wake`, `mic`, `snd`), every artifact with name, attribution, installed, description, version.
 */
export function infoEvent(info: WyomingInfo): WyomingEvent {
  const data: Data = {
    asr: (info.asr ?? []).map((p) => ({ ...artifact(p), models: p.models.map((m) => ({ ...artifact(m), languages: m.languages })), supports_transcript_streaming: p.supports_transcript_streaming ?? false })),
    tts: (info.tts ?? []).map((p) => ({ ...artifact(p), voices: p.voices.map((m) => ({ ...artifact(m), languages: m.languages, speakers: null })), supports_synthesize_streaming: p.supports_synthesize_streaming ?? false })),
    handle: (info.handle ?? []).map((p) => ({
      ...artifact(p),
      models: p.models.map((m) => ({ ...artifact(m), languages: m.languages })),
      supports_handled_streaming: p.supports_handled_streaming ?? false,
      supports_home_control: p.supports_home_control ?? false,
    })),
    intent: (info.intent ?? []).map((p) => ({ ...artifact(p), models: p.models.map((m) => ({ ...artifact(m), languages: m.languages })) })),
    wake: (info.wake ?? []).map((p) => ({ ...artifact(p), models: p.models.map((m) => ({ ...artifact(m), languages: m.languages, phrase: m.phrase })) })),
    mic: [],
    snd: [],
  };
  if (info.satellite) data['satellite'] = { ...artifact(info.satellite), area: info.satellite.area ?? null };
  return ev(WyomingType.INFO, data);
}

/**
 * Checks an `info` the way HA's `Info.from_event` reads it: each listed artifact needs `name` (string),
 * `attribution {name, url}`, `installed` (boolean), and `models`/`voices` lists whose entries need the
 * same plus `languages` (list of strings). Returns the data unchanged.
 */
export function parseInfo(event: WyomingEvent): Data {
  const checkArtifact = (a: unknown, where: string, list?: 'models' | 'voices', needsLanguages = false): void => {
    if (typeof a !== 'object' || a === null || Array.isArray(a)) bad(event, `${where} is not an object`);
    const o = a as Data;
    if (typeof o['name'] !== 'string') bad(event, `${where}.name is not a string`);
    const at = o['attribution'] as Data | undefined;
    if (typeof at !== 'object' || at === null || typeof at['name'] !== 'string' || typeof at['url'] !== 'string') bad(event, `${where}.attribution needs name and url strings`);
    if (typeof o['installed'] !== 'boolean') bad(event, `${where}.installed is not a boolean`);
    if (needsLanguages && (!Array.isArray(o['languages']) || (o['languages'] as unknown[]).some((l) => typeof l !== 'string'))) bad(event, `${where}.languages is not a list of strings`);
    if (list) {
      const items = o[list];
      if (!Array.isArray(items)) bad(event, `${where}.${list} is not a list`);
      items.forEach((m, i) => checkArtifact(m, `${where}.${list}[${i}]`, undefined, true));
    }
  };
  for (const [family, list] of [['asr', 'models'], ['tts', 'voices'], ['handle', 'models'], ['intent', 'models'], ['wake', 'models']] as const) {
    const programs = event.data[family];
    if (programs === undefined || programs === null) continue;
    if (!Array.isArray(programs)) bad(event, `${family} is not a list`);
    programs.forEach((p, i) => checkArtifact(p, `${family}[${i}]`, list));
  }
  const sat = event.data['satellite'];
  if (sat !== undefined && sat !== null) checkArtifact(sat, 'satellite');
  return event.data;
}
