/**
 * Source of the Wyoming golden vectors (protocol/vectors/wyoming/, README there). Run
 * `npx tsx protocol/test/wyoming-vector-source.ts --write` to rewrite the files; the codec test fails
 * when the committed files differ from what this builds.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  WYOMING_VERSION,
  audioChunkEvent,
  audioStartEvent,
  audioStopEvent,
  bareEvent,
  detectEvent,
  detectionEvent,
  encodeWyomingEvent,
  errorEvent,
  handledEvent,
  infoEvent,
  notDetectedEvent,
  pingEvent,
  runPipelineEvent,
  synthesizeEvent,
  transcriptChunkEvent,
  transcriptEvent,
  type WyomingEvent,
  type WyomingLimits,
} from '../src/index.js';

/** One vector file. */
export interface WyomingVector {
  name: string;
  /** What the vector pins, for a reader. */
  note: string;
  hex: string;
  /** The bytes as text where they are UTF-8, for reading. */
  text?: string;
  /** Decoder caps other than the defaults. */
  limits?: Partial<WyomingLimits>;
  /** Positive: the events `decodeWyomingEvents(hex)` returns (payload as hex). */
  decoded?: Array<{ type: string; data: Record<string, unknown>; payload?: string; version?: string }>;
  /** Positive: true when `encodeWyomingEvent` of each decoded event gives `hex` back byte for byte. */
  canonical?: boolean;
  /** Negative: the ProtocolError code. */
  error?: string;
  /** Negative at the event level: the typed reader that must throw `error` on the decoded event. */
  parse?: 'audio-chunk' | 'audio-start' | 'transcript' | 'run-pipeline' | 'info' | 'detect';
}

const enc = new TextEncoder();
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const concat = (...parts: Array<Uint8Array | string>): Uint8Array => Buffer.concat(parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p)));
const asText = (b: Uint8Array): string | undefined => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return undefined;
  }
};
const pcm = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 0xff);

function toJson(e: WyomingEvent, version = WYOMING_VERSION): NonNullable<WyomingVector['decoded']>[number] {
  return { type: e.type, data: JSON.parse(JSON.stringify(e.data)) as Record<string, unknown>, ...(e.payload ? { payload: hexOf(e.payload) } : {}), version };
}

function positive(name: string, note: string, events: WyomingEvent[]): WyomingVector {
  const bytes = concat(...events.map((e) => encodeWyomingEvent(e)));
  return { name, note, hex: hexOf(bytes), text: asText(bytes), decoded: events.map((e) => toJson(e)), canonical: true };
}

function parsed(name: string, note: string, bytes: Uint8Array, decoded: NonNullable<WyomingVector['decoded']>): WyomingVector {
  return { name, note, hex: hexOf(bytes), text: asText(bytes), decoded, canonical: false };
}

function negative(name: string, note: string, bytes: Uint8Array, error: string, extra: Partial<WyomingVector> = {}): WyomingVector {
  const text = asText(bytes);
  return { name, note, hex: hexOf(bytes), ...(text !== undefined && bytes.length < 400 ? { text } : {}), error, ...extra };
}

const jarvisInfo = infoEvent({
  asr: [{ name: 'jarvis', attribution: { name: 'Jarvis', url: 'https://example.invalid/jarvis' }, installed: true, description: 'Jarvis speech-to-text', version: '0.1.0', models: [{ name: 'command-grammar', attribution: { name: 'CMU PocketSphinx', url: 'https://github.com/cmusphinx/pocketsphinx' }, installed: true, description: 'Command recogniser', version: '5.0', languages: ['en'] }] }],
  handle: [{ name: 'jarvis', attribution: { name: 'Jarvis', url: 'https://example.invalid/jarvis' }, installed: true, description: 'Jarvis intents', version: '0.1.0', models: [{ name: 'jarvis-router', attribution: { name: 'Jarvis', url: 'https://example.invalid/jarvis' }, installed: true, description: null, version: '0.1.0', languages: ['en'] }], supports_home_control: true }],
  wake: [{ name: 'jarvis', attribution: { name: 'Jarvis', url: 'https://example.invalid/jarvis' }, installed: true, description: 'Jarvis wake words', version: '0.1.0', models: [{ name: 'hey_jarvis', attribution: { name: 'openWakeWord', url: 'https://github.com/dscripka/openWakeWord' }, installed: true, description: 'Hey Jarvis', version: null, languages: ['en'], phrase: 'hey jarvis' }] }],
});

/** Every Wyoming vector, in file-name order. */
export function buildWyomingVectors(): WyomingVector[] {
  const fmt16 = { rate: 16000, width: 2, channels: 1 };
  const v: WyomingVector[] = [
    positive('describe', 'no data, no payload: the header alone [WY-1.4]', [bareEvent('describe')]),
    positive('audio-start-16k', 'timestamp null is written, as AudioStart.event() does [WY-2.2]', [audioStartEvent(fmt16)]),
    positive('audio-chunk-16k', 'data block then 64-byte payload [WY-1.1]', [audioChunkEvent(fmt16, pcm(64), 1280)]),
    positive('audio-chunk-44k1-stereo', 'any rate/width/channels [WY-2.2]', [audioChunkEvent({ rate: 44100, width: 2, channels: 2 }, pcm(40), 0)]),
    positive('audio-stop', 'audio-stop {timestamp}', [audioStopEvent(2000)]),
    positive('transcript-unicode', 'data_length counts UTF-8 bytes, not characters [WY-1.2]', [transcriptEvent('Allume la lumière du salon ☕', { language: 'fr' })]),
    positive('transcript-with-context', 'transcript {text, language, context} as HA sends it to a handle service [WY-3.4]', [transcriptEvent('turn on the kitchen light', { language: 'en', context: { conversation_id: '01JABCDEF', device_id: 'dev-1', satellite_id: 'assist_satellite.kitchen' } })]),
    positive('transcript-chunk', 'streaming transcript chunk [WY-3.2]', [transcriptChunkEvent('turn on ')]),
    positive('transcript-stop', 'empty data: no data_length [WY-1.4]', [bareEvent('transcript-stop')]),
    positive('detect-any', 'detect {names: null} = any model', [detectEvent()]),
    positive('detection', 'detection {name, timestamp, speaker}', [detectionEvent('hey_jarvis', 1520)]),
    positive('not-detected', 'not-detected', [notDetectedEvent()]),
    positive('handled', 'handled {text}', [handledEvent('Turned on the light')]),
    positive('error', 'error {text, code}', [errorEvent('audio-chunk before audio-start', 'JARVIS_WYOMING_BAD_ORDER')]),
    positive('ping', 'ping {text: null}', [pingEvent()]),
    positive('run-pipeline-wake-tts', 'what an always-streaming wyoming-satellite sends [WY-4.2]', [runPipelineEvent({ startStage: 'wake', endStage: 'tts', restartOnEnd: true })]),
    positive('synthesize', 'synthesize {text}', [synthesizeEvent('The kitchen light is on')]),
    positive('info-jarvis', 'every family as a list, every artifact with name/attribution/installed/description/version [WY-2.1]', [jarvisInfo]),
    positive('two-events', 'events follow each other with no separator', [audioChunkEvent(fmt16, pcm(8), 0), audioStopEvent(1)]),
    parsed('inline-data-merged', 'header data merged under the data block, key by key [WY-1.3]',
      concat('{"type":"transcript","data":{"text":"old","language":"en"},"data_length":14}\n', '{"text":"new"}'),
      [{ type: 'transcript', data: { text: 'new', language: 'en' } }]),
    parsed('inline-data-only', 'compact JSON, data only inline, no version', concat('{"type":"ping","data":{"text":"hi"}}\n'), [{ type: 'ping', data: { text: 'hi' } }]),
    parsed('zero-lengths', 'data_length 0 and payload_length 0 mean none [WY-1.2]', concat('{"type": "audio-stop", "data_length": 0, "payload_length": 0, "version": "1.5.0"}\n'), [{ type: 'audio-stop', data: {}, version: '1.5.0' }]),
    parsed('null-lengths-and-data', 'null lengths and null data are absent', concat('{"type": "played", "data": null, "data_length": null, "payload_length": null}\n'), [{ type: 'played', data: {} }]),
    parsed('crlf-and-unknown-keys', 'whitespace before the newline and unknown header keys are ignored', concat('{"type": "describe", "x-extra": [1, 2]} \r\n'), [{ type: 'describe', data: {} }]),
    parsed('payload-without-data', 'a payload may come with no data block', concat('{"type":"audio-chunk","data":{"rate":16000,"width":2,"channels":1},"payload_length":4}\n', pcm(4)), [{ type: 'audio-chunk', data: { rate: 16000, width: 2, channels: 1 }, payload: hexOf(pcm(4)) }]),
    negative('bad-empty-line', 'an empty header line is not JSON', concat('\n'), 'JARVIS_PROTO_BAD_PAYLOAD'),
    negative('bad-header-not-json', 'header is not JSON', concat('type=ping\n'), 'JARVIS_PROTO_BAD_PAYLOAD'),
    negative('bad-header-array', 'header is JSON but not an object', concat('["ping"]\n'), 'JARVIS_PROTO_BAD_PAYLOAD'),
    negative('bad-header-utf8', 'header is not UTF-8', concat(Uint8Array.from([0x7b, 0x22, 0x74, 0xff, 0x22, 0x7d, 0x0a])), 'JARVIS_PROTO_BAD_PAYLOAD'),
    negative('bad-missing-type', 'no type', concat('{"data": {}}\n'), 'JARVIS_PROTO_BAD_FIELD'),
    negative('bad-type-number', 'type is not a string', concat('{"type": 7}\n'), 'JARVIS_PROTO_BAD_FIELD'),
    negative('bad-type-empty', 'type is empty', concat('{"type": ""}\n'), 'JARVIS_PROTO_BAD_FIELD'),
    negative('bad-version-number', 'version is not a string', concat('{"type": "ping", "version": 1.5}\n'), 'JARVIS_PROTO_BAD_FIELD'),
    negative('bad-inline-data-array', 'inline data is not an object', concat('{"type": "ping", "data": [1]}\n'), 'JARVIS_PROTO_BAD_FIELD'),
    negative('bad-data-length-negative', 'negative data_length', concat('{"type": "ping", "data_length": -1}\n'), 'JARVIS_PROTO_BAD_LENGTH'),
    negative('bad-data-length-string', 'data_length as a string', concat('{"type": "ping", "data_length": "12"}\n{"text": null}'), 'JARVIS_PROTO_BAD_LENGTH'),
    negative('bad-payload-length-fraction', 'payload_length not an integer', concat('{"type": "audio-chunk", "payload_length": 2.5}\n'), 'JARVIS_PROTO_BAD_LENGTH'),
    negative('bad-payload-length-over-cap', 'payload_length over the 4 MiB cap, refused before any byte of it is buffered [WY-1.7]', concat('{"type": "audio-chunk", "payload_length": 4194305}\n'), 'JARVIS_PROTO_TOO_LARGE'),
    negative('bad-data-length-over-cap', 'data_length over the 1 MiB cap [WY-1.7]', concat('{"type": "info", "data_length": 1048577}\n'), 'JARVIS_PROTO_TOO_LARGE'),
    negative('bad-data-length-absurd', 'data_length of 2^53 - 1', concat('{"type": "info", "data_length": 9007199254740991}\n'), 'JARVIS_PROTO_TOO_LARGE'),
    negative('bad-header-over-cap', 'a header line longer than the cap (64 bytes here) without a newline [WY-1.7]', concat(`{"type": "ping", "data": {"text": "${'x'.repeat(60)}`), 'JARVIS_PROTO_TOO_LARGE', { limits: { maxHeaderBytes: 64 } }),
    negative('bad-truncated-header', 'stream ends inside the header line [WY-1.6]', concat('{"type": "ping"'), 'JARVIS_PROTO_TRUNCATED'),
    negative('bad-truncated-data', 'stream ends inside the announced data [WY-1.6]', concat('{"type": "ping", "data_length": 20}\n{"text": '), 'JARVIS_PROTO_TRUNCATED'),
    negative('bad-truncated-payload', 'stream ends inside the announced payload [WY-1.6]', concat('{"type": "audio-chunk", "data_length": 2, "payload_length": 640}\n{}', pcm(100)), 'JARVIS_PROTO_TRUNCATED'),
    negative('bad-data-not-json', 'data block is not JSON', concat('{"type": "ping", "data_length": 4}\nnope'), 'JARVIS_PROTO_BAD_PAYLOAD'),
    negative('bad-data-not-object', 'data block is JSON but not an object', concat('{"type": "ping", "data_length": 2}\n[]'), 'JARVIS_PROTO_BAD_PAYLOAD'),
    negative('bad-data-utf8', 'data block is not UTF-8', concat('{"type": "ping", "data_length": 3}\n', Uint8Array.from([0x7b, 0xc3, 0x7d])), 'JARVIS_PROTO_BAD_PAYLOAD'),
    negative('bad-chunk-missing-rate', 'audio-chunk without rate [WY-2.2]', encodeWyomingEvent({ type: 'audio-chunk', data: { width: 2, channels: 1 }, payload: pcm(4) }), 'JARVIS_PROTO_BAD_FIELD', { parse: 'audio-chunk' }),
    negative('bad-chunk-width-5', 'audio-chunk with a 5-byte sample width [WY-2.2]', encodeWyomingEvent(audioChunkEvent({ rate: 16000, width: 5, channels: 1 }, pcm(10))), 'JARVIS_PROTO_BAD_FIELD', { parse: 'audio-chunk' }),
    negative('bad-chunk-rate-string', 'audio-chunk rate as a string', encodeWyomingEvent({ type: 'audio-chunk', data: { rate: '16000', width: 2, channels: 1 }, payload: pcm(4) }), 'JARVIS_PROTO_BAD_FIELD', { parse: 'audio-chunk' }),
    negative('bad-chunk-partial-frame', 'stereo 16-bit payload of 6 bytes is not whole frames [WY-2.2]', encodeWyomingEvent(audioChunkEvent({ rate: 44100, width: 2, channels: 2 }, pcm(6))), 'JARVIS_PROTO_BAD_LENGTH', { parse: 'audio-chunk' }),
    negative('bad-start-zero-channels', 'audio-start with 0 channels', encodeWyomingEvent(audioStartEvent({ rate: 16000, width: 2, channels: 0 })), 'JARVIS_PROTO_BAD_FIELD', { parse: 'audio-start' }),
    negative('bad-transcript-no-text', 'transcript without text', encodeWyomingEvent({ type: 'transcript', data: { language: 'en' } }), 'JARVIS_PROTO_BAD_FIELD', { parse: 'transcript' }),
    negative('bad-run-pipeline-stage', 'run-pipeline with an unknown stage', encodeWyomingEvent({ type: 'run-pipeline', data: { start_stage: 'listen', end_stage: 'tts' } }), 'JARVIS_PROTO_BAD_FIELD', { parse: 'run-pipeline' }),
    negative('bad-run-pipeline-backwards', 'run-pipeline ending before it starts', encodeWyomingEvent({ type: 'run-pipeline', data: { start_stage: 'tts', end_stage: 'asr' } }), 'JARVIS_PROTO_BAD_FIELD', { parse: 'run-pipeline' }),
    negative('bad-info-no-installed', 'an info program without installed, which HA cannot load', encodeWyomingEvent({ type: 'info', data: { asr: [{ name: 'x', attribution: { name: 'a', url: 'u' }, models: [] }] } }), 'JARVIS_PROTO_BAD_FIELD', { parse: 'info' }),
    negative('bad-detect-names', 'detect names not a list of strings', encodeWyomingEvent({ type: 'detect', data: { names: 'hey_jarvis' } }), 'JARVIS_PROTO_BAD_FIELD', { parse: 'detect' }),
  ];
  return v.sort((a, b) => a.name.localeCompare(b.name));
}

/** The file text for one vector. */
export function formatWyomingVector(v: WyomingVector): string {
  return `${JSON.stringify(v, null, 2)}\n`;
}

/** Folder of the committed vectors. */
export const WYOMING_VECTOR_DIR = fileURLToPath(new URL('../vectors/wyoming/', import.meta.url));

if (process.argv.includes('--write')) {
  mkdirSync(WYOMING_VECTOR_DIR, { recursive: true });
  for (const f of readdirSync(WYOMING_VECTOR_DIR)) if (f.endsWith('.json')) rmSync(join(WYOMING_VECTOR_DIR, f));
  for (const v of buildWyomingVectors()) writeFileSync(join(WYOMING_VECTOR_DIR, `${v.name}.json`), formatWyomingVector(v));
  console.log(`wrote ${buildWyomingVectors().length} vectors to ${WYOMING_VECTOR_DIR}`);
}
