/** The golden-vector loader every package's tests use (format: protocol/vectors/README.md). */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AudioFrame, Codec, DeviceTopic, MessageType } from '../src/index.js';
import { unhex } from './helpers.js';

/** `protocol/vectors/`. */
export const VECTORS_DIR = fileURLToPath(new URL('../vectors/', import.meta.url));

/** One vector file and the name of the file it came from. */
export interface GoldenVector {
  file: string;
  name: string;
  hex: string;
  key?: string;
  stage?: 'verify';
  kind?: 'topic' | 'payload';
  topic?: DeviceTopic;
  error?: string;
  decoded?: Record<string, unknown>;
}

/** Every vector of one format folder (`audio-frame`, `ima-adpcm`, ...), sorted by file name; a missing folder throws. */
export function loadVectors(format: string): GoldenVector[] {
  const dir = join(VECTORS_DIR, format);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<GoldenVector, 'file'>) }));
}

/** The `decoded` object of an audio-frame vector as an AudioFrame (hex payload and tag as bytes). */
export function audioFrameFromJson(d: Record<string, unknown>): AudioFrame {
  return {
    version: d['version'] as number,
    type: d['type'] as MessageType,
    deviceId: d['deviceId'] as number,
    streamId: d['streamId'] as number,
    seq: d['seq'] as number,
    timestamp: d['timestamp'] as number,
    flags: d['flags'] as number,
    codec: d['codec'] as Codec,
    sampleRate: d['sampleRate'] as number,
    payload: unhex(d['payload'] as string),
    tag: unhex(d['tag'] as string),
  };
}
