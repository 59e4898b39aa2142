/**
 * What other parts use of router/: tier 0 and the command router, timers, the cold-reply hand-off and the
 * `jarvis route` command. The intents, templates and executor it re-exports belong to language/ and
 * home-assistant/ and are reached through their barrels. (The command grammar is stt/'s: stt/command-grammar.)
 */
export { Tier0Router } from './tier0.js';
export { CommandRouter, type CommandRouterOptions, type CommandContext, type HandledCommand } from './command-router.js';
export { DecisionExecutor, type ExecutionResult, type ExecutorDeps, type ExecutionContext, type ExecutedCall } from '../home-assistant/index.js';
export { TimerService, type HubTimer } from './timers.js';
export type { TaskQueueLike, ColdTask } from './task-queue.js';
export type { PendingReply } from './cold-replies.js';
export { INTENT_NAMES, OPEN_VOCABULARY_INTENTS, actionOf, type Decision, type IntentName, type RouteContext, type RoutePath, type Slots, type CommandOrigin } from '../language/index.js';
export {
  commandTemplates, coldTemplates, expansionRules, slotKinds, COLORS, STATE_WORDS, OPEN_SLOTS, parseTemplate, compileTemplate, expandTemplate,
  numberWordsRange, type CommandTemplate, type TemplateNode, type SlotValues,
} from '../language/index.js';
export { normalizeText, numberToWords } from '../language/index.js';
export { EntityIndex, DOMAIN_WORDS } from './entity-index.js';
export { routeCommand } from './cli.js';
