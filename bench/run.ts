/**
 * `npm run bench [-- PREFIX]`: runs every `bench/*.bench.ts` and prints one JSON object per figure.
 * With PREFIX, only benchmarks whose name starts with it (or whose prefix starts with PREFIX) run.
 * Progress goes to stderr so stdout stays machine-readable.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark, Figure } from './lib.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const prefix = process.argv[2] ?? '';
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();

let ran = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(`${dir}/${file}`).href)) as { benchmarks?: Benchmark[] };
  for (const bench of mod.benchmarks ?? []) {
    if (prefix && !bench.name.startsWith(prefix) && !prefix.startsWith(bench.name)) continue;
    process.stderr.write(`bench: ${bench.name} (${file})\n`);
    const emit = (figure: Figure): void => {
      if (prefix && !figure.name.startsWith(prefix) && !bench.name.startsWith(prefix)) return;
      process.stdout.write(`${JSON.stringify(figure)}\n`);
    };
    await bench.run(emit);
    ran++;
  }
}
if (ran === 0) {
  process.stderr.write(`bench: no benchmark matches "${prefix}"\n`);
  process.exitCode = 1;
}
