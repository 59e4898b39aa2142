/**
 * Wyoming codec (SPEC.md §9): golden vectors three ways, incremental decoding at every split, caps, and
 * the bytes Python's json module writes for the same events (the reference writes with json.dumps).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  WYOMING_DEFAULT_LIMITS,
  WYOMING_VERSION,
  WyomingDecoder,
  audioChunkEvent,
  decodeWyomingEvents,
  encodeWyomingEvent,
  parseAudioChunk,
  parseAudioStart,
  parseDetect,
  parseInfo,
  parseRunPipeline,
  parseTranscript,
  pythonJsonDumps,
  transcriptEvent,
  type WyomingEvent,
} from '../src/index.js';
import { codeOf, hex, unhex } from './helpers.js';
import { WYOMING_VECTOR_DIR, buildWyomingVectors, formatWyomingVector, type WyomingVector } from './wyoming-vector-source.js';

const files = readdirSync(WYOMING_VECTOR_DIR).filter((f) => f.endsWith('.json')).sort();
const vectors: WyomingVector[] = files.map((f) => JSON.parse(readFileSync(join(WYOMING_VECTOR_DIR, f), 'utf8')) as WyomingVector);

function toJson(events: WyomingEvent[]): NonNullable<WyomingVector['decoded']> {
  return events.map((e) => ({ type: e.type, data: e.data, ...(e.payload ? { payload: hex(e.payload) } : {}), ...(e.version !== undefined ? { version: e.version } : {}) }));
}

const parsers = {
  'audio-chunk': parseAudioChunk,
  'audio-start': parseAudioStart,
  transcript: parseTranscript,
  'run-pipeline': parseRunPipeline,
  info: parseInfo,
  detect: parseDetect,
} as const;

describe('[WY-1] Wyoming golden vectors', () => {
  it('the committed files are what the generator builds', () => {
    const built = buildWyomingVectors();
    expect(files).toEqual(built.map((v) => `${v.name}.json`));
    for (const v of built) expect(readFileSync(join(WYOMING_VECTOR_DIR, `${v.name}.json`), 'utf8')).toBe(formatWyomingVector(v));
    expect(vectors.filter((v) => v.error).length).toBeGreaterThan(20);
    expect(vectors.filter((v) => v.decoded).length).toBeGreaterThan(20);
  });

  for (const v of vectors.filter((x) => x.decoded)) {
    it(`${v.name}: parsed, ${v.canonical ? 'generated, ' : ''}mirrored`, () => {
      const bytes = unhex(v.hex);
      const events = decodeWyomingEvents(bytes, v.limits);
      expect(toJson(events)).toEqual(v.decoded);
      const reencoded = Buffer.concat(events.map((e) => encodeWyomingEvent(e)));
      if (v.canonical) expect(hex(reencoded)).toBe(v.hex);
      const mirrored = decodeWyomingEvents(reencoded).map((e) => ({ type: e.type, data: e.data, payload: e.payload }));
      expect(mirrored).toEqual((v.decoded ?? []).map((d) => ({ type: d.type, data: d.data, payload: d.payload ? unhex(d.payload) : undefined })));
    });

    it(`${v.name}: the same events whatever way the bytes are split [WY-1.8]`, () => {
      const bytes = unhex(v.hex);
      const want = toJson(decodeWyomingEvents(bytes));
      for (const step of [1, 3, 7, 64]) {
        const d = new WyomingDecoder(v.limits);
        const got: WyomingEvent[] = [];
        for (let i = 0; i < bytes.length; i += step) got.push(...d.push(bytes.subarray(i, i + step)));
        d.end();
        expect(toJson(got)).toEqual(want);
      }
    });
  }

  for (const v of vectors.filter((x) => x.error)) {
    it(`${v.name}: ${v.error}`, () => {
      const bytes = unhex(v.hex);
      if (v.parse) {
        const [event] = decodeWyomingEvents(bytes, v.limits);
        expect(event).toBeDefined();
        expect(codeOf(() => parsers[v.parse as keyof typeof parsers](event as WyomingEvent))).toBe(v.error);
      } else {
        expect(codeOf(() => decodeWyomingEvents(bytes, v.limits))).toBe(v.error);
      }
    });
  }
});

describe('[WY-1.7] caps are enforced before buffering', () => {
  it('a header line is refused once the cap is reached without a newline', () => {
    const d = new WyomingDecoder();
    expect(d.push(new TextEncoder().encode('{"type": "ping", "data": {"text": "'))).toEqual([]);
    expect(codeOf(() => d.push(new Uint8Array(WYOMING_DEFAULT_LIMITS.maxHeaderBytes).fill(0x61)))).toBe('JARVIS_PROTO_TOO_LARGE');
  });

  it('an announced payload over the cap is refused from its header alone', () => {
    const d = new WyomingDecoder({ maxPayloadBytes: 1000 });
    expect(codeOf(() => d.push(new TextEncoder().encode('{"type": "audio-chunk", "payload_length": 1001}\n')))).toBe('JARVIS_PROTO_TOO_LARGE');
    expect(d.bufferedBytes).toBe(0);
  });

  it('after an error the decoder refuses more input with the same error', () => {
    const d = new WyomingDecoder();
    expect(codeOf(() => d.push(new TextEncoder().encode('nope\n')))).toBe('JARVIS_PROTO_BAD_PAYLOAD');
    expect(codeOf(() => d.push(encodeWyomingEvent({ type: 'ping', data: {} })))).toBe('JARVIS_PROTO_BAD_PAYLOAD');
  });

  it('midEvent says when data the header announced has not arrived [WY-1.6]', () => {
    const d = new WyomingDecoder();
    const bytes = encodeWyomingEvent(audioChunkEvent({ rate: 16000, width: 2, channels: 1 }, new Uint8Array(320), 0));
    d.push(bytes.subarray(0, bytes.length - 1));
    expect(d.midEvent).toBe(true);
    expect(codeOf(() => d.end())).toBe('JARVIS_PROTO_TRUNCATED');
    expect(d.push(bytes.subarray(bytes.length - 1))).toHaveLength(1);
    expect(d.midEvent).toBe(false);
  });
});

describe('[WY-1.4] the bytes are the reference writer\'s', () => {
  it('header key order and spacing as json.dumps writes them', () => {
    const bytes = encodeWyomingEvent(transcriptEvent('hi'));
    expect(new TextDecoder().decode(bytes)).toBe(`{"type": "transcript", "version": "${WYOMING_VERSION}", "data_length": 14}\n{"text": "hi"}`);
  });

  it('python3 json.dumps writes the same bytes for the same events (the reference writer\'s algorithm)', () => {
    // The algorithm of wyoming/event.py async_write_event, restated: header = {type, version,
    // data_length?, payload_length?}; data and header through json.dumps(ensure_ascii=False).
    const script = [
      'import json, sys',
      'out = bytearray()',
      'for e in json.loads(sys.stdin.read()):',
      '    h = {"type": e["type"], "version": e["version"]}',
      '    data = e["data"]; payload = bytes.fromhex(e.get("payload", ""))',
      '    db = json.dumps(data, ensure_ascii=False).encode("utf-8") if data else None',
      '    if db: h["data_length"] = len(db)',
      '    if payload: h["payload_length"] = len(payload)',
      '    out += json.dumps(h, ensure_ascii=False).encode() + b"\\n" + (db or b"") + payload',
      'sys.stdout.write(out.hex())',
    ].join('\n');
    const events: WyomingEvent[] = [
      transcriptEvent('Éteins la lumière ☕ "quoted" \\ back\nslash\u0001', { language: 'fr', context: { a: [1, 2.5, null, true], b: { c: 1e-7 } } }),
      audioChunkEvent({ rate: 44100, width: 2, channels: 2 }, Uint8Array.from([1, 2, 3, 4]), 12),
      { type: 'info', data: { asr: [], nested: { x: 0.1, y: -3, z: 123456.789, big: 1e22 } } },
      { type: 'describe', data: {} },
    ];
    const input = JSON.stringify(events.map((e) => ({ type: e.type, version: WYOMING_VERSION, data: e.data, ...(e.payload ? { payload: hex(e.payload) } : {}) })));
    let py: string;
    try {
      py = execFileSync('python3', ['-c', script], { input, encoding: 'utf8' });
    } catch (err) {
      if (process.env['CI'] || (err as { code?: unknown }).code !== 'ENOENT') throw err;
      console.warn('python3 not available: skipping the byte comparison with json.dumps');
      return;
    }
    expect(hex(Buffer.concat(events.map((e) => encodeWyomingEvent(e))))).toBe(py);
  });

  it('pythonJsonDumps writes floats as Python repr does', () => {
    expect(pythonJsonDumps([0.1, 1e-5, 0.0001, 1e21, -2.5e-7, 100.25, 5e-324])).toBe('[0.1, 1e-05, 0.0001, 1e+21, -2.5e-07, 100.25, 5e-324]');
    expect(codeOf(() => pythonJsonDumps({ x: Number.NaN }))).toBe('JARVIS_PROTO_BAD_FIELD');
    expect(codeOf(() => encodeWyomingEvent({ type: '', data: {} }))).toBe('JARVIS_PROTO_BAD_FIELD');
  });
});
