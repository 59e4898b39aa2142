import { domainPhrases } from './domain-words.js';

/**
 * Command templates in the router's syntax (after Home Assistant's hassil): words, `(a|b c)`
 * alternatives, `[x]` optional, `<rule>` an expansion rule, `{slot}` a slot. These defaults cover the
 * common device commands; the hub passes the router's own templates when it has them
 * (`hub/src/language/templates.ts`), so tier 0 and the grammar stay one source.
 */

/** One template group: the shape the router's `CommandTemplate` also has. */
export interface GrammarTemplate {
  sentences: readonly string[];
  /** Entity domains its `{target}` may have (the router's `CommandTemplate.domains`); undefined = any. */
  domains?: readonly string[] | undefined;
}

/** Expansion rules the default templates use. */
export const defaultExpansionRules: Readonly<Record<string, string>> = {
  turn: '(turn|switch)',
  set: '(set|change|make)',
  the: '[the|my|our]',
  what_is: '(what is|whats)',
};

/** Default command templates (device control, climate, timers, time). */
export const defaultTemplates: readonly GrammarTemplate[] = [
  { sentences: ['(nevermind|cancel|cancel that|stop)'] },
  { sentences: ['<turn> (on|off) {target}', '<turn> {target} (on|off)'] },
  { sentences: ['<set> {target} [brightness] to {brightness} [percent]', 'dim {target} [to {brightness} [percent]]', 'brighten {target}'] },
  { sentences: ['(open|close) {target}'] },
  { sentences: ['<set> <the> (temperature|thermostat|heating) [in {target}] to {temperature} [degrees]'] },
  { sentences: ['<what_is> the (temperature|humidity) [in {target}]', 'is {target} (on|off|open|closed)'] },
  { sentences: ['(set|start) a timer for {duration}', '(cancel|stop) <the> timer'] },
  { sentences: ['what time is it', '<what_is> the time'] },
];

/**
 * Domain words that, after an area name, mean "the devices of that kind there" ("kitchen lights"): the common
 * ones of the language's one list (`domain-words.ts`), with plurals.
 */
export const DOMAIN_WORDS: readonly string[] = domainPhrases({ common: true });
