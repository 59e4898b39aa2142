/**
 * The grammar compile thread (see GrammarCompiler in compile-worker.ts): compiles one grammar source per request,
 * in the order given. Pure JavaScript work (template expansion, the minimal automaton) that took the hub's event loop
 * for 1.5–2.5 s idle and 5–15 s under load on every registry change.
 */
import { serveThread } from '../../core/index.js';
import { compileGrammar } from '../../language/index.js';

serveThread(compileGrammar);
