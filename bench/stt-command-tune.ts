/**
 * Tuning runs of the command recogniser on the TUNE half of the voice split only (never the test half): one
 * variant of the engine per run, per-utterance records saved for threshold sweeps. Not a benchmark result.
 *
 *   JARVIS_TUNE_VARIANT=home|area JARVIS_TUNE_EVERY=6 JARVIS_TUNE_AREA_ONLY=1 npx tsx bench/stt-command-tune.ts
 *
 * `JARVIS_TUNE_POLITE=0` leaves out "could you … please", `JARVIS_TUNE_HEY=1` adds "hey jarvis …",
 * `JARVIS_TUNE_ONOFF=off|names|places` picks the "<target> on|off" forms (default `DEFAULT_SPEECH_ON_OFF`, places); `JARVIS_TUNE_FORMS=homeKinds,kindInPlace,quantifiers` picks the
 * target forms (default the speech grammar's `SPEECH_TARGET_FORMS`, empty = none). `JARVIS_TUNE_SECOND=0` turns off the second opinion; `JARVIS_TUNE_SPEECH=0` keeps the router's rule spellings and articles; `JARVIS_TUNE_DOMAINS=0` turns off the domain-limited targets.
 * `JARVIS_TUNE_ACOUSTIC=DIR` decodes with the adapted acoustic model in DIR (scripts/adapt-acoustic-model.ts --out DIR;
 * `JARVIS_TUNE_ACOUSTIC_USE=mllr|map` picks one of its fits), `JARVIS_TUNE_BASES=en-us,en-gb-scotland` scores only
 * utterances of tune voices with those bases (cross-validation across voices: adapt on the other bases);
 * `JARVIS_TUNE_VARIANTS=f2,m3,base` also keeps only voices of those variants (`base` = the bare voice), to score variants an
 * adaptation left out (scripts/adapt-acoustic-model.ts --hold-out-variants).
 * `JARVIS_TUNE_NBEST=20` asks the lattice for that many N-best sentences and records them (for bench/stt-nbest-consensus.ts).
 * `home`: the whole-home grammar only (as before issue 14's per-area grammars); `area`: the speaking device's area
 * first, the whole home when that declines. `JARVIS_TUNE_AREA_ONLY=1` keeps the sentences with a device area
 * (the only ones the area grammar can change).
 */
import { DEFAULT_SPHINX_MODEL, GrammarEngine, type GrammarEngineOptions } from '../hub/src/stt/grammar/grammar-engine.js';
import { commandGrammar, type SpeechOnOff } from '../hub/src/stt/command-grammar.js';
import { KIND_TARGETS } from '../hub/src/voice/voice-pipeline.js';
import { namesFromRegistry, type TargetForms } from '../hub/src/stt/grammar/slots.js';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { sideSources } from '../tests/fixtures/voice/matrix.js';
import { BASE_ACOUSTIC_MODEL, readAdaptation, type AdaptationMethod } from '../hub/src/stt/acoustic/adapted-model.js';
import { denoiseUtterance } from '../hub/src/audio/dsp/denoise.js';
import { runMatrix, saveRecords, tally, type UtteranceRecord } from './stt-command-eval.js';

const variant = process.env['JARVIS_TUNE_VARIANT'] ?? 'area';
const every = Number(process.env['JARVIS_TUNE_EVERY'] ?? 6);
const areaOnly = process.env['JARVIS_TUNE_AREA_ONLY'] === '1';
const domains = process.env['JARVIS_TUNE_DOMAINS'] !== '0';
const speech = process.env['JARVIS_TUNE_SPEECH'] !== '0';
const second = process.env['JARVIS_TUNE_SECOND'] !== '0';
const polite = process.env['JARVIS_TUNE_POLITE'] !== '0';
const hey = process.env['JARVIS_TUNE_HEY'] === '1';
// Unset: the shipped default (DEFAULT_SPEECH_ON_OFF); `off`, `names` or `places` to pick.
const onOffEnv = process.env['JARVIS_TUNE_ONOFF'];
const onOff = (onOffEnv === undefined ? undefined : ['names', 'places'].includes(onOffEnv) ? onOffEnv : false) as SpeechOnOff | undefined;
const formsEnv = process.env['JARVIS_TUNE_FORMS'];
const grammarOptions = commandGrammar({ speech, polite, hey, ...(onOff === undefined ? {} : { onOff }) });
const targetForms: TargetForms = formsEnv === undefined ? (grammarOptions.targetForms ?? {}) : Object.fromEntries(formsEnv.split(',').filter(Boolean).map((f) => [f, true]));
const extra = (process.env['JARVIS_TUNE_ARGS'] ?? '').split(' ').filter((x) => x !== '');
const nbestSize = Number(process.env['JARVIS_TUNE_NBEST'] ?? 0);
const acousticDir = process.env['JARVIS_TUNE_ACOUSTIC'];
const acoustic = acousticDir ? readAdaptation(acousticDir, process.env['JARVIS_TUNE_ACOUSTIC_USE'] as AdaptationMethod | undefined) : BASE_ACOUSTIC_MODEL;
if (!acoustic) throw new Error(`JARVIS_TUNE_ACOUSTIC=${acousticDir} holds no usable adaptation (adapted.json and the chosen fit)`);
const bases = process.env['JARVIS_TUNE_BASES']?.split(',').filter(Boolean);
const variants = process.env['JARVIS_TUNE_VARIANTS']?.split(',').filter(Boolean).map((v) => (v === 'base' ? '' : v));
// `JARVIS_TUNE_DENOISE=1`: the recogniser hears the hub's RNNoise output (`denoiseUtterance`) instead of the raw audio the
// hub feeds it today (`commandAudio` takes `raw16k`); the records' SNR estimate stays that of the raw audio.
const denoise = process.env['JARVIS_TUNE_DENOISE'] === '1';
process.stderr.write(`acoustic model: ${acoustic.label}${bases ? `; scoring voices of ${bases.join(',')} only` : ''}\n`);

const names = namesFromRegistry(loadRegistrySnapshot(sideSources('tune').home));
const options: GrammarEngineOptions = {
  modelDir: acoustic.modelDir ?? DEFAULT_SPHINX_MODEL, names: { ...names, entities: [...names.entities, ...KIND_TARGETS] }, ...grammarOptions, targetForms,
  areaGrammars: variant === 'area', domainTargets: domains, secondOpinion: second, decoderArgs: [...acoustic.decoderArgs, ...extra],
  ...(nbestSize > 0 ? { consensus: { size: nbestSize } } : {}),
};
const engine = new GrammarEngine(options);
const t0 = performance.now();
await engine.start();
process.stderr.write(`built in ${Math.round(performance.now() - t0)} ms: ${JSON.stringify({ ...engine.report, pronounced: undefined, skipped: engine.report?.skipped.length })}\n`);
let records: UtteranceRecord[];
try {
  const started = performance.now();
  records = await runMatrix('tune', { transcribe: async (pcm, context) => engine.transcribe(denoise ? await denoiseUtterance(pcm) : pcm, context), inGrammar: (text) => engine.inGrammar(text) }, {
    every, noisyPerSentence: 1,
    only: (item) => (!areaOnly || item.sentence.device_area !== undefined) && (!bases || bases.includes(item.voice.split('+')[0]!)) && (!variants || variants.includes(item.voice.split('+')[1] ?? '')),
    onProgress: (done, total) => { if (done % 20 === 0) process.stderr.write(`${done}/${total} (${Math.round((performance.now() - started) / 1000)} s)\n`); },
  });
} finally {
  await engine.stop();
}
const label = `tune-${variant}${domains ? '-dom' : ''}${speech ? '-sp' : ''}${polite ? '-pol' : ''}${hey ? '-hey' : ''}${onOff ? `-${onOff}` : ''}${formsEnv === undefined ? '' : `-f${Object.keys(targetForms).map((k) => k.slice(0, 4)).join('')}`}${second ? '-2nd' : ''}${nbestSize > 0 ? `-nb${nbestSize}` : ''}${areaOnly ? '-areaonly' : ''}${bases ? `-v${bases.join('.')}` : ''}${variants ? `-var${variants.map((v) => v || 'base').join('.')}` : ''}${acousticDir ? `-ac${acousticDir.split('/').filter(Boolean).pop()}${process.env['JARVIS_TUNE_ACOUSTIC_USE'] ?? ''}` : ''}${denoise ? '-dn' : ''}-e${every}${extra.length ? '-args' : ''}`;
process.stderr.write(`records in ${saveRecords(label, records)}\n`);
const closed = records.filter((r) => !r.openVocabulary);
for (const [name, keep] of [['all', () => true], ['clean', (r: UtteranceRecord) => r.noise === 'clean'], ['noisy', (r: UtteranceRecord) => r.noise !== 'clean']] as const) {
  const group = closed.filter(keep);
  const t = tally(group);
  const best = group.filter((r) => r.bestPathRight).length;
  process.stdout.write(`${label} ${name}: right ${t.right}/${t.commands}, best path right ${best}, accepted ${t.accepted}, opposite ${t.opposite}, wrong target ${t.wrongTarget}, wrong other ${t.wrongOther}, chit-chat ${t.chitchatAccepted}/${t.chitchat}, text ceiling ${t.textRight}, in grammar ${t.inGrammar}/${t.commands}\n`);
}
const ms = records.map((r) => r.decodeMs).sort((a, b) => a - b);
process.stdout.write(`${label} decode ms p50 ${ms[Math.floor(ms.length / 2)]} p90 ${ms[Math.floor(ms.length * 0.9)]} (load ${(await import('node:os')).loadavg()[0]!.toFixed(1)})\n`);
