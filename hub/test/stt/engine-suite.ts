import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SttEngine } from '../../src/stt/engine.js';
import { SttError } from '../../src/stt/errors.js';

/** What a suite run needs: a factory, and a clip that engine should transcribe to non-empty text (if it can). */
export interface EngineSuiteOptions {
  create: () => SttEngine;
  /** Speech the engine must return text for; undefined when its model cannot produce text (whisper's test model). */
  speech?: () => { pcm: Float32Array; text: string };
}

/**
 * The shared contract of every speech-to-text engine (CONVENTIONS.md 12): lifecycle, silence, bad input,
 * result shape, streaming. Run with `describeSttEngine('whisper', {...})` from each engine's test file.
 */
export function describeSttEngine(name: string, options: EngineSuiteOptions): void {
  describe(`SttEngine contract: ${name}`, () => {
    let engine: SttEngine;
    beforeAll(async () => {
      engine = options.create();
      await engine.start();
      await engine.start(); // idempotent
    });
    afterAll(async () => {
      await engine.stop();
      await engine.stop();
    });

    it('returns empty text for silence, with its own name and timings', async () => {
      const t = await engine.transcribe(new Float32Array(16000));
      expect(t.text).toBe('');
      expect(t.engine).toBe(engine.name);
      expect(t.timings.totalMs).toBeGreaterThanOrEqual(0);
      expect(t.segments).toEqual([]);
    });

    it('rejects input that is not float PCM with JARVIS_STT_BAD_AUDIO', async () => {
      await expect(engine.transcribe(new Int16Array(10) as unknown as Float32Array)).rejects.toMatchObject({ code: 'JARVIS_STT_BAD_AUDIO' });
      const nan = new Float32Array(16000);
      nan[5] = Number.NaN;
      await expect(engine.transcribe(nan)).rejects.toBeInstanceOf(SttError);
    });

    it('returns a result of the common shape for a short clip', async () => {
      const pcm = options.speech?.().pcm ?? tone(1.5);
      const t = await engine.transcribe(pcm);
      expect(typeof t.text).toBe('string');
      expect(t.confidence).toBeGreaterThanOrEqual(0);
      expect(t.confidence).toBeLessThanOrEqual(1);
      for (const s of t.segments) expect(s.endMs).toBeGreaterThanOrEqual(s.startMs);
    });

    if (options.speech) {
      it('transcribes speech, in one call and streamed in 100 ms chunks', async () => {
        const { pcm, text } = options.speech!();
        expect((await engine.transcribe(pcm)).text).toBe(text);
        const partials: string[] = [];
        const stream = engine.stream({ onPartial: (p) => partials.push(p.committed) });
        for (let i = 0; i < pcm.length; i += 1600) stream.push(pcm.subarray(i, i + 1600));
        const final = await stream.end();
        expect(final.text).toBe(text);
        await expect(stream.end()).rejects.toMatchObject({ code: 'JARVIS_STT_ENGINE_CLOSED' });
      });
    }

    it('aborted streams produce nothing and accept no more audio', async () => {
      const stream = engine.stream();
      stream.push(tone(0.5));
      stream.abort();
      stream.push(tone(0.5));
      expect(() => stream.abort()).not.toThrow();
    });

    it('refuses work after stop() with JARVIS_STT_ENGINE_CLOSED', async () => {
      const other = options.create();
      await other.start();
      await other.stop();
      await expect(other.transcribe(tone(1))).rejects.toMatchObject({ code: 'JARVIS_STT_ENGINE_CLOSED' });
    });
  });
}

/** A voiced-sounding test signal: a 150 Hz tone with a syllable-rate envelope. */
export function tone(seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * 16000));
  for (let i = 0; i < out.length; i++) out[i] = 0.3 * Math.sin((2 * Math.PI * 150 * i) / 16000) * (0.5 + 0.5 * Math.sin((2 * Math.PI * 4 * i) / 16000));
  return out;
}
