/**
 * Adapts PocketSphinx's en-us acoustic model to a household's voices (issue 14): a global MLLR transform and a
 * MAP-adapted model (hub/src/stt/acoustic/adapt.ts: sphinx_fe → bw → mllr_solve / map_adapt), written to
 * $JARVIS_DATA_DIR/models/acoustic/en-us-adapted/ where the hub looks for it (or --out). Never in git: models are data.
 *
 *   npx tsx scripts/adapt-acoustic-model.ts --recordings DIR|MANIFEST.jsonl [--out DIR] [--methods mllr,map] [--use mllr|map]
 *   npx tsx scripts/adapt-acoustic-model.ts --espeak-tune [--voices en-us,en-gb-scotland] [--count 200] [--noisy 0.5] [--denoise] [--out DIR]
 *
 * --recordings: the household's own recordings, a folder of NAME.wav + NAME.txt (what was said) or a JSONL manifest of
 *   {"wav": "relative/path.wav", "text": "turn on the kitchen light"}; 16 kHz mono 16-bit. Every word must be in the
 *   pronunciation dictionary (digits are read as English numbers); an unknown word is JARVIS_ACOUSTIC_UNKNOWN_WORD.
 * --espeak-tune: espeak-ng voices of the TUNE half of the voice split (tests/fixtures/voice/split.json; --voices keeps
 *   only those bases, all their variants) speaking tune-a sentences that the tune benchmarks do NOT score: every
 *   sentence whose index is not a multiple of 3 (bench/stt-command-tune.ts scores every 3rd or 6th). Clean, 300 ms of
 *   silence either side like a hub segment, voice and speed drawn in turn; --noisy 0.5 puts that fraction of them in
 *   the matrix's noise conditions (pink/brown/babble/white at 20/10/5/0 dB, in turn; multi-condition adaptation). Sentences with words outside the dictionary
 *   are left out (counted). Needs espeak-ng and sox. Never the test half.
 * --denoise: every adaptation utterance (recordings or espeak) goes through the hub's RNNoise (`denoiseUtterance`) first:
 *   the model then fits the audio the recogniser hears when it is fed denoised audio.
 * Tools: apt-get install sphinxtrain sphinxbase-utils pocketsphinx.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../hub/src/config/load.js';
import { isCodedError } from '../hub/src/core/errors.js';
import { DEFAULT_SPHINX_MODEL } from '../hub/src/stt/grammar/grammar-engine.js';
import { adaptAcousticModel, loadDictionaryWords, readRecordings, unknownWords, type AdaptationUtterance } from '../hub/src/stt/acoustic/adapt.js';
import { ADAPTED_MODEL_DIR, type AdaptationMethod } from '../hub/src/stt/acoustic/adapted-model.js';
import { denoiseUtterance } from '../hub/src/audio/dsp/denoise.js';
import { floatToInt16, int16ToFloat } from '../hub/src/stt/audio.js';
import { MATRIX_NOISES, MATRIX_SNRS, loadVoiceSplit, renderItem, sideSources, sideVoices } from '../tests/fixtures/voice/matrix.js';

const HELP = readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]!.replace(/^\/\*\*\n?/, '').replace(/^ \* ?/gm, '');

/** The tune-half adaptation set: tune-a sentences the benchmarks do not score, spoken by tune voices of `bases`. */
export function espeakTuneSet(options: { bases?: readonly string[]; count: number; noisy?: number; dictFile: string; log?: (s: string) => void }): AdaptationUtterance[] {
  const split = loadVoiceSplit();
  const voices = sideVoices('tune', split).filter((v) => !options.bases || options.bases.includes(v.split('+')[0]!));
  if (voices.length === 0) throw new Error(`no tune-half voice has a base in ${options.bases?.join(',')} (tune bases: ${split.tune.bases.join(', ')})`);
  const dict = loadDictionaryWords(options.dictFile);
  const lines = readFileSync(sideSources('tune').sentences, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const all = lines.map((l) => (JSON.parse(l) as { text: string }).text).filter((_, i) => i % 3 !== 0);
  const sentences = all.filter((t) => unknownWords(t, dict).length === 0);
  options.log?.(`${sentences.length} of ${all.length} unscored tune sentences are all dictionary words; ${voices.length} voices`);
  const conditions = MATRIX_NOISES.flatMap((noise) => MATRIX_SNRS.map((snrDb) => ({ noise, snrDb })));
  const out: AdaptationUtterance[] = [];
  for (let k = 0; k < options.count; k++) {
    const text = sentences[k % sentences.length]!;
    const voice = voices[(k * 7 + Math.floor(k / sentences.length)) % voices.length]!;
    const wpm = split.speedsWpm[k % split.speedsWpm.length]!;
    // Every 1/noisy-th utterance in one of the matrix's noise conditions, in turn (the rest clean).
    const noisy = options.noisy !== undefined && options.noisy > 0 && Math.floor((k + 1) * options.noisy) > Math.floor(k * options.noisy);
    const c = conditions[(k * 5) % conditions.length]!;
    const id = `adapt:${k}`;
    const { samples } = renderItem({
      id, side: 'tune', sentence: { text, intent: null, slots: {}, line: 0 }, voice, wpm, openVocabulary: false,
      ...(noisy ? { noise: c.noise, snrDb: c.snrDb } : { noise: 'clean', snrDb: null }),
    });
    out.push({ id: `${voice.replace(/\W/g, '_')}_${wpm}_${noisy ? `${c.noise}${c.snrDb}_` : ''}${k}`, samples, text });
    if ((k + 1) % 50 === 0) options.log?.(`spoken ${k + 1}/${options.count}`);
  }
  return out;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      recordings: { type: 'string' }, 'espeak-tune': { type: 'boolean' }, voices: { type: 'string' }, count: { type: 'string' }, noisy: { type: 'string' },
      out: { type: 'string' }, methods: { type: 'string' }, use: { type: 'string' }, work: { type: 'string' }, 'keep-work': { type: 'boolean' },
      model: { type: 'string' }, denoise: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || (!values.recordings && !values['espeak-tune'])) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  const methods = (values.methods ?? 'mllr,map').split(',').filter(Boolean) as AdaptationMethod[];
  if (methods.length === 0 || methods.some((m) => m !== 'mllr' && m !== 'map')) throw new Error(`--methods takes mllr and/or map, not ${values.methods}`);
  const use = values.use as AdaptationMethod | undefined;
  if (use !== undefined && !methods.includes(use)) throw new Error(`--use ${use} is not among --methods ${methods.join(',')}`);
  const baseModelDir = values.model ?? DEFAULT_SPHINX_MODEL;
  const log = (s: string): void => void process.stderr.write(`${s}\n`);
  let utterances: AdaptationUtterance[];
  let source: string;
  if (values.recordings) {
    utterances = readRecordings(values.recordings);
    source = `recordings ${values.recordings}`;
  } else {
    const count = Number(values.count ?? 200);
    if (!Number.isInteger(count) || count < 1) throw new Error(`--count takes a positive whole number, not ${values.count}`);
    const bases = values.voices?.split(',').filter(Boolean);
    const noisy = Number(values.noisy ?? 0);
    if (!(noisy >= 0 && noisy <= 1)) throw new Error(`--noisy takes a fraction 0..1, not ${values.noisy}`);
    utterances = espeakTuneSet({ count, noisy, dictFile: join(baseModelDir, 'cmudict-en-us.dict'), log, ...(bases ? { bases } : {}) });
    source = `espeak-ng tune-half voices${bases ? ` ${bases.join(',')}` : ''}, ${count} unscored tune-a sentences${noisy ? `, ${noisy} of them in matrix noise` : ''}`;
  }
  if (values.denoise) {
    const denoised: AdaptationUtterance[] = [];
    for (const u of utterances) denoised.push({ ...u, samples: floatToInt16(await denoiseUtterance(int16ToFloat(u.samples))) });
    utterances = denoised;
    source += ', denoised (RNNoise)';
    log(`denoised ${utterances.length} utterances`);
  }
  const outDir = values.out ?? join(resolveDataDir(), 'models', ADAPTED_MODEL_DIR);
  const started = performance.now();
  const result = await adaptAcousticModel(utterances, {
    baseModelDir, outDir, workDir: values.work ?? join(tmpdir(), `jarvis-adapt-${process.pid}`), keepWork: values['keep-work'] ?? false,
    methods, source, onProgress: log, ...(use ? { use } : {}),
  });
  log(`done in ${Math.round((performance.now() - started) / 1000)} s: ${outDir} (${result.meta.utterances} utterances, ${result.meta.words} words, the hub uses ${result.meta.use})`);
  return 0;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().then((code) => { process.exitCode = code; }, (err: unknown) => {
    process.stderr.write(`${isCodedError(err) ? `${err.code}: ` : ''}${(err as Error).message}\n`);
    process.exitCode = 1;
  });
}
