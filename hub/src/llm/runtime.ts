import { existsSync } from 'node:fs';
import type { ChatHistoryItem, LlamaChatSession, LlamaContext, LlamaContextSequence, LlamaJsonSchemaGrammar, LlamaModel } from 'node-llama-cpp';
import { type Component, silentLogger, type Logger } from '../core/index.js';
import { sharedLlama } from './binding.js';
import { LlmError, type LlmErrorCode } from './errors.js';
import { DEFAULT_LLM_MODEL } from './model-path.js';

/** Settings of {@link LlmRuntime}. */
export interface LlmRuntimeOptions {
  /** A GGUF file, usually `$JARVIS_DATA_DIR/models/<file>`. */
  modelPath: string;
  /** Catalogue name of the model, for the `jarvis models pull NAME` hint when the file is missing. */
  modelName?: string;
  /**
   * CPU threads per evaluation; default 1. llama.cpp's threads spin while they wait, so on the hub's 2 cores
   * a second thread fights whisper and the event loop and makes every token slower, not faster.
   */
  threads?: number;
  /** Tokens of context per session; default 2048. */
  contextSize?: number;
  /** Distinct system prompts kept evaluated at once (one context sequence each); default 2. */
  sessions?: number;
  /** Calls that may wait behind the running one; more are refused with JARVIS_LLM_QUEUE_FULL. Default 8. */
  maxQueue?: number;
  /** Budget of a call that names none, ms (queue wait included); default 10 s. */
  defaultBudgetMs?: number;
  logger?: Logger;
}

/** What the runtime can do now; `off` and `failed` carry a message fit for the user. */
export interface LlmStatus {
  state: 'stopped' | 'loading' | 'ready' | 'off' | 'failed';
  message: string;
  code?: LlmErrorCode;
  modelPath: string;
  /** Time to load the model and create the context, ms (once ready). */
  loadMs?: number;
}

/** One call of {@link LlmRuntime.generate}. */
export interface GenerateRequest {
  prompt: string;
  /** System prompt; its evaluation is kept and reused by later calls with the same text. */
  system?: string;
  /** A JSON schema (node-llama-cpp's GBNF subset): the output is constrained to it and parsed. */
  jsonSchema?: object;
  /** Default 256, at most 4096. */
  maxTokens?: number;
  /** Default 0 (greedy). */
  temperature?: number;
  seed?: number;
  /** Time budget, ms, counted from the call (queue wait included). */
  budgetMs?: number;
  signal?: AbortSignal;
  /** `high` calls (the hot path) run before waiting `normal` ones (observer, background). */
  priority?: 'high' | 'normal';
}

/** The result of one call. */
export interface GenerateResult {
  text: string;
  /** The parsed output when a JSON schema was given. */
  json?: unknown;
  /** Tokens generated. */
  tokens: number;
  /** Prompt tokens evaluated for this call: small when the system prompt's evaluation was reused. */
  inputTokens: number;
  /** Wall time of the call including the queue, and the part spent waiting. */
  ms: number;
  queuedMs: number;
  stopReason: string;
}

interface Slot {
  system: string;
  sequence: LlamaContextSequence;
  session: LlamaChatSession | undefined;
  initial: ChatHistoryItem[];
  lastUsed: number;
}

interface Job {
  request: GenerateRequest;
  priority: number;
  enqueuedAt: number;
  deadline: number;
  resolve: (r: GenerateResult) => void;
  reject: (err: unknown) => void;
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
  onAbort: (() => void) | undefined;
  /** Set while the job runs: settling the job early (timeout, abort) stops the generation at its next token. */
  ac: AbortController | undefined;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema is only known at run time
type JsonGrammar = LlamaJsonSchemaGrammar<any>;

const MAX_TOKENS_LIMIT = 4096;
const SCHEMA_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'object', 'array']);

/**
 * The first thing in a JSON schema that node-llama-cpp's grammar builder would misread, named by its path;
 * it accepts unknown types silently and then constrains the output to something else.
 */
export function schemaProblem(schema: unknown, path: string): string | undefined {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return `${path} must be an object`;
  const s = schema as Record<string, unknown>;
  if (s['type'] !== undefined) {
    const types = Array.isArray(s['type']) ? s['type'] : [s['type']];
    const badType = types.find((t) => typeof t !== 'string' || !SCHEMA_TYPES.has(t));
    if (types.length === 0 || badType !== undefined) return `${path}.type ${JSON.stringify(s['type'])} is not a JSON schema type`;
  }
  if (s['enum'] !== undefined && (!Array.isArray(s['enum']) || s['enum'].length === 0)) return `${path}.enum must be a non-empty array`;
  if (s['anyOf'] !== undefined || s['allOf'] !== undefined) return `${path}: anyOf/allOf are not supported by the grammar builder; use oneOf`;
  for (const key of ['oneOf'] as const) {
    const list = s[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || list.length === 0) return `${path}.${key} must be a non-empty array`;
    for (let i = 0; i < list.length; i++) {
      const p = schemaProblem(list[i], `${path}.${key}[${i}]`);
      if (p) return p;
    }
  }
  if (s['properties'] !== undefined) {
    if (s['properties'] === null || typeof s['properties'] !== 'object' || Array.isArray(s['properties'])) return `${path}.properties must be an object`;
    for (const [k, v] of Object.entries(s['properties'])) {
      const p = schemaProblem(v, `${path}.properties.${k}`);
      if (p) return p;
    }
  }
  if (s['items'] !== undefined) return schemaProblem(s['items'], `${path}.items`);
  if (s['type'] === undefined && s['enum'] === undefined && s['const'] === undefined && s['oneOf'] === undefined && s['$ref'] === undefined && s['properties'] === undefined) {
    return `${path} has no type, enum, const, oneOf or $ref`;
  }
  return undefined;
}
const GRAMMAR_CACHE = 32;

/**
 * The hub's one local LLM (node-llama-cpp, CPU): the GGUF is loaded once at `start()`, off the hot path;
 * calls run one at a time from a priority queue, each inside a time budget after which it fails with
 * JARVIS_LLM_TIMEOUT and the runtime carries on. A missing model file does not stop the hub: the runtime
 * reports itself `off` with the `jarvis models pull` command that turns it on.
 */
export class LlmRuntime implements Component {
  readonly name = 'llm';
  private readonly log: Logger;
  private current: LlmStatus;
  private model: LlamaModel | undefined;
  private context: LlamaContext | undefined;
  private chatSessionClass: typeof LlamaChatSession | undefined;
  private slots: Slot[] = [];
  private readonly grammars = new Map<string, JsonGrammar>();
  private readonly queue: Job[] = [];
  private running: Promise<void> | undefined;
  private starting: Promise<void> | undefined;

  constructor(private readonly options: LlmRuntimeOptions) {
    this.log = options.logger ?? silentLogger();
    this.current = { state: 'stopped', message: 'not started', modelPath: options.modelPath };
  }

  /** The current state, e.g. for `/api/v1/status` and the startup log. */
  get status(): LlmStatus {
    return { ...this.current };
  }

  /** True when calls can run now. */
  get ready(): boolean {
    return this.current.state === 'ready';
  }

  async start(): Promise<void> {
    if (this.current.state === 'ready' || this.current.state === 'off' || this.current.state === 'failed') return;
    this.starting ??= this.load().finally(() => {
      this.starting = undefined;
    });
    await this.starting;
  }

  private async load(): Promise<void> {
    const { modelPath } = this.options;
    if (!existsSync(modelPath)) {
      const name = this.options.modelName ?? DEFAULT_LLM_MODEL.name;
      this.current = {
        state: 'off', code: 'JARVIS_LLM_OFF', modelPath,
        message: `the local LLM (router tier 1, LLM to-do review) is off: model file ${modelPath} is missing; run \`jarvis models pull ${name}\` to turn it on`,
      };
      this.log.warn({ modelPath }, this.current.message);
      return;
    }
    this.current = { state: 'loading', message: 'loading', modelPath };
    const t0 = performance.now();
    try {
      const llama = await sharedLlama();
      const { LlamaChatSession } = await import('node-llama-cpp');
      this.chatSessionClass = LlamaChatSession;
      try {
        this.model = await llama.loadModel({ modelPath });
        this.context = await this.model.createContext({
          contextSize: this.options.contextSize ?? 2048,
          sequences: this.options.sessions ?? 2,
          threads: this.options.threads ?? 1,
        });
      } catch (err) {
        await this.model?.dispose();
        this.model = undefined;
        throw new LlmError('JARVIS_LLM_LOAD_FAILED', `llama.cpp could not load ${modelPath}: ${(err as Error).message}`, { cause: err });
      }
    } catch (err) {
      const e = err instanceof LlmError ? err : new LlmError('JARVIS_LLM_LOAD_FAILED', (err as Error).message, { cause: err });
      this.current = { state: 'failed', code: e.code, message: `the local LLM is off: ${e.message}`, modelPath };
      this.log.error({ err: e.message, modelPath }, 'local LLM failed to load; features that use it are off');
      return;
    }
    const loadMs = Math.round(performance.now() - t0);
    this.current = { state: 'ready', message: 'ready', modelPath, loadMs };
    this.log.info({ modelPath, loadMs, threads: this.options.threads ?? 1 }, 'local LLM loaded');
  }

  async stop(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    for (const job of this.queue.splice(0)) this.settle(job, new LlmError('JARVIS_LLM_NOT_STARTED', 'the LLM runtime stopped before the call ran'));
    if (this.running) await this.running.catch(() => undefined);
    for (const slot of this.slots) slot.session?.dispose({ disposeSequence: false });
    this.slots = [];
    this.grammars.clear();
    await this.context?.dispose();
    await this.model?.dispose();
    this.context = undefined;
    this.model = undefined;
    if (this.current.state === 'ready' || this.current.state === 'loading') this.current = { state: 'stopped', message: 'stopped', modelPath: this.options.modelPath };
  }

  /**
   * Runs one prompt. Rejects with an {@link LlmError}: JARVIS_LLM_OFF / _NOT_STARTED when there is no model,
   * _TIMEOUT when the budget ran out, _ABORTED on the caller's signal, _QUEUE_FULL, _BAD_REQUEST, _BAD_OUTPUT.
   */
  generate(request: GenerateRequest): Promise<GenerateResult> {
    const enqueuedAt = performance.now();
    try {
      this.checkRequest(request);
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.current.state !== 'ready') {
      const code = this.current.code ?? 'JARVIS_LLM_NOT_STARTED';
      return Promise.reject(new LlmError(code, code === 'JARVIS_LLM_NOT_STARTED' ? `the LLM runtime is ${this.current.state}` : this.current.message));
    }
    if (this.queue.length >= (this.options.maxQueue ?? 8)) {
      return Promise.reject(new LlmError('JARVIS_LLM_QUEUE_FULL', `${this.queue.length} calls are already waiting`));
    }
    if (request.signal?.aborted) return Promise.reject(new LlmError('JARVIS_LLM_ABORTED', 'aborted before it was queued'));
    const budget = request.budgetMs ?? this.options.defaultBudgetMs ?? 10_000;
    return new Promise<GenerateResult>((resolve, reject) => {
      const job: Job = {
        request, priority: request.priority === 'high' ? 1 : 0, enqueuedAt, deadline: enqueuedAt + budget,
        resolve, reject, settled: false, timer: undefined, onAbort: undefined, ac: undefined,
      };
      // The caller is answered at the deadline even if llama.cpp is inside one long native evaluation.
      job.timer = setTimeout(() => this.settle(job, new LlmError('JARVIS_LLM_TIMEOUT', `no answer within ${budget} ms`)), budget);
      if (request.signal) {
        job.onAbort = () => this.settle(job, new LlmError('JARVIS_LLM_ABORTED', 'the caller aborted the call'));
        request.signal.addEventListener('abort', job.onAbort, { once: true });
      }
      const at = this.queue.findIndex((j) => j.priority < job.priority);
      if (at < 0) this.queue.push(job);
      else this.queue.splice(at, 0, job);
      this.pump();
    });
  }

  private checkRequest(r: GenerateRequest): void {
    const bad = (msg: string): never => {
      throw new LlmError('JARVIS_LLM_BAD_REQUEST', msg);
    };
    if (typeof r.prompt !== 'string' || r.prompt.trim() === '') bad('prompt must be a non-empty string');
    if (r.system !== undefined && typeof r.system !== 'string') bad('system must be a string');
    if (r.maxTokens !== undefined && (!Number.isInteger(r.maxTokens) || r.maxTokens < 1 || r.maxTokens > MAX_TOKENS_LIMIT)) bad(`maxTokens must be an integer 1..${MAX_TOKENS_LIMIT}`);
    if (r.temperature !== undefined && (!Number.isFinite(r.temperature) || r.temperature < 0 || r.temperature > 2)) bad('temperature must be 0..2');
    if (r.budgetMs !== undefined && (!Number.isFinite(r.budgetMs) || r.budgetMs <= 0)) bad('budgetMs must be a positive number');
    if (r.jsonSchema !== undefined) {
      const problem = schemaProblem(r.jsonSchema, 'jsonSchema');
      if (problem) bad(problem);
    }
  }

  private settle(job: Job, outcome: GenerateResult | Error): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.timer);
    if (job.onAbort) job.request.signal?.removeEventListener('abort', job.onAbort);
    job.ac?.abort();
    const queued = this.queue.indexOf(job);
    if (queued >= 0) this.queue.splice(queued, 1);
    if (outcome instanceof Error) job.reject(outcome);
    else job.resolve(outcome);
  }

  private pump(): void {
    if (this.running) return;
    const job = this.queue.shift();
    if (!job) return;
    this.running = this.run(job)
      .catch((err: unknown) => this.settle(job, err instanceof LlmError ? err : new LlmError('JARVIS_LLM_FAILED', (err as Error).message, { cause: err })))
      .finally(() => {
        this.running = undefined;
        this.pump();
      });
  }

  private async run(job: Job): Promise<void> {
    const startedAt = performance.now();
    const ac = new AbortController();
    job.ac = ac;
    try {
      const { request } = job;
      if (job.settled) return;
      const grammar = request.jsonSchema ? await this.grammarFor(request.jsonSchema) : undefined;
      if (job.settled) return;
      const slot = this.slotFor(request.system ?? '');
      const session = slot.session!;
      session.setChatHistory(slot.initial.map((item) => ({ ...item })));
      const before = slot.sequence.tokenMeter.getState();
      const meta = await session.promptWithMeta(request.prompt, {
        maxTokens: request.maxTokens ?? 256,
        temperature: request.temperature ?? 0,
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...(grammar ? { grammar } : {}),
        signal: ac.signal,
        stopOnAbortSignal: false,
      });
      const used = slot.sequence.tokenMeter.diff(before);
      const text = meta.responseText;
      let json: unknown;
      if (grammar) {
        try {
          json = grammar.parse(text);
        } catch (err) {
          throw new LlmError('JARVIS_LLM_BAD_OUTPUT', `output does not parse against the schema (stop: ${meta.stopReason}): ${(err as Error).message}`, { cause: err });
        }
      }
      const end = performance.now();
      this.settle(job, {
        text, ...(grammar ? { json } : {}), tokens: used.usedOutputTokens, inputTokens: used.usedInputTokens,
        ms: Math.round((end - job.enqueuedAt) * 10) / 10, queuedMs: Math.round((startedAt - job.enqueuedAt) * 10) / 10,
        stopReason: meta.stopReason,
      });
    } catch (err) {
      // An abort we caused because the job already settled (timeout, caller abort) is not a new failure.
      if (job.settled) return;
      throw err;
    } finally {
      job.ac = undefined;
    }
  }

  private async grammarFor(schema: object): Promise<JsonGrammar> {
    const key = JSON.stringify(schema);
    const hit = this.grammars.get(key);
    if (hit) {
      this.grammars.delete(key);
      this.grammars.set(key, hit);
      return hit;
    }
    const llama = await sharedLlama();
    let grammar: JsonGrammar;
    try {
      grammar = await llama.createGrammarForJsonSchema(schema as Parameters<typeof llama.createGrammarForJsonSchema>[0]);
    } catch (err) {
      throw new LlmError('JARVIS_LLM_BAD_REQUEST', `the JSON schema cannot be turned into a grammar: ${(err as Error).message}`, { cause: err });
    }
    if (this.grammars.size >= GRAMMAR_CACHE) this.grammars.delete(this.grammars.keys().next().value!);
    this.grammars.set(key, grammar);
    return grammar;
  }

  /** The sequence that already holds this system prompt, else the least recently used one, re-primed. */
  private slotFor(system: string): Slot {
    const now = performance.now();
    let slot = this.slots.find((s) => s.system === system);
    if (!slot) {
      const context = this.context!;
      if (context.sequencesLeft > 0) {
        slot = { system, sequence: context.getSequence(), session: undefined, initial: [], lastUsed: now };
        this.slots.push(slot);
      } else {
        slot = this.slots.reduce((a, b) => (a.lastUsed <= b.lastUsed ? a : b));
        slot.session?.dispose({ disposeSequence: false });
        slot.system = system;
      }
      const Session = this.chatSessionClass!;
      slot.session = new Session({ contextSequence: slot.sequence, ...(system ? { systemPrompt: system } : {}), autoDisposeSequence: false });
      slot.initial = slot.session.getChatHistory();
    }
    slot.lastUsed = now;
    return slot;
  }
}
