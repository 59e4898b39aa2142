import type * as OrtModule from 'onnxruntime-node';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
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
}

/**
 * Where `session.run` executes. onnxruntime-node runs inference synchronously on the calling thread (its
 * `run` only defers to `setImmediate`), so on the main thread every wake step and VAD window stops the
 * event loop: UDP audio, MQTT and HTTP wait behind it. 'worker' (the default) runs every session on one
 * inference thread; the main thread only copies tensors across. 'main' is kept for measurements.
 */
export type InferenceThread = 'worker' | 'main';
let threadMode: InferenceThread = process.env['JARVIS_INFERENCE_THREAD'] === 'main' ? 'main' : 'worker';

/** Chooses where sessions loaded from now on run (tests and benchmarks compare the two). */
export function setInferenceThread(mode: InferenceThread): void {
  threadMode = mode;
}

/** Session options of every model: one intra-op thread (many small batches; see `sharedSession`). */
const SESSION_OPTIONS = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' } as const;

const sessions = new Map<string, Promise<ModelSession>>();

/**
 * One session per model file (and thread mode) for the whole process, shared by every device (the models
 * are stateless: each device's state lives in its own buffers and tensors). One intra-op thread: the hub
 * runs many small batches on a 2-core machine, and the thread pool's wake-ups cost more than they save.
 */
export async function sharedSession(path: string): Promise<ModelSession> {
  const key = `${threadMode}:${path}`;
  let s = sessions.get(key);
  if (!s) {
    const mode = threadMode;
    s = (async () => {
      try {
        return mode === 'worker' ? await inferenceThread().load(path) : await mainThreadSession(path);
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
    runMany: async (list) => {
      const out: Outputs[] = [];
      for (const feeds of list) out.push(await run(feeds));
      return out;
    },
  };
}

/**
 * The inference thread's code. It is plain CommonJS given to the Worker as source, so it runs the same
 * under the compiled hub, tsx and the test runner; it requires onnxruntime-node by the absolute path the
 * main thread resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const sessions = new Map();
const plain = (t) => ({ type: t.type, data: t.data, dims: t.dims });
parentPort.on('message', async (msg) => {
  try {
    if (msg.kind === 'load') {
      const s = await ort.InferenceSession.create(msg.path, workerData.options);
      sessions.set(msg.path, s);
      parentPort.postMessage({ id: msg.id, meta: { inputNames: s.inputNames, outputNames: s.outputNames, inputMetadata: s.inputMetadata } });
      return;
    }
    const s = sessions.get(msg.path);
    const outputs = [];
    const transfer = [];
    for (const feeds of msg.runs) {
      const input = {};
      for (const k of Object.keys(feeds)) input[k] = new ort.Tensor(feeds[k].type, feeds[k].data, feeds[k].dims);
      const out = await s.run(input);
      const o = {};
      for (const k of Object.keys(out)) { o[k] = plain(out[k]); transfer.push(out[k].data.buffer); }
      outputs.push(o);
    }
    parentPort.postMessage({ id: msg.id, outputs }, [...new Set(transfer)]);
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: String(err && err.message || err) });
  }
});
`;

interface Pending { resolve: (v: unknown) => void; reject: (e: Error) => void }

/** The one inference thread: loads sessions, runs batches, answers in order. */
class InferenceThreadClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead: Error | undefined;

  constructor(ortPath: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ortPath, options: SESSION_OPTIONS }, name: 'jarvis-inference' });
    this.worker.unref();
    this.worker.on('message', (m: { id: number; error?: string; meta?: unknown; outputs?: unknown }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.meta ?? m.outputs);
    });
    const fail = (err: Error): void => {
      this.dead = err;
      if (client === this) client = undefined;
      for (const s of [...sessions.keys()]) if (s.startsWith('worker:')) sessions.delete(s);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', (err) => fail(new AudioError('JARVIS_AUDIO_MODEL_LOAD', `the inference thread failed: ${err.message}`, { cause: err })));
    this.worker.on('exit', (code) => fail(new AudioError('JARVIS_AUDIO_MODEL_LOAD', `the inference thread exited (code ${code})`)));
  }

  private call<T>(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      // Referenced only while an answer is due, so an idle hub (or a finished test) can exit.
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }

  async load(path: string): Promise<ModelSession> {
    const meta = await this.call<{ inputNames: string[]; outputNames: string[]; inputMetadata: OrtSession['inputMetadata'] }>({ kind: 'load', path });
    const runMany = (list: readonly Feeds[]): Promise<Outputs[]> => this.call<Outputs[]>({ kind: 'run', path, runs: list });
    return { path, ...meta, runMany, run: async (feeds) => (await runMany([feeds]))[0] as Outputs };
  }
}

let client: InferenceThreadClient | undefined;

function inferenceThread(): InferenceThreadClient {
  if (!client) {
    let ortPath: string;
    try {
      ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
    } catch (err) {
      throw new AudioError('JARVIS_AUDIO_MODEL_LOAD', `onnxruntime-node could not be found (npm install onnxruntime-node): ${(err as Error).message}`, { cause: err });
    }
    client = new InferenceThreadClient(ortPath);
  }
  return client;
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
