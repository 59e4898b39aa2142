/**
 * Acoustic model adaptation (issue 14): the sendump converter, the script's input checks, and that an MLLR transform
 * fitted on some TUNE-half voices decodes OTHER tune-half voices better (cross-validation across voices; never the
 * test half). The adaptation is made by the user tool (scripts/adapt-acoustic-model.ts) once into
 * tests/fixtures/generated/acoustic/ (git-ignored) and reused.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeWav, int16ToFloat } from '../../../src/audio/dsp/wav.js';
import { adaptAcousticModel, readRecordings, transcriptWords, SPHINXTRAIN_DIR } from '../../../src/stt/acoustic/adapt.js';
import { acousticGrammarOptions, activeAcousticModel, adaptationProblem, BASE_ACOUSTIC_MODEL, readAdaptation } from '../../../src/stt/acoustic/adapted-model.js';
import { readSendump, writeMixw } from '../../../src/stt/acoustic/sendump.js';
import { DEFAULT_SPHINX_MODEL, GrammarEngine } from '../../../src/stt/grammar/grammar-engine.js';
import { commandGrammar } from '../../../src/stt/command-grammar.js';
import { namesFromRegistry } from '../../../src/stt/grammar/slots.js';
import { loadRegistrySnapshot } from '../../../src/home-assistant/registry-snapshot.js';
import { KIND_TARGETS } from '../../../src/voice/voice-pipeline.js';
import { commandMatrix, renderItem, sideSources } from '../../../../tests/fixtures/voice/matrix.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SENDUMP = join(DEFAULT_SPHINX_MODEL, 'en-us', 'sendump');
const has = (cmd: string, args: string[]): boolean => {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
};
const tools = existsSync(join(SPHINXTRAIN_DIR, 'bw')) && has('sphinx_fe', []) && has('pocketsphinx_mdef_convert', []) && has('espeak-ng', ['--version']) && has('sox', ['--version']);
const scratch = mkdtempSync(join(tmpdir(), 'jarvis-adapt-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(!existsSync(SENDUMP))('sendump → mixture_weights', () => {
  it('reads CMU en-us as 5126 senones × 3 streams × 128 densities of normalised weights, and writes the s3 layout', () => {
    const m = readSendump(readFileSync(SENDUMP));
    expect([m.senones, m.features, m.densities]).toEqual([5126, 3, 128]);
    for (const row of [0, 777, m.senones * m.features - 1]) {
      const sum = m.weights.subarray(row * 128, row * 128 + 128).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 5);
    }
    const file = writeMixw(m);
    const end = file.indexOf('endhdr\n') + 7;
    expect(file.subarray(0, 3).toString()).toBe('s3\n');
    expect(end % 4).toBe(0);
    expect([0, 1, 2, 3, 4].map((i) => file.readUInt32LE(end + 4 * i))).toEqual([0x11223344, 5126, 3, 128, 5126 * 3 * 128]);
    expect(file.readFloatLE(end + 20)).toBeCloseTo(m.weights[0] as number, 7);
  });

  it('rejects a truncated or foreign file with a coded error', () => {
    const buf = readFileSync(SENDUMP);
    expect(() => readSendump(buf.subarray(0, 2000))).toThrow(expect.objectContaining({ code: 'JARVIS_ACOUSTIC_BAD_MODEL' }));
    expect(() => readSendump(Buffer.from('RIFF....WAVEfmt '))).toThrow(expect.objectContaining({ code: 'JARVIS_ACOUSTIC_BAD_MODEL' }));
  });
});

describe('adaptation input', () => {
  const wav = (name: string, rate = 16000): string => {
    const f = join(scratch, name);
    writeFileSync(f, encodeWav(new Int16Array(rate / 2), rate));
    return f;
  };

  it('reads a manifest and a folder of wav + txt pairs', () => {
    wav('a.wav');
    writeFileSync(join(scratch, 'm.jsonl'), '{"wav": "a.wav", "text": "Turn on the light"}\n\n');
    expect(readRecordings(join(scratch, 'm.jsonl')).map((u) => u.text)).toEqual(['Turn on the light']);
    const dir = join(scratch, 'folder');
    mkdirSync(dir);
    writeFileSync(join(dir, 'x.wav'), encodeWav(new Int16Array(800), 16000));
    writeFileSync(join(dir, 'x.txt'), 'set a timer for 10 minutes\n');
    expect(readRecordings(dir)).toMatchObject([{ id: 'x', text: 'set a timer for 10 minutes' }]);
    expect(transcriptWords('Set a timer for 10 minutes, 50% please!')).toEqual(['set', 'a', 'timer', 'for', 'ten', 'minutes', 'fifty', 'percent', 'please']);
  });

  it.each([
    ['a line that is not JSON', '{"wav": "a.wav", "text": "hi"}\nnot json\n', /m\.jsonl:2: not JSON/],
    ['no text', '{"wav": "a.wav"}\n', /needs a "wav" path and a "text"/],
    ['a missing WAV', '{"wav": "gone.wav", "text": "hi"}\n', /no such WAV/],
    ['an empty transcript', '{"wav": "a.wav", "text": "  "}\n', /empty transcript/],
  ])('rejects a manifest with %s (JARVIS_ACOUSTIC_BAD_MANIFEST)', (_, body, why) => {
    wav('a.wav');
    writeFileSync(join(scratch, 'm.jsonl'), body);
    expect(() => readRecordings(join(scratch, 'm.jsonl'))).toThrow(expect.objectContaining({ code: 'JARVIS_ACOUSTIC_BAD_MANIFEST', message: expect.stringMatching(why) }));
  });

  it('rejects a folder WAV without transcript, 8 kHz audio, and an empty folder', () => {
    const dir = join(scratch, 'bad');
    mkdirSync(dir);
    expect(() => readRecordings(dir)).toThrow(expect.objectContaining({ code: 'JARVIS_ACOUSTIC_NO_DATA' }));
    writeFileSync(join(dir, 'y.wav'), encodeWav(new Int16Array(800), 8000));
    expect(() => readRecordings(dir)).toThrow(expect.objectContaining({ code: 'JARVIS_ACOUSTIC_BAD_MANIFEST', message: expect.stringContaining('y.txt') }));
    writeFileSync(join(dir, 'y.txt'), 'hello');
    expect(() => readRecordings(dir)).toThrow(expect.objectContaining({ code: 'JARVIS_ACOUSTIC_BAD_AUDIO', message: expect.stringContaining('8000 Hz') }));
  });

  it('names a transcript word missing from the dictionary before running any tool (JARVIS_ACOUSTIC_UNKNOWN_WORD)', async () => {
    const u = { id: 'u1', samples: new Int16Array(1600), text: 'turn on the glorbulator lamp' };
    await expect(adaptAcousticModel([u], { baseModelDir: DEFAULT_SPHINX_MODEL, outDir: join(scratch, 'out'), workDir: join(scratch, 'work'), source: 'test' }))
      .rejects.toMatchObject({ code: 'JARVIS_ACOUSTIC_UNKNOWN_WORD', message: expect.stringContaining('"glorbulator"') });
    expect(existsSync(join(scratch, 'out'))).toBe(false);
    await expect(adaptAcousticModel([], { baseModelDir: DEFAULT_SPHINX_MODEL, outDir: join(scratch, 'out'), workDir: join(scratch, 'work'), source: 'test' }))
      .rejects.toMatchObject({ code: 'JARVIS_ACOUSTIC_NO_DATA' });
  });

  it('the script exits 1 with the code on a bad manifest', async () => {
    writeFileSync(join(scratch, 'bad.jsonl'), 'nope\n');
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'adapt-acoustic-model.ts'), '--recordings', join(scratch, 'bad.jsonl'), '--out', join(scratch, 'o')], { cwd: ROOT });
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('JARVIS_ACOUSTIC_BAD_MANIFEST') });
  });

  it('the hub finds an adaptation in the models directory, else the base model', () => {
    const models = join(scratch, 'models');
    expect(activeAcousticModel(models)).toEqual(BASE_ACOUSTIC_MODEL);
    const dir = join(models, 'acoustic', 'en-us-adapted');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'adapted.json'), JSON.stringify({ format: 'jarvis-acoustic-adaptation', version: 1, base: DEFAULT_SPHINX_MODEL, methods: ['mllr'], use: 'mllr', source: 'household', utterances: 3, words: 9, created: '' }));
    expect(activeAcousticModel(models)).toEqual(BASE_ACOUSTIC_MODEL); // no transform file yet
    writeFileSync(join(dir, 'mllr_matrix'), '1\n');
    expect(activeAcousticModel(models)).toMatchObject({ adapted: true, decoderArgs: ['-mllr', join(dir, 'mllr_matrix')], label: expect.stringContaining('MLLR (household, 3 utterances)') });
    expect(readAdaptation(dir, 'map')).toBeUndefined();
  });

  it('says why an adaptation in the models directory is not used, instead of falling back silently', () => {
    const models = join(scratch, 'models-bad');
    expect(adaptationProblem(models)).toBeUndefined();
    const dir = join(models, 'acoustic', 'en-us-adapted');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'adapted.json'), '{ not json');
    expect(adaptationProblem(models)).toMatch(/adapted\.json cannot be read/);
    writeFileSync(join(dir, 'adapted.json'), JSON.stringify({ format: 'something-else' }));
    expect(adaptationProblem(models)).toMatch(/is not a jarvis-acoustic-adaptation file/);
    writeFileSync(join(dir, 'adapted.json'), JSON.stringify({ format: 'jarvis-acoustic-adaptation', version: 1, base: DEFAULT_SPHINX_MODEL, methods: ['mllr'], use: 'mllr', source: 'household', utterances: 3, words: 9, created: '' }));
    expect(adaptationProblem(models)).toMatch(/lacks the files of its method "mllr" \(mllr_matrix\)/);
    writeFileSync(join(dir, 'mllr_matrix'), '1\n');
    expect(adaptationProblem(models)).toBeUndefined();
  });
});

/** Fold A of the tune voices adapts; fold B is held out. */
const FOLD_A = ['en-us', 'en-gb-scotland'];
const FOLD_B = ['en-gb-x-rp', 'en-029'];
const ADAPT_COUNT = 60;

/** The script's MLLR on fold A (cached; a lock keeps parallel files from fitting it twice). */
async function foldAAdaptation(): Promise<string> {
  const dir = join(ROOT, 'tests', 'fixtures', 'generated', 'acoustic', `test-foldA-${ADAPT_COUNT}-v2`);
  if (existsSync(join(dir, 'adapted.json'))) return dir;
  mkdirSync(join(dir, '..'), { recursive: true });
  const lock = `${dir}.lock`;
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    if (existsSync(join(dir, 'adapted.json'))) return dir;
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${dir} (remove ${lock} if nothing adapts)`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    const tmp = `${dir}.${process.pid}.tmp`;
    await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'adapt-acoustic-model.ts'), '--espeak-tune', '--voices', FOLD_A.join(','), '--count', String(ADAPT_COUNT), '--methods', 'mllr,map', '--out', tmp], { cwd: ROOT, maxBuffer: 16 << 20 });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return dir;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function wordErrors(got: string, want: string): number {
  const a = transcriptWords(got);
  const b = transcriptWords(want);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length] as number;
}

describe.skipIf(!tools)('adaptation on held-out tune voices', () => {
  it('fits MLLR and MAP on fold-A voices; each lowers the word errors of clean fold-B voices', async () => {
    const dir = await foldAAdaptation();
    const mllr = readAdaptation(dir, 'mllr');
    const map = readAdaptation(dir);
    expect(mllr?.decoderArgs[0]).toBe('-mllr');
    expect(map?.modelDir).toBe(join(dir, 'map')); // MAP is the default use
    // The transform is not the identity: the first row of A is fitted.
    const rows = readFileSync(join(dir, 'mllr_matrix'), 'utf8').split('\n');
    expect(rows[3]?.trim().split(/\s+/).map(Number)[0]).not.toBeCloseTo(1, 3);
    // Held out: scored tune sentences (every 3rd; the adaptation speaks only the others), clean, fold-B voices.
    const items = commandMatrix('tune', { every: 3, noisyPerSentence: 0 }).filter((i) => FOLD_B.includes(i.voice.split('+')[0]!) && i.sentence.intent !== null).filter((_, k) => k % 5 === 0).slice(0, 12);
    expect(items.length).toBe(12);
    const names = namesFromRegistry(loadRegistrySnapshot(sideSources('tune').home));
    const errors: Record<string, number> = {};
    for (const [name, choice] of [['base', BASE_ACOUSTIC_MODEL], ['mllr', mllr!], ['map', map!]] as const) {
      // Only the search's best path is scored, which the second opinion (a re-decode over its neighbours) never changes: off, to save a decode per utterance.
      const engine = new GrammarEngine({ names: { ...names, entities: [...names.entities, ...KIND_TARGETS] }, ...commandGrammar(), ...acousticGrammarOptions(choice), secondOpinion: false });
      await engine.start();
      try {
        let n = 0;
        for (const item of items) {
          const t = await engine.transcribe(int16ToFloat(renderItem(item).samples));
          n += wordErrors(t.bestPath || t.text || t.candidate || '', item.sentence.text);
        }
        errors[name] = n;
      } finally {
        await engine.stop();
      }
    }
    expect(errors['mllr'], JSON.stringify(errors)).toBeLessThan(errors['base']!);
    expect(errors['map'], JSON.stringify(errors)).toBeLessThan(errors['base']!);
  }, 900_000);
});
