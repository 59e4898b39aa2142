#!/usr/bin/env node
import { runWorkerCli } from './cli-main.js';

// The `jarvis-worker` executable: real process streams and signals around the testable CLI.
const code = await runWorkerCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdin: process.stdin,
  onSignal: (handler) => {
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  },
});
process.exit(code);
