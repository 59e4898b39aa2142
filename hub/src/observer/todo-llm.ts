import { z } from 'zod';
import type { TodoLlm } from './observer.js';
import type { LlmRuntime } from '../llm/index.js';

/** Settings of {@link createTodoLlm}. */
export interface TodoLlmOptions {
  runtime: Pick<LlmRuntime, 'generate' | 'ready'>;
  /** Budget of one review, ms (default 8 s: the observer is off the hot path). */
  budgetMs?: number;
  maxTokens?: number;
  /** Called with each review that was not used and why (metrics, debug logs). */
  onSkip?: (reason: string) => void;
}

const MAX_TODOS = 4;
const MAX_TEXT = 80;

/** The system prompt of the to-do review (cached by the runtime between calls). */
export const TODO_SYSTEM_PROMPT = [
  'You read one thing a person said and list the to-dos the speaker committed to or needs:',
  '"I need to", "remind me to", "I\'ll", "we\'re out of", "add ... to the list". Leave out what is already done,',
  'hypothetical, a question, a quote from TV, or someone else\'s task. Each to-do is short and starts with a verb',
  'or names the item; due is the calendar date (YYYY-MM-DD) it is due relative to when it was said, or null.',
  'The rule-based candidates are a hint: keep, fix, drop or add. Reply with JSON only.',
].join('\n');

/** The grammar's JSON schema: bounded list and text so the output always completes. */
export const TODO_REVIEW_SCHEMA = {
  type: 'object',
  properties: {
    todos: {
      type: 'array',
      maxItems: MAX_TODOS,
      items: {
        type: 'object',
        properties: { text: { type: 'string', minLength: 2, maxLength: MAX_TEXT }, due: { oneOf: [{ type: 'null' }, { type: 'string', format: 'date' }] } },
        required: ['text', 'due'],
      },
    },
  },
  required: ['todos'],
} as const;

const reviewSchema = z.strictObject({
  todos: z.array(z.strictObject({ text: z.string().trim().min(2).max(MAX_TEXT), due: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable() })).max(MAX_TODOS),
});

const contentWords = (s: string): Set<string> => new Set(s.toLowerCase().match(/[a-z][a-z']{2,}/g) ?? []);

/**
 * The observer's {@link TodoLlm} on the local LLM: a JSON-schema review of what the rules found. A to-do that
 * shares no word with what was said is taken as invented and dropped; when the LLM is off, slow or wrong the
 * review returns null and the rules' result stands.
 */
export function createTodoLlm(options: TodoLlmOptions): TodoLlm {
  const skip = (reason: string): null => {
    options.onSkip?.(reason);
    return null;
  };
  return {
    async review(input) {
      if (!options.runtime.ready) return skip('off');
      const prompt = [
        `Said at: ${input.saidAt}`,
        ...(input.context.length > 0 ? ['Before:', ...input.context] : []),
        `${input.speaker ?? 'Speaker'}: ${input.utterance}`,
        `Rule candidates: ${JSON.stringify(input.candidates.map((c) => ({ text: c.text, due: c.due?.date ?? null })))}`,
      ].join('\n');
      let json: unknown;
      try {
        json = (await options.runtime.generate({
          system: TODO_SYSTEM_PROMPT, prompt, jsonSchema: TODO_REVIEW_SCHEMA, maxTokens: options.maxTokens ?? 512,
          budgetMs: options.budgetMs ?? 8000, temperature: 0, priority: 'normal',
        })).json;
      } catch (err) {
        return skip((err as { code?: string }).code ?? 'error');
      }
      const parsed = reviewSchema.safeParse(json);
      if (!parsed.success) return skip('JARVIS_LLM_BAD_OUTPUT');
      const said = contentWords([input.utterance, ...input.context].join(' '));
      const todos = parsed.data.todos.filter((t) => [...contentWords(t.text)].some((w) => said.has(w)));
      if (todos.length < parsed.data.todos.length) options.onSkip?.('invented');
      return { todos: todos.map((t) => ({ text: t.text.trim(), due: t.due })) };
    },
  };
}
