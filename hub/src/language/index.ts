/**
 * What other parts use of the command language: intents and decisions, normalisation, durations, the
 * templates and the domain words, and the grammar compiler the speech recogniser builds on.
 */
export { INTENT_NAMES, OPEN_VOCABULARY_INTENTS, OPPOSITE_INTENTS, actionOf, type IntentName, type RoutePath, type Slots, type CommandOrigin, type Decision, type RouteContext } from './intents.js';
export { numberToWords, isAcknowledgement, normalizeText, normalizeWord, singular, nameTokens, editDistance, fuzzBudget } from './normalize.js';
export { parseDuration, durationSeconds, describeDuration, type SpokenDuration } from './duration.js';
export {
  expansionRules, slotKinds, OPEN_SLOTS, COLORS, STATE_WORDS, MEDIA_CLASSES, commandTemplates, coldTemplates, compileTemplate, requiredWords, requiredAnyOf,
  expandTemplate, numberWordsRange, parseTemplate, type CommandTemplate, type SlotValues, type TemplateNode,
} from './templates.js';
export { DOMAIN_WORDS, domainPhrases, type DomainWord } from './domain-words.js';
export { compileGrammar, SLOT_ARTICLES, type CompiledGrammar, type GrammarSource } from './compile-grammar.js';
export { FsgWalker, sentencesFsg, type WordFsg } from './fsg.js';
export { spellNumber, spokenWords } from './words.js';
// The grammar's spoken kinds as plain phrases (`domainPhrases({ common: true })`); DOMAIN_WORDS above is the annotated list.
export { defaultExpansionRules, defaultTemplates, DOMAIN_WORDS as COMMON_DOMAIN_PHRASES, type GrammarTemplate } from './grammar-templates.js';
export { TemplateError } from './errors.js';
export { binarySensorState, binarySensorWord, OPENING_CLASSES } from './binary-states.js';
