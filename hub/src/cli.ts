#!/usr/bin/env node
import { runCli } from './cli/run.js';

/** The `jarvis` executable: dispatches to the commands in `cli/registry.ts`. */
const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
// Servers' handles are closed by now; anything left (a stuck socket) must not keep the process alive.
setTimeout(() => process.exit(code), 200).unref();
