import type { RegistrySnapshot } from '../home-assistant/index.js';
import type { GrammarSource } from './compile-grammar.js';
import { domainPhrases } from './domain-words.js';
import { OPEN_VOCABULARY_INTENTS, type IntentName } from './intents.js';
import { COLORS, commandTemplates, textRules, MEDIA_CLASSES, OPEN_SLOTS, STATE_WORDS, type CommandTemplate } from './templates.js';
import { spellNumber } from './words.js';

/** What a speech grammar is built for. */
export interface CommandGrammarOptions {
  /** Area id or name of the speaking device: target phrases are that area's devices, the home's unplaced ones and kinds. */
  area?: string | undefined;
  /** Only these intents (default: all of them). */
  intents?: readonly IntentName[] | undefined;
  /** Leave out the loose phrasings (`weak` templates: "{target} on", "stop {target}"), which cost a grammar most. */
  strictOnly?: boolean | undefined;
}

/** A grammar source for the command recogniser, with what it cannot hear by itself. */
export interface CommandGrammar extends GrammarSource {
  templates: readonly CommandTemplate[];
  /**
   * Slots that are free text (list items, searches, messages, timer names): a closed grammar has no phrases for
   * them, so their templates are skipped by the compiler; the recogniser may hear the carrier phrase and hand the
   * rest of the audio to whisper.
   */
  openSlots: readonly string[];
  /** Intents whose commands need an open slot (see {@link OPEN_VOCABULARY_INTENTS}). */
  openIntents: ReadonlySet<IntentName>;
}

const numbers = (from: number, to: number, step = 1): string[] => {
  const out: string[] = [];
  for (let n = from; n <= to; n += step) out.push(spellNumber(n));
  return out;
};

/** Durations a timer may be given ("five minutes", "an hour", "ninety seconds"). */
function durations(): string[] {
  const out: string[] = [];
  for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30, 40, 45, 50, 60, 90]) {
    for (const unit of ['second', 'minute', 'hour']) out.push(`${spellNumber(n)} ${unit}${n === 1 ? '' : 's'}`);
  }
  return [...out, 'a minute', 'an hour', 'half an hour', 'a minute and a half', 'an hour and a half'];
}

/**
 * The command language as a speech grammar source for one home: the templates (HA's intents), their expansion
 * rules, and the phrases of every closed slot, from the registry. Compile it with `compileGrammar`. With an area,
 * the target phrases are limited to what makes sense there (its devices, the home's unplaced devices, kinds and
 * places), which keeps the grammar small; without one, the whole home.
 */
export function commandGrammar(snapshot: RegistrySnapshot, options: CommandGrammarOptions = {}): CommandGrammar {
  const area = options.area ? snapshot.areas.find((a) => a.area_id === options.area || a.name.toLowerCase() === options.area!.toLowerCase()) : undefined;
  const exposed = snapshot.entities.filter((e) => e.exposed !== false);
  const local = area ? exposed.filter((e) => e.area_id === area.area_id || e.area_id === null) : exposed;
  const places = [...snapshot.areas, ...snapshot.floors].flatMap((p) => [p.name, ...p.aliases]);
  const kinds = domainPhrases({ common: true });
  const names = local.flatMap((e) => [e.name, ...e.aliases]);
  const target = [...names, ...kinds, ...places, ...places.flatMap((p) => kinds.map((k) => `${p} ${k}`)), ...(area ? kinds.map((k) => `${k} in here`) : [])];
  const templates = commandTemplates.filter((t) => (!options.intents || options.intents.includes(t.intent)) && !(options.strictOnly && t.weak));
  return {
    templates,
    // Text phrasings' rules too: without strictOnly the weak templates come along.
    rules: textRules,
    slots: {
      target,
      where: [...places, 'here'],
      list: exposed.filter((e) => e.entity_id.startsWith('todo.')).flatMap((e) => [e.name, ...e.aliases]),
      name: exposed.filter((e) => e.entity_id.startsWith('weather.')).flatMap((e) => [e.name, ...e.aliases]),
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
    },
    articleSlots: ['target', 'where', 'list'],
    openSlots: OPEN_SLOTS,
    openIntents: OPEN_VOCABULARY_INTENTS,
  };
}

/**
 * A short prompt for whisper when the grammar declines: the home's own words (names, aliases, places) and the
 * kinds, so spelling follows the home ("Lily's Room", not "Lillies room"). Capped to whisper's prompt budget.
 */
export function whisperPrompt(snapshot: RegistrySnapshot, maxChars = 600): string {
  const words = [
    ...snapshot.areas.map((a) => a.name),
    ...snapshot.entities.filter((e) => e.exposed !== false).map((e) => e.name),
    ...domainPhrases({ common: true }),
  ];
  let out = '';
  for (const w of [...new Set(words)]) {
    const next = out ? `${out}, ${w}` : w;
    if (next.length > maxChars) break;
    out = next;
  }
  return out;
}
