import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

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
