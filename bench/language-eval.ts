/**
 * Scoring of the router against an annotated development set (format: one JSON object per line,
 * `{text, intent, slots, device_area?}`, intent and slot names as Home Assistant's built-in intents).
 * Shared by `bench/language.bench.ts` (`router.dev_accuracy`) and the fixed-slice test in npm test.
 */
import { readFileSync } from 'node:fs';
import { normalizeText } from '../hub/src/language/normalize.js';
import { binarySensorState } from '../hub/src/language/binary-states.js';
import type { RegistrySnapshot } from '../hub/src/home-assistant/index.js';

/** One annotated sentence. */
export interface DevExample {
  text: string;
  intent: string | null;
  slots: Record<string, string | number>;
  device_area?: string;
  /** 1-based line in the file, for failure reports. */
  line: number;
}

/** What the scorer needs of a decision: HA's intent name (null = not a command) and its slots. */
export interface ScoredDecision {
  intent: string | null;
  slots: Readonly<Record<string, string | number>>;
  path?: string;
}

/** A router as the scorer calls it. */
export interface RouterLike {
  route(text: string, context: { area?: string }): ScoredDecision;
}

/** Slots compared as numbers. */
export const NUMBER_SLOTS = ['brightness', 'temperature', 'position', 'volume_level', 'volume_step', 'duration', 'percentage'] as const;
/** Slots compared as free text (lower case, punctuation and politeness removed, number words as digits). */
export const TEXT_SLOTS = ['item', 'search_query', 'message', 'timer_name'] as const;
/** Slots compared as canonical names (case-insensitive): the home's own names, HA's domain/device-class words. */
export const NAME_SLOTS = ['name', 'area', 'floor', 'domain', 'device_class', 'state', 'color', 'list', 'media_class', 'response'] as const;
/** Every slot that counts. */
export const KEY_SLOTS: readonly string[] = [...NAME_SLOTS, ...NUMBER_SLOTS, ...TEXT_SLOTS];

/** The rule, in words, printed with the figure. */
export const SCORING_RULE =
  'correct = same intent (null = not a command) AND every annotated key slot equal after canonicalisation AND no `name` slot the annotation lacks; ' +
  `key slots: ${KEY_SLOTS.join(',')}; numbers compared as numbers, text slots after normalisation, names case-insensitive; ` +
  "a binary sensor's state as Home Assistant stores it (on/off) where HA's sentences map the word said for that device class (open -> on for a door/window/garage_door/opening), on both sides";

/** Reads and validates a development set; throws naming the line of the first bad entry. */
export function loadDevSet(path: string): DevExample[] {
  const out: DevExample[] = [];
  readFileSync(path, 'utf8').split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (err) {
      throw new Error(`${path}:${i + 1}: not JSON (${(err as Error).message})`);
    }
    const o = v as Partial<DevExample>;
    if (typeof o.text !== 'string' || !(o.intent === null || typeof o.intent === 'string') || typeof o.slots !== 'object' || o.slots === null) {
      throw new Error(`${path}:${i + 1}: needs text (string), intent (string or null) and slots (object)`);
    }
    if (o.device_area !== undefined && typeof o.device_area !== 'string') throw new Error(`${path}:${i + 1}: device_area must be a string`);
    out.push({ text: o.text, intent: o.intent, slots: o.slots, ...(o.device_area ? { device_area: o.device_area } : {}), line: i + 1 });
  });
  return out;
}

/**
 * The binary-sensor device class a side's slots point at: its own `domain: binary_sensor` + `device_class`, else the
 * entity its `name` (and `area`, when given) names in the home, when that is a binary sensor.
 */
function binarySensorClass(slots: Readonly<Record<string, string | number>>, registry: RegistrySnapshot | undefined): string | undefined {
  if (slots['domain'] === 'binary_sensor' && typeof slots['device_class'] === 'string') return slots['device_class'];
  if (!registry) return undefined;
  if (slots['domain'] === undefined && typeof slots['device_class'] === 'string' && slots['name'] === undefined) {
    // A kind said without its domain ("which doors are open"): a binary sensor's class when the home's only things
    // of that class are binary sensors.
    const dc = slots['device_class'];
    const domains = new Set(registry.entities.filter((e) => e.device_class === dc).map((e) => e.entity_id.split('.')[0]));
    return domains.size === 1 && domains.has('binary_sensor') ? dc : undefined;
  }
  if (typeof slots['name'] !== 'string') return undefined;
  const name = slots['name'].toLowerCase();
  const area = typeof slots['area'] === 'string' ? registry.areas.find((a) => a.name.toLowerCase() === String(slots['area']).toLowerCase())?.area_id : undefined;
  const classes = new Set(
    registry.entities
      .filter((e) => e.entity_id.startsWith('binary_sensor.') && e.name.toLowerCase() === name && (area === undefined || e.area_id === area))
      .map((e) => e.device_class ?? ''),
  );
  return classes.size === 1 ? [...classes][0] || undefined : undefined;
}

/**
 * A state as Home Assistant stores it: a binary sensor's "open" is "on" exactly where Home Assistant's sentences map
 * that word for the sensor's device class (`hub/src/language/binary-states.ts`); any other state as said.
 */
export function canonicalState(value: string, slots: Readonly<Record<string, string | number>>, registry?: RegistrySnapshot): string {
  return binarySensorState(value, binarySensorClass(slots, registry)) ?? value.toLowerCase().trim();
}

function canon(slot: string, value: string | number | undefined, slots: Readonly<Record<string, string | number>>, registry: RegistrySnapshot | undefined): string | number | undefined {
  if (value === undefined) return undefined;
  if (slot === 'state') return canonicalState(String(value), slots, registry);
  if ((NUMBER_SLOTS as readonly string[]).includes(slot)) return typeof value === 'number' ? value : Number(normalizeText(String(value)));
  if ((TEXT_SLOTS as readonly string[]).includes(slot)) return normalizeText(String(value)).replace(/^(?:the|a|an|my|some) /, '');
  return String(value).toLowerCase().trim();
}

/** Why a decision is wrong for an example, or undefined when it is right (the home, when given, tells a state's device class). */
export function judge(example: DevExample, decision: ScoredDecision, registry?: RegistrySnapshot): string | undefined {
  const intent = decision.path === 'passive' ? null : decision.intent;
  if (intent !== example.intent) return `intent ${intent ?? 'null'} != ${example.intent ?? 'null'}`;
  if (intent === null) return undefined;
  for (const [slot, want] of Object.entries(example.slots)) {
    if (!KEY_SLOTS.includes(slot)) continue;
    const got = canon(slot, decision.slots[slot], decision.slots, registry);
    if (got !== canon(slot, want, example.slots, registry)) return `${slot} ${JSON.stringify(decision.slots[slot])} != ${JSON.stringify(want)}`;
  }
  if (decision.slots['name'] !== undefined && example.slots['name'] === undefined) return `name ${JSON.stringify(decision.slots['name'])} not annotated`;
  return undefined;
}

/** Per-intent and overall results of one run. */
export interface DevResult {
  total: number;
  correct: number;
  perIntent: Map<string, { total: number; correct: number }>;
  failures: Array<{ example: DevExample; got: ScoredDecision; why: string }>;
}

/** Routes every example and scores it against the home it was written for. */
export function evaluate(router: RouterLike, examples: readonly DevExample[], registry?: RegistrySnapshot): DevResult {
  const result: DevResult = { total: 0, correct: 0, perIntent: new Map(), failures: [] };
  for (const ex of examples) {
    const got = router.route(ex.text, ex.device_area ? { area: ex.device_area } : {});
    const why = judge(ex, got, registry);
    const key = ex.intent ?? 'null';
    const row = result.perIntent.get(key) ?? { total: 0, correct: 0 };
    row.total++;
    result.total++;
    if (why === undefined) {
      row.correct++;
      result.correct++;
    } else result.failures.push({ example: ex, got, why });
    result.perIntent.set(key, row);
  }
  return result;
}
