import { ThreadCalls } from '../../core/index.js';
import { compileGrammar, TemplateError, type CompiledGrammar, type GrammarSource } from '../../language/index.js';

/**
 * `compileGrammar` on a worker thread (issue 14): the compile of the hub's speech grammar (1.5–2.5 s idle, 5–15 s
 * under load) ran on the event loop and stalled audio ingest on every registry change. Sources are compiled in the
 * order given; the thread starts on first use and is one per engine. A template the compiler rejects rejects with the
 * language part's {@link TemplateError} (as the inline compile threw it); a thread that cannot start or dies makes
 * this compiler compile inline from then on (slower for the event loop, never wrong).
 */
export class GrammarCompiler {
  private inline = false;
  private readonly thread = new ThreadCalls<GrammarSource, CompiledGrammar>({
    callerUrl: import.meta.url,
    entry: 'compile-thread',
    name: 'jarvis-grammar-compile',
    failure: (f) => (f.name === 'TemplateError' ? new TemplateError(f.message.replace(/^JARVIS_STT_BAD_GRAMMAR: /, '')) : new Error(f.message)),
    // The thread is gone: from now on compiles run here, starting with what it had not answered.
    gone: (_why, unanswered) => {
      this.inline = true;
      for (const call of unanswered) {
        try {
          call.resolve(compileGrammar(call.request));
        } catch (err) {
          call.reject(err);
        }
      }
    },
  });

  /** Whether compiles still go to the thread (false after it failed). */
  get offThread(): boolean {
    return !this.inline;
  }

  compile(source: GrammarSource): Promise<CompiledGrammar> {
    if (this.inline) return new Promise((resolve) => resolve(compileGrammar(source)));
    // Only data goes over: templates may carry more than their sentences and domains (router templates do).
    const plain: GrammarSource = { ...source, templates: source.templates.map((t) => ({ sentences: [...t.sentences], ...(t.domains ? { domains: [...t.domains] } : {}) })) };
    try {
      return this.thread.call(source, plain);
    } catch {
      this.inline = true;
      return this.compile(source);
    }
  }

  /** Stops the thread; compiles still pending are finished inline. */
  async close(): Promise<void> {
    this.inline = true;
    await this.thread.close('the grammar compiler was closed');
  }
}
