import { commandTemplates, expansionRules } from '../language/templates.js';
import { ROUTER_GRAMMAR_MARGINS } from './grammar/grammar-engine.js';

/**
 * Rule spellings the router accepts only to survive typing and transcription slips ("tern", "turned", "of" for
 * "off"): in a recogniser each is one more path that fits a mumble — "of" is a bare vowel — so the speech grammar
 * says the words themselves. Tuned on the TUNE half only (hub/src/stt/README.md).
 */
export const SPEECH_RULES: Readonly<Record<string, string>> = { turn: '(turn|switch|put)', off: 'off' };

/** Articles a spoken target may start with: "our" and "my" fitted noise in front of names far more often than anyone said them. */
export const SPEECH_ARTICLES: readonly string[] = ['the'];

/**
 * The command recogniser's grammar: the router's own templates, so what it accepts is what tier 0 understands,
 * less the loose forms ("{target} on", "play …") that tier 0 accepts only for a known target: as sentences of
 * a closed grammar they let almost any audio match something, which widened every margin against the phone
 * loop until the README's own "turn on the kitchen lights" was declined. `speech: false` keeps the router's
 * rule spellings and articles as they are (what the grammar was before issue 14's tuning).
 */
export function commandGrammar(options: { speech?: boolean } = {}): {
  templates: typeof commandTemplates; rules: Readonly<Record<string, string>>; minMargin: typeof ROUTER_GRAMMAR_MARGINS; articles?: readonly string[];
} {
  const templates = commandTemplates.filter((t) => !t.weak);
  if (options.speech === false) return { templates, rules: expansionRules, minMargin: ROUTER_GRAMMAR_MARGINS };
  return { templates, rules: { ...expansionRules, ...SPEECH_RULES }, minMargin: ROUTER_GRAMMAR_MARGINS, articles: SPEECH_ARTICLES };
}
