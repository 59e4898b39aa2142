/**
 * The grammar compile thread (see GrammarCompiler in compile-worker.ts): compiles one grammar source per message,
 * in the order given. Pure JavaScript work (template expansion, the minimal automaton) that took the hub's event loop
 * for 1.5–2.5 s idle and 5–15 s under load on every registry change.
 */
import { parentPort } from 'node:worker_threads';
import { compileGrammar, TemplateError, type GrammarSource } from '../../language/index.js';

const port = parentPort;
if (!port) throw new Error('compile-thread.ts runs only as a worker thread');
port.on('message', (msg: { id: number; source: GrammarSource }) => {
  try {
    const compiled = compileGrammar(msg.source);
    port.postMessage({ id: msg.id, compiled });
  } catch (err) {
    port.postMessage({ id: msg.id, error: { message: err instanceof Error ? err.message : String(err), template: err instanceof TemplateError } });
  }
});
