import { commandTemplates, expansionRules } from '../language/templates.js';
import { ROUTER_GRAMMAR_MARGINS } from './grammar/grammar-engine.js';

/** The command recogniser's grammar: the router's own templates, so what it accepts is what tier 0 understands. */
export function commandGrammar(): { templates: typeof commandTemplates; rules: typeof expansionRules; minMargin: typeof ROUTER_GRAMMAR_MARGINS } {
  return { templates: commandTemplates, rules: expansionRules, minMargin: ROUTER_GRAMMAR_MARGINS };
}
