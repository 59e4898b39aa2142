import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { transcribeCommand } from '../../src/stt/cli.js';
import { DEFAULT_SPHINX_MODEL } from '../../src/stt/grammar/grammar-engine.js';
import { memoryIO } from './models/helpers.js';
import { haveSpeechTools, speak } from './fixtures.js';
import { sharedModel } from '../../../tests/helpers/shared-models.js';

const MODEL = sharedModel('for-tests-ggml-tiny.en.bin');
const REGISTRY = new URL('../../../tests/fixtures/registry/home.json', import.meta.url).pathname;
const haveWhisper = existsSync(MODEL);
const haveGrammar = existsSync(`${DEFAULT_SPHINX_MODEL}/en-us/mdef`) && haveSpeechTools();
if (!haveWhisper) console.warn(`transcribe CLI whisper tests skipped: ${MODEL} is absent`);

describe('jarvis transcribe', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'jarvis-transcribe-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const io = memoryIO({ JARVIS_DATA_DIR: dir });
    const code = await runCli(argv, io, [transcribeCommand]);
    return { code, out: io.out(), err: io.err() };
  };

  it('rejects bad flags, engines, thread counts and no files with exit 2', async () => {
    expect(await run('transcribe', '--bogus', 'a.wav')).toMatchObject({ code: 2, err: expect.stringMatching(/JARVIS_CLI_BAD_FLAG/) });
    expect(await run('transcribe', '--engine', 'magic', 'a.wav')).toMatchObject({ code: 2, err: expect.stringMatching(/--engine must be one of whisper, grammar, auto/) });
    expect(await run('transcribe', '--threads', '0', 'a.wav')).toMatchObject({ code: 2, err: expect.stringMatching(/--threads/) });
    expect(await run('transcribe')).toMatchObject({ code: 2, err: expect.stringMatching(/JARVIS_CLI_BAD_ARGUMENT/) });
    expect(await run('transcribe', '--model', 'huge.en', 'a.wav')).toMatchObject({ code: 2, err: expect.stringMatching(/JARVIS_MODEL_UNKNOWN/) });
    expect(await run('transcribe', '--help')).toMatchObject({ code: 0, out: expect.stringMatching(/^Usage: jarvis transcribe/) });
  });

  it('a missing whisper model turns the command off naming the pull command', async () => {
    expect(await run('transcribe', 'a.wav')).toMatchObject({ code: 1, err: expect.stringMatching(/JARVIS_STT_MODEL_MISSING: .*`jarvis models pull tiny\.en`/) });
  });

  it('a bad registry snapshot is reported with JARVIS_STT_BAD_REGISTRY', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"entities": [{"entity_id": "nope"}]}');
    expect(await run('transcribe', '--engine', 'grammar', '--registry', bad, 'a.wav')).toMatchObject({ code: 1, err: expect.stringMatching(/JARVIS_STT_BAD_REGISTRY/) });
    expect(await run('transcribe', '--engine', 'grammar', '--registry', join(dir, 'none.json'), 'a.wav')).toMatchObject({ code: 1, err: expect.stringMatching(/does not exist/) });
  });

  it.skipIf(!haveGrammar || !haveWhisper)('one JSON line per file in input order, bad files included, models loaded once', async () => {
    const cmd = speak('turn off the bedroom light');
    const chat = speak('the weather was lovely at the beach');
    const broken = join(dir, 'broken.wav');
    writeFileSync(broken, 'RIFF....WAVEjunk');
    const r = await run('transcribe', '--engine', 'auto', '--registry', REGISTRY, '--model', MODEL, '--json', cmd, broken, chat);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l['file'])).toEqual([cmd, broken, chat]);
    // The router's <the> is optional, so the recogniser may drop it.
    expect(lines[0]).toMatchObject({ text: expect.stringMatching(/^turn off (the )?bedroom light$/), engine: 'grammar' });
    expect(lines[1]).toMatchObject({ error: { code: 'JARVIS_STT_BAD_WAV' } });
    expect(lines[2]).toMatchObject({ text: '', engine: 'whisper' });
    expect(typeof lines[2]!['ms']).toBe('number');
  });

  it.skipIf(!haveGrammar)('grammar engine alone, plain text output', async () => {
    const r = await run('transcribe', '--engine', 'grammar', '--registry', REGISTRY, speak('open the garage door'));
    expect(r).toMatchObject({ code: 0, out: expect.stringMatching(/: open (the )?garage door +\[grammar, /) });
  });
});
