/**
 * The flags of scripts/train-wake-verifier.ts (`npm run wake:verifier -- …`), parsed with every problem reported
 * as a coded error: an unknown flag or one without its value is `JARVIS_CLI_BAD_FLAG`, a value out of range is
 * `JARVIS_CLI_BAD_ARGUMENT`.
 */
import { ConfigError } from '../hub/src/core/index.js';

/** The training recipes: v2 (the shipped one) and v4 (v2 plus streams with no bed at all). */
export const RECIPES = ['v2', 'v4'] as const;
export type Recipe = (typeof RECIPES)[number];
/** The recipe `npm run wake:verifier` trains when no --recipe is given. */
export const DEFAULT_RECIPE: Recipe = 'v2';

/** What the script was asked to do. */
export interface TrainArgs {
  streams: number;
  seconds: number;
  hidden: number;
  epochs: number;
  faShare: number;
  recipe: Recipe;
  /** Where the head goes (undefined: beside the pulled wake model). */
  out?: string;
  /** Also write the head trained without the held-out tune quarter here (for the tune-heldout benches). */
  foldOut?: string;
  /** Another fold head file to score on the same held-out tune streams, at its own settings. */
  compare?: string;
  /** Retrain and compare with --out instead of writing. */
  check: boolean;
  /** Tune quarters the operating point is chosen on: 1 (quarter 0 held out, as before) or 4 (every quarter out of fold, pooled). */
  chooseFolds: 1 | 4;
  /** Print the usage and exit. */
  help: boolean;
}

/** What `--help` prints. */
export const TRAIN_USAGE = `Trains the "hey jarvis" wake head on TUNE-half voices (scripts/train-wake-verifier.ts).

  npx tsx scripts/train-wake-verifier.ts [flags]      (npm run wake:verifier -- [flags])

  --recipe v2|v4        the training recipe (default v2)
  --streams N           one-minute streams, 1..4096 (default 160)
  --seconds N           seconds per stream, 5..600 (default 60)
  --hidden N            hidden units, 1..1024 (default 32)
  --epochs N            training epochs, 1..1000 (default 20)
  --fa-share X          false accepts allowed when choosing, as a share 0..1 of the pre-trained model's (default 0.25)
  --choose-folds 1|4    choose askAt, threshold and steps on tune quarter 0 held out (1, default) or on all four
                        quarters, each scored by the head trained without it, pooled (4: three more fold heads)
  --out FILE            where the head goes (default: beside the pulled wake model)
  --fold-out FILE       also write the head trained without tune quarter 0
  --compare FILE        score another fold head on tune quarter 0's streams at its own settings
  --check               retrain and fail if the result differs from --out
  --help                this text
`;

type FlagCode = 'JARVIS_CLI_BAD_FLAG' | 'JARVIS_CLI_BAD_ARGUMENT';
/** A bad flag or flag value of the training script. */
export class TrainArgsError extends ConfigError<FlagCode> {
  constructor(code: FlagCode, message: string) {
    super(code, message);
    this.name = 'TrainArgsError';
  }
}

const INTEGER: Record<string, [min: number, max: number]> = { streams: [1, 4096], seconds: [5, 600], hidden: [1, 1024], epochs: [1, 1000] };
const STRING = ['out', 'fold-out', 'compare', 'recipe', 'choose-folds'];

/** Parses the script's arguments (`process.argv.slice(2)`). */
export function parseTrainArgs(argv: readonly string[]): TrainArgs {
  const args: TrainArgs = { streams: 160, seconds: 60, hidden: 32, epochs: 20, faShare: 0.25, recipe: DEFAULT_RECIPE, check: false, chooseFolds: 1, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--check' || a === '--help') {
      args[a === '--check' ? 'check' : 'help'] = true;
      continue;
    }
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    if (name === undefined || !(name in INTEGER || STRING.includes(name) || name === 'fa-share')) throw new TrainArgsError('JARVIS_CLI_BAD_FLAG', `unknown flag "${a}" (flags: --${[...Object.keys(INTEGER), 'fa-share', ...STRING].join(', --')}, --check, --help)`);
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new TrainArgsError('JARVIS_CLI_BAD_FLAG', `--${name} needs a value`);
    i++;
    if (name in INTEGER) {
      const [min, max] = INTEGER[name]!;
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min || n > max) throw new TrainArgsError('JARVIS_CLI_BAD_ARGUMENT', `--${name} ${v} is not an integer in ${min}..${max}`);
      args[name as 'streams' | 'seconds' | 'hidden' | 'epochs'] = n;
    } else if (name === 'fa-share') {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new TrainArgsError('JARVIS_CLI_BAD_ARGUMENT', `--fa-share ${v} is not a number in 0..1`);
      args.faShare = n;
    } else if (name === 'recipe') {
      if (!(RECIPES as readonly string[]).includes(v)) throw new TrainArgsError('JARVIS_CLI_BAD_ARGUMENT', `--recipe ${v} is not one of ${RECIPES.join(', ')}`);
      args.recipe = v as Recipe;
    } else if (name === 'choose-folds') {
      if (v !== '1' && v !== '4') throw new TrainArgsError('JARVIS_CLI_BAD_ARGUMENT', `--choose-folds ${v} is not 1 or 4 (the tune voices are split in four quarters)`);
      args.chooseFolds = v === '4' ? 4 : 1;
    } else {
      if (v.trim() === '') throw new TrainArgsError('JARVIS_CLI_BAD_ARGUMENT', `--${name} needs a file name`);
      if (name === 'out') args.out = v;
      else if (name === 'fold-out') args.foldOut = v;
      else args.compare = v;
    }
  }
  return args;
}
