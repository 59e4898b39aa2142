import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { failure } from './failure.js';
import { builtinHandlers, type TaskContext } from '../src/handlers.js';
import { createLlmGenerateHandler } from '../src/handlers/llm-generate.js';
import { sharedModel } from '../../tests/helpers/shared-models.js';

const TINY = [
  process.env['JARVIS_TEST_MODELS_DIR'] ? join(process.env['JARVIS_TEST_MODELS_DIR'], 'llama-2-tiny-random.gguf') : '',
  fileURLToPath(new URL('../../../shared/models/llama-2-tiny-random.gguf', import.meta.url)),
  sharedModel('llama-2-tiny-random.gguf'),
].find((p) => p !== '' && existsSync(p));
if (!TINY) console.warn('skipping llm.generate model tests: llama-2-tiny-random.gguf is not in ../shared/models (or $JARVIS_TEST_MODELS_DIR)');

const dirs: string[] = [];
function modelsDir(files: Record<string, string | 'tiny'> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-worker-models-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    if (content === 'tiny') symlinkSync(TINY!, join(dir, name));
    else writeFileSync(join(dir, name), content);
  }
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ctx = (payload: unknown, signal: AbortSignal = new AbortController().signal): TaskContext => ({ taskId: 't1', type: 'llm.generate', payload, attempt: 1, signal });

describe('llm.generate without a usable model', () => {
  it('is a built-in handler', () => {
    expect([...builtinHandlers().keys()]).toContain('llm.generate');
  });

  it('fails for good (not retryable) with JARVIS_WORKER_MODEL_MISSING when there is no model', async () => {
    const none = await failure(createLlmGenerateHandler({})(ctx({ prompt: 'hi' })));
    expect([none.code, none.retryable]).toEqual(['JARVIS_WORKER_MODEL_MISSING', false]);
    expect(none.message).toContain('--models-dir');
    const empty = await failure(createLlmGenerateHandler({ modelsDir: modelsDir({ 'notes.txt': 'x' }) })(ctx({ prompt: 'hi' })));
    expect([empty.code, empty.retryable]).toEqual(['JARVIS_WORKER_MODEL_MISSING', false]);
    const named = await failure(createLlmGenerateHandler({ modelsDir: modelsDir() })(ctx({ prompt: 'hi', model: 'absent.gguf' })));
    expect(named.code).toBe('JARVIS_WORKER_MODEL_MISSING');
    expect(named.message).toContain('absent.gguf');
  });

  it('a file that is not a GGUF fails with JARVIS_WORKER_MODEL_BAD, not retryable', async () => {
    const err = await failure(createLlmGenerateHandler({ modelsDir: modelsDir({ 'broken.gguf': 'GGUF but not really'.repeat(20) }) })(ctx({ prompt: 'hi' })));
    expect([err.code, err.retryable]).toEqual(['JARVIS_WORKER_MODEL_BAD', false]);
  });

  it('malformed payloads fail with JARVIS_WORKER_BAD_PAYLOAD naming the field', async () => {
    const h = createLlmGenerateHandler({ modelsDir: modelsDir() });
    const cases: Array<[unknown, string]> = [
      [null, '(root)'],
      ['prompt', '(root)'],
      [{}, 'prompt'],
      [{ prompt: '  ' }, 'prompt'],
      [{ prompt: 'x', maxTokens: 0 }, 'maxTokens'],
      [{ prompt: 'x', maxTokens: 2.5 }, 'maxTokens'],
      [{ prompt: 'x', temperature: 9 }, 'temperature'],
      [{ prompt: 'x', model: '../../etc/passwd.gguf' }, 'model'],
      [{ prompt: 'x', model: 'model.bin' }, 'model'],
      [{ prompt: 'x', jsonSchema: [1] }, 'jsonSchema'],
      [{ prompt: 'x', extra: true }, '(root)'],
    ];
    for (const [payload, field] of cases) {
      const err = await failure(h(ctx(payload)));
      expect(err.code, JSON.stringify(payload)).toBe('JARVIS_WORKER_BAD_PAYLOAD');
      expect(err.retryable).toBe(false);
      expect(err.message).toContain(`payload ${field}`);
    }
  });
});

describe.skipIf(!TINY)('llm.generate with llama-2-tiny-random.gguf (random weights)', () => {
  const h = createLlmGenerateHandler({ modelsDir: modelsDir({ 'tiny.gguf': 'tiny' }), threads: 1, contextSize: 1024 });
  afterAll(async () => {
    await h.dispose();
  });

  it('returns {text, tokens, ms} and, with a JSON schema, output that parses', async () => {
    const plain = (await h(ctx({ prompt: 'Say hello', maxTokens: 12, temperature: 0 }))) as { text: string; tokens: number; ms: number; model: string };
    expect(typeof plain.text).toBe('string');
    expect(plain.tokens).toBeGreaterThan(0);
    expect(plain.tokens).toBeLessThanOrEqual(12);
    expect(plain.ms).toBeGreaterThanOrEqual(0);
    expect(plain.model).toBe('tiny.gguf');
    const schema = { type: 'object', properties: { answer: { enum: ['yes', 'no'] }, n: { enum: [1, 2, 3] } }, required: ['answer', 'n'] };
    for (const seed of [1, 2, 3]) {
      const r = (await h(ctx({ prompt: 'Yes or no?', system: 'JSON only.', jsonSchema: schema, maxTokens: 48, seed, temperature: 1 }))) as { text: string; json: { answer: string; n: number } };
      expect(JSON.parse(r.text)).toEqual(r.json);
      expect(['yes', 'no']).toContain(r.json.answer);
      expect([1, 2, 3]).toContain(r.json.n);
    }
  });

  it('honours the task signal: cancellation stops the generation and the handler keeps working', async () => {
    const ac = new AbortController();
    // The grammar forces a long answer, so the cancellation always lands mid-generation.
    const running = h(ctx({ prompt: 'Write a very long story', jsonSchema: { type: 'array', items: { type: 'string', minLength: 20, maxLength: 30 }, minItems: 40 }, maxTokens: 4096, temperature: 1 }, ac.signal));
    setTimeout(() => ac.abort(), 50);
    const err = await failure(running);
    expect([err.code, err.retryable]).toEqual(['JARVIS_WORKER_CANCELLED', false]);
    const pre = new AbortController();
    pre.abort();
    expect((await failure(h(ctx({ prompt: 'x' }, pre.signal)))).code).toBe('JARVIS_WORKER_CANCELLED');
    const after = (await h(ctx({ prompt: 'again', maxTokens: 4 }))) as { tokens: number };
    expect(after.tokens).toBeGreaterThan(0);
  });
});
