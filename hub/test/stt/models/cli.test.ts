import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/run.js';
import { modelsCommands } from '../../../src/stt/models/cli.js';
import { fakeModel, memoryIO, startModelServer } from './helpers.js';

describe('jarvis models', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let srv: Awaited<ReturnType<typeof startModelServer>>;
  let model: ReturnType<typeof fakeModel>;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jarvis-models-cli-'));
    model = fakeModel('http://placeholder/');
    srv = await startModelServer(model.content);
    model.entry.url = srv.url;
    writeFileSync(join(dir, 'catalogue.json'), JSON.stringify([model.entry]));
    env = { JARVIS_DATA_DIR: dir, JARVIS_MODEL_CATALOGUE: join(dir, 'catalogue.json') };
  });
  afterEach(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const io = memoryIO(env);
    const code = await runCli(argv, io, modelsCommands);
    return { code, out: io.out(), err: io.err() };
  };

  it('list → pull (with progress) → verify → rm', async () => {
    let r = await run('models', 'list', '--json');
    expect(r.code).toBe(0);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l) as { name: string; state: string });
    expect(rows.find((x) => x.name === 'test-model')?.state).toBe('absent');
    expect(rows.some((x) => x.name === 'base.en')).toBe(true);
    r = await run('models', 'pull', 'test-model');
    expect(r).toMatchObject({ code: 0, out: expect.stringMatching(/^test-model: downloaded /) });
    expect(r.err).toMatch(/\[#+\] 100%/);
    expect(readFileSync(join(dir, 'models', 'ggml-test.bin')).equals(model.content)).toBe(true);
    expect((await run('models', 'list')).out).toMatch(/\* test-model .* present/);
    expect(await run('models', 'verify')).toMatchObject({ code: 0, out: 'test-model: ok\n' });
    expect(await run('models', 'rm', 'test-model')).toMatchObject({ code: 0, out: 'test-model: removed\n' });
    expect(await run('models', 'verify', 'test-model')).toMatchObject({ code: 1, out: expect.stringMatching(/FAILED JARVIS_MODEL_NOT_PRESENT/) });
  });

  it('an interrupted pull exits 1 saying how to resume; the next pull resumes', async () => {
    srv.mode.cutAfter = 50_000;
    const r = await run('models', 'pull', '--quiet', 'test-model');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/JARVIS_MODEL_NETWORK: .*run the command again to resume/);
    delete srv.mode.cutAfter;
    expect((await run('models', 'pull', '--quiet', 'test-model')).out).toMatch(/^test-model: resumed/);
  });

  it('a corrupted pull exits 1 with the hash mismatch and leaves nothing behind', async () => {
    srv.mode.corrupt = true;
    const r = await run('models', 'pull', 'test-model');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/JARVIS_MODEL_HASH_MISMATCH/);
    expect((await run('models', 'list', '--json')).out).toMatch(/"name":"test-model".*"state":"absent"/);
  });

  it('bad flags and names exit 2 with a code; --help prints the help', async () => {
    expect(await run('models', 'pull', '--bogus', 'x')).toMatchObject({ code: 2, err: expect.stringMatching(/JARVIS_CLI_BAD_FLAG/) });
    expect(await run('models', 'pull')).toMatchObject({ code: 2, err: expect.stringMatching(/JARVIS_CLI_BAD_ARGUMENT/) });
    expect(await run('models', 'rm', 'no-such-model')).toMatchObject({ code: 2, err: expect.stringMatching(/no model called "no-such-model"/) });
    expect(await run('models', 'list', 'extra')).toMatchObject({ code: 2, err: expect.stringMatching(/JARVIS_CLI_BAD_FLAG/) });
    expect(await run('models', 'pull', '--help')).toMatchObject({ code: 0, out: expect.stringMatching(/^Usage: jarvis models pull/) });
    writeFileSync(join(dir, 'catalogue.json'), '[{"name": 5}]');
    expect(await run('models', 'list')).toMatchObject({ code: 1, err: expect.stringMatching(/JARVIS_MODEL_BAD_CATALOGUE/) });
    // The path comes through the config: a missing file is named; a malformed setting is a config error.
    env['JARVIS_MODEL_CATALOGUE'] = join(dir, 'missing.json');
    expect(await run('models', 'list')).toMatchObject({ code: 1, err: expect.stringMatching(/JARVIS_MODEL_BAD_CATALOGUE: .*missing\.json/) });
    delete env['JARVIS_MODEL_CATALOGUE'];
    writeFileSync(join(dir, 'jarvis.yaml'), 'modelCatalogue: [1, 2]\n');
    expect(await run('models', 'list')).toMatchObject({ code: 2, err: expect.stringMatching(/JARVIS_CONFIG_INVALID[\s\S]*modelCatalogue: /) });
  });
});
