/**
 * What other parts use of the command language: intents and decisions, normalisation, durations, the
 * templates and the domain words. (The grammar compiler is reached by stt/ through stt/index.ts.)
 */
export { INTENT_NAMES, OPEN_VOCABULARY_INTENTS, OPPOSITE_INTENTS, actionOf, type IntentName, type RoutePath, type Slots, type CommandOrigin, type Decision, type RouteContext } from './intents.js';
export { numberToWords, normalizeText, normalizeWord, singular, nameTokens, editDistance, fuzzBudget } from './normalize.js';
export { parseDuration, durationSeconds, describeDuration, type SpokenDuration } from './duration.js';
export {
  expansionRules, slotKinds, OPEN_SLOTS, COLORS, STATE_WORDS, MEDIA_CLASSES, commandTemplates, coldTemplates, compileTemplate, requiredWords,
  expandTemplate, numberWordsRange, parseTemplate, type CommandTemplate, type SlotValues, type TemplateNode,
} from './templates.js';
export { DOMAIN_WORDS, domainPhrases, type DomainWord } from './domain-words.js';
