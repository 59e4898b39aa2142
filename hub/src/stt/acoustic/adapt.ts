/**
 * Acoustic model adaptation of PocketSphinx's en-us model to a household's voices (issue 14), the way CMU's
 * tutorial "Adapting the default acoustic model" does it: `sphinx_fe` makes MFCC features of transcribed
 * utterances, sphinxtrain's `bw` collects Baum-Welch counts against the model, then `mllr_solve` fits one global
 * MLLR transform of the means (the decoder's `-mllr FILE`) and `map_adapt` re-estimates means, variances and
 * mixture weights (a copied model dir for `-hmm`). Tools: Debian `sphinxtrain` (bw, mllr_solve, map_adapt in
 * /usr/lib/sphinxtrain) and `sphinxbase-utils` (sphinx_fe); the text mdef comes from `pocketsphinx`'s
 * `pocketsphinx_mdef_convert`. The model's `sendump` becomes `mixture_weights` in TypeScript (./sendump.ts).
 *
 * The result is data, never in git: `$JARVIS_DATA_DIR/models/acoustic/en-us-adapted/` by default
 * (./adapted-model.ts is the layout the hub reads).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ConfigError, InputError, UpstreamError } from '../../core/index.js';
import { decodeWav, encodeWav } from '../../audio/index.js';
import { readSendump, writeMixw } from './sendump.js';
import { ADAPTED_META_FILE, ADAPTED_FORMAT, MAP_DIR, MLLR_FILE, type AdaptedMeta, type AdaptationMethod } from './adapted-model.js';

/** The tools' default places (Debian packages). `SPHINXTRAIN_DIR` overrides bw/mllr_solve/map_adapt's. */
export const SPHINXTRAIN_DIR = process.env['SPHINXTRAIN_DIR'] ?? '/usr/lib/sphinxtrain';
const RATE = 16000;

/** One transcribed adaptation utterance: 16 kHz mono PCM and what was said. */
export interface AdaptationUtterance {
  id: string;
  samples: Int16Array;
  text: string;
}

/** Codes of adaptation failures. */
export type AcousticErrorCode =
  | 'JARVIS_ACOUSTIC_BAD_MANIFEST' | 'JARVIS_ACOUSTIC_BAD_AUDIO' | 'JARVIS_ACOUSTIC_UNKNOWN_WORD'
  | 'JARVIS_ACOUSTIC_NO_DATA' | 'JARVIS_ACOUSTIC_TOOL_MISSING' | 'JARVIS_ACOUSTIC_TOOL_FAILED';

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** English words of 0–9999 (as espeak-ng says digits); undefined beyond. */
export function numberWords(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 9999) return undefined;
  if (n < 20) return ONES[n];
  if (n < 100) return `${TENS[Math.floor(n / 10)]}${n % 10 ? ` ${ONES[n % 10]}` : ''}`;
  if (n < 1000) return `${ONES[Math.floor(n / 100)]} hundred${n % 100 ? ` and ${numberWords(n % 100)}` : ''}`;
  return `${ONES[Math.floor(n / 1000)]} thousand${n % 1000 ? `${n % 1000 < 100 ? ' and' : ''} ${numberWords(n % 1000)}` : ''}`;
}

/** The words of the pronunciation dictionary (alternates `word(2)` folded). */
export function loadDictionaryWords(dictFile: string): Set<string> {
  const words = new Set<string>();
  for (const line of readFileSync(dictFile, 'utf8').split('\n')) {
    const w = line.split(/\s/, 1)[0];
    if (w) words.add(w.replace(/\(\d+\)$/, ''));
  }
  return words;
}

/** Lower case, digits as words, punctuation out: the words bw aligns. */
export function transcriptWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/(\d+)%/g, '$1 percent')
    .replace(/\d+/g, (d) => numberWords(Number(d)) ?? d)
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w !== '');
}

/** Words of `text` missing from `dict` (in order, once each). */
export function unknownWords(text: string, dict: ReadonlySet<string>): string[] {
  return [...new Set(transcriptWords(text).filter((w) => !dict.has(w)))];
}

/**
 * Reads a household's recordings: a folder of `NAME.wav` + `NAME.txt` pairs, or a JSONL manifest of
 * `{"wav": "path relative to the manifest", "text": "what was said"}` lines. WAVs must be 16 kHz mono 16-bit.
 */
export function readRecordings(path: string): AdaptationUtterance[] {
  if (!existsSync(path)) throw new InputError('JARVIS_ACOUSTIC_BAD_MANIFEST', `no such manifest or folder: ${path}`);
  const pairs: { id: string; wav: string; text: string; where: string }[] = [];
  if (readdirSafe(path)) {
    for (const f of (readdirSafe(path) ?? []).filter((f) => f.toLowerCase().endsWith('.wav')).sort()) {
      const stem = f.slice(0, -4);
      const txt = join(path, `${stem}.txt`);
      if (!existsSync(txt)) throw new InputError('JARVIS_ACOUSTIC_BAD_MANIFEST', `${join(path, f)} has no transcript ${txt}`);
      pairs.push({ id: stem, wav: join(path, f), text: readFileSync(txt, 'utf8').trim(), where: txt });
    }
  } else {
    readFileSync(path, 'utf8').split('\n').forEach((raw, i) => {
      if (raw.trim() === '') return;
      const where = `${path}:${i + 1}`;
      let o: unknown;
      try {
        o = JSON.parse(raw);
      } catch {
        throw new InputError('JARVIS_ACOUSTIC_BAD_MANIFEST', `${where}: not JSON (want {"wav": "...", "text": "..."})`);
      }
      const { wav, text } = (o ?? {}) as { wav?: unknown; text?: unknown };
      if (typeof wav !== 'string' || wav === '' || typeof text !== 'string') throw new InputError('JARVIS_ACOUSTIC_BAD_MANIFEST', `${where}: needs a "wav" path and a "text" string`);
      const file = resolve(dirname(path), wav);
      if (!existsSync(file)) throw new InputError('JARVIS_ACOUSTIC_BAD_MANIFEST', `${where}: no such WAV ${file}`);
      pairs.push({ id: `${basename(wav).replace(/\.wav$/i, '')}-${i + 1}`, wav: file, text, where });
    });
  }
  if (pairs.length === 0) throw new InputError('JARVIS_ACOUSTIC_NO_DATA', `${path} holds no recordings`);
  return pairs.map((p) => {
    if (p.text.trim() === '') throw new InputError('JARVIS_ACOUSTIC_BAD_MANIFEST', `${p.where}: empty transcript`);
    let pcm;
    try {
      pcm = decodeWav(readFileSync(p.wav));
    } catch (err) {
      throw new InputError('JARVIS_ACOUSTIC_BAD_AUDIO', `${p.wav}: ${(err as Error).message}`, { cause: err });
    }
    if (pcm.sampleRate !== RATE || pcm.channels !== 1) throw new InputError('JARVIS_ACOUSTIC_BAD_AUDIO', `${p.wav}: ${pcm.sampleRate} Hz, ${pcm.channels} channel(s); want 16000 Hz mono (sox in.wav -r 16000 -c 1 -b 16 out.wav)`);
    return { id: p.id.replace(/[^A-Za-z0-9_-]/g, '_'), samples: pcm.samples, text: p.text };
  });
}

function readdirSafe(path: string): string[] | undefined {
  try {
    return readdirSync(path);
  } catch {
    return undefined;
  }
}

/** Options of {@link adaptAcousticModel}. */
export interface AdaptOptions {
  /** The base model (the grammar engine's layout: `DIR/en-us/` and `DIR/cmudict-en-us.dict`). */
  baseModelDir: string;
  /** Where the result goes (replaced). */
  outDir: string;
  /** Scratch space (features, counts); removed afterwards unless `keepWork`. */
  workDir: string;
  keepWork?: boolean;
  /** What to fit (default both). */
  methods?: readonly AdaptationMethod[];
  /** Which the hub uses (default `map` when fitted: on held-out tune voices it beat MLLR, see the stt README). */
  use?: AdaptationMethod;
  /** What the data was, for status and reports. */
  source: string;
  onProgress?: (line: string) => void;
}

/** What {@link adaptAcousticModel} made. */
export interface AdaptResult {
  meta: AdaptedMeta;
  /** Utterances bw could not align (its "final state not reached"). */
  unaligned: string[];
}

function run(tool: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(tool, args, { cwd, maxBuffer: 256 << 20 }, (err, stdout, stderr) => {
      const log = `${stdout}${stderr}`;
      if (!err) return resolveRun(log);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new ConfigError('JARVIS_ACOUSTIC_TOOL_MISSING', `${tool} is not installed (apt-get install sphinxtrain sphinxbase-utils pocketsphinx)`));
      }
      const tail = log.split('\n').filter((l) => /ERROR|FATAL/.test(l)).slice(-3).join(' | ') || log.split('\n').slice(-3).join(' | ');
      reject(new UpstreamError('JARVIS_ACOUSTIC_TOOL_FAILED', `${basename(tool)} failed (${err.code ?? err.message}): ${tail}`));
    });
  });
}

/** Adapts the base model to `utterances`; writes `mllr_matrix` and/or `map/` and `adapted.json` into outDir. */
export async function adaptAcousticModel(utterances: readonly AdaptationUtterance[], options: AdaptOptions): Promise<AdaptResult> {
  const say = options.onProgress ?? (() => {});
  const methods = options.methods ?? ['mllr', 'map'];
  if (utterances.length === 0) throw new InputError('JARVIS_ACOUSTIC_NO_DATA', 'no adaptation utterances');
  const hmm = join(options.baseModelDir, 'en-us');
  const dictFile = join(options.baseModelDir, 'cmudict-en-us.dict');
  for (const f of ['means', 'variances', 'transition_matrices', 'mdef', 'noisedict', 'feat.params']) {
    if (!existsSync(join(hmm, f))) throw new ConfigError('JARVIS_ACOUSTIC_TOOL_MISSING', `base model ${hmm} has no ${f}`);
  }
  const dict = loadDictionaryWords(dictFile);
  for (const u of utterances) {
    const missing = unknownWords(u.text, dict);
    if (missing.length) throw new InputError('JARVIS_ACOUSTIC_UNKNOWN_WORD', `utterance ${u.id} ("${u.text}"): ${missing.map((w) => `"${w}"`).join(', ')} not in the pronunciation dictionary ${dictFile}; spell it as dictionary words`);
    if (transcriptWords(u.text).length === 0) throw new InputError('JARVIS_ACOUSTIC_BAD_MANIFEST', `utterance ${u.id}: no words in "${u.text}"`);
  }
  const work = resolve(options.workDir);
  rmSync(work, { recursive: true, force: true });
  for (const d of ['wav', 'mfc', 'accum', 'model']) mkdirSync(join(work, d), { recursive: true });
  try {
    // The model as bw reads it: text mdef, float mixture weights.
    const model = join(work, 'model');
    for (const f of ['means', 'variances', 'transition_matrices', 'noisedict', 'feat.params']) copyFileSync(join(hmm, f), join(model, f));
    await run('pocketsphinx_mdef_convert', ['-text', join(hmm, 'mdef'), join(model, 'mdef')], work);
    const mixwFile = existsSync(join(hmm, 'mixture_weights')) ? join(hmm, 'mixture_weights') : undefined;
    if (mixwFile) copyFileSync(mixwFile, join(model, 'mixture_weights'));
    else writeFileSync(join(model, 'mixture_weights'), writeMixw(readSendump(readFileSync(join(hmm, 'sendump')))));
    say(`model ready (mixture weights ${mixwFile ? 'copied' : 'from sendump'})`);

    const ids = utterances.map((u, i) => `u${String(i).padStart(5, '0')}_${u.id}`.slice(0, 60));
    utterances.forEach((u, i) => writeFileSync(join(work, 'wav', `${ids[i]}.wav`), encodeWav(u.samples, RATE)));
    writeFileSync(join(work, 'fileids'), `${ids.join('\n')}\n`);
    writeFileSync(join(work, 'transcription'), utterances.map((u, i) => `<s> ${transcriptWords(u.text).join(' ')} </s> (${ids[i]})\n`).join(''));
    await run('sphinx_fe', ['-argfile', join(model, 'feat.params'), '-samprate', String(RATE), '-c', 'fileids', '-di', 'wav', '-do', 'mfc', '-ei', 'wav', '-eo', 'mfc', '-mswav', 'yes'], work);
    say(`features of ${utterances.length} utterances`);

    const feat = readFileSync(join(model, 'feat.params'), 'utf8');
    const param = (name: string, fallback: string): string => new RegExp(`^-${name}\\s+(\\S+)`, 'm').exec(feat)?.[1] ?? fallback;
    const bwLog = await run(join(SPHINXTRAIN_DIR, 'bw'), [
      '-hmmdir', model, '-moddeffn', join(model, 'mdef'), '-ts2cbfn', `.${param('model', 'ptm')}.`, '-feat', param('feat', '1s_c_d_dd'),
      '-svspec', param('svspec', '0-12/13-25/26-38'), '-cmn', 'current', '-agc', param('agc', 'none'), '-dictfn', dictFile,
      '-fdictfn', join(model, 'noisedict'), '-ctlfn', 'fileids', '-lsnfn', 'transcription', '-accumdir', 'accum', '-cepdir', 'mfc',
    ], work);
    const unaligned = [...bwLog.matchAll(/final state not reached|Unable to align|No such word/gi)].map((m) => m[0]);
    const aligned = (bwLog.match(/^utt>/gm) ?? []).length;
    say(`bw: ${aligned} utterances counted${unaligned.length ? `, ${unaligned.length} alignment failures` : ''}`);

    const out = resolve(options.outDir);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    if (methods.includes('mllr')) {
      await run(join(SPHINXTRAIN_DIR, 'mllr_solve'), ['-meanfn', join(model, 'means'), '-varfn', join(model, 'variances'), '-outmllrfn', join(out, MLLR_FILE), '-accumdir', 'accum'], work);
      say(`MLLR transform in ${join(out, MLLR_FILE)}`);
    }
    if (methods.includes('map')) {
      const mapHmm = join(out, MAP_DIR, 'en-us');
      mkdirSync(mapHmm, { recursive: true });
      for (const f of ['mdef', 'noisedict', 'feat.params']) copyFileSync(join(hmm, f), join(mapHmm, f));
      await run(join(SPHINXTRAIN_DIR, 'map_adapt'), [
        '-moddeffn', join(model, 'mdef'), '-ts2cbfn', `.${param('model', 'ptm')}.`, '-meanfn', join(model, 'means'), '-varfn', join(model, 'variances'),
        '-mixwfn', join(model, 'mixture_weights'), '-tmatfn', join(model, 'transition_matrices'), '-accumdir', 'accum',
        '-mapmeanfn', join(mapHmm, 'means'), '-mapvarfn', join(mapHmm, 'variances'), '-mapmixwfn', join(mapHmm, 'mixture_weights'), '-maptmatfn', join(mapHmm, 'transition_matrices'),
      ], work);
      symlinkSync(resolve(dictFile), join(out, MAP_DIR, 'cmudict-en-us.dict'));
      say(`MAP model in ${join(out, MAP_DIR)}`);
    }
    const meta: AdaptedMeta = {
      format: ADAPTED_FORMAT, version: 1, base: resolve(options.baseModelDir), methods: [...methods], use: options.use ?? (methods.includes('map') ? 'map' : 'mllr'),
      source: options.source, utterances: utterances.length, words: utterances.reduce((n, u) => n + transcriptWords(u.text).length, 0),
      created: new Date().toISOString(),
    };
    writeFileSync(join(out, ADAPTED_META_FILE), `${JSON.stringify(meta, null, 2)}\n`);
    return { meta, unaligned };
  } finally {
    if (!options.keepWork) rmSync(work, { recursive: true, force: true });
  }
}
