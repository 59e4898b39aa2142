import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmError } from '../../src/llm/errors.js';
import { LlmRuntime, type GenerateResult } from '../../src/llm/runtime.js';
import { TODO_REVIEW_SCHEMA, TODO_SYSTEM_PROMPT, createTodoLlm } from '../../src/observer/todo-llm.js';
import { DEFAULT_LLM_MODEL, llmModelPath } from '../../src/llm/model-path.js';
import { MODEL_CATALOGUE } from '../../src/stt/models/catalogue.js';
import { TINY_LLM, noTinyLlm } from '../llm/model.js';

const input = {
  utterance: "I'll call the plumber tomorrow and we're out of eggs", speaker: 'USER', context: ['BOB: the sink is leaking again'],
  saidAt: '2026-03-02T09:00:00.000Z', candidates: [{ text: 'call the plumber', due: { date: '2026-03-03', at: null }, kind: 'task' as const, evidence: 'x' }],
};

function scripted(json: unknown): Pick<LlmRuntime, 'generate' | 'ready'> {
  return {
    ready: true,
    generate: async () => {
      if (json instanceof Error) throw json;
      return { text: JSON.stringify(json), json, tokens: 1, inputTokens: 1, ms: 1, queuedMs: 0, stopReason: 'eogToken' } satisfies GenerateResult;
    },
  };
}

describe('createTodoLlm', () => {
  it('returns the reviewed to-dos and drops ones that share no word with what was said', async () => {
    const skipped: string[] = [];
    const llm = createTodoLlm({ runtime: scripted({ todos: [{ text: 'Call the plumber', due: '2026-03-03' }, { text: 'Buy eggs', due: null }, { text: 'Wire money abroad', due: null }] }), onSkip: (r) => void skipped.push(r) });
    expect(await llm.review(input)).toEqual({ todos: [{ text: 'Call the plumber', due: '2026-03-03' }, { text: 'Buy eggs', due: null }] });
    expect(skipped).toEqual(['invented']);
  });

  it('returns null (the rules stand) when the LLM is off, fails, or answers outside the schema', async () => {
    const skipped: string[] = [];
    const onSkip = (r: string): void => void skipped.push(r);
    const off = new LlmRuntime({ modelPath: '/nonexistent.gguf' });
    await off.start();
    expect(await createTodoLlm({ runtime: off, onSkip }).review(input)).toBeNull();
    expect(await createTodoLlm({ runtime: scripted(new LlmError('JARVIS_LLM_TIMEOUT', 'late')), onSkip }).review(input)).toBeNull();
    expect(await createTodoLlm({ runtime: scripted({ todos: [{ text: 'x'.repeat(200), due: null }] }), onSkip }).review(input)).toBeNull();
    expect(await createTodoLlm({ runtime: scripted({ todos: [{ text: 'call him', due: 'tomorrow' }] }), onSkip }).review(input)).toBeNull();
    expect(skipped).toEqual(['off', 'JARVIS_LLM_TIMEOUT', 'JARVIS_LLM_BAD_OUTPUT', 'JARVIS_LLM_BAD_OUTPUT']);
  });
});

describe.skipIf(noTinyLlm)('createTodoLlm with llama-2-tiny-random.gguf (random weights)', () => {
  const rt = new LlmRuntime({ modelPath: TINY_LLM ?? '' });
  beforeAll(async () => {
    await rt.start();
  });
  afterAll(async () => {
    await rt.stop();
  });

  it('the review grammar always yields a valid answer, and the review never throws', async () => {
    for (const seed of [1, 2, 3]) {
      const r = await rt.generate({ system: TODO_SYSTEM_PROMPT, prompt: input.utterance, jsonSchema: TODO_REVIEW_SCHEMA, maxTokens: 512, temperature: 1, seed });
      const todos = (r.json as { todos: Array<{ text: string; due: string | null }> }).todos;
      expect(todos.length).toBeLessThanOrEqual(4);
      for (const t of todos) expect(t.due === null || /^\d{4}-\d{2}-\d{2}$/.test(t.due)).toBe(true);
    }
    const verdict = await createTodoLlm({ runtime: rt }).review(input);
    expect(verdict === null || Array.isArray(verdict.todos)).toBe(true);
  });
});

describe('the default LLM model', () => {
  it('is an llm entry of the models catalogue, so the "off" message names a pullable model', () => {
    const entry = MODEL_CATALOGUE.find((e) => e.name === DEFAULT_LLM_MODEL.name);
    expect(entry).toMatchObject({ kind: 'llm', file: DEFAULT_LLM_MODEL.file });
    expect(llmModelPath('/data')).toBe(`/data/models/${DEFAULT_LLM_MODEL.file}`);
    expect(llmModelPath('/data', '/opt/models/other.gguf')).toBe('/opt/models/other.gguf');
  });
});
