import type { IntentName, Slots } from './intents.js';
import { normalizeWord, numberToWords } from './normalize.js';

/**
 * The command templates tier 0 matches and the speech grammar compiles from — one source for both.
 *
 * Syntax (after Home Assistant's hassil): words; `(a|b c)` alternatives; `[x]` optional; `<rule>` an expansion
 * rule from {@link expansionRules}; `{slot}` a slot. Slot kinds are in {@link slotKinds}: `target` is an entity
 * expression (name, alias, area, floor, domain words), numbers are digits after normalisation, `item`/`name`/
 * `timer_name` are free text, `duration` is "5 minutes", "1 hour and 10 minutes" and the like.
 */
export interface CommandTemplate {
  intent: IntentName;
  sentences: readonly string[];
  /** Slots the template fixes ("full brightness" → brightness 100). */
  slots?: Slots;
  /** Entity domains the target may have; undefined = the intent's defaults. */
  domains?: readonly string[];
  /** A catch-all: when its target is unknown the utterance is not taken as a command (passive, not refused). */
  weak?: boolean;
}

/** Reusable pieces of templates, referenced as `<name>`. */
export const expansionRules: Readonly<Record<string, string>> = {
  turn: '(turn|switch|turned|tern|put)',
  off: '(off|of)',
  set: '(set|change|make|adjust|turn|put)',
  the: '[the|my|our]',
  what_is: '(what is|what|tell me|whats)',
  percent: '[percent]',
  degrees: '[degrees [celsius|fahrenheit]]',
  media: '[the] [music|media|tv|song|video|movie|playback|show|radio]',
  track: '(track|song|tune)',
};

/** What each slot may hold. */
export const slotKinds: Readonly<Record<string, 'target' | 'number' | 'text' | 'color' | 'state' | 'duration'>> = {
  target: 'target',
  brightness: 'number',
  temperature: 'number',
  position: 'number',
  volume_level: 'number',
  color: 'color',
  state: 'state',
  item: 'text',
  name: 'text',
  timer_name: 'text',
  duration: 'duration',
};

/** Colour names tier 0 understands, with the RGB it sends. */
export const COLORS: Readonly<Record<string, readonly [number, number, number]>> = {
  red: [255, 0, 0], green: [0, 255, 0], blue: [0, 0, 255], yellow: [255, 255, 0], orange: [255, 165, 0], purple: [128, 0, 128],
  pink: [255, 105, 180], white: [255, 255, 255], 'warm white': [255, 180, 107], cyan: [0, 255, 255], magenta: [255, 0, 255],
  violet: [238, 130, 238], turquoise: [64, 224, 208], lavender: [230, 230, 250], gold: [255, 215, 0],
};

/** State words `HassGetState` can check. */
export const STATE_WORDS: readonly string[] = ['on', 'off', 'open', 'closed', 'locked', 'unlocked', 'playing', 'paused', 'armed', 'disarmed'];

/** Every template, most specific first (the matcher tries them in this order). */
export const commandTemplates: readonly CommandTemplate[] = [
  { intent: 'HassNevermind', sentences: ['(nevermind|forget it|cancel|cancel that|ignore that|nothing|stop|no [thanks])'] },
  { intent: 'HassShoppingListAddItem', sentences: ['(add|put) {item} (to|on) <the> shopping list', '(add|put) {item} (to|on) <the> shopping'] },
  { intent: 'HassListAddItem', sentences: ['(add|put) {item} (to|on) <the> {name} [list]'] },
  {
    intent: 'HassStartTimer',
    sentences: [
      '(set|start|create|make) [a|an|the] timer for {duration}',
      '(set|start|create|make) [a|an|the] timer for {duration} (called|named) {timer_name}',
      '(set|start|create|make) (a|an|the) {timer_name} timer for {duration}',
      '(set|start|create|make) [a|an] {duration} timer',
      '[a] timer for {duration}',
    ],
  },
  {
    intent: 'HassCancelTimer',
    sentences: ['(cancel|stop|delete|remove|kill|end) <the> timer', '(cancel|stop|delete|remove|kill|end) <the> {duration} timer', '(cancel|stop|delete|remove|kill|end) <the> {timer_name} timer'],
  },
  {
    intent: 'HassTimerStatus',
    sentences: [
      'how (much|long) [time] [is] (left|remaining) [on <the> [{timer_name}] timer]',
      '[what is [the]] (timer status|status of <the> timer)',
      'how is <the> timer [doing]',
      'how long until <the> timer (is done|ends|goes off|finishes)',
    ],
  },
  { intent: 'HassGetCurrentTime', sentences: ['what time is it [now]', 'what is the time [now]', '[tell me] the time', 'do you know what time it is', 'what is the current time'] },
  {
    intent: 'HassGetCurrentDate',
    sentences: ['what is [the] date [today]', 'what is today date', 'what is the current date', 'what day is [it] [today]', 'what is today', 'which day is it [today]', 'what date is it [today]'],
  },
  {
    intent: 'HassGetWeather',
    sentences: ['(what|how) is the weather [like] [today|outside|now]', 'what is the forecast [for] [today]', '(what|how) is the weather [like] (in|at|for) {name}', 'what is the weather going to be [like] [today]'],
  },
  {
    intent: 'HassClimateSetTemperature',
    sentences: [
      '<set> [the] (temperature|thermostat|heating|heat) to {temperature} <degrees>',
      '<set> [the] (temperature|thermostat|heating|heat) (in|of|on|for) {target} to {temperature} <degrees>',
      '<set> {target} [temperature|thermostat|heating] to {temperature} degrees [celsius|fahrenheit]',
      '(make it|heat [it] [up] to|warm [it] [up] to) {temperature} degrees [in {target}]',
    ],
  },
  {
    intent: 'HassClimateGetTemperature',
    sentences: [
      '<what_is> the (temperature|temp) [inside|in here|here]',
      '<what_is> the (temperature|temp) (in|of|on|at) {target}',
      'how (warm|hot|cold) is it [inside|in here|here]',
      'how (warm|hot|cold) is [it in] {target}',
      '<what_is> {target} (temperature|temp)',
    ],
  },
  {
    intent: 'HassSetVolume',
    sentences: [
      '<set> [the] volume to {volume_level} <percent>',
      '<set> [the] volume (of|on|in|for) {target} to {volume_level} <percent>',
      '<set> {target} volume to {volume_level} <percent>',
      'volume [to] {volume_level} [percent] [(on|in) {target}]',
    ],
  },
  {
    intent: 'HassLightSet',
    sentences: [
      '<set> [the] brightness to {brightness} <percent>',
      '<set> [the] brightness (of|in|on|for) {target} to {brightness} <percent>',
      '<set> {target} [brightness] to {brightness} percent',
      '<set> {target} brightness to {brightness}',
      '(dim|brighten|turn up|turn down) {target} to {brightness} <percent>',
    ],
    domains: ['light'],
  },
  { intent: 'HassLightSet', sentences: ['<set> {target} to (full|max|maximum) brightness', '(brighten|turn up) {target} (all the way|fully)'], slots: { brightness: 100 }, domains: ['light'] },
  {
    intent: 'HassLightSet',
    sentences: ['<set> [the] (color|colour) (of|in|for) {target} to {color}', '<set> {target} [to] [the] [color|colour] {color}', '<set> {target} {color}'],
    domains: ['light'],
  },
  {
    intent: 'HassSetPosition',
    sentences: ['<set> {target} [position] to {position} <percent>', '(open|close|raise|lower) {target} [to] {position} percent'],
    domains: ['cover', 'valve'],
  },
  {
    intent: 'HassMediaPause',
    sentences: ['pause {target}', 'pause <media> (in|on) {target}', 'pause <media>', 'stop the (music|playback|movie|show)'],
    domains: ['media_player'],
  },
  {
    intent: 'HassMediaUnpause',
    sentences: ['(resume|unpause|continue) {target}', '(resume|unpause|continue|play) <media> (in|on) {target}', '(resume|unpause|continue) <media>', '(play|start) [the] (music|playback)'],
    domains: ['media_player'],
  },
  {
    intent: 'HassMediaNext',
    sentences: ['(next|skip) [<track>]', '(play|go to|skip to) [the] next <track>', 'skip [this|the] <track>', '(next|skip) [this|the] [<track>] (in|on) {target}'],
    domains: ['media_player'],
  },
  {
    intent: 'HassMediaPrevious',
    sentences: ['(previous|last) <track>', '(play|go to|skip to|go back to) [the] (previous|last) <track>', 'go back [a <track>|one <track>]', '(previous|last) <track> (in|on) {target}'],
    domains: ['media_player'],
  },
  {
    intent: 'HassGetState',
    sentences: [
      '(is|are) {target} [turned|switched|still] {state}',
      '<what_is> [the] (state|status) of {target}',
      '(what is|how is|whats) {target} (doing|at)',
    ],
  },
  { intent: 'HassGetState', sentences: ['what is {target}'], weak: true },
  { intent: 'HassToggle', sentences: ['(toggle|flip) {target}'], domains: ['light', 'switch', 'fan', 'input_boolean', 'media_player', 'cover'] },
  { intent: 'HassTurnOn', sentences: ['lock {target}'], domains: ['lock'] },
  { intent: 'HassTurnOff', sentences: ['unlock {target}'], domains: ['lock'] },
  { intent: 'HassTurnOn', sentences: ['(open|raise|lift) {target}'], domains: ['cover', 'valve'] },
  { intent: 'HassTurnOff', sentences: ['(close|shut|lower) {target}'], domains: ['cover', 'valve'] },
  { intent: 'HassTurnOn', sentences: ['(activate|run|start|play) {target} [scene]'], domains: ['scene', 'script'] },
  { intent: 'HassTurnOn', sentences: ['<turn> on {target}', '<turn> {target} on', '(enable|power on|light up) {target}'] },
  { intent: 'HassTurnOff', sentences: ['<turn> <off> {target}', '<turn> {target} <off>', '(disable|power off|power down|kill|shut off|shut down) {target}'] },
];

/** Requests heavy enough for a worker: the word that starts them and the task type they become. */
export const coldTemplates: ReadonlyArray<{ task: string; sentences: readonly string[] }> = [
  { task: 'summarise', sentences: ['(summarise|summarize|sum up|recap|give me a summary of|give me a recap of) {request}'] },
  { task: 'research', sentences: ['(research|look into|investigate|find out about|dig into) {request}'] },
  { task: 'write', sentences: ['(write|draft|compose) {request}'] },
  { task: 'analyse', sentences: ['(analyse|analyze|compare) {request}'] },
  { task: 'translate', sentences: ['translate {request}'] },
  { task: 'plan', sentences: ['(plan|make a plan for|come up with a plan for) {request}'] },
];

/** A parsed template: a sequence of words, alternatives, optionals and slots. */
export type TemplateNode =
  | { type: 'word'; text: string }
  | { type: 'alt'; options: TemplateNode[][] }
  | { type: 'opt'; body: TemplateNode[][] }
  | { type: 'slot'; name: string };

/** Parses one template sentence (rules expanded) into nodes; throws on unbalanced brackets or unknown rules. */
export function parseTemplate(sentence: string, rules: Readonly<Record<string, string>> = expansionRules): TemplateNode[] {
  let src = sentence;
  for (let guard = 0; /<([a-z_]+)>/.test(src); guard++) {
    if (guard > 20) throw new Error(`expansion rules nest too deeply in "${sentence}"`);
    src = src.replace(/<([a-z_]+)>/g, (_, name: string) => {
      const rule = rules[name];
      if (rule === undefined) throw new Error(`unknown rule <${name}> in "${sentence}"`);
      return rule;
    });
  }
  let i = 0;
  const parseSeq = (closers: string): TemplateNode[][] => {
    const options: TemplateNode[][] = [[]];
    while (i < src.length) {
      const ch = src[i]!;
      if (closers.includes(ch)) return options;
      if (ch === '|') {
        options.push([]);
        i++;
      } else if (ch === '(' || ch === '[') {
        i++;
        const inner = parseSeq(ch === '(' ? ')' : ']');
        if (src[i] !== (ch === '(' ? ')' : ']')) throw new Error(`unbalanced "${ch}" in "${sentence}"`);
        i++;
        options.at(-1)!.push(ch === '(' ? { type: 'alt', options: inner } : { type: 'opt', body: inner });
      } else if (ch === '{') {
        const end = src.indexOf('}', i);
        if (end < 0) throw new Error(`unclosed slot in "${sentence}"`);
        options.at(-1)!.push({ type: 'slot', name: src.slice(i + 1, end) });
        i = end + 1;
      } else if (ch === ' ') i++;
      else {
        const m = /^[a-z0-9.']+/.exec(src.slice(i));
        if (!m) throw new Error(`unexpected "${ch}" in "${sentence}"`);
        options.at(-1)!.push({ type: 'word', text: m[0] });
        i += m[0].length;
      }
    }
    if (closers) throw new Error(`unbalanced brackets in "${sentence}"`);
    return options;
  };
  const top = parseSeq('');
  return top.length === 1 ? top[0]! : [{ type: 'alt', options: top }];
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SLOT_PATTERNS: Record<string, string> = {
  target: '.+?',
  number: '\\d+(?:\\.\\d+)?',
  text: '.+?',
  duration: '.+?',
  color: Object.keys(COLORS).sort((a, b) => b.length - a.length).map(escapeRe).join('|'),
  state: STATE_WORDS.join('|'),
};

/**
 * A regular expression for one sentence over normalised text with a trailing space (every piece ends in a
 * space, so optional pieces compose). Slots become named groups.
 */
export function compileTemplate(sentence: string, extraSlots: Readonly<Record<string, string>> = {}): RegExp {
  const emit = (nodes: TemplateNode[]): string =>
    nodes
      .map((n) => {
        switch (n.type) {
          case 'word':
            // Input is normalised ("go back one track" → "go back 1 track"); the template's words must be too.
            return `${escapeRe(normalizeWord(n.text))} `;
          case 'alt':
            return `(?:${n.options.map(emit).join('|')})`;
          case 'opt':
            return `(?:${n.body.map(emit).join('|')})?`;
          case 'slot': {
            const kind = slotKinds[n.name];
            const pattern = extraSlots[n.name] ?? (kind ? SLOT_PATTERNS[kind] : undefined);
            if (!pattern) throw new Error(`unknown slot {${n.name}} in "${sentence}"`);
            return `(?<${n.name}>${pattern}) `;
          }
        }
      })
      .join('');
  return new RegExp(`^${emit(parseTemplate(sentence))}$`);
}

/** Values to put in each slot when expanding phrases for a grammar (words, not digits). */
export type SlotValues = Readonly<Record<string, readonly string[]>>;

/** Expands one sentence into every phrase it accepts with the given slot values, stopping at `limit`. */
export function expandTemplate(sentence: string, values: SlotValues, limit = 10_000): string[] {
  const expand = (nodes: TemplateNode[]): string[] => {
    let acc: string[] = [''];
    for (const n of nodes) {
      let parts: string[];
      if (n.type === 'word') parts = [n.text];
      else if (n.type === 'slot') parts = [...(values[n.name] ?? [])];
      else if (n.type === 'alt') parts = n.options.flatMap(expand);
      else parts = ['', ...n.body.flatMap(expand)];
      const next: string[] = [];
      for (const a of acc) {
        for (const p of parts) {
          next.push(a && p ? `${a} ${p}` : a || p);
          if (next.length >= limit) break;
        }
        if (next.length >= limit) break;
      }
      acc = next;
    }
    return acc;
  };
  return [...new Set(expand(parseTemplate(sentence)).map((s) => s.trim()).filter(Boolean))].slice(0, limit);
}

/** Numbers spoken as words, for grammar expansion of number slots. */
export function numberWordsRange(from: number, to: number, step = 1): string[] {
  const out: string[] = [];
  for (let n = from; n <= to; n += step) out.push(numberToWords(n));
  return out;
}

/** Options of {@link expandCommandPhrases}. */
export interface ExpandPhrasesOptions {
  /** Most phrases per template sentence (default 2000). */
  perSentence?: number;
  /** Extra or replacement slot values (e.g. `item: ['milk', 'bread']` to cover shopping phrases). */
  values?: SlotValues;
}

/**
 * Every phrase the templates accept for a registry, in words as a recogniser hears them ("turn on the kitchen
 * lights", "set the bedroom to fifty percent"), for a grammar-based recogniser (PocketSphinx JSGF/FSG).
 * Target slots take entity names and aliases, area and floor names, and area + domain words; numbers are
 * spelled out; free-text slots (item, timer name) are left out unless `values` gives them.
 */
export function expandCommandPhrases(
  registry: { floors: ReadonlyArray<{ name: string; aliases: readonly string[] }>; areas: ReadonlyArray<{ name: string; aliases: readonly string[] }>; entities: ReadonlyArray<{ name: string; aliases: readonly string[]; entity_id: string }> },
  options: ExpandPhrasesOptions = {},
): string[] {
  const lower = (s: string): string => s.toLowerCase().replace(/[^a-z0-9 ]/g, ' ').replace(/\s+/g, ' ').trim();
  const places = [...registry.areas, ...registry.floors].flatMap((p) => [p.name, ...p.aliases]).map(lower);
  const names = registry.entities.flatMap((e) => [e.name, ...e.aliases]).map(lower);
  const kinds = ['lights', 'light', 'lamps', 'fans', 'blinds', 'curtains', 'windows', 'tv', 'speaker', 'music', 'heating', 'thermostat'];
  const target = [...new Set([
    ...names.map((n) => `the ${n}`), ...names,
    ...kinds.map((k) => `the ${k}`),
    ...places.flatMap((p) => [`the ${p}`, p, ...kinds.slice(0, 3).map((k) => `the ${p} ${k}`), ...kinds.slice(0, 3).map((k) => `the ${k} in the ${p}`)]),
  ])];
  const lists = registry.entities.filter((e) => e.entity_id.startsWith('todo.')).flatMap((e) => [e.name, ...e.aliases]).map(lower);
  const small = numberWordsRange(1, 10).concat(['fifteen', 'twenty', 'thirty', 'forty five', 'sixty', 'ninety']);
  const values: SlotValues = {
    target,
    brightness: numberWordsRange(0, 100, 5),
    position: numberWordsRange(0, 100, 5),
    volume_level: numberWordsRange(0, 100, 5),
    temperature: numberWordsRange(10, 30),
    color: Object.keys(COLORS),
    state: STATE_WORDS,
    name: [...lists, ...registry.entities.filter((e) => e.entity_id.startsWith('weather.')).map((e) => lower(e.name))],
    duration: small.flatMap((n) => [`${n} minutes`, `${n} seconds`]).concat(['one minute', 'one hour', 'two hours', 'an hour']),
    ...options.values,
  };
  const out = new Set<string>();
  for (const t of commandTemplates) {
    for (const s of t.sentences) {
      const slotsUsed = [...s.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
      if (slotsUsed.some((slot) => (values[slot] ?? []).length === 0)) continue;
      for (const p of expandTemplate(s, values, options.perSentence ?? 2000)) out.add(p);
    }
  }
  return [...out];
}
