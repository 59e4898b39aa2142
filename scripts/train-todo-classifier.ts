/**
 * Trains the observer's learned stage on the development snippets' tuning parts (the locked thirds are
 * dropped before anything is read) and writes its weights to FILE. Weights are model data (DESIGN §6): none is in
 * the repository; `jarvis observe --extractor learned --weights FILE` reads the file this makes. Deterministic.
 *
 *   npx tsx scripts/train-todo-classifier.ts --out FILE [--check]
 *
 * `--check` writes nothing and exits 1 when FILE differs from a fresh training.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { developmentSnippets, record, trainTodoModel } from '../hub/src/observer/todo-training.js';

const { values } = parseArgs({ options: { out: { type: 'string' }, check: { type: 'boolean', default: false } } });
if (values.out === undefined) {
  console.error('usage: npx tsx scripts/train-todo-classifier.ts --out FILE [--check] (JARVIS_CLI_BAD_ARGS)');
  process.exit(2);
}
const dir = fileURLToPath(new URL('../tests/fixtures/observer/', import.meta.url));
const model = trainTodoModel(await record(developmentSnippets(dir), 'America/New_York'));
const text = `${JSON.stringify(model, null, 1)}\n`;
if (values.check) {
  let committed = '';
  try {
    committed = readFileSync(values.out, 'utf8');
  } catch {
    // missing: differs
  }
  if (committed !== text) {
    console.error(`${values.out} differs from a fresh training: run npx tsx scripts/train-todo-classifier.ts`);
    process.exit(1);
  }
  console.error(`${values.out} equals a fresh training`);
} else {
  writeFileSync(values.out, text);
  console.error(`wrote ${values.out}: ${model.trainedOn.snippets} snippets, ${model.trainedOn.examples} examples (${model.trainedOn.positives} positive), ${Object.keys(model.weights).length} weights`);
}
