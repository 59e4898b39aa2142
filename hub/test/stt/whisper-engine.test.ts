import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROMPT_MAX_WORDS, WhisperEngine, audioContextFor, initialPrompt } from '../../src/stt/whisper-engine.js';
import { describeSttEngine, tone } from './engine-suite.js';
import { sharedModel } from '../../../tests/helpers/shared-models.js';

const MODEL = sharedModel('for-tests-ggml-tiny.en.bin');
const haveModel = existsSync(MODEL);
if (!haveModel) console.warn(`whisper tests skipped: model file ${MODEL} is absent`);

describe('whisper window and prompt', () => {
  it('trims the encoder window to the audio plus margin, in 64-frame steps, capped at 30 s', () => {
    expect(audioContextFor(2 * 16000)).toBe(192); // 100 frames + 64 → 192
    expect(audioContextFor(10 * 16000)).toBe(576);
    expect(audioContextFor(60 * 16000)).toBe(1500);
    expect(audioContextFor(100)).toBe(128);
  });
  it('builds the initial prompt from unique names and leaves it out when there are none', () => {
    expect(initialPrompt(['Kitchen Light', ' Kitchen Light ', 'Office'])).toBe('Kitchen Light, Office.');
    expect(initialPrompt([])).toBeUndefined();
  });

  it('puts each word of the names in the prompt once, first spelling kept', () => {
    expect(initialPrompt(['Bedroom', 'Bedroom Light', 'master bedroom', 'Desk Lamp', 'Kitchen Light', 'tv', 'Living Room TV'])).toBe('Bedroom, Light, master, Desk Lamp, Kitchen, tv, Living Room.');
    // A name whose every word is in already adds nothing; blanks add nothing.
    expect(initialPrompt(['Garage Door', 'door garage', '  ', ''])).toBe('Garage Door.');
    // At most PROMPT_MAX_WORDS words: every prompt token is decoded before each pass's first word.
    const many = Array.from({ length: 200 }, (_, i) => `name${i}`);
    expect(initialPrompt(many)!.split(', ')).toHaveLength(PROMPT_MAX_WORDS);
  });
});

describe('WhisperEngine streaming', () => {
  it('cancels a partial pass still running at the end of speech instead of waiting for it', async () => {
    // A pass that runs until it is cancelled: the old end() awaited it and never got to the final pass.
    const calls: { final: boolean; cancelled: boolean }[] = [];
    class Stuck extends WhisperEngine {
      override transcribe(pcm: Float32Array, options: { signal?: AbortSignal } = {}): ReturnType<WhisperEngine['transcribe']> {
        const call = { final: options.signal === undefined, cancelled: false };
        calls.push(call);
        const done = { text: call.final ? 'final' : '', confidence: 1, segments: [], engine: 'whisper' as const, timings: { queueMs: 0, decodeMs: 0, totalMs: 0 } };
        if (call.final) return Promise.resolve(done);
        return new Promise((_resolve, reject) => options.signal!.addEventListener('abort', () => { call.cancelled = true; reject(options.signal!.reason as Error); }));
      }
    }
    const stream = new Stuck({ modelPath: '/nonexistent', streamIntervalMs: 100 }).stream();
    stream.push(new Float32Array(3200));
    expect(calls).toEqual([{ final: false, cancelled: false }]);
    const final = await stream.end();
    expect(final.text).toBe('final');
    expect(calls).toEqual([{ final: false, cancelled: true }, { final: true, cancelled: false }]);
  });
});

describe('WhisperEngine without a model file', () => {
  it('reports the missing model with the command that fetches it', async () => {
    const engine = new WhisperEngine({ modelPath: '/nonexistent/ggml-base.en.bin', modelName: 'base.en' });
    await expect(engine.start()).rejects.toThrow(/JARVIS_STT_MODEL_MISSING.*jarvis models pull base\.en/);
  });
});

describe.skipIf(!haveModel)('WhisperEngine with the test model (no weights: empty text)', () => {
  describeSttEngine('whisper', { create: () => new WhisperEngine({ modelPath: MODEL, threads: 2, vocabulary: ['Kitchen Light'] }) });

  it('runs end to end on a voiced clip, full and trimmed window, and streams partials off the event loop', async () => {
    const engine = new WhisperEngine({ modelPath: MODEL, threads: 2, streamIntervalMs: 500 });
    await engine.start();
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const full = await engine.transcribeWith(tone(2), {}, false);
      clearInterval(timer);
      // The event loop kept running while whisper decoded on the thread pool.
      expect(ticks).toBeGreaterThan(3);
      expect(full.text).toBe('');
      expect(full.engine).toBe('whisper');
      expect(full.timings.decodeMs).toBeGreaterThan(0);
      const partials: unknown[] = [];
      const stream = engine.stream({ onPartial: (p) => partials.push(p) });
      const clip = tone(1.2);
      for (let i = 0; i < clip.length; i += 1600) stream.push(clip.subarray(i, i + 1600));
      // Speech goes on while a partial pass runs (end() cancels one still running at the end of speech).
      await expect.poll(() => partials.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
      const final = await stream.end();
      expect(final.text).toBe('');
      expect(partials.length).toBeGreaterThanOrEqual(1);
    } finally {
      await engine.stop();
    }
  });

  it('does not run whisper at all on non-speech (no hallucinations from silence or steady hum)', async () => {
    const engine = new WhisperEngine({ modelPath: MODEL });
    await engine.start();
    try {
      const hum = new Float32Array(32000).map((_, i) => 0.2 * Math.sin(i / 5));
      const t = await engine.transcribe(hum);
      expect(t.rejected).toBe('non-speech');
      expect(t.timings.decodeMs).toBe(0);
    } finally {
      await engine.stop();
    }
  });
});
