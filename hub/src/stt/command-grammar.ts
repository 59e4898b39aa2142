import { commandTemplates, expansionRules } from '../language/templates.js';
import { ROUTER_GRAMMAR_MARGINS } from './grammar/grammar-engine.js';

/**
 * The command recogniser's grammar: the router's own templates, so what it accepts is what tier 0 understands,
 * less the loose forms ("{target} on", "play …") that tier 0 accepts only for a known target: as sentences of
 * a closed grammar they let almost any audio match something, which widened every margin against the phone
 * loop until the README's own "turn on the kitchen lights" was declined.
 */
export function commandGrammar(): { templates: typeof commandTemplates; rules: typeof expansionRules; minMargin: typeof ROUTER_GRAMMAR_MARGINS } {
  return { templates: commandTemplates.filter((t) => !t.weak), rules: expansionRules, minMargin: ROUTER_GRAMMAR_MARGINS };
}
