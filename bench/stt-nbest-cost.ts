/**
 * What the N-best list costs per utterance (hub/src/stt/grammar/consensus.ts): the same TUNE-half utterances decoded by
 * two engines alike but for the list (size 0 and `JARVIS_NBEST_SIZE`, default 30), alternating, so load hits both the
 * same. Decode time is an upper bound on a shared box. Not a benchmark result.
 *
 *   JARVIS_TUNE_EVERY=24 npx tsx bench/stt-nbest-cost.ts
 */
import { loadavg } from 'node:os';
import { DEFAULT_SPHINX_MODEL, GrammarEngine } from '../hub/src/stt/grammar/grammar-engine.js';
import { commandGrammar } from '../hub/src/stt/command-grammar.js';
import { KIND_TARGETS } from '../hub/src/voice/voice-pipeline.js';
import { namesFromRegistry } from '../hub/src/stt/grammar/slots.js';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { int16ToFloat } from '../hub/src/stt/audio.js';
import { commandMatrix, renderItem, sideSources } from '../tests/fixtures/voice/matrix.js';

const every = Number(process.env['JARVIS_TUNE_EVERY'] ?? 24);
const size = Number(process.env['JARVIS_NBEST_SIZE'] ?? 30);
const names = namesFromRegistry(loadRegistrySnapshot(sideSources('tune').home));
const options = { modelDir: DEFAULT_SPHINX_MODEL, names: { ...names, entities: [...names.entities, ...KIND_TARGETS] }, ...commandGrammar() };
const plain = new GrammarEngine(options);
const listed = new GrammarEngine({ ...options, consensus: { size } });
await Promise.all([plain.start(), listed.start()]);
const ms: Record<'plain' | 'listed', number[]> = { plain: [], listed: [] };
const load = [loadavg()[0]!];
let differ = 0;
try {
  const items = commandMatrix('tune', { every, noisyPerSentence: 1 });
  for (const [i, item] of items.entries()) {
    const pcm = int16ToFloat(renderItem(item).samples);
    const order = i % 2 === 0 ? (['plain', 'listed'] as const) : (['listed', 'plain'] as const);
    const texts: string[] = [];
    for (const which of order) {
      const t = await (which === 'plain' ? plain : listed).transcribe(pcm);
      ms[which].push(t.timings.decodeMs);
      texts.push(t.text || t.candidate || '');
    }
    if (texts[0] !== texts[1]) differ++;
  }
} finally {
  await Promise.all([plain.stop(), listed.stop()]);
}
load.push(loadavg()[0]!);
const q = (xs: number[], p: number): number => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)]!);
process.stdout.write(`${ms.plain.length} tune utterances (every ${every}th sentence, clean + 1 noise), load ${load.map((l) => l.toFixed(1)).join('→')}: ` +
  `decode p50/p90 ms without the list ${q(ms.plain, 0.5)}/${q(ms.plain, 0.9)}, with ${size} ${q(ms.listed, 0.5)}/${q(ms.listed, 0.9)}; ` +
  `mean ${Math.round(ms.plain.reduce((a, b) => a + b, 0) / ms.plain.length)} vs ${Math.round(ms.listed.reduce((a, b) => a + b, 0) / ms.listed.length)}; best paths that differ: ${differ}\n`);
