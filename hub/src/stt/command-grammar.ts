import { commandTemplates, expansionRules } from '../language/index.js';
import { ROUTER_GRAMMAR_MARGINS } from './grammar/grammar-engine.js';
import type { TargetForms } from './grammar/slots.js';

/**
 * Rule spellings the router accepts only to survive typing and transcription slips ("tern", "turned", "of" for
 * "off"): in a recogniser each is one more path that fits a mumble — "of" is a bare vowel — so the speech grammar
 * says the words themselves. Tuned on the TUNE half only (hub/src/stt/README.md).
 */
export const SPEECH_RULES: Readonly<Record<string, string>> = { turn: '(turn|switch|put)', off: 'off' };

/** Articles a spoken target may start with: "our" and "my" fitted noise in front of names far more often than anyone said them. */
export const SPEECH_ARTICLES: readonly string[] = ['the'];

/**
 * Words people wrap a command in ("could you …", "… please"), which tier 0 strips before matching (normalize.ts):
 * the speech grammar says them around every sentence, or "could you turn off the garage light" cannot be heard at
 * all. Only these few: each is one more path into every sentence.
 */
export const SPEECH_POLITE_RULES: Readonly<Record<string, string>> = {
  polite_before: '(please|(can|could) you [please]|please (can|could) you)',
  polite_after: 'please',
};

/** The same with the wake phrase said before the command ("hey jarvis, turn …"), which tier 0 also strips. */
export const SPEECH_HEY_RULES: Readonly<Record<string, string>> = {
  polite_before: '(please|(can|could) you [please]|please (can|could) you|hey [jarvis] [(can|could) you] [please]|jarvis)',
  polite_after: 'please',
};

/**
 * "<target> on|off" said with the target first ("porch light on", "kitchen lights off"), which tier 0 takes only
 * for a known target: `names` for the home's own names, `places` for those and "<place> <kind>". Never a kind
 * word alone ("lights on"): as a sentence of two short words it fits a mumble.
 */
export type SpeechOnOff = false | 'names' | 'places';

/**
 * The target-first on/off forms the speech grammar says by default: `places` (the home's names and "<place> <kind>",
 * "kitchen lights off"; +8 states). TUNE half only, every 3rd sentence (`JARVIS_TUNE_VARIANT=home JARVIS_TUNE_EVERY=3
 * JARVIS_TUNE_ONOFF=off|places npx tsx bench/stt-command-tune.ts`; 278 commands, 78 chit-chat): in grammar 212 → 216
 * (all 422 tune-a commands: 322 → 332), best path right 85 → 89, right 24 → 25, accepted 26 → 27, wrong 2 → 2 (none
 * opposite or wrong target), chit-chat accepted 1/78 both (the same sentence); with the hearing policy at the bars
 * chosen without it, 19 → 20 acted right, 1 harmless wrong both, right questions 39 → 40, wrong ones 8 → 8, chit-chat
 * asked 2/78 both. (On the grammar before the closed slots and politeness, this form had no measurable effect.)
 */
export const DEFAULT_SPEECH_ON_OFF: SpeechOnOff = 'places';

/**
 * Target forms of the speech grammar (see `TargetForms`): none. Measured on the TUNE half only, every 3rd sentence
 * (`JARVIS_TUNE_VARIANT=home JARVIS_TUNE_EVERY=3 JARVIS_TUNE_FORMS=kindInPlace npx tsx bench/stt-command-tune.ts`; 278
 * commands, 78 chit-chat): a kind before its place ("turn off the lights in the master bedroom") took the grammar from
 * 212 to 226 commands (with the on/off forms 230), best path right 85 → 88 (92), right 24 → 24 (25), chit-chat
 * accepted 1/78 throughout, states 1,754 → 2,248 — but with it the default voice's "turn on the kitchen light" fell
 * below the accept bar on later decodes (hub/test/wyoming/server.test.ts, two tests), and the engine's small-home tests
 * lost a clean and a 10 dB command. The home's other kinds ("the window") and "all/every" did worse (236 in grammar,
 * right 20, 2 wrong targets). Kept off until the accept rule no longer sits on that clip's margin.
 */
export const SPEECH_TARGET_FORMS: TargetForms = {};

function onOffTemplates(onOff: SpeechOnOff): typeof commandTemplates {
  if (onOff === false) return [];
  const slot = onOff === 'names' ? '{named_target}' : '{place_kind_target}';
  return [
    { intent: 'HassTurnOn', sentences: [`${slot} on`] },
    { intent: 'HassTurnOff', sentences: [`${slot} off`] },
  ];
}

/** Options of {@link commandGrammar}. */
export interface SpeechGrammarOptions {
  /** false: the router's rule spellings and articles as they are (what the grammar was before issue 14's tuning). */
  speech?: boolean;
  /** Every sentence may be wrapped in {@link SPEECH_POLITE_RULES} (default true; with `speech: false`, false). */
  polite?: boolean;
  /** Also "hey jarvis …" before a command ({@link SPEECH_HEY_RULES}); default false. */
  hey?: boolean;
  /** The target-first on/off forms (default {@link DEFAULT_SPEECH_ON_OFF}; with `speech: false`, false). */
  onOff?: SpeechOnOff;
}

/**
 * The command recogniser's grammar: the router's own templates, so what it accepts is what tier 0 understands,
 * less the loose forms ("{target} on", "play …") that tier 0 accepts only for a known target: as sentences of
 * a closed grammar they let almost any audio match something, which widened every margin against the phone
 * loop until the README's own "turn on the kitchen lights" was declined. Only "<name or place kind> on|off" comes
 * back ({@link DEFAULT_SPEECH_ON_OFF}), never with a bare kind word. `speech: false` keeps the router's
 * rule spellings and articles as they are (what the grammar was before issue 14's tuning).
 */
export function commandGrammar(options: SpeechGrammarOptions = {}): {
  templates: typeof commandTemplates; rules: Readonly<Record<string, string>>; minMargin: typeof ROUTER_GRAMMAR_MARGINS; articles?: readonly string[];
  trailingWords?: readonly string[]; targetForms?: TargetForms;
} {
  const strict = [...commandTemplates.filter((t) => !t.weak), ...onOffTemplates(options.onOff ?? (options.speech === false ? false : DEFAULT_SPEECH_ON_OFF))];
  if (options.speech === false && options.polite !== true) return { templates: strict, rules: expansionRules, minMargin: ROUTER_GRAMMAR_MARGINS };
  const polite = options.polite ?? true;
  const templates = polite ? strict.map((t) => ({ ...t, sentences: t.sentences.map((x) => `[<polite_before>] (${x}) [<polite_after>]`) })) : strict;
  const rules = { ...expansionRules, ...(options.speech === false ? {} : SPEECH_RULES), ...(polite ? (options.hey === true ? SPEECH_HEY_RULES : SPEECH_POLITE_RULES) : {}) };
  // A command said without "please" is complete: the hub must not wait for one (Transcript.continues).
  return {
    templates, rules, minMargin: ROUTER_GRAMMAR_MARGINS, ...(options.speech === false ? {} : { articles: SPEECH_ARTICLES, targetForms: SPEECH_TARGET_FORMS }),
    ...(polite ? { trailingWords: ['please'] } : {}),
  };
}
