import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWhisperAddon, whisperAddonPath } from '../src/addon.js';
import { WhisperError } from '../src/errors.js';
import { WHISPER_SAMPLE_RATE, WhisperModel, type WhisperParams } from '../src/model.js';

const MODEL = '/work/shared/models/for-tests-ggml-tiny.en.bin';
const haveModel = existsSync(MODEL);
if (!haveModel) console.warn(`@jarvis/whisper model tests skipped: model file ${MODEL} is absent`);

/** A voiced 150 Hz tone with a syllable-rate envelope: costs whisper a real pass. */
function voiced(seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * WHISPER_SAMPLE_RATE));
  for (let i = 0; i < out.length; i++) out[i] = 0.3 * Math.sin((2 * Math.PI * 150 * i) / WHISPER_SAMPLE_RATE) * (0.5 + 0.5 * Math.sin((2 * Math.PI * 4 * i) / WHISPER_SAMPLE_RATE));
  return out;
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WhisperError);
    return (err as WhisperError).code;
  }
  throw new Error('expected a WhisperError');
}

const dir = mkdtempSync(join(tmpdir(), 'jarvis-whisper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the fast addon', () => {
  it('is built by the install step and exposes the binding', () => {
    expect(whisperAddonPath()).toMatch(/whisper-native\/native\/build\/Release\/jarvis_whisper\.node$/);
    const addon = loadWhisperAddon();
    expect(typeof addon.WhisperModel.load).toBe('function');
    expect(typeof addon.transcribe).toBe('function');
    expect(loadWhisperAddon()).toBe(addon);
  });
});

describe('WhisperModel.load', () => {
  it('rejects a missing file with JARVIS_WHISPER_MODEL_MISSING and a non-model with JARVIS_WHISPER_MODEL_BAD', async () => {
    expect(await codeOf(WhisperModel.load(join(dir, 'absent.bin')))).toBe('JARVIS_WHISPER_MODEL_MISSING');
    expect(await codeOf(WhisperModel.load(''))).toBe('JARVIS_WHISPER_MODEL_MISSING');
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, 'this is not a ggml whisper model '.repeat(64));
    expect(await codeOf(WhisperModel.load(junk))).toBe('JARVIS_WHISPER_MODEL_BAD');
  });
});

describe.skipIf(!haveModel)('WhisperModel with the test model (no weights: empty text)', () => {
  let model: WhisperModel;
  beforeAll(async () => {
    model = await WhisperModel.load(MODEL);
  });
  afterAll(async () => {
    await model.free();
  });

  it('transcribes off the event loop and reports each segment as whisper finishes it', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const seen: unknown[] = [];
    const segments = await model.transcribe(voiced(2), { threads: 2, audioCtx: 192 }, { onSegment: (s) => seen.push(s) });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(3);
    expect(Array.isArray(segments)).toBe(true);
    expect(seen).toEqual(segments);
    for (const s of segments) {
      expect(s).toEqual({ startMs: expect.any(Number), endMs: expect.any(Number), text: expect.any(String), confidence: expect.any(Number) });
      expect(s.endMs).toBeGreaterThanOrEqual(s.startMs);
    }
  });

  it('rejects bad audio with JARVIS_WHISPER_BAD_AUDIO before reaching C++', async () => {
    const nan = voiced(1);
    nan[100] = Number.NaN;
    for (const bad of [new Float32Array(0), nan, new Int16Array(16000) as unknown as Float32Array, null as unknown as Float32Array]) {
      expect(await codeOf(model.transcribe(bad))).toBe('JARVIS_WHISPER_BAD_AUDIO');
    }
  });

  it('rejects parameters the binding would misread with JARVIS_WHISPER_BAD_PARAMS', async () => {
    const bad: WhisperParams[] = [
      { threads: 0 }, { threads: 1.5 }, { audioCtx: 1501 }, { audioCtx: -1 }, { language: 'english' }, { language: 'EN' },
      { temperature: 2 }, { temperature: Number.NaN }, { maxTokens: -1 }, { prompt: 42 as unknown as string },
    ];
    for (const params of bad) expect(await codeOf(model.transcribe(voiced(1), params)), JSON.stringify(params)).toBe('JARVIS_WHISPER_BAD_PARAMS');
  });
});

describe.skipIf(!haveModel)('WhisperModel.free', () => {
  it('waits for a running pass, is safe twice, and refuses use afterwards', async () => {
    const model = await WhisperModel.load(MODEL);
    const pass = model.transcribe(voiced(2), { audioCtx: 192 });
    const freed = model.free();
    expect(model.freed).toBe(true);
    // The pass started before free() completes normally: the context was not freed under it.
    await expect(pass).resolves.toBeInstanceOf(Array);
    await freed;
    await model.free();
    expect(await codeOf(model.transcribe(voiced(1)))).toBe('JARVIS_WHISPER_FREED');
  });
});
