import type { RegistrySnapshot } from '../../home-assistant/index.js';
import { COLORS, COMMON_DOMAIN_PHRASES, domainPhrases, DOMAIN_WORDS, MEDIA_CLASSES, singular, spellNumber, STATE_WORDS } from '../../language/index.js';

/** The names a grammar is built from: what the user calls things (names and aliases). */
export interface GrammarNames {
  entities: readonly string[];
  areas: readonly string[];
  floors: readonly string[];
  /**
   * Where entities are: per area its id, its names (name and aliases) and the names of the entities placed in it.
   * With it the recogniser also builds one grammar per area (that area's devices, the unplaced ones, kinds and
   * places) and decodes a device's speech against its own area's grammar first (issue 14).
   */
  placed?: readonly AreaNames[];
  /**
   * The Home Assistant domains each entity name (and alias) belongs to ("kitchen speaker" → media_player). With it a
   * template that names its domains (`domains` in the command templates: "set {target} to {brightness}" is for
   * lights) gets only targets of those domains, so the grammar holds no command the router could not carry out.
   */
  domains?: Readonly<Record<string, readonly string[]>>;
}

/** One area's entry of {@link GrammarNames.placed}. */
export interface AreaNames {
  id: string;
  /** The area's name and aliases. */
  names: readonly string[];
  /** Names and aliases of the exposed entities in the area (by the entity's own area, else its device's). */
  entities: readonly string[];
}

/** Lower case, `_` as a space: how area ids and names are compared. */
export const areaKey = (s: string): string => s.trim().toLowerCase().replace(/_/g, ' ').replace(/\s+/g, ' ');

/** The entry of `placed` an area id, name or alias refers to. */
export function findArea(placed: readonly AreaNames[] | undefined, area: string | undefined): AreaNames | undefined {
  if (!placed || !area) return undefined;
  const k = areaKey(area);
  return placed.find((a) => areaKey(a.id) === k || a.names.some((n) => areaKey(n) === k));
}

/**
 * The names of an area's grammar: the whole home's minus entities placed only in other areas (unplaced entities
 * and kind words stay, as do every area and floor, so "the kitchen light" can still be said from the bedroom).
 */
export function areaGrammarNames(names: GrammarNames, area: AreaNames): GrammarNames {
  const here = new Set(area.entities);
  const elsewhere = new Set((names.placed ?? []).filter((a) => a !== area).flatMap((a) => a.entities));
  return { ...names, entities: names.entities.filter((e) => here.has(e) || !elsewhere.has(e)), placed: [] };
}

/** Entity, area and floor names with their aliases, from a registry snapshot (exposed entities only, when known). */
export function namesFromRegistry(snapshot: RegistrySnapshot): GrammarNames {
  const exposed = snapshot.entities.filter((e) => e.exposed !== false);
  const deviceArea = new Map((snapshot.devices ?? []).map((d) => [d.id, d.area_id]));
  const areaOf = (e: (typeof exposed)[number]): string | null | undefined => e.area_id ?? (e.device_id ? deviceArea.get(e.device_id) : undefined);
  const domains: Record<string, string[]> = {};
  for (const e of exposed) {
    const domain = e.entity_id.split('.')[0]!;
    for (const n of [e.name, ...e.aliases]) domains[n] = [...new Set([...(domains[n] ?? []), domain])];
  }
  return {
    entities: exposed.flatMap((e) => [e.name, ...e.aliases]),
    domains,
    areas: snapshot.areas.flatMap((a) => [a.name, ...a.aliases]),
    floors: snapshot.floors.flatMap((f) => [f.name, ...f.aliases]),
    placed: snapshot.areas.map((a) => ({ id: a.area_id, names: [a.name, ...a.aliases], entities: exposed.filter((e) => areaOf(e) === a.area_id).flatMap((e) => [e.name, ...e.aliases]) })),
  };
}

const numbers = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => spellNumber(from + i));

/**
 * Durations a timer may be set for ("five minutes", "one hour"). Two units ("one hour fifteen minutes") and the
 * singular before "timer" ("a ten minute timer") were tried: ~200 more phrases made the small home's grammar hear
 * 5 of 7 commands in 10 dB pink noise instead of 7 (grammar-engine.test.ts), for about 7 of 422 tune-a commands.
 */
function durations(): string[] {
  const out: string[] = [];
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 40, 45, 50, 60, 90]) {
    for (const unit of ['second', 'minute', 'hour']) out.push(`${spellNumber(n)} ${unit}${n === 1 ? '' : 's'}`);
  }
  return [...out, 'a minute', 'an hour', 'half an hour'];
}

/** The domains a kind word means ("lights" → light, "the door" → cover, lock, binary_sensor), or undefined when it is none. */
export function kindDomains(phrase: string): string[] | undefined {
  const words = phrase.trim().toLowerCase().split(/\s+/);
  if (['the', 'my', 'our'].includes(words[0]!)) words.shift();
  if (words.length === 0) return undefined;
  const said = words.join(' ');
  const sing = [...words.slice(0, -1), singular(words.at(-1)!)].join(' ');
  const hit = DOMAIN_WORDS.find((d) => d.phrase === said || d.phrase === sing);
  return hit ? [...new Set(hit.kinds.map((k) => k.domain))] : undefined;
}

/** The slot a template's `{target}` becomes when its targets are limited to `domains`. */
export const domainTargetSlot = (domains: readonly string[]): string => `target_${[...domains].sort().join('_')}`;

/** How a target may be said besides a name, a place, and a place followed by a common kind word ("kitchen lights"). */
export interface TargetForms {
  /**
   * Kind words of the home's own domains besides the common ones ("the door" in a home with a lock, "the window" with
   * a window cover), alone and after a place.
   */
  homeKinds?: boolean;
  /** A kind word followed by its place: "the lights in the kitchen", "the fan on the first floor", "the lights in here". */
  kindInPlace?: boolean;
  /** "all [the]" and "every" before a kind word: "all the lights", "every light upstairs". */
  quantifiers?: boolean;
}

/** The kind words a grammar says: the common ones, and with `homeKinds` every kind of a domain the home has. */
function kindWords(names: GrammarNames, forms: TargetForms): string[] {
  if (!forms.homeKinds || !names.domains) return [...COMMON_DOMAIN_PHRASES];
  const home = new Set(Object.values(names.domains).flat());
  return [...new Set([...COMMON_DOMAIN_PHRASES, ...domainPhrases().filter((k) => kindDomains(k)?.some((d) => home.has(d)))])];
}

/** Targets made of kind words (already limited by the caller): after a place, and in the forms `forms` turns on. */
function kindTargets(names: GrammarNames, kinds: readonly string[], forms: TargetForms): string[] {
  const places = [...names.areas, ...names.floors];
  const out = [...places.flatMap((a) => kinds.map((d) => `${a} ${d}`))];
  if (forms.homeKinds) out.push(...kinds.filter((k) => !COMMON_DOMAIN_PHRASES.includes(k)));
  if (forms.kindInPlace) {
    for (const k of kinds) {
      out.push(`${k} in here`, ...places.flatMap((p) => [`${k} in ${p}`, `${k} in the ${p}`]), ...names.floors.flatMap((f) => [`${k} on ${f}`, `${k} on the ${f}`, `${k} ${f}`]));
    }
  }
  if (forms.quantifiers) {
    const base = [...kinds, ...out];
    out.push(...base.flatMap((k) => [`all ${k}`, `all the ${k}`, `every ${k}`]));
  }
  return out;
}

/**
 * Target phrases limited to `domains`: entities of those domains (by `names.domains`; a name whose domain is unknown
 * stays), kind words of those domains, every area and floor, and places followed by those kind words.
 */
export function domainTargets(names: GrammarNames, domains: readonly string[], forms: TargetForms = {}): string[] {
  const fits = (ds: readonly string[] | undefined): boolean => ds === undefined || ds.some((d) => domains.includes(d));
  const areasAndFloors = [...names.areas, ...names.floors];
  const kinds = kindWords(names, forms).filter((d) => fits(kindDomains(d)));
  return [
    ...names.entities.filter((e) => fits(names.domains?.[e] ?? kindDomains(e))),
    ...areasAndFloors, ...kindTargets(names, kinds, forms),
  ];
}

/** Domains a bare "<name> on|off" may switch. */
const ON_OFF_DOMAINS: readonly string[] = ['light', 'switch', 'fan', 'input_boolean', 'media_player', 'climate', 'humidifier'];

/**
 * Slot phrases for the templates: `{target}` is an entity, area or floor name (an area may be followed by a domain
 * word), `{where}` a place said apart from the target; the closed value slots (numbers, durations, colours, states,
 * media classes) as tier 0 reads them. Free-text slots (list items, searches, messages, timer names) get none: their
 * templates are left to whisper, or compiled without them where they are optional.
 */
export function slotPhrases(names: GrammarNames, forms: TargetForms = {}): Record<string, string[]> {
  const areasAndFloors = [...names.areas, ...names.floors];
  const ofDomain = (domain: string): string[] => names.entities.filter((e) => names.domains?.[e]?.includes(domain));
  // Names of things that switch on and off (any name when the domains are unknown), kind words aside.
  const switchable = names.entities.filter((e) => kindDomains(e) === undefined && (names.domains?.[e]?.some((d) => ON_OFF_DOMAINS.includes(d)) ?? true));
  return {
    target: [...names.entities, ...areasAndFloors, ...kindTargets(names, kindWords(names, forms), forms)],
    // What a bare "<target> on|off" may name (SPEECH_ON_OFF): the home's own names, and places followed by a kind
    // ("kitchen lights") — never a kind word alone ("lights on"), which fits a mumble.
    named_target: switchable,
    place_kind_target: [...switchable, ...areasAndFloors.flatMap((a) => COMMON_DOMAIN_PHRASES.map((d) => `${a} ${d}`))],
    where: [...areasAndFloors, 'here'],
    name: ofDomain('weather'),
    brightness: numbers(0, 100),
    position: numbers(0, 100),
    volume_level: numbers(0, 100),
    percentage: numbers(0, 100),
    volume_step: numbers(1, 50),
    temperature: numbers(5, 35),
    color: Object.keys(COLORS),
    state: Object.keys(STATE_WORDS),
    media_class: Object.keys(MEDIA_CLASSES),
    duration: durations(),
  };
}
