import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureIO } from '../../../tests/helpers/capture-io.js';
import { createLogger } from '../../src/core/logger.js';
import { observeCommand } from '../../src/observer/cli.js';
import { ObserverError } from '../../src/observer/errors.js';
import { learnedReader } from '../../src/observer/learned-reader.js';
import { loadTodoModel, parseTodoModel, probability, trainLogistic, type Example, type TodoModel } from '../../src/observer/todo-classifier.js';
import { developmentSnippets, foldOf, record, trainTodoModel } from '../../src/observer/todo-training.js';
import { observeTranscript, parseTranscript } from '../../src/observer/transcript.js';

const NOW = Date.parse('2026-03-04T14:00:00Z');
const TZ = 'America/New_York';

function model(over: Partial<TodoModel> = {}): TodoModel {
  return {
    format: 'jarvis-todo-classifier', version: 1, bias: 0, weights: {}, thresholds: { keep: 0.5, recover: 0.5 },
    features: { words: true, previousWords: false, cues: true, verdict: true },
    trainedOn: { files: [], snippets: 0, examples: 0, positives: 0, options: { l2: 0.01, epochs: 1, rate: 0.5, minCount: 1 } },
    ...over,
  };
}

/** No weights file is shipped (model data, DESIGN §6): the tests train one as scripts/train-todo-classifier.ts does. */
let weightsPath = '';
beforeAll(async () => {
  const dir = fileURLToPath(new URL('../../../tests/fixtures/observer/', import.meta.url));
  weightsPath = join(mkdtempSync(join(tmpdir(), 'jarvis-todo-weights-')), 'todo-classifier.json');
  writeFileSync(weightsPath, `${JSON.stringify(trainTodoModel(await record(developmentSnippets(dir), TZ)), null, 1)}\n`);
}, 180_000);

function badCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return err instanceof ObserverError ? err.code : `not an ObserverError: ${String(err)}`;
  }
  return undefined;
}

describe('trainLogistic', () => {
  it('converges on a separable toy set and is deterministic', () => {
    const examples: Example[] = [];
    for (let i = 0; i < 20; i++) {
      examples.push({ features: ['good', `noise${i % 3}`], label: 1 });
      examples.push({ features: ['bad', `noise${i % 3}`], label: 0 });
    }
    const w = trainLogistic(examples, { epochs: 200, minCount: 1 });
    expect(probability(w, ['good', 'noise1'])).toBeGreaterThan(0.9);
    expect(probability(w, ['bad', 'noise1'])).toBeLessThan(0.1);
    // The noise features carry nothing: near zero next to the signal.
    expect(Math.abs(w.weights.noise1 ?? 0)).toBeLessThan(Math.abs(w.weights.good!) / 5);
    expect(trainLogistic(examples, { epochs: 200, minCount: 1 })).toEqual(w);
  });

  it('drops rare features and refuses an empty set', () => {
    const w = trainLogistic([{ features: ['once', 'often'], label: 1 }, { features: ['often'], label: 0 }], { minCount: 2 });
    expect(Object.keys(w.weights)).not.toContain('once');
    expect(badCode(() => trainLogistic([]))).toBe('JARVIS_OBSERVER_BAD_ARGUMENT');
  });
});

describe('the weights file', () => {
  it('rejects malformed data with JARVIS_OBSERVER_BAD_WEIGHTS', () => {
    const good = model();
    expect(parseTodoModel(JSON.parse(JSON.stringify(good)))).toEqual(good);
    const broken: unknown[] = [
      null, [], 'text',
      { ...good, format: 'other' },
      { ...good, version: 2 },
      { ...good, bias: 'x' },
      { ...good, weights: { a: 'heavy' } },
      { ...good, weights: [1, 2] },
      { ...good, thresholds: { keep: 1.5, recover: 0.5 } },
      { ...good, thresholds: { keep: 0.5 } },
      { ...good, features: { words: true, previousWords: false, cues: true } },
      { ...good, trainedOn: null },
    ];
    for (const b of broken) expect(badCode(() => parseTodoModel(b)), JSON.stringify(b)?.slice(0, 80)).toBe('JARVIS_OBSERVER_BAD_WEIGHTS');
  });

  it('a missing or unparsable file is JARVIS_OBSERVER_BAD_WEIGHTS; a trained one loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-weights-'));
    expect(badCode(() => loadTodoModel(join(dir, 'none.json')))).toBe('JARVIS_OBSERVER_BAD_WEIGHTS');
    writeFileSync(join(dir, 'bad.json'), '{"format": ');
    expect(badCode(() => loadTodoModel(join(dir, 'bad.json')))).toBe('JARVIS_OBSERVER_BAD_WEIGHTS');
    const trained = loadTodoModel(weightsPath);
    expect(trained.trainedOn.snippets).toBeGreaterThan(400);
    expect(Object.keys(trained.weights).length).toBeGreaterThan(100);
  });

  it('trains on the development tuning parts only: no locked snippet reaches training', () => {
    const dir = fileURLToPath(new URL('../../../tests/fixtures/observer/', import.meta.url));
    const snippets = developmentSnippets(dir);
    const ids = (file: string): string[] => (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { test: string[] }).test;
    const locked = new Set(ids('test-split.json'));
    const lockedVaried = new Set(ids('test-split-varied.json'));
    const lockedErrands = new Set(ids('test-split-errands.json'));
    const lockedCalls = new Set(ids('test-split-calls.json'));
    expect(locked.size + lockedVaried.size + lockedErrands.size + lockedCalls.size).toBeGreaterThan(260);
    expect(snippets.filter((s) => (/^dev-(?:home|office|whisper)/.test(s.file) && locked.has(s.case.id)) || (s.file === 'dev-varied.jsonl' && lockedVaried.has(s.case.id)) || (s.file === 'dev-errands.jsonl' && lockedErrands.has(s.case.id)) || (s.file === 'dev-calls.jsonl' && lockedCalls.has(s.case.id)))).toEqual([]);
    expect(snippets.filter((s) => s.file === 'dev-errands.jsonl').length).toBe(100);
    expect(snippets.filter((s) => s.file === 'dev-calls.jsonl').length).toBe(133);
  });

  it('folds by snippet key, stable', () => {
    expect(foldOf('dev-home.jsonl:h01', 5)).toBe(foldOf('dev-home.jsonl:h01', 5));
    const folds = new Set(Array.from({ length: 50 }, (_, i) => foldOf(`k${i}`, 5)));
    expect([...folds].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('the learned stage in the observer', () => {
  const lines = parseTranscript('USER: I need to call the plumber tomorrow.\nUSER: I will have the dentist.').lines;

  it('drops the clause reader\'s to-dos below the keep threshold and takes turned-down frames above recover', async () => {
    const plain = await observeTranscript(lines, { now: NOW, timeZone: TZ, extractor: 'clauses' });
    expect(plain.map((t) => t.text)).toEqual(['call the plumber']);
    const dropAll = await observeTranscript(lines, { now: NOW, timeZone: TZ, reader: learnedReader(model({ thresholds: { keep: 1, recover: 1 } })) });
    expect(dropAll).toEqual([]);
    // "I will have the dentist" is turned down (a light verb without a date); recover at 0 takes it.
    const takeAll = await observeTranscript(lines, { now: NOW, timeZone: TZ, reader: learnedReader(model({ thresholds: { keep: 0, recover: 0 } })) });
    expect(takeAll.map((t) => t.text).sort()).toEqual(['call the plumber', 'have the dentist']);
    // A weight on the frame the reader turned down decides it.
    const byWeight = learnedReader(model({ bias: -5, weights: { 'stage=kept': 10, 'src=down:promise-without-task-verb-or-date': 6 } }));
    expect((await observeTranscript(lines, { now: NOW, timeZone: TZ, reader: byWeight })).map((t) => t.text).sort()).toEqual(['call the plumber', 'have the dentist']);
  });

  it('reads with the learned stage by default when a weights file is given, with the clause reader alone when none is', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'jarvis-todo-weights-')), 'take-all.json');
    writeFileSync(path, JSON.stringify(model({ thresholds: { keep: 0, recover: 0 } })));
    expect((await observeTranscript(lines, { now: NOW, timeZone: TZ, weightsPath: path })).map((t) => t.text).sort()).toEqual(['call the plumber', 'have the dentist']);
    expect((await observeTranscript(lines, { now: NOW, timeZone: TZ })).map((t) => t.text)).toEqual(['call the plumber']);
    expect((await observeTranscript(lines, { now: NOW, timeZone: TZ, weightsPath: path, extractor: 'clauses' })).map((t) => t.text)).toEqual(['call the plumber']);
  });

  it('a bad weights file is logged with its code and the clause reader reads alone', async () => {
    const out = new PassThrough();
    let logged = '';
    out.on('data', (c: Buffer) => (logged += c.toString()));
    const logger = createLogger({ level: 'warn', destination: out });
    const todos = await observeTranscript(lines, { now: NOW, timeZone: TZ, extractor: 'learned', weightsPath: '/nonexistent/weights.json', logger });
    expect(todos.map((t) => t.text)).toEqual(['call the plumber']);
    expect(logged).toContain('JARVIS_OBSERVER_BAD_WEIGHTS');
  });

  it('jarvis observe --extractor learned reads with trained weights; no or a bad --weights exits 2 with the code', async () => {
    const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
      const io = captureIO({}, { stdin: 'USER: Remind me tomorrow to call the insurance company.\n' });
      const code = await observeCommand.run(argv, io);
      return { code, out: io.out(), err: io.err() };
    };
    const ok = await run(['--now', '2025-03-15T03:30:00Z', '--tz', TZ, '--extractor', 'learned', '--weights', weightsPath]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).todos.map((t: { text: string }) => t.text)).toEqual(['call the insurance company']);
    const bad = await run(['--now', '2025-03-15T03:30:00Z', '--tz', TZ, '--weights', '/nonexistent/weights.json']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('JARVIS_OBSERVER_BAD_WEIGHTS');
    const none = await run(['--now', '2025-03-15T03:30:00Z', '--tz', TZ, '--extractor', 'learned']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/JARVIS_OBSERVER_BAD_WEIGHTS/);
    expect(none.err).toContain('train-todo-classifier.ts');
    const unknown = await run(['--extractor', 'magic']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('JARVIS_CLI_BAD_ARGS');
  });
});
