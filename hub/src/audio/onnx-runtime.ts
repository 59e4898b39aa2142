import type * as OrtModule from 'onnxruntime-node';
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

const sessions = new Map<string, Promise<OrtSession>>();

/**
 * One session per model file for the whole process, shared by every device (the models are stateless:
 * each device's state lives in its own buffers and tensors). One intra-op thread: the hub runs many small
 * batches on a 2-core machine, and the thread pool's wake-ups cost more than they save there.
 */
export async function sharedSession(path: string): Promise<OrtSession> {
  let s = sessions.get(path);
  if (!s) {
    s = (async () => {
      const ort = await loadOnnxRuntime();
      try {
        return await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
      } catch (err) {
        throw new AudioError('JARVIS_AUDIO_MODEL_LOAD', `cannot load ONNX model ${path}: ${(err as Error).message}`, { cause: err });
      }
    })();
    sessions.set(path, s);
    s.catch(() => sessions.delete(path));
  }
  return s;
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
