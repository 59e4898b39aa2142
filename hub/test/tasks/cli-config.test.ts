import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIO } from '../../../tests/helpers/capture-io.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { taskCommands } from '../../src/tasks/cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jarvis-task-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(words: string, argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const cmd = taskCommands.find((c) => c.path.join(' ') === words)!;
  const io = captureIO(env);
  const code = await cmd.run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('jarvis token|worker|task read the same config as jarvis hub', () => {
  it('--data-dir and --config pick the hub data directory', async () => {
    const submitted = await run('task submit', ['--type', 'echo', '--payload', '{"a":1}', '--data-dir', dir]);
    expect(submitted.code).toBe(0);
    const id = submitted.out.trim();
    // A config file naming the data dir, as `jarvis hub --config FILE` reads it.
    const file = join(dir, 'elsewhere.yaml');
    writeFileSync(file, `dataDir: ${dir}\n`);
    const shown = await run('task show', [id, '--json', '--config', file]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({ id, type: 'echo', payload: { a: 1 } });
    const viaEnv = await run('task list', ['--json'], { JARVIS_DATA_DIR: dir });
    expect((JSON.parse(viaEnv.out) as { id: string }[]).map((t) => t.id)).toEqual([id]);
  });

  it('a bad config value or a missing config file exits 2 with every problem listed', async () => {
    const bad = await run('task list', ['--data-dir', dir, '--grpc-port', 'many', '--config', join(dir, 'missing.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/JARVIS_CONFIG_INVALID/);
    expect(bad.err).toMatch(/missing\.yaml does not exist/);
    expect(bad.err).toMatch(/grpc\.port: .*\(from --grpc-port\)/);
    const help = await run('token create', ['--help']);
    expect(help.out).toContain('--config FILE');
  });
});
