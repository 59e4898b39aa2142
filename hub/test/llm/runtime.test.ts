import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { LLM_ERROR_CODES, LlmError, isLlmError } from '../../src/llm/errors.js';
import { LlmRuntime, schemaProblem } from '../../src/llm/runtime.js';
import { TINY_LLM, noTinyLlm } from './model.js';

const SCHEMA = {
  type: 'object',
  properties: {
    intent: { enum: ['HassTurnOn', 'HassTurnOff', 'none'] },
    level: { oneOf: [{ type: 'null' }, { enum: [0, 25, 50, 75, 100] }] },
    note: { type: 'string', maxLength: 12 },
    flags: { type: 'array', items: { type: 'boolean' }, maxItems: 3 },
  },
  required: ['intent', 'level', 'note', 'flags'],
} as const;
const answer = z.strictObject({
  intent: z.enum(['HassTurnOn', 'HassTurnOff', 'none']),
  level: z.union([z.null(), z.literal(0), z.literal(25), z.literal(50), z.literal(75), z.literal(100)]),
  note: z.string().max(12),
  flags: z.array(z.boolean()).max(3),
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(LlmError);
    return (err as LlmError).code;
  }
  throw new Error('expected a rejection');
}

describe('LlmRuntime without a model', () => {
  it('reports itself off with the command that turns it on, and refuses calls with that message', async () => {
    const rt = new LlmRuntime({ modelPath: '/nonexistent/dir/router.gguf', modelName: 'qwen2.5-0.5b-instruct-q4_k_m' });
    await rt.start();
    await rt.start();
    expect(rt.ready).toBe(false);
    expect(rt.status.state).toBe('off');
    expect(rt.status.code).toBe('JARVIS_LLM_OFF');
    expect(rt.status.message).toContain('/nonexistent/dir/router.gguf');
    expect(rt.status.message).toContain('`jarvis models pull qwen2.5-0.5b-instruct-q4_k_m`');
    const err = await rt.generate({ prompt: 'hello' }).catch((e: unknown) => e);
    expect(isLlmError(err, 'JARVIS_LLM_OFF')).toBe(true);
    expect((err as Error).message).toContain('jarvis models pull');
    await rt.stop();
    await rt.stop();
  });

  it('refuses calls before start with JARVIS_LLM_NOT_STARTED', async () => {
    const rt = new LlmRuntime({ modelPath: '/nonexistent.gguf' });
    expect(await codeOf(rt.generate({ prompt: 'x' }))).toBe('JARVIS_LLM_NOT_STARTED');
  });

  it('a file that is not a GGUF fails to load with a coded status instead of throwing from start()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-llm-'));
    const bad = join(dir, 'broken.gguf');
    writeFileSync(bad, Buffer.from('GGUF this is not really a model file'.repeat(10)));
    const rt = new LlmRuntime({ modelPath: bad });
    await rt.start();
    expect(rt.status.state).toBe('failed');
    expect(rt.status.code).toBe('JARVIS_LLM_LOAD_FAILED');
    expect(await codeOf(rt.generate({ prompt: 'x' }))).toBe('JARVIS_LLM_LOAD_FAILED');
    await rt.stop();
  });

  it('names the field of a JSON schema the grammar builder would misread', () => {
    expect(schemaProblem({ type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'strng' } } } } }, 'jsonSchema')).toBe('jsonSchema.properties.a.properties.b.type "strng" is not a JSON schema type');
    expect(schemaProblem({ oneOf: [{ type: 'null' }, { enum: [] }] }, 's')).toBe('s.oneOf[1].enum must be a non-empty array');
    expect(schemaProblem({ anyOf: [{ type: 'null' }] }, 's')).toMatch(/anyOf/);
    expect(schemaProblem({ items: { type: 'string' } }, 's')).toBeUndefined();
    expect(schemaProblem({}, 's')).toMatch(/no type/);
    expect(schemaProblem({ type: ['string', 'null'] }, 's')).toBeUndefined();
  });

  it('every JARVIS_LLM_ code used in src/llm is documented', () => {
    const dir = new URL('../../src/llm/', import.meta.url);
    const used = new Set<string>();
    for (const f of readdirSync(dir)) for (const m of readFileSync(new URL(f, dir), 'utf8').matchAll(/JARVIS_LLM_[A-Z_]+/g)) used.add(m[0]);
    expect(used.size).toBeGreaterThan(5);
    for (const code of used) expect(Object.keys(LLM_ERROR_CODES)).toContain(code);
  });
});

describe.skipIf(noTinyLlm)('LlmRuntime with llama-2-tiny-random.gguf (random weights)', () => {
  const rt = new LlmRuntime({ modelPath: TINY_LLM ?? '', maxQueue: 2, threads: 1 });
  beforeAll(async () => {
    await rt.start();
  });
  afterAll(async () => {
    await rt.stop();
  });

  it('loads once at start', async () => {
    expect(rt.status.state).toBe('ready');
    expect(rt.status.loadMs).toBeGreaterThan(0);
    await rt.start();
    expect(rt.ready).toBe(true);
  });

  it('output under a JSON schema always parses and validates, whatever the sampling', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = await rt.generate({ prompt: `turn the lamp on, take ${seed}`, system: 'Answer in JSON.', jsonSchema: SCHEMA, maxTokens: 96, temperature: 1.2, seed });
      expect(() => JSON.parse(r.text) as unknown).not.toThrow();
      expect(answer.parse(r.json)).toEqual(JSON.parse(r.text));
      expect(r.tokens).toBeGreaterThan(0);
    }
  });

  it('keeps the system prompt evaluated between calls', async () => {
    const system = `You are a careful router. ${'Always reply with one JSON object. '.repeat(20)}`;
    const first = await rt.generate({ prompt: 'first call', system, jsonSchema: SCHEMA, maxTokens: 96 });
    const second = await rt.generate({ prompt: 'second call', system, jsonSchema: SCHEMA, maxTokens: 96 });
    // Another system prompt takes the other sequence; coming back must still find ours evaluated.
    await rt.generate({ prompt: 'other', system: 'Something else.', maxTokens: 4 });
    const third = await rt.generate({ prompt: 'third call', system, jsonSchema: SCHEMA, maxTokens: 96 });
    expect(first.inputTokens).toBeGreaterThan(100);
    expect(second.inputTokens).toBeLessThan(first.inputTokens / 4);
    expect(third.inputTokens).toBeLessThan(first.inputTokens / 4);
  });

  it('a budget too small fails with JARVIS_LLM_TIMEOUT and the runtime stays usable', async () => {
    expect(await codeOf(rt.generate({ prompt: 'slow', maxTokens: 512, budgetMs: 1 }))).toBe('JARVIS_LLM_TIMEOUT');
    const after = await rt.generate({ prompt: 'next', jsonSchema: SCHEMA, maxTokens: 96 });
    expect(answer.safeParse(after.json).success).toBe(true);
  });

  it('the caller can abort, before or during the call', async () => {
    const pre = new AbortController();
    pre.abort();
    expect(await codeOf(rt.generate({ prompt: 'x', signal: pre.signal }))).toBe('JARVIS_LLM_ABORTED');
    const ac = new AbortController();
    // The grammar forces a long answer, so the abort always lands mid-generation (a random model may stop early otherwise).
    const p = rt.generate({ prompt: 'write a long story', jsonSchema: { type: 'array', items: { type: 'string', minLength: 20, maxLength: 30 }, minItems: 40 }, maxTokens: 4096, budgetMs: 60_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 30);
    const t0 = performance.now();
    expect(await codeOf(p)).toBe('JARVIS_LLM_ABORTED');
    expect(performance.now() - t0).toBeLessThan(5_000);
    const after = await rt.generate({ prompt: 'still here', maxTokens: 4 });
    expect(after.tokens).toBeGreaterThan(0);
  });

  it('runs one call at a time: high priority jumps the queue, a full queue refuses at once', async () => {
    const order: string[] = [];
    const run = (name: string, priority: 'high' | 'normal'): Promise<void> =>
      rt.generate({ prompt: name, maxTokens: 24, priority }).then(() => void order.push(name));
    const a = run('a', 'normal');
    const b = run('b', 'normal');
    const c = run('c', 'high');
    expect(await codeOf(rt.generate({ prompt: 'd', maxTokens: 4 }))).toBe('JARVIS_LLM_QUEUE_FULL');
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a', 'c', 'b']);
  });

  it('rejects malformed requests with JARVIS_LLM_BAD_REQUEST', async () => {
    const bad = [
      { prompt: '' },
      { prompt: '   ' },
      { prompt: 'x', maxTokens: 0 },
      { prompt: 'x', maxTokens: 1.5 },
      { prompt: 'x', maxTokens: 100_000 },
      { prompt: 'x', temperature: -1 },
      { prompt: 'x', temperature: Number.NaN },
      { prompt: 'x', budgetMs: 0 },
      { prompt: 'x', jsonSchema: [] as unknown as object },
      { prompt: 'x', jsonSchema: { type: 'frobnicate' } },
      { prompt: 'x', jsonSchema: { type: 'string', minLength: 3000, maxLength: 4000 } },
      { prompt: 42 as unknown as string },
    ];
    for (const r of bad) expect(await codeOf(rt.generate(r)), JSON.stringify(r)).toBe('JARVIS_LLM_BAD_REQUEST');
  });
});

describe.skipIf(noTinyLlm)('LlmRuntime stop', () => {
  it('stop() settles waiting calls with JARVIS_LLM_NOT_STARTED and later calls are refused', async () => {
    const rt = new LlmRuntime({ modelPath: TINY_LLM ?? '' });
    await rt.start();
    const running = rt.generate({ prompt: 'one', maxTokens: 16 });
    const waiting = rt.generate({ prompt: 'two', maxTokens: 16 });
    const stopped = rt.stop();
    expect(await codeOf(waiting)).toBe('JARVIS_LLM_NOT_STARTED');
    await running;
    await stopped;
    expect(await codeOf(rt.generate({ prompt: 'three' }))).toBe('JARVIS_LLM_NOT_STARTED');
    await rt.stop();
  });
});
