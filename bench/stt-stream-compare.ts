/**
 * Batch against streamed decoding of the command recogniser (issue 14's hot path), on the TUNE half of the voice
 * split only: the same engine configuration as `JARVIS_TUNE_VARIANT=home bench/stt-command-tune.ts`, each utterance
 * decoded whole (`transcribe`, the model's batch CMN) or fed in 20 ms pieces as it would be spoken (`stream`, live
 * CMN; `JARVIS_STREAM_CMN=init|carry`, no redo). Records go to tests/fixtures/generated/stt-command/ (git-ignored) for
 * `--compare`, which scores the redo policy (the streamed answer when the engine accepts it, else the batch one).
 *
 *   JARVIS_TUNE_EVERY=6 JARVIS_STREAM_MODE=batch|prefix|init|carry npx tsx bench/stt-stream-compare.ts
 *   npx tsx bench/stt-stream-compare.ts --compare <batch records> <stream records>
 *
 * `--compare` also scores the rule the hub ships (a streamed answer stands when the engine accepted it 2 over its
 * threshold AND the hearing policy would act on it without asking, `streamedAnswerStands`; else the whole decode's
 * answer) against the whole decode with the hearing policy, and counts the utterances whose answer differs.
 *
 * Timing (after the end of speech → the answer, on one engine, audio fed in real time as the hub feeds it: 100 ms
 * pieces, the last 250 ms — the pipeline's holdback — pushed at the end; measured under whatever load the box has):
 *
 *   JARVIS_TUNE_EVERY=24 JARVIS_STREAM_MODE=timing [JARVIS_STREAM_WHOLE=concurrent|after] npx tsx bench/stt-stream-compare.ts
 */
import { readFileSync } from 'node:fs';
import { GrammarEngine, type StreamCmn, type StreamWhole } from '../hub/src/stt/grammar/grammar-engine.js';
import { commandGrammar } from '../hub/src/stt/command-grammar.js';
import { KIND_TARGETS } from '../hub/src/voice/voice-pipeline.js';
import { namesFromRegistry } from '../hub/src/stt/grammar/slots.js';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { sideSources } from '../tests/fixtures/voice/matrix.js';
import { runMatrix, saveRecords, tally, type UtteranceRecord } from './stt-command-eval.js';
import { ROUTER_GRAMMAR_MARGINS, marginThreshold } from '../hub/src/stt/grammar/grammar-engine.js';
import { streamedAnswerStands } from '../hub/src/voice/voice-pipeline.js';
import { DEFAULT_HEARING_BARS } from '../hub/src/voice/hearing-policy.js';
import { formatTally, policyOutcome, sideExamples, sideRouter, tallyPolicy } from './hearing-policy.js';
import type { Transcript } from '../hub/src/stt/engine.js';
import { loadavg } from 'node:os';

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

  // The shipped rule, scored with the hearing policy the hub applies to either answer.
  const closed = (rs: readonly UtteranceRecord[]): UtteranceRecord[] => rs.filter((r) => !r.openVocabulary);
  const examples = sideExamples('tune');
  const route = sideRouter('tune');
  const lead = (r: UtteranceRecord): number => (r.text !== '' && r.margin !== undefined ? r.margin - marginThreshold(r.snrEstimate, ROUTER_GRAMMAR_MARGINS) : -Infinity);
  const asTranscript = (r: UtteranceRecord): Transcript => ({
    text: r.text, confidence: 0, segments: [], engine: 'grammar', timings: { queueMs: 0, decodeMs: 0, totalMs: 0 }, snrDb: r.snrEstimate,
    ...(r.margin !== undefined ? { margin: r.margin } : {}), ...(r.wordMargin !== undefined ? { wordMargin: r.wordMargin } : {}),
  });
  const rules: Array<[string, (r: UtteranceRecord) => boolean]> = [
    ['lead>=2 only (before)', (r) => lead(r) >= 2],
    ['lead>=2 and sure (shipped)', (r) => lead(r) >= 2 && streamedAnswerStands(asTranscript(r), DEFAULT_HEARING_BARS)],
  ];
  process.stdout.write(`\nhearing policy, whole decode: ${formatTally(tallyPolicy(closed(batch), examples, route, DEFAULT_HEARING_BARS))}\n`);
  for (const [name, stands] of rules) {
    const final = stream.map((r) => (stands(r) ? r : (byId.get(r.id) ?? r)));
    const kept = stream.filter(stands).length;
    const textDiffers = final.filter((r) => byId.get(r.id) !== undefined && (byId.get(r.id)!.text !== r.text)).length;
    const ex = (r: UtteranceRecord) => examples.get(r.line)!;
    const outcomeDiffers = closed(final).filter((r) => byId.get(r.id) !== undefined
      && policyOutcome(r, ex(r), route, DEFAULT_HEARING_BARS) !== policyOutcome(byId.get(r.id)!, ex(r), route, DEFAULT_HEARING_BARS));
    process.stdout.write(`hearing policy, ${name}: ${formatTally(tallyPolicy(closed(final), examples, route, DEFAULT_HEARING_BARS))}\n`);
    process.stdout.write(`  streamed answers standing ${kept}/${stream.length}; final text differs from the whole decode on ${textDiffers}; policy outcome differs on ${outcomeDiffers.length}`
      + `${outcomeDiffers.length > 0 ? ` (${outcomeDiffers.map((r) => `${r.id}: ${policyOutcome(byId.get(r.id)!, ex(r), route, DEFAULT_HEARING_BARS)} -> ${policyOutcome(r, ex(r), route, DEFAULT_HEARING_BARS)}`).join('; ')})` : ''}\n`);
  }
  const rawDiffers = stream.filter((r) => byId.get(r.id) !== undefined && (byId.get(r.id)!.text !== r.text || (byId.get(r.id)!.candidate ?? '') !== (r.candidate ?? ''))).length;
  process.stdout.write(`streamed result (no redo) differs from the whole decode (text or declined best path) on ${rawDiffers} of ${stream.length}\n`);
} else if (process.env['JARVIS_STREAM_MODE'] === 'timing') {
  // After the end of speech → the answer: whole, and streamed (as the hub's rule decides, and with every answer redone).
  const every = Number(process.env['JARVIS_TUNE_EVERY'] ?? 24);
  const streamWhole = (process.env['JARVIS_STREAM_WHOLE'] ?? 'concurrent') as StreamWhole;
  const names = namesFromRegistry(loadRegistrySnapshot(sideSources('tune').home));
  const engine = new GrammarEngine({ names: { ...names, entities: [...names.entities, ...KIND_TARGETS] }, ...commandGrammar({}), areaGrammars: false, streamWhole });
  await engine.start();
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const ms: Record<'whole' | 'shipped' | 'shippedStood' | 'shippedRedone' | 'allRedone', number[]> = { whole: [], shipped: [], shippedStood: [], shippedRedone: [], allRedone: [] };
  const load: number[] = [loadavg()[0]!];
  try {
    await runMatrix('tune', {
      transcribe: async (pcm, context) => {
        let t0 = performance.now();
        const whole = await engine.transcribe(pcm, context);
        ms.whole.push(performance.now() - t0);
        for (const label of ['shipped', 'allRedone'] as const) {
          const s = engine.stream({ ...context, stands: label === 'shipped' ? (t) => streamedAnswerStands(t, DEFAULT_HEARING_BARS) : () => false });
          const cut = Math.max(0, pcm.length - 250 * 16);
          for (let i = 0; i < cut; i += 1600) {
            s.push(pcm.subarray(i, Math.min(cut, i + 1600)));
            await sleep(100);
          }
          s.push(pcm.subarray(cut));
          t0 = performance.now();
          const t = await s.end();
          const took = performance.now() - t0;
          ms[label].push(took);
          if (label === 'shipped') ms[t.decodedAs === 'stream' ? 'shippedStood' : 'shippedRedone'].push(took);
          await s.settled();
        }
        return whole;
      },
      inGrammar: (text) => engine.inGrammar(text),
    }, { every, noisyPerSentence: 1, onProgress: (done, total) => { if (done % 10 === 0) process.stderr.write(`${done}/${total}\n`); } });
  } finally {
    await engine.stop();
  }
  load.push(loadavg()[0]!);
  const q = (xs: number[], p: number): number => Math.round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN);
  for (const [k, v] of Object.entries(ms)) process.stdout.write(`timing streamWhole=${streamWhole} ${k}: n ${v.length} p50 ${q(v, 0.5)} ms p95 ${q(v, 0.95)} ms\n`);
  // Paired, utterance by utterance (the load moves both): every answer redone minus the whole decode of the same audio.
  const diff = ms.allRedone.map((x, i) => x - ms.whole[i]!);
  process.stdout.write(`timing streamWhole=${streamWhole} allRedone - whole, same utterance: p25 ${q(diff, 0.25)} p50 ${q(diff, 0.5)} p75 ${q(diff, 0.75)} ms; slower on ${diff.filter((d) => d > 0).length} of ${diff.length}\n`);
  process.stdout.write(`1-min load ${load.map((x) => x.toFixed(2)).join(' -> ')}; engine streams ${JSON.stringify(engine.streamStats)}\n`);
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
