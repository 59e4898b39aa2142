import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';

/** Runs a thread from TypeScript source: tsx's ESM loader first, then the entry (development, tests, benches). */
const SOURCE_BOOTSTRAP = `const { workerData } = require('node:worker_threads');
import(workerData.tsx).then(({ register }) => { register(); return import(workerData.entry); });`;

/**
 * tsx's ESM API (`register`), as a file URL. `require.resolve('tsx/esm/api')` answers with its CommonJS build, whose
 * `register` points the loader at a file that does not exist (ERR_MODULE_NOT_FOUND in the thread).
 */
function tsxEsmApi(): string {
  return pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
}

/**
 * Starts the worker thread whose entry module is `entry` beside the caller (`callerUrl`: its `import.meta.url`;
 * `entry` without extension). Built code runs `entry.js`; from TypeScript source (vitest, `tsx` benches) a worker's
 * execArgv cannot carry `--import` on Node 20, so a bootstrap registers tsx's loader and then imports `entry.ts`.
 * The thread is unref'd: it never keeps the process alive.
 */
export function startThread(callerUrl: string, entry: string, name: string): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const url = new URL(`./${entry}${fromSource ? '.ts' : '.js'}`, callerUrl);
  const worker = fromSource ? new Worker(SOURCE_BOOTSTRAP, { eval: true, name, workerData: { tsx: tsxEsmApi(), entry: url.href } }) : new Worker(url, { name });
  worker.unref();
  return worker;
}

/** A request sent to a thread and not yet answered. */
export interface ThreadCall<Req, Res> {
  request: Req;
  resolve: (result: Res) => void;
  reject: (err: unknown) => void;
}

/** How a thread reports a request it could not do: the error's message, name and code (the caller rebuilds its own error). */
export interface ThreadFailure {
  message: string;
  name: string;
  code?: string;
}

/** What {@link ThreadCalls} needs from its user. */
export interface ThreadCallsOptions<Req, Res> {
  /** The thread: its entry module beside `callerUrl` (see {@link startThread}) and its name. */
  callerUrl: string;
  entry: string;
  name: string;
  /** The error a failed request rejects with. */
  failure: (failure: ThreadFailure) => unknown;
  /** The thread failed, exited or was closed: the calls it had not answered (reject them, or finish them another way). */
  gone: (why: string, unanswered: Array<ThreadCall<Req, Res>>) => void;
}

/**
 * Requests to one worker thread, started on first use: each gets an id, each answer settles its promise. When the
 * thread dies or is closed, the unanswered calls go to `gone`; the next call starts a new thread.
 * The thread side is {@link serveThread}.
 */
export class ThreadCalls<Req, Res> {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, ThreadCall<Req, Res>>();
  private nextId = 1;

  constructor(private readonly options: ThreadCallsOptions<Req, Res>) {}

  /** Sends `message` (default: the request itself, copied) and resolves with the thread's answer. Throws if the thread cannot start. */
  call(request: Req, message: unknown = request): Promise<Res> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<Res>((resolve, reject) => {
      // Referenced only while an answer is due: a pending call keeps the process alive, an idle thread does not.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { request, resolve, reject });
      worker.postMessage({ id, request: message });
    });
  }

  /** Requests not answered yet. */
  get backlog(): number {
    return this.pending.size;
  }

  /** Stops the thread; its unanswered calls go to `gone` with `why`. */
  async close(why: string): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.handOver(why);
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = startThread(this.options.callerUrl, this.options.entry, this.options.name);
    worker.on('message', (msg: { id: number; result?: Res; error?: ThreadFailure }) => {
      const call = this.pending.get(msg.id);
      if (!call) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if (msg.error) call.reject(this.options.failure(msg.error));
      else call.resolve(msg.result as Res);
    });
    const gone = (why: string): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.handOver(why);
    };
    worker.on('error', (err) => gone(`the ${this.options.name} thread failed: ${err.message}`));
    worker.on('exit', (code) => gone(`the ${this.options.name} thread exited (code ${code})`));
    // A 'message' listener refs the worker's port again (Node's setupPortReferencing), which kept the process
    // alive for as long as the thread lived: unref once the listeners are on, as startThread promises.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private handOver(why: string): void {
    const unanswered = [...this.pending.values()];
    this.pending.clear();
    if (unanswered.length > 0) this.options.gone(why, unanswered);
  }
}

/**
 * The thread side of {@link ThreadCalls}: answers each request with `handle`, one at a time in the order they came;
 * `transfer` names buffers of the result to move rather than copy.
 */
export function serveThread<Req, Res>(handle: (request: Req) => Res | Promise<Res>, transfer: (result: Res) => ArrayBuffer[] = () => []): void {
  const port = parentPort;
  if (!port) throw new Error('serveThread runs only inside a worker thread');
  let queue = Promise.resolve();
  port.on('message', (msg: { id: number; request: Req }) => {
    queue = queue.then(async () => {
      try {
        const result = await handle(msg.request);
        port.postMessage({ id: msg.id, result }, transfer(result));
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        const code = (e as { code?: unknown }).code;
        const failure: ThreadFailure = { message: e.message, name: e.name, ...(typeof code === 'string' ? { code } : {}) };
        port.postMessage({ id: msg.id, error: failure });
      }
    });
  });
}
