#!/usr/bin/env node
import { runSimulate } from './cli.js';

// `jarvis-ha-sim`: runs until Ctrl-C or SIGTERM, then stops the server cleanly.
const ac = new AbortController();
process.once('SIGINT', () => ac.abort());
process.once('SIGTERM', () => ac.abort());
process.exitCode = await runSimulate(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }, ac.signal);
