import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Allowlist, allowlistConfigSchema } from '../hub/src/home-assistant/allowlist.js';
import { generateRegistry } from '../hub/src/home-assistant/registry-generator.js';
import { candidatesFor, createTier1Router } from '../hub/src/router/tier1-llm.js';
import { LlmRuntime } from '../hub/src/llm/runtime.js';
import { EntityIndex } from '../hub/src/router/entity-index.js';
import { distribution, type Benchmark } from './lib.js';
import { sharedModel } from '../tests/helpers/shared-models.js';

const MODEL = [
  process.env['JARVIS_TEST_MODELS_DIR'] ? `${process.env['JARVIS_TEST_MODELS_DIR']}/llama-2-tiny-random.gguf` : '',
  fileURLToPath(new URL('../../shared/models/llama-2-tiny-random.gguf', import.meta.url)),
  sharedModel('llama-2-tiny-random.gguf'),
].find((p) => p !== '' && existsSync(p));

/** Sentences tier 0 does not place, the kind that reach tier 1. */
const SENTENCES: Array<[string, string | undefined]> = [
  ['make it a bit brighter in here', 'area_0_1'],
  ['could you kill the lights in the kitchen', undefined],
  ['it is too dark in the office', undefined],
  ['get the fan going in the bedroom', undefined],
  ['I want some music in the living room', undefined],
  ['the heating should be warmer', 'area_1_2'],
  ['shut the blinds upstairs', undefined],
  ['put eggs and flour on the list', undefined],
  ['wake me in twenty minutes', undefined],
  ['enough of this song', 'area_0_7'],
];
const NOTE = 'llama-2-tiny-random.gguf: random weights, 1.7 MB; measures the call path (prompt, grammar, queue, validation), not a real model';

/** `llm.load_ms` (model load + context) and `llm.tier1_ms` (one tier-1 decision) with the tiny test GGUF, threads 1. */
export const benchmarks: Benchmark[] = [
  {
    name: 'llm.',
    async run(emit) {
      if (!MODEL) {
        process.stderr.write('bench llm.: skipped, llama-2-tiny-random.gguf is not in ../shared/models\n');
        return;
      }
      // The first start also loads the native binding; measured apart so load_ms is the per-model cost.
      const first = new LlmRuntime({ modelPath: MODEL });
      const t0 = performance.now();
      await first.start();
      const firstMs = performance.now() - t0;
      await first.stop();
      const loads: number[] = [];
      for (let i = 0; i < 8; i++) {
        const rt = new LlmRuntime({ modelPath: MODEL });
        const t = performance.now();
        await rt.start();
        loads.push(performance.now() - t);
        await rt.stop();
      }
      emit(distribution('llm.load_ms', 'ms', loads, { first_start_with_binding_ms: Math.round(firstMs), model: 'llama-2-tiny-random.gguf', note: NOTE }));

      const snapshot = generateRegistry(200);
      const index = new EntityIndex(snapshot);
      const allowlist = new Allowlist(allowlistConfigSchema.parse({ entities: ['*'], useHaExposure: false }));
      const runtime = new LlmRuntime({ modelPath: MODEL, threads: 1 });
      await runtime.start();
      let fellThrough = 0;
      const tier1 = createTier1Router({ runtime, budgetMs: 30_000, onFallThrough: () => void fellThrough++ });
      const samples: number[] = [];
      let candidates = 0;
      for (let round = 0; round < 4; round++) {
        for (const [text, area] of SENTENCES) {
          const c = candidatesFor(index, text, { area }, allowlist);
          candidates += c.length;
          const t = performance.now();
          await tier1.decide(text, { area }, c);
          if (round > 0) samples.push(performance.now() - t);
        }
      }
      await runtime.stop();
      emit(distribution('llm.tier1_ms', 'ms', samples, {
        threads: 1, entities: snapshot.entities.length, mean_candidates: Math.round(candidates / (4 * SENTENCES.length)),
        fell_through: fellThrough, model: 'llama-2-tiny-random.gguf', note: NOTE,
      }));
    },
  },
];
