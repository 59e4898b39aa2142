import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Llama, LlamaJsonSchemaGrammar, LlamaModel } from 'node-llama-cpp';
import { z } from 'zod';
import { WorkerError } from '../errors.js';
import type { TaskContext, TaskHandler } from '../task-handler.js';

/** The payload of an `llm.generate` task. */
export const llmGeneratePayloadSchema = z.strictObject({
  prompt: z.string().trim().min(1).max(200_000),
  system: z.string().max(200_000).optional(),
  maxTokens: z.number().int().min(1).max(8192).default(512),
  temperature: z.number().min(0).max(2).default(0.7),
  seed: z.number().int().min(0).optional(),
  /** A JSON schema (node-llama-cpp's subset) the output must follow; the result then carries `json`. */
  jsonSchema: z.record(z.string(), z.unknown()).optional(),
  /** A GGUF file name inside the worker's models directory; default: the worker's default model. */
  model: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.gguf$/, 'a plain .gguf file name inside the models directory').optional(),
});

/** A parsed `llm.generate` payload. */
export type LlmGeneratePayload = z.infer<typeof llmGeneratePayloadSchema>;

/** What an `llm.generate` task returns. */
export interface LlmGenerateResult {
  text: string;
  json?: unknown;
  /** Tokens generated. */
  tokens: number;
  /** Wall time of the generation, ms (model load excluded when it was already loaded). */
  ms: number;
  model: string;
}

/** Settings of {@link createLlmGenerateHandler}. */
export interface LlmGenerateOptions {
  /** Where GGUF files live (`jarvis-worker run --models-dir`). */
  modelsDir?: string | undefined;
  /** File used when a payload names none; default the first `.gguf` in the directory by name. */
  defaultModel?: string;
  /** CPU threads; default llama.cpp's choice for this machine. */
  threads?: number;
  /** Context tokens; default 4096. */
  contextSize?: number;
}

/** The `llm.generate` handler plus a way to free the loaded model when the worker stops. */
export interface LlmGenerateHandler extends TaskHandler {
  dispose(): Promise<void>;
}

let llamaPromise: Promise<Llama> | undefined;

function loadLlama(): Promise<Llama> {
  llamaPromise ??= import('node-llama-cpp')
    .then(({ getLlama, LlamaLogLevel }) => getLlama({ gpu: 'auto', build: 'never', skipDownload: true, progressLogs: false, logLevel: LlamaLogLevel.error }))
    .catch((err: unknown) => {
      llamaPromise = undefined;
      throw new WorkerError('JARVIS_WORKER_MODEL_BAD', `node-llama-cpp has no usable prebuilt binary here: ${(err as Error).message}`, false);
    });
  return llamaPromise;
}

/**
 * Builds the `llm.generate` handler: node-llama-cpp with a GGUF from the worker's models directory, loaded
 * on first use and kept while tasks name the same file. Tasks run one at a time (one model, one context);
 * the task's AbortSignal stops the generation at the next token. A missing or unloadable model is a
 * non-retryable failure (another attempt on this worker cannot succeed).
 */
export function createLlmGenerateHandler(options: LlmGenerateOptions = {}): LlmGenerateHandler {
  let loaded: { file: string; model: LlamaModel } | undefined;
  let chain: Promise<unknown> = Promise.resolve();

  const resolveModel = (requested: string | undefined): { file: string; path: string } => {
    const dir = options.modelsDir;
    if (!dir) throw new WorkerError('JARVIS_WORKER_MODEL_MISSING', 'llm.generate needs a models directory: start the worker with --models-dir DIR holding a .gguf file', false);
    let file = requested ?? options.defaultModel;
    if (!file) {
      const found = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.gguf')).sort() : [];
      file = found[0];
      if (!file) throw new WorkerError('JARVIS_WORKER_MODEL_MISSING', `no .gguf model in ${dir}; copy one there (the hub's \`jarvis models pull\` fetches catalogue models)`, false);
    }
    const path = join(dir, file);
    if (!existsSync(path)) throw new WorkerError('JARVIS_WORKER_MODEL_MISSING', `model ${file} is not in ${dir}`, false);
    return { file, path };
  };

  const modelFor = async (file: string, path: string): Promise<LlamaModel> => {
    if (loaded?.file === file) return loaded.model;
    const llama = await loadLlama();
    await loaded?.model.dispose();
    loaded = undefined;
    try {
      loaded = { file, model: await llama.loadModel({ modelPath: path }) };
    } catch (err) {
      throw new WorkerError('JARVIS_WORKER_MODEL_BAD', `llama.cpp could not load ${path}: ${(err as Error).message}`, false);
    }
    return loaded.model;
  };

  const run = async (ctx: TaskContext): Promise<LlmGenerateResult> => {
    const parsed = llmGeneratePayloadSchema.safeParse(ctx.payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new WorkerError('JARVIS_WORKER_BAD_PAYLOAD', `llm.generate payload ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`, false);
    }
    const p = parsed.data;
    const { file, path } = resolveModel(p.model);
    if (ctx.signal.aborted) throw new WorkerError('JARVIS_WORKER_CANCELLED', 'cancelled before it started', false);
    const model = await modelFor(file, path);
    const llama = await loadLlama();
    let grammar: LlamaJsonSchemaGrammar<never> | undefined;
    if (p.jsonSchema) {
      try {
        grammar = (await llama.createGrammarForJsonSchema(p.jsonSchema as never)) as LlamaJsonSchemaGrammar<never>;
      } catch (err) {
        throw new WorkerError('JARVIS_WORKER_BAD_PAYLOAD', `llm.generate payload jsonSchema: ${(err as Error).message}`, false);
      }
    }
    const { LlamaChatSession } = await import('node-llama-cpp');
    const context = await model.createContext({ contextSize: options.contextSize ?? 4096, ...(options.threads ? { threads: options.threads } : {}) });
    try {
      const sequence = context.getSequence();
      const session = new LlamaChatSession({ contextSequence: sequence, ...(p.system ? { systemPrompt: p.system } : {}) });
      const t0 = performance.now();
      const before = sequence.tokenMeter.getState();
      let text: string;
      try {
        text = await session.prompt(p.prompt, {
          maxTokens: p.maxTokens, temperature: p.temperature, ...(p.seed !== undefined ? { seed: p.seed } : {}),
          ...(grammar ? { grammar } : {}), signal: ctx.signal, stopOnAbortSignal: false,
        });
      } catch (err) {
        if (ctx.signal.aborted) throw new WorkerError('JARVIS_WORKER_CANCELLED', 'llm.generate was cancelled', false);
        throw err;
      }
      const ms = Math.round(performance.now() - t0);
      const tokens = sequence.tokenMeter.diff(before).usedOutputTokens;
      const result: LlmGenerateResult = { text, tokens, ms, model: file };
      if (grammar) {
        try {
          result.json = grammar.parse(text);
        } catch (err) {
          throw new WorkerError('JARVIS_WORKER_HANDLER_ERROR', `output does not follow the JSON schema (maxTokens ${p.maxTokens} may be too small): ${(err as Error).message}`, true);
        }
      }
      return result;
    } finally {
      await context.dispose();
    }
  };

  const handler = ((ctx: TaskContext) => {
    // One generation at a time: the worker may run other task types beside it, but two llama contexts on
    // the same cores only make both slower.
    const next = chain.then(() => run(ctx));
    chain = next.catch(() => undefined);
    return next;
  }) as LlmGenerateHandler;
  handler.dispose = async () => {
    await chain;
    await loaded?.model.dispose();
    loaded = undefined;
  };
  return handler;
}
