import type * as OrtModule from 'onnxruntime-node';
import { availableParallelism } from 'node:os';
import { ThreadCalls } from '../core/index.js';
import { AudioError } from './dsp/errors.js';

/** The parts of onnxruntime-node the audio models use. */
export type Ort = typeof OrtModule;
/** One loaded ONNX model. */
export type OrtSession = OrtModule.InferenceSession;
/** A tensor in or out of a model. */
export type OrtTensor = OrtModule.Tensor;

let ortPromise: Promise<Ort> | undefined;

/**
 * Loads onnxruntime-node on first use. It is imported lazily so a machine without its native binary
 * still starts the hub: the trained models are then off and the front end says so (DESIGN.md §6).
 * Throws JARVIS_AUDIO_MODEL_LOAD naming the package when it cannot be loaded.
 */
export async function loadOnnxRuntime(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-node').catch((err: unknown) => {
    ortPromise = undefined;
    throw new AudioError('JARVIS_AUDIO_MODEL_LOAD', `onnxruntime-node could not be loaded (npm install onnxruntime-node; its linux-x64 CPU binary ships in the package): ${(err as Error).message}`, { cause: err });
  });
  return ortPromise;
}

/** A tensor as it crosses to the inference thread and back: plain data, no native handle. */
export interface TensorData {
  type: OrtTensor['type'];
  data: OrtTensor['data'];
  dims: readonly number[];
}

/** Inputs of one run, by input name. */
export type Feeds = Record<string, TensorData>;
/** Outputs of one run, by output name. */
export type Outputs = Record<string, TensorData>;

/**
 * One loaded model, shared by every device. `runMany` runs several inputs one after the other in one trip
 * to the inference thread (for a model that must see its inputs one at a time, or has a batch size of 1).
 */
export interface ModelSession {
  readonly path: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: OrtSession['inputMetadata'];
  run(feeds: Feeds): Promise<Outputs>;
  runMany(feeds: readonly Feeds[]): Promise<Outputs[]>;
  /** Runs one after the other where each run takes an input from the run before it (see {@link Carry}), in one trip. */
  runChain(feeds: readonly Feeds[], carry: Carry): Promise<Outputs[]>;
}

/**
 * A chain of runs of a recurrent model (Silero's state): run d ≥ 1 takes input `to` from output `from` of run d − 1,
 * a [H, batch, W] tensor whose batch rows are picked by `rows[d − 1]` (row i of run d ← row rows[d − 1][i] of run d − 1).
 * The whole chain is one trip to the inference thread, however many runs it has.
 */
export interface Carry {
  from: string;
  to: string;
  rows: ReadonlyArray<readonly number[]>;
}

/** The carried input of one run of a chain (see {@link Carry}). */
export function carried(prev: TensorData, rows: readonly number[]): TensorData {
  const [h, b, w] = prev.dims as [number, number, number];
  const src = prev.data as Float32Array;
  const out = new Float32Array(h * rows.length * w);
  for (let k = 0; k < h; k++) rows.forEach((r, i) => out.set(src.subarray((k * b + r) * w, (k * b + r + 1) * w), (k * rows.length + i) * w));
  return { type: 'float32', data: out, dims: [h, rows.length, w] };
}

/** Runs `list` in order through `run`, each run of a chain taking its carried input from the one before. */
export async function runChained(run: (feeds: Feeds) => Promise<Outputs>, list: readonly Feeds[], carry?: Carry): Promise<Outputs[]> {
  const out: Outputs[] = [];
  for (const [d, feeds] of list.entries()) {
    const prev = d > 0 && carry ? (out[d - 1] as Outputs)[carry.from] : undefined;
    out.push(await run(prev && carry ? { ...feeds, [carry.to]: carried(prev, carry.rows[d - 1] as number[]) } : feeds));
  }
  return out;
}

/**
 * Where `session.run` executes. onnxruntime-node runs inference synchronously on the calling thread (its
 * `run` only defers to `setImmediate`), so on the main thread every wake step and VAD window stops the
 * event loop: UDP audio, MQTT and HTTP wait behind it. 'worker' (the default) runs the sessions on inference
 * threads; the main thread only copies tensors across. 'main' is kept for measurements.
 */
export type InferenceThread = 'worker' | 'main';
let threadMode: InferenceThread = process.env['JARVIS_INFERENCE_THREAD'] === 'main' ? 'main' : 'worker';

/** Chooses where sessions loaded from now on run (tests and benchmarks compare the two). */
export function setInferenceThread(mode: InferenceThread): void {
  threadMode = mode;
}

/**
 * Inference threads, each with its own copy of every session (issue 16: one thread ran all model inference and
 * backlogged past 48 devices on a 2-core machine, while one intra-op thread per session is what keeps the CPU
 * cost down; see SESSION_OPTIONS). Default: as many as there are cores, at most 2
 * (`JARVIS_INFERENCE_THREADS` overrides, 1–8). The models give each thread's devices their own batches.
 */
export const MAX_INFERENCE_THREADS = 8;
let threadCount = defaultThreadCount();

function defaultThreadCount(): number {
  const env = Number(process.env['JARVIS_INFERENCE_THREADS']);
  if (Number.isInteger(env) && env >= 1 && env <= MAX_INFERENCE_THREADS) return env;
  return Math.max(1, Math.min(2, availableParallelism()));
}

/** How many inference threads sessions loaded from now on use. */
export function inferenceThreads(): number {
  return threadMode === 'worker' ? threadCount : 0;
}

/** Sets how many inference threads sessions loaded from now on use (1–8). */
export function setInferenceThreads(count: number): void {
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_INFERENCE_THREADS)) throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `inference threads ${count} is outside 1..${MAX_INFERENCE_THREADS}`);
  threadCount = count;
}

/** Session options of every model: one intra-op thread (many small batches; see `sharedSession`). */
const SESSION_OPTIONS = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' } as const;

const sessions = new Map<string, Promise<ModelSession[]>>();

/**
 * One session per model file for the whole process and each inference thread, shared by every device (the
 * models are stateless: each device's state lives in its own buffers and tensors). One intra-op thread: the hub
 * runs many small batches on a 2-core machine, and the thread pool's wake-ups cost more than they save (two
 * intra-op threads halved the streams the machine kept up with). Returns one session per inference thread
 * (one in 'main' mode); a model gives each its own devices and batch queue.
 */
export async function sharedSessions(path: string): Promise<ModelSession[]> {
  const count = threadMode === 'worker' ? threadCount : 1;
  const key = `${threadMode}:${count}:${path}`;
  let s = sessions.get(key);
  if (!s) {
    const mode = threadMode;
    s = (async () => {
      try {
        if (mode === 'main') return [await mainThreadSession(path)];
        const pool = inferencePool();
        return await Promise.all(Array.from({ length: count }, (_, i) => pool.load(i, path)));
      } catch (err) {
        if (err instanceof AudioError) throw err;
        throw new AudioError('JARVIS_AUDIO_MODEL_LOAD', `cannot load ONNX model ${path}: ${(err as Error).message}`, { cause: err });
      }
    })();
    sessions.set(key, s);
    s.catch(() => sessions.delete(key));
  }
  return s;
}

/** The session of the first inference thread (a model that needs only one). */
export async function sharedSession(path: string): Promise<ModelSession> {
  return (await sharedSessions(path))[0] as ModelSession;
}

function plain(t: OrtTensor): TensorData {
  return { type: t.type, data: t.data, dims: t.dims };
}

async function mainThreadSession(path: string): Promise<ModelSession> {
  const ort = await loadOnnxRuntime();
  const session = await ort.InferenceSession.create(path, SESSION_OPTIONS);
  const run = async (feeds: Feeds): Promise<Outputs> => {
    const input: Record<string, OrtTensor> = {};
    for (const [k, t] of Object.entries(feeds)) input[k] = new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
    const out = await session.run(input);
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, plain(t)]));
  };
  return {
    path,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: session.inputMetadata,
    run,
    runMany: (list) => runChained(run, list),
    runChain: (list, carry) => runChained(run, list, carry),
  };
}

/** A request to an inference thread (inference-thread.ts): load a model, or run batches of feeds on it. */
export type InferenceRequest =
  | { kind: 'load'; path: string; options: typeof SESSION_OPTIONS }
  | { kind: 'run'; path: string; options: typeof SESSION_OPTIONS; runs: readonly Feeds[]; carry?: Carry; exit?: boolean };
/** Its answer. */
export type InferenceReply = { meta: SessionMeta } | { outputs: Outputs[] };
interface SessionMeta {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata: OrtSession['inputMetadata'];
}
/** A call as the pool keeps it: the request and how many threads died under it. */
interface PoolRequest {
  request: InferenceRequest;
  attempt: number;
}

/**
 * The inference threads (core ThreadCalls + serveThread). Each thread answers in order, and each model keeps at
 * most one batch in flight per thread (BatchQueue), so a device's steps stay in order. When a thread dies, the
 * batches it had not answered run again on a new thread (sessions load there on first use): nothing is lost.
 * A batch under which a second thread dies is rejected with JARVIS_AUDIO_INFERENCE_FAILED.
 */
export class InferencePool {
  private readonly threads: Array<ThreadCalls<PoolRequest, InferenceReply>> = [];
  /** Batches run again after their thread died. */
  readonly stats = { retried: 0 };
  private readonly dieOnNext = new Map<number, number>();

  /** Loads `path` on thread `index` and returns its session there. */
  async load(index: number, path: string): Promise<ModelSession> {
    const reply = await this.call(index, { request: { kind: 'load', path, options: SESSION_OPTIONS }, attempt: 0 });
    const meta = (reply as { meta: SessionMeta }).meta;
    const runChain = async (list: readonly Feeds[], carry?: Carry): Promise<Outputs[]> =>
      ((await this.call(index, { request: { kind: 'run', path, options: SESSION_OPTIONS, runs: list, ...(carry ? { carry } : {}) }, attempt: 0 })) as { outputs: Outputs[] }).outputs;
    const runMany = (list: readonly Feeds[]): Promise<Outputs[]> => runChain(list);
    return { path, ...meta, runMany, runChain, run: async (feeds) => (await runMany([feeds]))[0] as Outputs };
  }

  /** Requests of thread `index` not answered yet. */
  backlog(index: number): number {
    return this.threads[index]?.backlog ?? 0;
  }

  /**
   * Tests: the next `times` batches sent to thread `index` make it exit before running them, as a thread dying under
   * a batch would (a retry counts as a send). Threads are never terminated from outside: a worker terminated in the
   * middle of a native run aborts the whole process (onnxruntime-node's N-API error), so the pool never closes them.
   */
  failNextRuns(index: number, times: number): void {
    this.dieOnNext.set(index, times);
  }

  private thread(index: number): ThreadCalls<PoolRequest, InferenceReply> {
    let t = this.threads[index];
    if (!t) {
      t = new ThreadCalls<PoolRequest, InferenceReply>({
        callerUrl: import.meta.url,
        entry: 'inference-thread',
        name: `jarvis-inference-${index}`,
        failure: (f) => new AudioError(f.code === 'JARVIS_AUDIO_MODEL_LOAD' ? 'JARVIS_AUDIO_MODEL_LOAD' : 'JARVIS_AUDIO_INFERENCE_FAILED', f.message),
        gone: (why, unanswered) => {
          for (const c of unanswered) {
            if (c.request.attempt >= 1) {
              c.reject(new AudioError('JARVIS_AUDIO_INFERENCE_FAILED', `${why}, twice under the same batch`));
              continue;
            }
            this.stats.retried++;
            this.call(index, { request: c.request.request, attempt: c.request.attempt + 1 }).then(c.resolve, c.reject);
          }
        },
      });
      this.threads[index] = t;
    }
    return t;
  }

  private call(index: number, req: PoolRequest): Promise<InferenceReply> {
    const die = req.request.kind === 'run' && (this.dieOnNext.get(index) ?? 0) > 0;
    if (die) this.dieOnNext.set(index, (this.dieOnNext.get(index) as number) - 1);
    try {
      return this.thread(index).call(req, die ? { ...req.request, exit: true } : req.request);
    } catch (err) {
      return Promise.reject(new AudioError('JARVIS_AUDIO_MODEL_LOAD', `the inference thread could not start: ${(err as Error).message}`, { cause: err }));
    }
  }
}

let pool: InferencePool | undefined;

/** The process's inference threads (started on first use). */
export function inferencePool(): InferencePool {
  return (pool ??= new InferencePool());
}

/** Which of `lanes` lanes the `k`-th stream of a model takes: blocks of LANE_BLOCK devices, so a few devices still share one batch. */
export const LANE_BLOCK = 8;
export function laneOf(k: number, lanes: number): number {
  return Math.floor(k / LANE_BLOCK) % lanes;
}

/** Batching statistics summed over lanes (the largest batch of any). */
export function batchStats(queues: ReadonlyArray<{ stats: { batches: number; items: number; maxBatch: number } }>): { batches: number; items: number; maxBatch: number } {
  return {
    batches: queues.reduce((n, q) => n + q.stats.batches, 0),
    items: queues.reduce((n, q) => n + q.stats.items, 0),
    maxBatch: Math.max(0, ...queues.map((q) => q.stats.maxBatch)),
  };
}

/**
 * Collects work items from many devices and runs them as one batch: items queued in the same turn of the
 * event loop (one UDP burst) go together, and items that arrive while a batch runs wait for the next one,
 * so at most one batch of each model is in flight and each device's items keep their order.
 */
export class BatchQueue<T> {
  private queue: T[] = [];
  private running = false;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];
  /** Batches run and items processed (for benchmarks and the dashboard). */
  readonly stats = { batches: 0, items: 0, maxBatch: 0 };

  constructor(private readonly run: (items: T[]) => Promise<void>, private readonly onError: (err: unknown, items: T[]) => void, private readonly maxBatch = 64) {}

  /** Queues one item; it runs in the next batch. */
  push(item: T): void {
    this.queue.push(item);
    this.schedule();
  }

  /** Items waiting or running. */
  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  /** Resolves once every item queued so far has run. */
  async idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    while (this.queue.length > 0) {
      const items = this.queue.splice(0, this.maxBatch);
      this.stats.batches++;
      this.stats.items += items.length;
      this.stats.maxBatch = Math.max(this.stats.maxBatch, items.length);
      try {
        await this.run(items);
      } catch (err) {
        this.onError(err, items);
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
