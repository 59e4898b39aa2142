import { captureIO } from '../../tests/helpers/capture-io.js';
import { describe, expect, it } from 'vitest';
import { runWorkerCli, WORKER_HELP, type WorkerCliIO } from '../src/cli-main.js';

function io(): WorkerCliIO & { out: () => string; err: () => string } {
  return captureIO();
}

describe('jarvis-worker run --audio-dir', () => {
  it('is in the help text with its default', async () => {
    const x = io();
    expect(await runWorkerCli(['run', '--help'], x)).toBe(0);
    expect(x.out()).toBe(WORKER_HELP);
    expect(WORKER_HELP).toContain('[--audio-dir DIR]');
    expect(WORKER_HELP).toContain('default <state dir>/audio');
  });

  it('without a value or with an empty one is a bad argument with exit code 2', async () => {
    for (const args of [['run', '--audio-dir'], ['run', '--audio-dir=']]) {
      const x = io();
      expect(await runWorkerCli(args, x)).toBe(2);
      expect(x.err()).toMatch(/^error JARVIS_WORKER_BAD_ARGS: .*--audio-dir/);
    }
  });
});
