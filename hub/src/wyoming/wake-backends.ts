/**
 * The hub's wake detectors behind the Wyoming wake interface: the enrolled-template detector
 * (DTW over espeak-ng or user templates, always available) and openWakeWord streams where its models
 * are present.
 */
import { DtwWakeDetector, type DtwWakeOptions, type WakeTemplate } from '../audio/index.js';
import type { ArtifactInfo, WakeModelInfo, WakeSession, WyomingWakeBackend } from './backends.js';

const FRAME = 160;

/** A stream detector that takes 16 kHz float audio with a timestamp in ms and reports detections at ms. */
export interface StreamingWakeDetector {
  push(samples16k: Float32Array, tsMs: number): void;
  close?(): void;
}

/** One wake model: its `info` entry and a factory of streams. */
export interface WakeModelEntry {
  info: WakeModelInfo;
  open(onDetection: (atMs: number) => void): StreamingWakeDetector;
}

/** Several wake models as one Wyoming wake backend. */
export class WakeModels implements WyomingWakeBackend {
  constructor(private readonly entries: readonly WakeModelEntry[]) {}

  models(): WakeModelInfo[] {
    return this.entries.map((e) => e.info);
  }

  open(names: readonly string[] | undefined, onDetection: (name: string, sampleIndex: number) => void): WakeSession | undefined {
    const chosen = names && names.length > 0 ? this.entries.filter((e) => names.includes(e.info.name)) : this.entries;
    if (chosen.length === 0) return undefined;
    let samples = 0;
    const streams = chosen.map((e) => e.open((atMs) => onDetection(e.info.name, Math.round(atMs * 16))));
    return {
      push(x: Float32Array): void {
        const ts = samples / 16;
        samples += x.length;
        for (const s of streams) s.push(x, ts);
      },
      close(): void {
        for (const s of streams) s.close?.();
      },
    };
  }
}

/** A DTW template detector as a wake model (10 ms frames; `at` is the frame's ms into the stream). */
export function dtwWakeModel(info: Omit<WakeModelInfo, keyof ArtifactInfo> & Partial<ArtifactInfo> & { name: string; phrase: string }, templates: readonly WakeTemplate[], options: DtwWakeOptions = {}): WakeModelEntry {
  const full: WakeModelInfo = {
    description: info.description ?? `"${info.phrase}" (enrolled templates)`,
    version: info.version ?? null,
    attribution: info.attribution ?? { name: 'Jarvis', url: 'https://github.com/jarvis-hub/jarvis' },
    installed: info.installed ?? true,
    languages: info.languages ?? ['en'],
    name: info.name,
    phrase: info.phrase,
  };
  return {
    info: full,
    open(onDetection) {
      const det = new DtwWakeDetector(templates, options);
      let pending = new Float32Array(0);
      let consumed = 0;
      return {
        push(x: Float32Array): void {
          const buf = new Float32Array(pending.length + x.length);
          buf.set(pending);
          buf.set(x, pending.length);
          let at = 0;
          for (; at + FRAME <= buf.length; at += FRAME) {
            const hit = det.push(buf.subarray(at, at + FRAME), (consumed + at + FRAME) / 16);
            if (hit) onDetection(hit.at);
          }
          consumed += at;
          pending = buf.slice(at);
        },
      };
    },
  };
}
