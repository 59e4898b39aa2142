#!/usr/bin/env node
/** The `jarvis-edge` executable: wires process streams and signals into the in-process CLI. */
import { runEdgeCli } from './cli-main.js';

const controller = new AbortController();
const onSignal = (): void => controller.abort();
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

try {
  process.exitCode = await runEdgeCli(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
  });
} catch (err) {
  process.stderr.write(`jarvis-edge: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
} finally {
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
