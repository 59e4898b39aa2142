import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWhisperAddon, whisperAddonPath } from '../src/addon.js';
import { WhisperError } from '../src/errors.js';
import { WHISPER_SAMPLE_RATE, WhisperModel, checkWhisperGrammar, type WhisperParams } from '../src/model.js';
import { sharedModel } from '../../tests/helpers/shared-models.js';

const MODEL = sharedModel('for-tests-ggml-tiny.en.bin');
const haveModel = existsSync(MODEL);
if (!haveModel) console.warn(`@jarvis/whisper model tests skipped: model file ${MODEL} is absent`);

/** A voiced 150 Hz tone with a syllable-rate envelope: costs whisper a real pass. */
function voiced(seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * WHISPER_SAMPLE_RATE));
  for (let i = 0; i < out.length; i++) out[i] = 0.3 * Math.sin((2 * Math.PI * 150 * i) / WHISPER_SAMPLE_RATE) * (0.5 + 0.5 * Math.sin((2 * Math.PI * 4 * i) / WHISPER_SAMPLE_RATE));
  return out;
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    expect(err).toBeInstanceOf(WhisperError);
    return (err as WhisperError).code;
  }
  throw new Error('expected a WhisperError');
}

const dir = mkdtempSync(join(tmpdir(), 'jarvis-whisper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the addon', () => {
  it('is built by the install step and exposes our binding', () => {
    expect(whisperAddonPath()).toMatch(/whisper-native\/native\/build\/Release\/jarvis_whisper\.node$/);
    const addon = loadWhisperAddon();
    for (const fn of ['loadModel', 'loadVad', 'checkGrammar', 'systemInfo'] as const) expect(typeof addon[fn]).toBe('function');
    expect(addon.systemInfo().whisperVersion).toBe('1.9.3');
    expect(loadWhisperAddon()).toBe(addon);
  });
});

describe('WhisperModel.load', () => {
  it('rejects a missing file with JARVIS_WHISPER_MODEL_MISSING and a non-model with JARVIS_WHISPER_MODEL_BAD', async () => {
    expect(await codeOf(WhisperModel.load(join(dir, 'absent.bin')))).toBe('JARVIS_WHISPER_MODEL_MISSING');
    expect(await codeOf(WhisperModel.load(''))).toBe('JARVIS_WHISPER_MODEL_MISSING');
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, 'this is not a ggml whisper model '.repeat(64));
    const err = await WhisperModel.load(junk).catch((e: unknown) => e as WhisperError);
    expect(err).toBeInstanceOf(WhisperError);
    expect((err as WhisperError).code).toBe('JARVIS_WHISPER_MODEL_BAD');
    expect((err as WhisperError).message).toContain('bad magic number at byte 0');
  });
});

describe.skipIf(!haveModel)('WhisperModel with the test model (no weights: whisper.cpp emits no segments)', () => {
  let model: WhisperModel;
  beforeAll(async () => {
    model = await WhisperModel.load(MODEL);
  });
  afterAll(async () => {
    await model.free();
  });

  it('runs a pass off the event loop and reports whisper.cpp time', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const seen: unknown[] = [];
    const result = await model.pass(voiced(2), { threads: 2, audioCtx: 128 }, { onSegment: (s) => seen.push(s) });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(3);
    expect(result.nativeMs).toBeGreaterThan(0);
    expect(result.vadSpans).toBeUndefined();
    // The weightless model never yields text (whisper.cpp keeps no segment when no tensor was loaded).
    expect(result.segments).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('says where a pass spent its time: one encoder window, the prompt decoded before the first token', async () => {
    const bare = await model.pass(voiced(2), { threads: 1, audioCtx: 128 });
    expect(bare.stages).toMatchObject({ encodes: 1, promptTokens: 0 });
    // The weightless model ends each window at its first sampled token.
    expect(bare.stages.sampled).toBe(1);
    expect(bare.stages.encodeBeginMs).toBeGreaterThanOrEqual(0);
    expect(bare.stages.firstTokenMs).toBeGreaterThanOrEqual(bare.stages.encodeBeginMs);
    expect(bare.stages.firstTokenMs).toBeLessThanOrEqual(bare.nativeMs);
    const prompted = await model.pass(voiced(2), { threads: 1, audioCtx: 128, prompt: 'Kitchen, Living Room, Hallway, chandelier, Thermostat.' });
    // whisper's BPE: at least one token per word, fewer than one per character.
    expect(prompted.stages.promptTokens).toBeGreaterThanOrEqual(7);
    expect(prompted.stages.promptTokens).toBeLessThan(40);
  });

  it('takes an initial prompt and a GBNF grammar through a pass', async () => {
    const grammar = 'root ::= " turn " state " the " room " lights"\nstate ::= "on" | "off"\nroom ::= [a-z]+ ("-" [a-z]+)?';
    expect(checkWhisperGrammar(grammar)).toBeGreaterThanOrEqual(3);
    await expect(model.pass(voiced(1.5), { audioCtx: 128, prompt: 'Kitchen, hallway, Jarvis.', grammar, grammarPenalty: 50 })).resolves.toMatchObject({ segments: [] });
  });

  it('rejects a grammar that does not parse with JARVIS_WHISPER_BAD_GRAMMAR naming line and column', async () => {
    const bad: [string, RegExp][] = [
      ['root ::= "on" | off', /1:17: rule 'off' is used but never defined/],
      ['root ::= "unterminated', /unterminated string literal/],
      ['root ::= [z-a]', /character range is reversed/],
      ['room ::= "kitchen"', /no rule 'root'/],
      ['root ::= "a"\nroot ::= "b"', /2:1: rule 'root' is defined twice/],
      ['root ::= * "a"', /nothing to repeat/],
      ['', /non-empty/],
    ];
    for (const [grammar, message] of bad) {
      const err = await model.pass(voiced(1), { audioCtx: 128, grammar }).catch((e: unknown) => e as WhisperError);
      expect(err, grammar).toBeInstanceOf(WhisperError);
      expect((err as WhisperError).code).toBe('JARVIS_WHISPER_BAD_GRAMMAR');
      expect((err as WhisperError).message).toMatch(message);
    }
    expect(await codeOf(() => checkWhisperGrammar('root ::= "a"', 'no such rule!'))).toBe('JARVIS_WHISPER_BAD_GRAMMAR');
  });

  it('cancels through an AbortSignal: before the pass starts, and while whisper.cpp runs', async () => {
    const before = new AbortController();
    before.abort();
    expect(await codeOf(model.pass(voiced(2), {}, { signal: before.signal }))).toBe('JARVIS_WHISPER_CANCELLED');
    const during = new AbortController();
    const pass = model.pass(voiced(30), { audioCtx: 0 }, { signal: during.signal });
    setTimeout(() => during.abort(), 20);
    expect(await codeOf(pass)).toBe('JARVIS_WHISPER_CANCELLED');
    // The model is still usable after a cancelled pass (its state went back to the pool).
    await expect(model.pass(voiced(1), { audioCtx: 128 })).resolves.toMatchObject({ segments: [] });
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
      { singleSegment: 'yes' as unknown as boolean }, { grammarPenalty: 5 }, { grammar: 'root ::= "a"', grammarPenalty: -1 },
      { vad: {} as WhisperParams['vad'] }, { vad: { modelPath: sharedModel('for-tests-silero-v6.2.0-ggml.bin'), threshold: 2 } },
    ];
    for (const params of bad) expect(await codeOf(model.transcribe(voiced(1), params)), JSON.stringify(params)).toBe('JARVIS_WHISPER_BAD_PARAMS');
    expect(await codeOf(model.transcribe(voiced(1), { vad: { modelPath: join(dir, 'no-vad.bin') } }))).toBe('JARVIS_WHISPER_MODEL_MISSING');
  });
});

describe.skipIf(!haveModel)('WhisperModel.free', () => {
  it('waits for a running pass, is safe twice, and refuses use afterwards', async () => {
    const model = await WhisperModel.load(MODEL);
    const pass = model.transcribe(voiced(2), { audioCtx: 128 });
    const freed = model.free();
    expect(model.freed).toBe(true);
    // The pass started before free() completes normally: the context was not freed under it.
    await expect(pass).resolves.toBeInstanceOf(Array);
    await freed;
    await model.free();
    expect(await codeOf(model.transcribe(voiced(1)))).toBe('JARVIS_WHISPER_FREED');
  });

  it('keeps the native model alive for a pass even when the binding object is freed under it', async () => {
    const model = await WhisperModel.load(MODEL);
    const native = (model as unknown as { native: { free(): Promise<void>; transcribe: (...a: unknown[]) => Promise<unknown> } }).native;
    const pass = native.transcribe(voiced(2), { audioCtx: 128 }, undefined, new Int32Array(1));
    await native.free();
    await expect(pass).resolves.toMatchObject({ aborted: false, segments: [] });
    expect(() => native.transcribe(voiced(1), {})).toThrow(expect.objectContaining({ code: 'FREED' }));
  });
});

describe.skipIf(!haveModel)('the model file check', () => {
  it('accepts the real test model as it is', () => {
    expect(readFileSync(MODEL).readUInt32LE(0)).toBe(0x67676d6c);
  });
});
