import type { RegistrySnapshot } from '../../home-assistant/registry-snapshot.js';
import { DOMAIN_WORDS } from '../../language/grammar-templates.js';
import { spellNumber } from '../../language/words.js';

/** The names a grammar is built from: what the user calls things (names and aliases). */
export interface GrammarNames {
  entities: readonly string[];
  areas: readonly string[];
  floors: readonly string[];
}

/** Entity, area and floor names with their aliases, from a registry snapshot (exposed entities only, when known). */
export function namesFromRegistry(snapshot: RegistrySnapshot): GrammarNames {
  return {
    entities: snapshot.entities.filter((e) => e.exposed !== false).flatMap((e) => [e.name, ...e.aliases]),
    areas: snapshot.areas.flatMap((a) => [a.name, ...a.aliases]),
    floors: snapshot.floors.flatMap((f) => [f.name, ...f.aliases]),
  };
}

const numbers = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => spellNumber(from + i));

/** Durations a timer may be set for ("five minutes", "one hour"). */
function durations(): string[] {
  const out: string[] = [];
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 40, 45, 50, 60, 90]) {
    for (const unit of ['second', 'minute', 'hour']) out.push(`${spellNumber(n)} ${unit}${n === 1 ? '' : 's'}`);
  }
  return [...out, 'a minute', 'an hour', 'half an hour'];
}

/** Slot phrases for the templates: `{target}` is an entity, area or floor name (an area may be followed by a domain word). */
export function slotPhrases(names: GrammarNames): Record<string, string[]> {
  const areasAndFloors = [...names.areas, ...names.floors];
  return {
    target: [...names.entities, ...areasAndFloors, ...areasAndFloors.flatMap((a) => DOMAIN_WORDS.map((d) => `${a} ${d}`))],
    brightness: numbers(0, 100),
    position: numbers(0, 100),
    volume_level: numbers(0, 100),
    temperature: numbers(5, 35),
    duration: durations(),
  };
}
