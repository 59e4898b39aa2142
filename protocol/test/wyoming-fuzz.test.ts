/**
 * Random bytes, bit flips and random splits into the Wyoming decoder and readers: each returns or
 * throws ProtocolError, never anything else, never hangs [GEN-1.5] [WY-1.8]. Seeded and bounded.
 */
import { describe, expect, it } from 'vitest';
import {
  WyomingDecoder,
  audioChunkEvent,
  encodeWyomingEvent,
  infoEvent,
  parseAudioChunk,
  parseAudioStart,
  parseDetect,
  parseDetection,
  parseInfo,
  parseRunPipeline,
  parseTranscribe,
  parseTranscript,
  transcriptEvent,
} from '../src/index.js';
import { onlyProtocolErrors, rng } from './helpers.js';

const readers = [parseAudioChunk, parseAudioStart, parseDetect, parseDetection, parseInfo, parseRunPipeline, parseTranscribe, parseTranscript];

function decodeAll(bytes: Uint8Array, split: number): void {
  const d = new WyomingDecoder({ maxHeaderBytes: 4096, maxDataBytes: 4096, maxPayloadBytes: 4096 });
  for (let i = 0; i < bytes.length; i += split) {
    for (const ev of d.push(bytes.subarray(i, i + split))) for (const r of readers) onlyProtocolErrors(() => r(ev), () => JSON.stringify(ev.data));
  }
  d.end();
}

const valid = Buffer.concat([
  encodeWyomingEvent(transcriptEvent('turn on the light', { context: { device_id: 'x' } })),
  encodeWyomingEvent(audioChunkEvent({ rate: 16000, width: 2, channels: 1 }, new Uint8Array(64).fill(7), 3)),
  encodeWyomingEvent(infoEvent({ asr: [] })),
]);

describe('[WY-1.8] fuzzing the Wyoming decoder', () => {
  it('random bytes', () => {
    const next = rng(0x77a);
    const outcomes = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const b = Uint8Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256));
      if (i % 3 === 0 && b.length > 2) b[Math.floor(next() * b.length)] = 0x0a;
      outcomes.add(onlyProtocolErrors(() => decodeAll(b, 1 + Math.floor(next() * 50)), () => Buffer.from(b).toString('hex')));
    }
    expect(outcomes.has('error')).toBe(true);
  });

  it('bit flips and cuts of valid streams reach every outcome', () => {
    const next = rng(99);
    const outcomes = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const b = Uint8Array.from(valid);
      for (let k = 0; k < 1 + Math.floor(next() * 3); k++) {
        const at = Math.floor(next() * b.length);
        b[at] = (b[at] as number) ^ (1 << Math.floor(next() * 8));
      }
      const cut = next() < 0.2 ? b.subarray(0, Math.floor(next() * b.length)) : b;
      outcomes.add(onlyProtocolErrors(() => decodeAll(cut, 1 + Math.floor(next() * 40)), () => Buffer.from(cut).toString('hex')));
    }
    expect(outcomes).toEqual(new Set(['ok', 'error']));
  });

  it('random JSON-shaped headers', () => {
    const next = rng(5);
    const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)] as T;
    const values = [null, true, 0, -1, 1.5, 3, 1e300, 'x', '', [], {}, [1, 'a'], { a: 1 }];
    for (let i = 0; i < 2000; i++) {
      const header: Record<string, unknown> = {};
      for (const k of ['type', 'version', 'data', 'data_length', 'payload_length']) if (next() < 0.7) header[k] = pick([...values, 'audio-chunk', 'transcript']);
      const body = Uint8Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256));
      const b = Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]);
      onlyProtocolErrors(() => decodeAll(b, 1 + Math.floor(next() * 10)), () => b.toString('hex'));
    }
  });
});
