/**
 * Batch against streamed decoding of the command recogniser (issue 14's hot path), on the TUNE half of the voice
 * split only: the same engine configuration as `JARVIS_TUNE_VARIANT=home bench/stt-command-tune.ts`, each utterance
 * decoded whole (`transcribe`, the model's batch CMN) or fed in 20 ms pieces as it would be spoken (`stream`, live
 * CMN; `JARVIS_STREAM_CMN=init|carry`, no redo). Records go to tests/fixtures/generated/stt-command/ (git-ignored) for
 * `--compare`, which scores the redo policy (the streamed answer when the engine accepts it, else the batch one).
 *
 *   JARVIS_TUNE_EVERY=6 JARVIS_STREAM_MODE=batch|init|carry npx tsx bench/stt-stream-compare.ts
 *   npx tsx bench/stt-stream-compare.ts --compare <batch records> <stream records>
 */
import { readFileSync } from 'node:fs';
import { GrammarEngine, type StreamCmn } from '../hub/src/stt/grammar/grammar-engine.js';
import { commandGrammar } from '../hub/src/stt/command-grammar.js';
import { KIND_TARGETS } from '../hub/src/voice/voice-pipeline.js';
import { namesFromRegistry } from '../hub/src/stt/grammar/slots.js';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { sideSources } from '../tests/fixtures/voice/matrix.js';
import { runMatrix, saveRecords, tally, type UtteranceRecord } from './stt-command-eval.js';

function summary(label: string, records: readonly UtteranceRecord[]): void {
  const closed = records.filter((r) => !r.openVocabulary);
  for (const [name, keep] of [['all', () => true], ['clean', (r: UtteranceRecord) => r.noise === 'clean'], ['noisy', (r: UtteranceRecord) => r.noise !== 'clean']] as const) {
    const group = closed.filter(keep);
    const t = tally(group);
    const best = group.filter((r) => r.bestPathRight).length;
    process.stdout.write(`${label} ${name}: right ${t.right}/${t.commands}, best path right ${best}, accepted ${t.accepted}, opposite ${t.opposite}, wrong target ${t.wrongTarget}, wrong other ${t.wrongOther}, chit-chat ${t.chitchatAccepted}/${t.chitchat}\n`);
  }
  const ms = records.map((r) => r.decodeMs).sort((a, b) => a - b);
  process.stdout.write(`${label} decode (after the end for streams) ms p50 ${ms[Math.floor(ms.length / 2)]} p90 ${ms[Math.floor(ms.length * 0.9)]}\n`);
}

const read = (f: string): UtteranceRecord[] => readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as UtteranceRecord);

if (process.argv[2] === '--compare') {
  const batch = read(process.argv[3]!);
  const stream = read(process.argv[4]!);
  const byId = new Map(batch.map((r) => [r.id, r]));
  // The redo policy: a streamed answer the engine accepted stands; a declined one is decoded again whole.
  const redo = stream.map((r) => (r.text !== '' ? r : (byId.get(r.id) ?? r)));
  summary('batch', batch);
  summary('stream', stream);
  summary('stream+redo', redo);
  for (const max of [1, 2, 3, 4, 6, 8, Infinity]) {
    const cmnShift = (r: UtteranceRecord): number => (r as UtteranceRecord & { cmnShift?: number }).cmnShift ?? 0;
    const within = stream.map((r) => (cmnShift(r) <= max && r.text !== '' ? r : (byId.get(r.id) ?? r)));
    const kept = stream.filter((r) => cmnShift(r) <= max && r.text !== '').length;
    summary(`stream+redo, shift<=${max} (stream answers kept ${kept}/${stream.length})`, within);
  }
  const changed = stream.filter((r) => r.text !== '' && byId.get(r.id)?.text !== r.text);
  process.stdout.write(`accepted by the stream with a text other than batch's: ${changed.length} (${changed.map((r) => `${r.outcome} "${r.text}" vs "${byId.get(r.id)?.text || `(${byId.get(r.id)?.outcome})`}"`).join('; ')})\n`);
  process.stdout.write(`redone (stream declined): ${stream.filter((r) => r.text === '').length} of ${stream.length}\n`);
} else {
  const mode = process.env['JARVIS_STREAM_MODE'] ?? 'batch';
  const every = Number(process.env['JARVIS_TUNE_EVERY'] ?? 6);
  const names = namesFromRegistry(loadRegistrySnapshot(sideSources('tune').home));
  const engine = new GrammarEngine({
    names: { ...names, entities: [...names.entities, ...KIND_TARGETS] }, ...commandGrammar({}), areaGrammars: false,
    streamRedo: 'never', ...(mode === 'batch' ? { streamDecoders: 0 } : { streamCmn: mode as StreamCmn }),
    ...(process.env['JARVIS_STREAM_PRIME_MS'] ? { streamPrimeMs: Number(process.env['JARVIS_STREAM_PRIME_MS']) } : {}),
  });
  const shifts: Array<number | undefined> = [];
  await engine.start();
  let records: UtteranceRecord[];
  try {
    const started = performance.now();
    records = await runMatrix('tune', {
      transcribe: async (pcm, context) => {
        if (mode === 'batch') return engine.transcribe(pcm, context);
        const s = engine.stream(context);
        for (let i = 0; i < pcm.length; i += 320) s.push(pcm.subarray(i, i + 320));
        const t = await s.end();
        shifts.push(t.cmnShift);
        return t;
      },
      inGrammar: (text) => engine.inGrammar(text),
    }, {
      every, noisyPerSentence: 1,
      onProgress: (done, total) => { if (done % 20 === 0) process.stderr.write(`${done}/${total} (${Math.round((performance.now() - started) / 1000)} s)\n`); },
    });
  } finally {
    await engine.stop();
  }
  if (shifts.length === records.length) records = records.map((r, i) => ({ ...r, ...(shifts[i] !== undefined ? { cmnShift: shifts[i] } : {}) }));
  const label = `stream-compare-${mode}${process.env['JARVIS_STREAM_PRIME_MS'] ? `-p${process.env['JARVIS_STREAM_PRIME_MS']}` : ''}-e${every}`;
  process.stderr.write(`records in ${saveRecords(label, records)}\n`);
  summary(label, records);
}
