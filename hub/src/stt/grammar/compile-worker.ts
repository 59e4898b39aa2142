import type { Worker } from 'node:worker_threads';
import { startThread } from '../../core/index.js';
import { compileGrammar, TemplateError, type CompiledGrammar, type GrammarSource } from '../../language/index.js';

interface Pending { source: GrammarSource; resolve: (c: CompiledGrammar) => void; reject: (err: unknown) => void }
type Reply = { id: number; compiled: CompiledGrammar } | { id: number; error: { message: string; template: boolean } };

/**
 * `compileGrammar` on a worker thread (issue 14): the compile of the hub's speech grammar (1.5–2.5 s idle, 5–15 s
 * under load) ran on the event loop and stalled audio ingest on every registry change. Sources are compiled in the
 * order given; the thread starts on first use and is one per engine. A template the compiler rejects rejects with the
 * language part's {@link TemplateError} (as the inline compile threw it); a thread that cannot start or dies makes
 * this compiler compile inline from then on (slower for the event loop, never wrong).
 */
export class GrammarCompiler {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private inline = false;

  /** Whether compiles still go to the thread (false after it failed). */
  get offThread(): boolean {
    return !this.inline;
  }

  compile(source: GrammarSource): Promise<CompiledGrammar> {
    if (this.inline) return new Promise((resolve) => resolve(compileGrammar(source)));
    let worker: Worker;
    try {
      worker = this.start();
    } catch {
      this.inline = true;
      return this.compile(source);
    }
    const id = this.nextId++;
    // Only data goes over: templates may carry more than their sentences and domains (router templates do).
    const plain: GrammarSource = { ...source, templates: source.templates.map((t) => ({ sentences: [...t.sentences], ...(t.domains ? { domains: [...t.domains] } : {}) })) };
    return new Promise<CompiledGrammar>((resolve, reject) => {
      this.pending.set(id, { source, resolve, reject });
      worker.postMessage({ id, source: plain });
    });
  }

  /** Stops the thread; compiles still pending are finished inline. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.inline = true;
    this.finishInline();
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = startThread(import.meta.url, 'compile-thread', 'jarvis-grammar-compile');
    worker.on('message', (msg: Reply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if ('error' in msg) p.reject(msg.error.template ? new TemplateError(msg.error.message.replace(/^JARVIS_STT_BAD_GRAMMAR: /, '')) : new Error(msg.error.message));
      else p.resolve(msg.compiled);
    });
    const fail = (): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.inline = true;
      worker.terminate().catch(() => undefined);
      this.finishInline();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    this.worker = worker;
    return worker;
  }

  /** The thread is gone: what it had not answered is compiled here. */
  private finishInline(): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) {
      try {
        p.resolve(compileGrammar(p.source));
      } catch (err) {
        p.reject(err);
      }
    }
  }
}
