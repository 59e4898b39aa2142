#!/usr/bin/env node
import { runCli, whenOutputCloses } from './cli/run.js';

/**
 * The `jarvis` executable: dispatches to the commands in `cli/registry.ts`.
 *
 * A reader that goes away (`jarvis device list | head -1`) ends the command quietly with exit code 0,
 * the way `git` and `npm` behave, rather than the 141 a process killed by SIGPIPE would report: the
 * reader chose to stop, which is not a failure of the command (a `set -o pipefail` script should not
 * fail because of it). A long-running command that stops on SIGTERM (`jarvis hub`) is asked to stop
 * cleanly instead, so nothing it holds is lost. A closed stderr only silences diagnostics and keeps
 * the command's own exit code.
 */
whenOutputCloses(process.stdout, process.stderr, () => {
  if (process.listenerCount('SIGTERM') > 0) process.kill(process.pid, 'SIGTERM');
  else process.exit(0);
});
const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
process.exitCode = code;
// Servers' handles are closed by now; anything left (a stuck socket) must not keep the process alive.
setTimeout(() => process.exit(code), 200).unref();
