/**
 * Where an adapted acoustic model lives in the models directory (`$JARVIS_DATA_DIR/models`) and how the
 * grammar engine is pointed at it: `acoustic/en-us-adapted/` holds `adapted.json` (what was fitted, on what),
 * `mllr_matrix` (a global MLLR transform: the decoder's `-mllr`) and/or `map/` (a MAP-adapted copy of the
 * model in the engine's `modelDir` layout). Made by `scripts/adapt-acoustic-model.ts`; never in git.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The folder inside the models directory. */
export const ADAPTED_MODEL_DIR = join('acoustic', 'en-us-adapted');
export const ADAPTED_META_FILE = 'adapted.json';
export const ADAPTED_FORMAT = 'jarvis-acoustic-adaptation';
export const MLLR_FILE = 'mllr_matrix';
export const MAP_DIR = 'map';

/** The two adaptations sphinxtrain fits. */
export type AdaptationMethod = 'mllr' | 'map';

/** `adapted.json`. */
export interface AdaptedMeta {
  format: typeof ADAPTED_FORMAT;
  version: 1;
  /** The base model dir the statistics were collected against. */
  base: string;
  methods: AdaptationMethod[];
  /** The one the hub uses. */
  use: AdaptationMethod;
  /** What the data was ("household recordings <path>", "espeak-ng tune-half voices ..."). */
  source: string;
  utterances: number;
  words: number;
  created: string;
}

/** What the grammar engine gets: a model dir and extra decoder arguments, plus a label for status. */
export interface AcousticModelChoice {
  /** Undefined: the engine's default model. */
  modelDir?: string;
  decoderArgs: string[];
  /** For status: "en-us (CMU, unadapted)" or "en-us + MLLR (<source>, N utterances)". */
  label: string;
  adapted: boolean;
}

/** The unadapted model. */
export const BASE_ACOUSTIC_MODEL: AcousticModelChoice = { decoderArgs: [], label: 'en-us (CMU, unadapted)', adapted: false };

/** Reads an adaptation folder (the script's `--out`); undefined when it is not one or its files are missing. */
export function readAdaptation(dir: string, method?: AdaptationMethod): AcousticModelChoice | undefined {
  const metaFile = join(dir, ADAPTED_META_FILE);
  if (!existsSync(metaFile)) return undefined;
  let meta: AdaptedMeta;
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as AdaptedMeta;
  } catch {
    return undefined;
  }
  if (meta.format !== ADAPTED_FORMAT) return undefined;
  const use = method ?? meta.use;
  const what = `${meta.source}, ${meta.utterances} utterances`;
  if (use === 'mllr' && existsSync(join(dir, MLLR_FILE))) {
    return { decoderArgs: ['-mllr', join(dir, MLLR_FILE)], label: `en-us + MLLR (${what})`, adapted: true, ...(meta.base ? { modelDir: meta.base } : {}) };
  }
  if (use === 'map' && existsSync(join(dir, MAP_DIR, 'en-us', 'means'))) {
    return { modelDir: join(dir, MAP_DIR), decoderArgs: [], label: `en-us MAP-adapted (${what})`, adapted: true };
  }
  return undefined;
}

/**
 * Why the adaptation folder in the models directory is not used although it holds an `adapted.json` (unreadable,
 * another format, the chosen method's files missing); undefined when there is none or it is used. The hub logs it
 * with `JARVIS_ACOUSTIC_BAD_ADAPTATION` instead of falling back to the base model without a word.
 */
export function adaptationProblem(modelsDir: string): string | undefined {
  const dir = join(modelsDir, ADAPTED_MODEL_DIR);
  const metaFile = join(dir, ADAPTED_META_FILE);
  if (!existsSync(metaFile) || readAdaptation(dir)) return undefined;
  let meta: Partial<AdaptedMeta>;
  try {
    meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Partial<AdaptedMeta>;
  } catch (err) {
    return `${metaFile} cannot be read: ${(err as Error).message}`;
  }
  if (meta.format !== ADAPTED_FORMAT) return `${metaFile} is not a ${ADAPTED_FORMAT} file`;
  return `${dir} lacks the files of its method "${String(meta.use)}" (${meta.use === 'mllr' ? MLLR_FILE : join(MAP_DIR, 'en-us')})`;
}

/** The adapted model in the models directory when present, else the base one. */
export function activeAcousticModel(modelsDir: string): AcousticModelChoice {
  return readAdaptation(join(modelsDir, ADAPTED_MODEL_DIR)) ?? BASE_ACOUSTIC_MODEL;
}

/** The grammar engine options that select `choice` (spread into `GrammarEngineOptions`). */
export function acousticGrammarOptions(choice: AcousticModelChoice): { modelDir?: string; decoderArgs?: string[] } {
  return { ...(choice.modelDir ? { modelDir: choice.modelDir } : {}), ...(choice.decoderArgs.length ? { decoderArgs: [...choice.decoderArgs] } : {}) };
}
