import { generateRegistry } from '../hub/src/home-assistant/registry-generator.js';
import { Tier0Router } from '../hub/src/router/tier0.js';
import { distribution, type Benchmark } from './lib.js';

/** Sentences over the generated registry: names, areas, floors, values, misrecognitions, misses and passive speech. */
const SENTENCES: Array<[string, string | undefined]> = [
  ['turn on the kitchen ceiling light', undefined],
  ['turn off the lights', 'area_0_5'],
  ['turn off the lights in the living room', undefined],
  ['set the bedroom lamp to fifty percent', undefined],
  ['set the temperature to twenty one degrees', 'area_1_2'],
  ['what is the temperature in the office', undefined],
  ['turn on the kitchn lamp', undefined],
  ['pause', 'area_0_7'],
  ['set the volume to thirty percent', 'area_0_7'],
  ['turn off all the lights on floor 2', undefined],
  ['open the garage blinds', undefined],
  ['add milk to my shopping list', undefined],
  ['set a timer for ten minutes', undefined],
  ['what time is it', undefined],
  ['turn on the flux capacitor', undefined],
  ['I think we should have pasta tonight', undefined],
  ['summarise my day', undefined],
];

/** `router.tier0_us`: one tier-0 decision with a 1,000-entity registry, p50/p99 in microseconds. */
export const benchmarks: Benchmark[] = [
  {
    name: 'router.',
    run(emit) {
      const snapshot = generateRegistry(1000);
      const t0 = process.hrtime.bigint();
      const router = new Tier0Router(snapshot);
      const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
      for (let i = 0; i < 2000; i++) router.route(SENTENCES[i % SENTENCES.length]![0], { area: SENTENCES[i % SENTENCES.length]![1] });
      const samples: number[] = [];
      for (let round = 0; round < 300; round++) {
        for (const [text, area] of SENTENCES) {
          const s = process.hrtime.bigint();
          router.route(text, { area });
          samples.push(Number(process.hrtime.bigint() - s) / 1000);
        }
      }
      emit(distribution('router.tier0_us', 'us', samples, { entities: snapshot.entities.length, sentences: SENTENCES.length, index_build_ms: Math.round(buildMs * 100) / 100 }));
    },
  },
];
