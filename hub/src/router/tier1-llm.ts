import { z } from 'zod';
import { domainOf, type Allowlist, type SnapshotEntity } from '../home-assistant/index.js';
import type { EntityIndex } from './entity-index.js';
import { COLORS, INTENT_NAMES, nameTokens, normalizeText, singular, type Decision, type IntentName, type RouteContext, type Slots } from '../language/index.js';
import { isLlmError, type LlmRuntime } from '../llm/index.js';

/** An entity the model may name: only these can become targets. */
export interface Tier1Candidate {
  entity_id: string;
  name: string;
  /** Area name (not id), as the model should read it. */
  area?: string | null | undefined;
  device_class?: string | null | undefined;
}

/** Settings of {@link createTier1Router}. */
export interface Tier1Options {
  runtime: Pick<LlmRuntime, 'generate' | 'ready'>;
  /** Time budget of one decision, ms (default 1500). Past it the router falls through. */
  budgetMs?: number;
  /** Output token cap (default 200: enough for the longest output the schema allows). */
  maxTokens?: number;
  /** Called with every fall-through and its reason (metrics, debug logs). */
  onFallThrough?: (reason: string, detail: string) => void;
}

/** Tier 1 of the router. */
export interface Tier1Router {
  /** The decision of the local LLM, or null ("no decision": off, timeout, failure, or the model said none). */
  decide(text: string, context: RouteContext, candidates: readonly Tier1Candidate[], signal?: AbortSignal): Promise<Decision | null>;
}

const MAX_TARGETS = 4;
const MAX_ITEM = 40;
const COLOR_NAMES = Object.keys(COLORS);

/** The intents that act on entities, and the domains each may act on (a model's "turn off the lock" is refused). */
const TARGET_DOMAINS: Partial<Record<IntentName, readonly string[]>> = {
  HassTurnOn: ['light', 'switch', 'fan', 'input_boolean', 'media_player', 'climate', 'scene', 'script', 'humidifier', 'vacuum'],
  HassTurnOff: ['light', 'switch', 'fan', 'input_boolean', 'media_player', 'climate', 'humidifier', 'vacuum'],
  HassToggle: ['light', 'switch', 'fan', 'input_boolean', 'media_player'],
  HassLightSet: ['light'],
  HassGetState: [],
  HassClimateSetTemperature: ['climate'],
  HassClimateGetTemperature: ['climate', 'sensor'],
  HassSetPosition: ['cover', 'valve'],
  HassSetVolume: ['media_player'],
  HassMediaPause: ['media_player'],
  HassMediaUnpause: ['media_player'],
  HassMediaNext: ['media_player'],
  HassMediaPrevious: ['media_player'],
  HassListAddItem: ['todo'],
  HassGetWeather: ['weather'],
};

/** What the model is told each intent means (the slot it fills in brackets). */
const INTENT_HELP: Partial<Record<IntentName, string>> = {
  HassTurnOn: 'switch on targets', HassTurnOff: 'switch off targets', HassToggle: 'toggle targets',
  HassLightSet: 'set light brightness (value = percent) and/or color', HassGetState: 'ask the state of targets',
  HassClimateSetTemperature: 'set thermostat temperature (value = degrees)', HassClimateGetTemperature: 'ask the temperature',
  HassSetPosition: 'open/close a cover to a position (value = percent open)', HassSetVolume: 'set volume (value = percent)',
  HassMediaPause: 'pause media', HassMediaUnpause: 'resume media', HassMediaNext: 'next track', HassMediaPrevious: 'previous track',
  HassListAddItem: 'add item to a to-do list target', HassShoppingListAddItem: 'add item to the shopping list',
  HassStartTimer: 'start a timer (value = minutes)', HassCancelTimer: 'cancel a timer', HassTimerStatus: 'ask about timers',
  HassGetCurrentTime: 'ask the time', HassGetCurrentDate: 'ask the date', HassGetWeather: 'ask the weather',
  HassNevermind: 'cancel / never mind', JarvisColdTask: 'a heavy request for a background worker (summaries, research, writing)',
};

/**
 * The intents tier 1 may answer: the ones it has help text for. Tier 0 covers the rest of Home Assistant's intents;
 * a longer list would only lengthen every prompt and widen the grammar the model decodes under.
 */
export const TIER1_INTENTS: readonly IntentName[] = INTENT_NAMES.filter((n) => INTENT_HELP[n] !== undefined);

/** The system prompt: the same for every call, so its evaluation is cached by the runtime. */
export const TIER1_SYSTEM_PROMPT = [
  'You map one spoken smart-home command to an intent. Reply with JSON only.',
  'Fields: intent (one of the names below, or "none" if it is not a command), targets (entity ids from the',
  'candidate list only; [] when the intent needs none), value (a number 0-100 or null), color (or null),',
  'item (text to add to a list, or null).',
  'Intents:',
  ...TIER1_INTENTS.map((n) => `- ${n}: ${INTENT_HELP[n]!}`),
  'If the room is not named, prefer devices in the speaker\'s room.',
].join('\n');

/** The JSON schema of one tier-1 answer over these candidates: every field is bounded so the output always completes. */
export function tier1Schema(candidates: readonly Tier1Candidate[]): object {
  const ids = [...new Set(candidates.map((c) => c.entity_id))];
  return {
    type: 'object',
    properties: {
      intent: { enum: [...TIER1_INTENTS, 'none'] },
      targets: ids.length > 0
        ? { type: 'array', items: { enum: ids }, maxItems: MAX_TARGETS }
        : { type: 'array', items: { type: 'string', maxLength: 0 }, maxItems: 0 },
      value: { oneOf: [{ type: 'null' }, { enum: Array.from({ length: 101 }, (_, i) => i) }] },
      color: { oneOf: [{ type: 'null' }, { enum: COLOR_NAMES }] },
      item: { oneOf: [{ type: 'null' }, { type: 'string', minLength: 1, maxLength: MAX_ITEM }] },
    },
    required: ['intent', 'targets', 'value', 'color', 'item'],
  };
}

/** The zod schema the parsed answer must also pass (never trust the grammar alone). */
export const tier1AnswerSchema = z.strictObject({
  intent: z.enum([...(TIER1_INTENTS as [IntentName, ...IntentName[]]), 'none']),
  targets: z.array(z.string()).max(MAX_TARGETS),
  value: z.number().int().min(0).max(100).nullable(),
  color: z.string().nullable(),
  item: z.string().min(1).max(MAX_ITEM).nullable(),
});

/** A parsed tier-1 answer. */
export type Tier1Answer = z.infer<typeof tier1AnswerSchema>;

/** The per-call prompt: where the speaker is, the candidates, the words. */
export function tier1Prompt(text: string, context: RouteContext, candidates: readonly Tier1Candidate[]): string {
  const lines = candidates.map((c) => `- ${c.entity_id}: ${c.name}${c.area ? ` (${c.area})` : ''}${c.device_class ? ` [${c.device_class}]` : ''}`);
  return [`Speaker's room: ${context.area ?? 'unknown'}`, 'Candidates:', ...(lines.length > 0 ? lines : ['(none)']), `Command: ${text}`].join('\n');
}

/**
 * Turns a validated answer into the router's {@link Decision} (tier 1), or null when it cannot be acted on.
 * Targets outside the candidates, or of a domain the intent does not act on, are dropped; an intent that
 * needs targets and has none left is no decision.
 */
export function answerToDecision(answer: Tier1Answer, text: string, candidates: readonly Tier1Candidate[]): { decision: Decision } | { reason: string } {
  if (answer.intent === 'none') return { reason: 'the model found no command' };
  const intent = answer.intent;
  const byId = new Map(candidates.map((c) => [c.entity_id, c]));
  const domains = TARGET_DOMAINS[intent];
  const targets = [...new Set(answer.targets)].filter((id) => byId.has(id) && (!domains || domains.length === 0 || domains.includes(domainOf(id))));
  const slots: Slots = {};
  const confidence = 0.6;
  if (intent === 'JarvisColdTask') {
    return { decision: { intent, slots: { task: 'general', request: normalizeText(text) || text.trim() }, path: 'cold', tier: 1, confidence, targets: [] } };
  }
  if (intent === 'HassStartTimer') {
    if (answer.value === null || answer.value === 0) return { reason: 'a timer without a duration' };
    slots['duration'] = answer.value * 60;
  }
  if (intent === 'HassShoppingListAddItem' || intent === 'HassListAddItem') {
    if (!answer.item) return { reason: 'nothing to add to the list' };
    slots['item'] = answer.item;
  }
  if (domains) {
    if (targets.length === 0) return { reason: `the model named no usable target for ${intent}` };
    const chosen = targets.map((id) => byId.get(id)!);
    if (chosen.length === 1) slots['name'] = chosen[0]!.name;
    const areas = new Set(chosen.map((c) => c.area ?? ''));
    if (areas.size === 1 && chosen[0]!.area) slots['area'] = chosen[0]!.area;
    const valueSlot = { HassLightSet: 'brightness', HassClimateSetTemperature: 'temperature', HassSetPosition: 'position', HassSetVolume: 'volume_level' }[intent as string];
    if (valueSlot) {
      if (answer.value !== null) slots[valueSlot] = answer.value;
      else if (intent !== 'HassLightSet') return { reason: `${intent} without a value` };
    }
    if (intent === 'HassLightSet') {
      if (answer.color !== null && COLOR_NAMES.includes(answer.color)) slots['color'] = answer.color;
      if (slots['brightness'] === undefined && slots['color'] === undefined) return { reason: 'HassLightSet without brightness or color' };
    }
    return { decision: { intent, slots, path: 'hot', tier: 1, confidence, targets } };
  }
  // Intents that act on nothing in Home Assistant (timers, time, date, never mind) or on the shopping list.
  const shopping = intent === 'HassShoppingListAddItem' ? candidates.filter((c) => domainOf(c.entity_id) === 'todo' && /shopping/i.test(`${c.entity_id} ${c.name}`)) : [];
  if (intent === 'HassShoppingListAddItem' && shopping.length === 0) return { reason: 'no shopping list among the candidates' };
  return { decision: { intent, slots, path: 'hot', tier: 1, confidence, targets: shopping.slice(0, 1).map((c) => c.entity_id) } };
}

/**
 * Router tier 1: asks the local LLM, under a JSON-schema grammar over the router's intent schema, what an
 * utterance tier 0 could not place means. Every failure (LLM off, timeout, queue full, bad output, a target
 * outside the candidates) is "no decision" (null), so the router falls through to cold/none.
 */
export function createTier1Router(options: Tier1Options): Tier1Router {
  const budgetMs = options.budgetMs ?? 1500;
  const maxTokens = options.maxTokens ?? 200;
  const fall = (reason: string, detail: string): null => {
    options.onFallThrough?.(reason, detail);
    return null;
  };
  return {
    async decide(text, context, candidates, signal) {
      if (!options.runtime.ready) return fall('off', 'the local LLM is not ready');
      if (normalizeText(text) === '') return fall('empty', 'no words');
      let json: unknown;
      try {
        const result = await options.runtime.generate({
          system: TIER1_SYSTEM_PROMPT,
          prompt: tier1Prompt(text, context, candidates),
          jsonSchema: tier1Schema(candidates),
          maxTokens, budgetMs, temperature: 0, priority: 'high',
          ...(signal ? { signal } : {}),
        });
        json = result.json;
      } catch (err) {
        return fall(isLlmError(err) ? err.code : 'error', (err as Error).message);
      }
      const parsed = tier1AnswerSchema.safeParse(json);
      if (!parsed.success) return fall('JARVIS_LLM_BAD_OUTPUT', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const mapped = answerToDecision(parsed.data, text, candidates);
      if ('reason' in mapped) return fall('no_decision', mapped.reason);
      return mapped.decision;
    },
  };
}

/**
 * The entities worth showing the model for `text`: allowlisted ones whose name, alias, area or kind shares a
 * word with it, then those in the speaker's room, at most `limit` (the prompt stays short and the grammar small).
 */
export function candidatesFor(index: EntityIndex, text: string, context: RouteContext, allowlist: Pick<Allowlist, 'check'>, limit = 24): Tier1Candidate[] {
  const words = new Set(normalizeText(text).split(' ').filter(Boolean).map(singular));
  const contextArea = context.area ? index.findArea(context.area) : undefined;
  const scored: Array<{ e: SnapshotEntity; score: number }> = [];
  for (const e of index.snapshot.entities) {
    if (allowlist.check(e) !== undefined) continue;
    const area = e.area_id ? index.areasById.get(e.area_id) : undefined;
    let score = 0;
    for (const n of [e.name, ...e.aliases]) for (const t of nameTokens(n)) if (words.has(singular(t))) score += 3;
    if (area) for (const n of [area.name, ...area.aliases]) for (const t of nameTokens(n)) if (words.has(singular(t))) score += 2;
    if (words.has(domainOf(e.entity_id)) || (e.device_class && words.has(e.device_class))) score += 2;
    if (contextArea && e.area_id === contextArea.area_id) score += 1;
    if (score > 0) scored.push({ e, score });
  }
  scored.sort((a, b) => b.score - a.score || a.e.entity_id.localeCompare(b.e.entity_id));
  return scored.slice(0, limit).map(({ e }) => ({
    entity_id: e.entity_id, name: e.name,
    area: e.area_id ? (index.areasById.get(e.area_id)?.name ?? null) : null,
    device_class: e.device_class ?? null,
  }));
}
