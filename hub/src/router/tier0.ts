import { Allowlist, allowlistConfigSchema, domainOf, type RegistrySnapshot, type SnapshotEntity } from '../home-assistant/index.js';
import {
  actionOf, binarySensorState, coldTemplates, DOMAIN_WORDS, isAcknowledgement, commandTemplates, compileTemplate, requiredAnyOf, durationSeconds, MEDIA_CLASSES, normalizeText, parseDuration, requiredWords, singular, STATE_WORDS,
  type CommandTemplate, type Decision, type IntentName, type RouteContext, type Slots,
} from '../language/index.js';
import { EntityIndex, type ResolvedTarget, type TargetConstraints } from './entity-index.js';

const ON_OFF_DOMAINS = ['light', 'switch', 'fan', 'input_boolean', 'media_player', 'climate', 'scene', 'script', 'humidifier', 'vacuum', 'lawn_mower', 'cover', 'valve', 'lock'];

/** Domains each intent acts on, and what a bare place means for it. */
const INTENT_DOMAINS: Partial<Record<IntentName, { domains?: readonly string[]; defaults?: readonly string[] }>> = {
  HassTurnOn: { domains: ON_OFF_DOMAINS, defaults: ['light'] },
  HassTurnOff: { domains: ON_OFF_DOMAINS, defaults: ['light'] },
  HassToggle: { defaults: ['light'] },
  HassLightSet: { domains: ['light'], defaults: ['light'] },
  HassClimateSetTemperature: { domains: ['climate'], defaults: ['climate'] },
  HassClimateGetTemperature: { domains: ['climate', 'sensor'], defaults: ['climate'] },
  HassSetPosition: { domains: ['cover', 'valve'], defaults: ['cover'] },
  HassFanSetSpeed: { domains: ['fan'], defaults: ['fan'] },
  HassSetVolume: { domains: ['media_player'], defaults: ['media_player'] },
  HassSetVolumeRelative: { domains: ['media_player'], defaults: ['media_player'] },
  HassMediaPause: { domains: ['media_player'], defaults: ['media_player'] },
  HassMediaUnpause: { domains: ['media_player'], defaults: ['media_player'] },
  HassMediaNext: { domains: ['media_player'], defaults: ['media_player'] },
  HassMediaPrevious: { domains: ['media_player'], defaults: ['media_player'] },
  HassMediaPlayerMute: { domains: ['media_player'], defaults: ['media_player'] },
  HassMediaPlayerUnmute: { domains: ['media_player'], defaults: ['media_player'] },
  HassMediaSearchAndPlay: { domains: ['media_player'], defaults: ['media_player'] },
  HassVacuumStart: { domains: ['vacuum'], defaults: ['vacuum'] },
  HassVacuumReturnToBase: { domains: ['vacuum'], defaults: ['vacuum'] },
  HassLawnMowerStartMowing: { domains: ['lawn_mower'], defaults: ['lawn_mower'] },
  HassLawnMowerDock: { domains: ['lawn_mower'], defaults: ['lawn_mower'] },
  HassGetWeather: { domains: ['weather'] },
};

/** Intents that act on nothing in Home Assistant (Jarvis answers them itself). */
const LOCAL_INTENTS = new Set<IntentName>([
  'HassNevermind', 'HassRespond', 'HassStartTimer', 'HassCancelTimer', 'HassCancelAllTimers', 'HassIncreaseTimer', 'HassDecreaseTimer',
  'HassPauseTimer', 'HassUnpauseTimer', 'HassTimerStatus', 'HassGetCurrentTime', 'HassGetCurrentDate', 'HassBroadcast',
]);
/** Media intents pick the player in the right state when none is named. */
const MEDIA_WANTS: Partial<Record<IntentName, string>> = {
  HassMediaPause: 'playing', HassMediaNext: 'playing', HassMediaPrevious: 'playing', HassSetVolume: 'playing', HassSetVolumeRelative: 'playing',
  HassMediaPlayerMute: 'playing', HassMediaUnpause: 'paused',
};
/** Intents whose target is a machine with a name of its own ("start the vacuum"): the only one in the home is meant. */
const APPLIANCE_INTENTS = new Set<IntentName>(['HassVacuumStart', 'HassVacuumReturnToBase', 'HassLawnMowerStartMowing', 'HassLawnMowerDock']);
/** The domains a state word can be asked of ("is the door locked" is a lock, "is the door open" is not). */
const STATE_DOMAINS: Readonly<Record<string, readonly string[]>> = {
  locked: ['lock'], unlocked: ['lock'], open: ['cover', 'binary_sensor', 'valve'], closed: ['cover', 'binary_sensor', 'valve'],
  playing: ['media_player'], paused: ['media_player'], armed: ['alarm_control_panel'], disarmed: ['alarm_control_panel'],
  occupied: ['binary_sensor'], unoccupied: ['binary_sensor'],
  home: ['person', 'device_tracker'], not_home: ['person', 'device_tracker'], docked: ['vacuum', 'lawn_mower'], cleaning: ['vacuum'], mowing: ['lawn_mower'],
};
/** Kinds of device said alone ("lights", "heating"): never a search for media. */
const KIND_PHRASES = new Set(DOMAIN_WORDS.filter((w) => !w.kinds.some((k) => k.domain === 'media_player')).map((w) => w.phrase));
/** Words a play request may not start with: overheard "play nicely", "play with the dog" is not a search. */
const NOT_A_SEARCH = /^(?:nicely|nice|with|along|outside|inside|around|together|fair|games?|ball|catch|hard|dead|it|that|this|cards|tag|football|later|again|now|by yourself|on your own)\b/;
/** "check if the front door is locked" → groups: is, the front door, locked. */
const EMBEDDED_QUESTION = /^(?:(?:can you |could you |please )?(?:check|tell me|let me know|see|find out|ask|look) |do you know |i wonder |i am wondering |any idea )(?:if|whether) (?:or not )?(.+?) (is|are|was) (.+)$/;
/** "turn off the lights in 10 minutes" / "in 10 minutes turn off the lights": a command for later. */
const DELAYED_AFTER = /^(?<command>.+) in (?<amount>(?:\d+(?:\.\d+)?|a|an) (?:hours?|minutes?|seconds?|mins?|secs?)(?: (?:and )?(?:\d+(?:\.\d+)?|a|an) (?:hours?|minutes?|seconds?|mins?|secs?))*)$/;
const DELAYED_BEFORE = /^in (?<amount>(?:\d+(?:\.\d+)?|a|an) (?:hours?|minutes?|seconds?|mins?|secs?)(?: (?:and )?(?:\d+(?:\.\d+)?|a|an) (?:hours?|minutes?|seconds?|mins?|secs?))*) (?<command>.+)$/;
/** "tell me what the temperature is": a question asked inside a request, its verb last (groups: wh, subject, verb, rest). */
const INDIRECT_QUESTION = /^(?:tell me|remind me|do you know|can you tell me|could you tell me|let me know|i want to know|i would like to know|any idea|i wonder|find out) (what|how|where|which|who|when) (.+?) (is|are)(?: ([a-z0-9]+(?: [a-z0-9]+){0,2}))?$/;
/** "it is stuffy in here" before a command (an imperative verb follows). */
const LEADING_REMARK = /^(?:it is|oh it is|well it is) (?:(?:a bit|a little|really|very|so|too|quite|getting|pretty|rather|bit|going to|about to|starting to) )*[a-z]+(?: (?:in here|here|outside|out there|out|today|tonight|now))? (?=(?:turn|switch|put|open|close|shut|send|bring|call|lock|unlock|retract|extend|start|stop|set|make|dim|raise|lower|get|pull|roll|close|mute|pause|play) )/;
/** "we are back, holiday mode off": a remark about coming or going before a command. */
const ARRIVAL_REMARK = /^(?:(?:we are|i am|we have|i have|we|i) (?:back|home|off|leaving|going out|heading out|going to bed|off to bed|up|awake|in|got back|got home|just got (?:back|home|in)) (?:now )?)(?=[a-z])/;
/** A word after a target a person adds ("open the stopcock again", "remind me in ten minutes, set a timer"). */
const TRAILING_ADVERB = / (?:again|too|as well|already|then|for (?:the night|tonight|now|a while|the evening|the day|today|the morning|the afternoon|the weekend|a bit)|overnight|until (?:morning|tomorrow|later)|(?:and )?(?:set|start|use) a timer)$/;
/** What a command is for, said after it ("open the gate for the van", "remind me in 20 minutes with a timer"). */
const TRAILING_PURPOSE = / (?:for|with) (?:the|a|an|my|our|his|her|their) [a-z]+(?: [a-z]+)?$/;
/** "sam left them on again", "someone left it open": who left a thing as it is, said after the command. */
const WHO_LEFT_IT = / (?:(?:because|since|as) )?[a-z]+ (?:left|forgot|turned|switched|put) (?:it|them|that|those)(?: (?:on|off|open|running|going))?(?: (?:again|all day|all night|earlier))?$/;
/** Words never left out of a sentence to make a name fit (negations, quantities, states, directions). */
const KEEP_WORDS = new Set(['not', 'never', 'all', 'every', 'each', 'any', 'other', 'another', 'next', 'last', 'previous', 'first', 'second', 'third', 'left', 'right', 'front', 'back', 'top', 'bottom', 'upper', 'lower', 'old', 'new', 'off', 'open', 'closed', 'shut', 'red', 'green', 'blue', 'white', 'yellow', 'orange', 'purple', 'pink', 'warm', 'cool', 'cold', 'hot', 'main', 'spare', 'guest', 'kids', 'baby', 'outside', 'inside', 'indoor', 'outdoor']);
/** Fractions of the whole said for a value ("set volume to a quarter", "lights to half"). */
const FRACTIONS: ReadonlyArray<[RegExp, string]> = [
  [/ (to|at) (?:a )?quarter$/, ' $1 25 percent'], [/ (to|at) half(?: way)?$/, ' $1 50 percent'], [/ (to|at) three quarters$/, ' $1 75 percent'], [/ (to|at) (?:a )?third$/, ' $1 33 percent'],
];
/** "it is going to rain" after a command; someone or something said doing something ("the phone ringing", "we are back"). */
const TRAILING_REMARK = / (?:(?:(?:because|since|as) )?(?:we are|i am|they are|he is|she is) (?:back|home|in|out|off|up|here|leaving|going out|off out|heading out|going to bed)|(?:(?:because|since|as) )?the [a-z]+ (?:is )?[a-z]+ing|(?:(?:because|since|as) )?(?:i|we) (?:have )?(?:got|bought|done|did|finished|picked up) (?:it|them|that|those|one|some)|(?:(?:because|since|as) )?(?:the |my |our )?(?!(?:the|a|an|my|our|on|off|in|to|up|down|and|it|that)\b)[a-z]+ (?:is |are )?(?:having|taking|coming|arriving|sleeping|napping|resting|working|waiting|watching|studying|reading|doing)(?: (?:a|an|the|some|her|his|their|our|my) [a-z]+)?|(?:(?:because|since|as) )?(?:he|she|they|we|i|[a-z]+) (?:is|are|am) (?:asleep|awake|napping|sleeping|in bed|on the phone|busy|trying to sleep)|(?:(?:because|since|as) )?(?:he|she|they|we|i|[a-z]+) (?:can not|cannot) (?:hear|see|sleep)(?: (?:it|them|a thing|anything|properly))?|(?:(?:because|since|as) )?it is (?:(?:going to|gonna|about to|starting to|getting|so|too|really|very|a bit|a little|quite|pretty|absolutely|far too|way too) )*[a-z]+(?: (?:in here|out there|outside|out|today|now|again|already))?)$|(?:,? (?:got|bought|done) (?:it|them|that|those))$/;
/** How a reply names a kind of thing. */
const KIND_NAMES: Readonly<Record<string, string>> = { climate: 'thermostat', media_player: 'speaker or TV', binary_sensor: 'sensor', alarm_control_panel: 'alarm', input_boolean: 'switch', lawn_mower: 'lawn mower' };
/** Slots that carry a value to set. */
const VALUE_SLOTS = ['temperature', 'brightness', 'position', 'volume_level', 'percentage'] as const;
/** Words that make "play …" a request for media even when said loosely. */
const MEDIA_REQUEST = / (?:some|music|songs?|album|playlist|podcast|radio|station|artist|by|listen|episode|audiobook|tunes) /;
/** Spoken states of a binary sensor as Home Assistant stores them. */
const BINARY_STATES: Readonly<Record<string, string>> = { open: 'on', closed: 'off', occupied: 'on', unoccupied: 'off', locked: 'off', unlocked: 'on', home: 'on', not_home: 'off' };
/** Words a target that names a thing does not have: possessives of a person spoken to and verbs of a sentence. */
const NOT_A_THING = / (?:your|yours|his|her|their|you|he|she|they|we|me|him|us|is|are|was|were|am|be|been|go|goes|went|going|got|has|had|do|does|did|will|would|should|can|could|said|says|think|when|while|because|before|after|if|yesterday|tomorrow|tonight|page) /;
const READ_ONLY = new Set<IntentName>(['HassGetState', 'HassClimateGetTemperature', 'HassGetWeather']);

/** The words before a place said apart from the target ("in the kitchen", "out on the deck", "over in the annex"). */
const PLACE_BEFORE = '(in|at|on|out (in|at|on)|over (in|at|on)|down (in|at|on)|up (in|at|on)|round (in|at|on))';

/**
 * A sentence with its place moved: the place a person adds after the rest ("set the lights to red in the kitchen")
 * or puts first ("in the kitchen, turn the lights on"). Text only — the speech grammar compiles the templates as
 * written; tier 0 resolves the place together with the target.
 */
function withPlaces(sentences: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of sentences) {
    out.push(s);
    if (!s.includes('{target}') || s.includes('{where}')) continue;
    // Each option names a word of its own, so the matcher's word check still skips sentences without one.
    if (!/\{target\}(?: \[[a-z ]+\])?$/.test(s)) out.push(`${s} ${PLACE_BEFORE} {where}`);
    out.push(`${PLACE_BEFORE} {where} ${s}`);
  }
  return out;
}

/** A template's groups by slot: a slot said in another place of the sentence (`timer_name__2`) is that slot. */
function slotGroups(groups: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(groups)) {
    const slot = key.replace(/__\d+$/, '');
    if (value !== undefined || !(slot in out)) out[slot] = out[slot] ?? value;
  }
  return out;
}

interface Compiled {
  template: CommandTemplate;
  regex: RegExp;
  hasTarget: boolean;
  /** Words the input must have for the regular expression to be worth running. */
  needs: readonly string[];
  /** Groups of words of which the input must have one of each. */
  needsOne: ReadonlyArray<readonly string[]>;
}

type Attempt = { ok: true; decision: Decision } | { ok: false; decision: Decision; weak: boolean };

const none = (intent: IntentName | null, slots: Slots, code: string, reply: string, confidence = 0.8): Decision => ({
  intent, slots, path: 'none', tier: 0, confidence, targets: [], reply, code, ...(intent ? { action: actionOf(intent, slots) } : {}),
});

/**
 * Tier 0 of the router: a deterministic matcher over precompiled templates and a precompiled entity index.
 * Sub-millisecond; speaks Home Assistant's built-in intents and slot names; refuses unexposed entities with a
 * spoken reason.
 */
export class Tier0Router {
  private readonly compiled: Compiled[];
  private readonly cold: Array<{ task: string; regex: RegExp }>;
  private index: EntityIndex;
  private readonly allowlist: Allowlist;

  constructor(snapshot: RegistrySnapshot, allowlist?: Allowlist) {
    this.allowlist = allowlist ?? new Allowlist(allowlistConfigSchema.parse({}));
    this.index = new EntityIndex(snapshot);
    this.compiled = commandTemplates.flatMap((template) =>
      withPlaces(template.sentences).map((sentence) => ({ template, regex: compileTemplate(sentence), hasTarget: /\{(?:target|where)\}/.test(sentence) || template.targetWord !== undefined, needs: [...requiredWords(sentence)], needsOne: requiredAnyOf(sentence) })),
    );
    this.cold = coldTemplates.flatMap((c) => c.sentences.map((s) => ({ task: c.task, regex: compileTemplate(s, { request: '.+' }) })));
  }

  /** Swaps in a new registry (areas, names, aliases changed); states are read by the executor, not from here. */
  updateRegistry(snapshot: RegistrySnapshot): void {
    this.index = new EntityIndex(snapshot);
    this.namesOf.clear();
    this.placeNames = undefined;
  }

  private readonly namesOf = new Map<string, Set<string>>();
  /** Every area's and floor's name and alias, normalised without "the" ({@link isPlace}); built on first use. */
  private placeNames: Set<string> | undefined;
  private twinNames: Set<string> | undefined;

  /** Every name and alias (normalised) of the entities of some domains. */
  private wholeNames(domains: readonly string[]): Set<string> {
    const key = domains.join(',');
    let names = this.namesOf.get(key);
    if (!names) {
      names = new Set(this.index.snapshot.entities.filter((e) => domains.includes(domainOf(e.entity_id))).flatMap((e) => [e.name, ...e.aliases].map(normalizeText)));
      this.namesOf.set(key, names);
    }
    return names;
  }

  /** The entity index in use (the executor reads entity details from it). */
  get entityIndex(): EntityIndex {
    return this.index;
  }

  /** Decides what an utterance means. */
  route(text: string, context: RouteContext = {}): Decision {
    const said = this.plainPlaceWord(normalizeText(text));
    if (!context.awaitingAnswer && isAcknowledgement(said)) return { intent: null, slots: {}, path: 'passive', tier: 0, confidence: 0, targets: [] };
    const later = this.delayed(said, context);
    if (later) return later;
    const moved = this.placeFirst(said);
    const placed = moved ? this.routeNormalised(moved, context) : undefined;
    let first = placed?.path === 'hot' ? placed : this.routeNormalised(said, context);
    if (first.path !== 'hot') {
      // The same command said with a word more or a preposition less: "open the stopcock again", "turn the
      // dehumidifier back on", "what is the thermostat set to upstairs". Taken only when it is then understood.
      let asked: Decision | undefined;
      for (const retry of this.rewrites(said)) {
        const plain = this.routeNormalised(retry, context);
        if (plain.path === 'hot') {
          first = plain;
          break;
        }
        // Understood but short of something ("set the heating to 17 for the night" with no room): the question beats silence.
        if (plain.path === 'none' && plain.intent && plain.code !== 'JARVIS_ROUTE_UNKNOWN_TARGET') asked ??= plain;
      }
      // A target the words after the command hid ("open the front gate for the van", a gate that needs a yes): known beats unknown.
      if ((first.path === 'passive' || first.code === 'JARVIS_ROUTE_UNKNOWN_TARGET') && asked) first = asked;
      if (first.path !== 'hot') first = this.withoutUnknownWord(said, context) ?? first;
    }
    if (first.path !== 'passive') return first;
    // A question asked inside another ("can you check if the door is locked", "tell me whether the lights are on"):
    // the question itself.
    const norm = said;
    const inner = EMBEDDED_QUESTION.exec(norm);
    if (inner) return this.routeNormalised(`${inner[2]} ${inner[1]} ${inner[3]}`, context);
    // "tell me how warm the office is", "remind me what day it is today": the direct question ("how warm is the
    // office"), the question word said with one word or none before its subject.
    // A remark said with the command ("it's stuffy in here, put the fan on", "retract the awning, it's going to
    // rain"): the command alone, when it is one.
    const bare = norm.replace(LEADING_REMARK, '').replace(ARRIVAL_REMARK, '').replace(TRAILING_REMARK, '');
    if (bare !== norm && bare.includes(' ')) {
      const d = this.routeNormalised(bare, context);
      if (d.path !== 'passive') return d;
    }
    const indirect = INDIRECT_QUESTION.exec(norm);
    if (indirect) {
      const [, wh, rest, verb, after] = indirect as unknown as [string, string, string, string, string | undefined];
      const words = rest.split(' ');
      for (const k of [1, 0]) {
        if (words.length < k) continue;
        const direct = [wh, ...words.slice(0, k), verb, ...words.slice(k), after ?? ''].join(' ').trim();
        const d = this.routeNormalised(direct, context);
        if (d.path !== 'passive') return d;
      }
    }
    return first;
  }

  /**
   * "turn off the big ceiling light in the lounge": a word the home does not know, said after an article and before a
   * name, left out when the rest then names one thing (not the word itself).
   */
  private withoutUnknownWord(norm: string, context: RouteContext): Decision | undefined {
    const words = norm.split(' ');
    for (let i = 1; i < words.length - 1; i++) {
      const w = words[i]!;
      if (w.length < 3 || KEEP_WORDS.has(w) || KIND_PHRASES.has(singular(w)) || /\d/.test(w) || this.index.findPlace(w) || !this.index.knowsWord(words[i + 1]!) || !/^(?:the|my|our|a|that|this)$/.test(words[i - 1]!)) continue;
      const plain = this.routeNormalised([...words.slice(0, i), ...words.slice(i + 1)].join(' '), context);
      const named = plain.slots['name'];
      if (plain.path === 'hot' && typeof named === 'string' && !normalizeText(named).split(' ').includes(w)) return plain;
    }
    return undefined;
  }

  /** Other readings of a sentence tier 0 did not act on: a trailing word dropped, "back on" as "on", a place said bare. */
  private rewrites(norm: string): string[] {
    const out: string[] = [];
    if (TRAILING_ADVERB.test(norm)) out.push(norm.replace(TRAILING_ADVERB, ''));
    if (WHO_LEFT_IT.test(norm)) out.push(norm.replace(WHO_LEFT_IT, ''));
    if (TRAILING_PURPOSE.test(norm)) out.push(norm.replace(TRAILING_PURPOSE, ''));
    if (TRAILING_REMARK.test(norm)) out.push(norm.replace(TRAILING_REMARK, ''));
    for (const [re, to] of FRACTIONS) if (re.test(norm)) out.push(norm.replace(re, to));
    // "turn the fan back on", "put the blinds back up": the state asked for.
    if (/ back (?:on|off|up|down)(?: |$)/.test(norm)) out.push(norm.replace(/ back (on|off|up|down)(?= |$)/, ' $1'));
    // "turn the lights off upstairs", "what is the thermostat set to downstairs": a place said without "in".
    const words = norm.split(' ');
    for (const k of [3, 2, 1]) {
      if (words.length <= k + 1) continue;
      const before = words[words.length - k - 1]!;
      if (/^(?:in|on|at|the|of|for|from|into|onto|my|our)$/.test(before)) continue;
      const tail = words.slice(-k).join(' ').replace(/^the /, '');
      if (this.isPlace(tail)) {
        out.push(`${words.slice(0, -k).join(' ')} in ${words.slice(-k).join(' ')}`);
        break;
      }
    }
    return out;
  }

  /**
   * "in the kitchen, could you play some jazz", "in the bedroom, how cold is it": a place said first, before the request
   * (and its politeness): the request with the place after it, as the templates say it.
   */
  private placeFirst(norm: string): string | undefined {
    const lead = /^(?:in|at|on|out in|out on|up in|down in|over in) (.+)$/.exec(norm);
    if (!lead) return undefined;
    const rest = lead[1]!.split(' ');
    for (const k of [4, 3, 2, 1]) {
      if (rest.length <= k + 1) continue;
      const place = rest.slice(0, k).join(' ');
      if (!this.isPlace(place.replace(/^the /, ''))) continue;
      const request = normalizeText(rest.slice(k).join(' '));
      return request.includes(' ') ? `${request} in ${place}` : undefined;
    }
    return undefined;
  }

  /**
   * "switch on the lights down in the cellar", "is anyone up in the loft": "up"/"down"/"out"/"over" before "in <place>"
   * says where the place is, not which way to turn a value, when the sentence already says what to do (on/off, open,
   * close) or asks a question. "turn the heating down in the kitchen" keeps its "down".
   */
  private plainPlaceWord(norm: string): string {
    const m = / (?:up|down|out|over|round) (in|at) (.+)$/.exec(norm);
    if (!m) return norm;
    const before = norm.slice(0, m.index);
    const says = /^(?:is|are|was|were|any|anyone|anybody|someone|somebody|who|what|how|which|where|has|have|did|does|do)\b/.test(before) || / (?:on|off)(?: |$)|^(?:open|close|shut|lock|unlock|start|stop|turn on|turn off|switch on|switch off) /.test(`${before} `);
    if (!says) return norm;
    const rest = m[2]!.split(' ');
    for (const k of [4, 3, 2, 1]) {
      if (rest.length < k) continue;
      if (this.isPlace(rest.slice(0, k).join(' ').replace(/^the /, ''))) return `${before} ${m[1]} ${m[2]}`;
    }
    return norm;
  }

  /** Names (lower case) that more than one exposed thing of the home has, built once. */
  private sharedNames(): ReadonlySet<string> {
    if (!this.twinNames) {
      const seen = new Set<string>();
      this.twinNames = new Set();
      for (const e of this.index.snapshot.entities) {
        if (e.exposed === false) continue;
        const n = e.name.toLowerCase();
        if (seen.has(n)) this.twinNames.add(n);
        seen.add(n);
      }
    }
    return this.twinNames;
  }

  /** Home Assistant's shopping list (the one its shopping-list intents use), if the home has one. */
  private shoppingList(): SnapshotEntity | undefined {
    return this.index.snapshot.entities.find((e) => e.entity_id === 'todo.shopping_list') ?? this.index.snapshot.entities.find((e) => domainOf(e.entity_id) === 'todo' && /shopping/i.test(e.name));
  }

  /** Whether the words are exactly an area's or a floor's name or alias. */
  private isPlace(words: string): boolean {
    if (!this.placeNames) {
      const snap = this.index.snapshot;
      this.placeNames = new Set([...snap.areas, ...(snap.floors ?? [])].flatMap((p) => [p.name, ...(p.aliases ?? [])].map((n) => normalizeText(n).replace(/^the /, ''))));
    }
    return this.placeNames.has(words.trim());
  }

  /**
   * "turn off the lights in 10 minutes", "in an hour open the blinds": Home Assistant's timer with a command to run
   * when it ends (HassStartTimer with `conversation_command`). Recognised, but declined with a reason: the executor
   * cannot run a command later yet, and acting now would be wrong.
   */
  private delayed(norm: string, context: RouteContext): Decision | undefined {
    const m = DELAYED_AFTER.exec(norm) ?? DELAYED_BEFORE.exec(norm);
    if (!m?.groups) return undefined;
    const { command, amount } = m.groups as { command: string; amount: string };
    const d = parseDuration(amount);
    if (!d) return undefined;
    const inner = this.routeNormalised(command, context);
    if (inner.path !== 'hot' || !inner.intent || LOCAL_INTENTS.has(inner.intent) || READ_ONLY.has(inner.intent)) return undefined;
    const slots: Slots = { duration: durationSeconds(d), conversation_command: command };
    return none('HassStartTimer', slots, 'JARVIS_ROUTE_UNSUPPORTED', `I can't run a command later yet. Say "${command}" when you want it.`, 0.9);
  }

  private routeNormalised(norm: string, context: RouteContext): Decision {
    if (!norm) return { intent: null, slots: {}, path: 'passive', tier: 0, confidence: 0, targets: [] };
    const subject = `${norm} `;
    const contextAreaId = context.area ? this.index.findArea(context.area)?.area_id : undefined;
    let failure: Decision | undefined;
    const words = new Set(norm.split(' '));
    for (const c of this.compiled) {
      if (!c.needs.every((w) => words.has(w)) || !c.needsOne.every((g) => g.some((w) => words.has(w)))) continue;
      const m = c.regex.exec(subject);
      if (!m) continue;
      const attempt = this.build(c, slotGroups(m.groups ?? {}), contextAreaId, norm);
      if (attempt.ok) return attempt.decision;
      // A reading whose target is known (ambiguous, needs a room, not allowed) says more than one whose target is not.
      if (!attempt.weak && (!failure || (failure.code === 'JARVIS_ROUTE_UNKNOWN_TARGET' && attempt.decision.code !== 'JARVIS_ROUTE_UNKNOWN_TARGET'))) failure = attempt.decision;
    }
    for (const c of this.cold) {
      const m = c.regex.exec(subject);
      if (m) return { intent: 'JarvisColdTask', slots: { task: c.task, request: norm }, path: 'cold', tier: 0, confidence: 0.8, targets: [] };
    }
    return failure ?? { intent: null, slots: {}, path: 'passive', tier: 0, confidence: 0, targets: [] };
  }

  private build(c: Compiled, groups: Record<string, string | undefined>, contextAreaId: string | undefined, norm: string): Attempt {
    // "shuffle my liked songs in the living room", "i want to hear some abba on the kitchen radio": where it plays,
    // said after the search in a sentence that has no place for it, when those words are a place or a player of the home.
    const search = c.template.intent === 'HassMediaSearchAndPlay' && !c.hasTarget ? /^(.+) (?:in|on) (.+)$/.exec(groups['search_query'] ?? '') : null;
    if (search && (this.isPlace(search[2]!.replace(/^the /, '')) || this.wholeNames(['media_player']).has(search[2]!.replace(/^(?:the|my|our) /, '')))) {
      return this.build({ ...c, hasTarget: true }, { ...groups, search_query: search[1], target: search[2] }, contextAreaId, norm);
    }
    // "play pink floyd on the cabin speaker in the cabin lounge": a player named by its name in a place (Home
    // Assistant's name and area), not a search that ends in the player's name.
    const player = c.template.intent === 'HassMediaSearchAndPlay' && c.hasTarget && groups['target'] !== undefined && this.isPlace(groups['target'].replace(/^the /, ''))
      ? /^(.+) (?:in|on) (.+)$/.exec(groups['search_query'] ?? '') : null;
    if (player && this.wholeNames(['media_player']).has(player[2]!.replace(/^(?:the|my|our) /, ''))) {
      const named = this.build(c, { ...groups, search_query: player[1], target: `${player[2]} in ${groups['target']}` }, contextAreaId, norm);
      if (named.ok) return named;
    }
    // "make the jetty light blue": "light" ends the name before it starts a colour ("light blue"), when it does.
    const shade = groups['color'] !== undefined && groups['target'] !== undefined ? /^(light|dark) (.+)$/.exec(groups['color']) : null;
    if (shade) {
      const asName = this.build(c, { ...groups, target: `${groups['target']} ${shade[1]}`, color: shade[2] }, contextAreaId, norm);
      if (asName.ok && asName.decision.slots['name'] !== undefined) return asName;
    }
    const intent = c.template.intent;
    if (c.template.exactName && !this.wholeNames(c.template.domains ?? []).has(normalizeText(groups['target'] ?? '').replace(/^(?:the|my|our) /, ''))) {
      // Cheap before resolving: a template that takes the whole sentence as a name ("movie time") is tried on every
      // sentence no other template took.
      return { ok: false, decision: none(intent, {}, 'JARVIS_ROUTE_UNKNOWN_TARGET', 'What should I activate?'), weak: true };
    }
    const slots: Slots = { ...(c.template.slots ?? {}) };
    for (const key of ['brightness', 'temperature', 'position', 'volume_level', 'volume_step', 'percentage'] as const) {
      if (groups[key] !== undefined) slots[key] = Number(groups[key]) * (key === 'volume_step' && c.template.negate ? -1 : 1);
    }
    if (groups['color']) slots['color'] = groups['color'];
    if (groups['state']) slots['state'] = STATE_WORDS[groups['state']] ?? groups['state'];
    for (const key of ['item', 'search_query', 'message', 'timer_name', 'response'] as const) if (groups[key]) slots[key] = groups[key];
    // "say that again", "say what": asking Jarvis to repeat or talking about saying, not words to say.
    if (typeof groups['response'] === 'string' && /^(?:that|it|this|what|again|something|anything|nothing|pardon|sorry|so|when|if|yes|no|please)(?: |$)/.test(groups['response'])) {
      return { ok: false, decision: none(intent, {}, 'JARVIS_ROUTE_NO_MATCH', 'Say what?'), weak: true };
    }
    // "stop the timer for a moment": a while, not a timer's name.
    if (typeof slots['timer_name'] === 'string' && /^(?:a |one )?(?:moment|sec|second|bit|while|tick|mo|minute|jiffy)$/.test(slots['timer_name'])) {
      return { ok: false, decision: none(intent, {}, 'JARVIS_ROUTE_NO_MATCH', 'Which timer?'), weak: true };
    }
    // "broadcast everywhere that dinner is ready": the message, not where it goes.
    if (typeof slots['message'] === 'string') slots['message'] = slots['message'].replace(/^(?:everywhere|to all rooms|in every room|to everyone|to everybody) (?:that )?/, '');
    if (groups['media_class']) slots['media_class'] = MEDIA_CLASSES[groups['media_class']] ?? groups['media_class'];
    const fail = (code: string, reply: string, weak = false): Attempt => ({ ok: false, decision: none(intent, slots, code, reply), weak });

    for (const key of ['brightness', 'position', 'volume_level', 'percentage'] as const) {
      const v = slots[key];
      if (typeof v === 'number' && (v > 100 || v < 0)) return fail('JARVIS_ROUTE_OUT_OF_RANGE', `${v} percent is more than I can set.`);
    }
    if (groups['start_duration'] !== undefined) {
      // The length a timer was started with picks the timer: the duration itself unless one is added or taken.
      const d = parseDuration(groups['start_duration']);
      if (!d) return fail('JARVIS_ROUTE_BAD_DURATION', 'I did not understand which timer.', true);
      slots[groups['duration'] === undefined && intent !== 'HassIncreaseTimer' && intent !== 'HassDecreaseTimer' ? 'duration' : 'start_duration'] = durationSeconds(d);
    }
    // "give the pizza five more minutes" is more time for a timer; "give the dog five minutes" is not.
    if (intent === 'HassIncreaseTimer' && /^give /.test(norm) && !/\b(?:more|extra|another)\b/.test(norm)) return fail('JARVIS_ROUTE_NO_MATCH', 'Which timer?', true);
    if (groups['duration'] !== undefined) {
      const d = parseDuration(groups['duration']);
      if (!d) return fail('JARVIS_ROUTE_BAD_DURATION', 'I did not understand how long.', true);
      slots['duration'] = durationSeconds(d);
    } else if (intent === 'HassStartTimer' || intent === 'HassIncreaseTimer' || intent === 'HassDecreaseTimer') {
      return fail('JARVIS_ROUTE_BAD_DURATION', 'For how long?', true);
    }
    if (intent === 'HassMediaSearchAndPlay') {
      const q = String(slots['search_query'] ?? '').replace(/^(?:the|a|an|some)\s+/, '');
      if (NOT_A_SEARCH.test(q) || /^(?:the|a|an|some|my|this|that)?$/.test(q)) return fail('JARVIS_ROUTE_NO_MATCH', 'What should I play?', true);
      // "put some lights on": a kind of device, not something to play.
      if (KIND_PHRASES.has(q.split(' ').map(singular).join(' '))) return fail('JARVIS_ROUTE_NO_MATCH', 'What should I play?', true);
    }

    if (LOCAL_INTENTS.has(intent)) {
      // A timer named by a place ("the kitchen timer", "the timer in the kitchen") is that area's too, as Home
      // Assistant's timer sentences say it; the name stays for the timer list.
      const timerArea = typeof slots['timer_name'] === 'string' && /Timer/.test(intent) && intent !== 'HassStartTimer' ? this.index.findArea(slots['timer_name']) : undefined;
      if (timerArea) slots['area'] = timerArea.name;
      return this.finish(intent, slots, [], 0);
    }

    if (intent === 'HassShoppingListAddItem' || intent === 'HassShoppingListCompleteItem') {
      // "take it off my list": no item named.
      if (/^(?:it|them|that|this|those|these|one|some|everything|all)$/.test(String(slots['item'] ?? ''))) return fail('JARVIS_ROUTE_NO_MATCH', 'Which item?', true);
      const list = this.shoppingList();
      if (!list) return fail('JARVIS_ROUTE_NO_MATCH', 'There is no shopping list in Home Assistant.');
      return this.finish(intent, slots, [list], 0);
    }
    if (intent === 'HassListAddItem' || intent === 'HassListCompleteItem') {
      const said = groups['list'] ?? '';
      // "add it to the list of things I don't care about": no item named.
      if (/^(?:it|them|that|this|those|these|one|some)$/.test(String(slots['item'] ?? ''))) return fail('JARVIS_ROUTE_NO_MATCH', 'What should I add?', true);
      let r = this.index.resolve(said, { domains: ['todo'] });
      // The word "list" is part of some lists' names or aliases ("the jobs list"): with it, when without it fails.
      if ('failure' in r || r.entities.length !== 1) {
        const withWord = this.index.resolve(`${said} list`, { domains: ['todo'] });
        if (!('failure' in withWord) && withWord.entities.length === 1) r = withWord;
      }
      // A place's word in a list's name ("the cabin list" where "the cabin" is an area with no lists): by words.
      const byWords = 'failure' in r || r.entities.length === 0 ? this.index.snapshot.entities.filter((e) => domainOf(e.entity_id) === 'todo' && said.split(' ').some((w) => w.length > 3 && !/^(?:lists?|things|stuff)$/.test(w) && e.name.toLowerCase().includes(singular(w)))) : r.entities;
      // A place resolves without failing even where it holds no list ("put it orange on hall": the Hallway's todo
      // entities, none): only exactly one list is a target.
      const list = byWords.length === 1 ? byWords[0] : undefined;
      if (!list) {
        if (byWords.length > 1) return fail('JARVIS_ROUTE_AMBIGUOUS', `Which list do you mean, ${byWords.map((e) => e.name).join(' or ')}?`);
        return fail('JARVIS_ROUTE_UNKNOWN_TARGET', `I don't know a list called ${said}.`, true);
      }
      // "add cat food to the grocery list": an add to Home Assistant's shopping list said as such is its own intent
      // (HassShoppingListAddItem), as "add it to the shopping list" is.
      if (intent === 'HassListAddItem' && /\b(?:shopping|grocery) list\b/.test(norm) && list === this.shoppingList()) {
        return this.finish('HassShoppingListAddItem', slots, [list], 'failure' in r ? 1 : r.fuzzy);
      }
      slots['list'] = list.name;
      return this.finish(intent, slots, [list], 'failure' in r ? 1 : r.fuzzy);
    }
    if (intent === 'HassGetWeather') {
      const weather = this.index.snapshot.entities.filter((e) => domainOf(e.entity_id) === 'weather');
      let chosen = weather;
      if (groups['name']) {
        const r = this.index.resolve(groups['name'], { domains: ['weather'] });
        if ('failure' in r) return fail('JARVIS_ROUTE_UNKNOWN_TARGET', `I have no weather for ${groups['name']}.`);
        chosen = r.entities;
        slots['name'] = r.entities[0]!.name;
      }
      if (chosen.length === 0) return fail('JARVIS_ROUTE_NO_MATCH', 'There is no weather service in Home Assistant.');
      return this.finish(intent, slots, chosen.slice(0, 1), 0);
    }
    if (intent === 'HassGetState' && slots['domain'] === 'person' && !c.hasTarget) {
      const people = this.index.snapshot.entities.filter((e) => domainOf(e.entity_id) === 'person');
      if (people.length === 0) return fail('JARVIS_ROUTE_NO_MATCH', 'Nobody is set up as a person in Home Assistant.');
      return this.finish(intent, slots, people, 0);
    }

    const intentDomains = INTENT_DOMAINS[intent] ?? {};
    const constraints: TargetConstraints = { contextAreaId };
    let domains = c.template.domains ?? intentDomains.domains;
    const askedState = typeof slots['state'] === 'string' ? STATE_DOMAINS[slots['state']] : undefined;
    if (intent === 'HassGetState' && askedState) domains = askedState;
    if (domains) constraints.domains = domains;
    // Whether a kind of thing is open or shut is what its contact sensors report (a window sensor, not a skylight's motor).
    if (intent === 'HassGetState' && (askedState?.includes('binary_sensor') ?? false)) constraints.preferDomain = 'binary_sensor';
    // What a bare place means: the intent's default kinds, kept to the template's own kinds ("activate the
    // gym scene" is the scenes there, not the lights).
    const own = c.template.domains;
    const defaults = own ? (intentDomains.defaults?.some((d) => own.includes(d)) ? intentDomains.defaults.filter((d) => own.includes(d)) : own) : intentDomains.defaults ?? domains;
    if (defaults) constraints.defaultDomains = defaults;

    if (groups['where'] && !/^(?:here|in here)$/.test(groups['where']) && !this.index.findPlace(groups['where'])) {
      return fail('JARVIS_ROUTE_UNKNOWN_TARGET', `I don't know a place called ${groups['where']}.`, true);
    }
    if (APPLIANCE_INTENTS.has(intent) && groups['target'] === undefined) return this.appliance(intent, slots, groups['where'], defaults ?? [], norm);

    // "it"/"them" stand for the room's devices only after turn/switch ("switch it off"); "stop it", "put it on" are
    // what people say to each other.
    if (groups['target'] !== undefined && /^(?:it|them|that|this)$/.test(groups['target']) && (c.template.weak || !/^(?:turn|switch)\b/.test(norm))) {
      return fail('JARVIS_ROUTE_UNKNOWN_TARGET', 'What should I act on?', true);
    }
    // "have Dusty clean the kitchen": the machine by its name, the place is where it works, not where it stands.
    if (APPLIANCE_INTENTS.has(intent) && groups['target'] !== undefined && groups['where'] !== undefined) {
      const place = this.index.findPlace(groups['where']);
      const machine = this.index.resolve(groups['target'], constraints);
      if (!place || 'failure' in machine) return fail('JARVIS_ROUTE_UNKNOWN_TARGET', `I don't know ${groups['target']} in ${groups['where']}.`, true);
      Object.assign(slots, machine.slots, place.area ? { area: place.area.name } : { floor: place.floor!.name });
      return this.finish(intent, slots, machine.entities, machine.fuzzy);
    }
    // "what's the den temperature" with a sensor called Den Temperature: that sensor's state, as the writers and Home
    // Assistant's sensor sentences read a name said whole ("the temperature in the den" stays the room's).
    const sensorName = intent === 'HassClimateGetTemperature' && groups['target'] ? `${groups['target'].replace(/^(?:the|my|our) /, '')} temperature` : undefined;
    if (sensorName && norm.includes(sensorName) && this.wholeNames(['sensor']).has(sensorName)) {
      const own = this.index.resolve(sensorName, { domains: ['sensor'] });
      if (!('failure' in own) && own.slots.name && own.entities.length === 1) return this.finish('HassGetState', { ...own.slots }, own.entities, own.fuzzy);
    }
    let targetText = groups['target'];
    if (c.template.targetWord) targetText = [c.template.targetWord, targetText ?? ''].join(' ').trim();
    if (groups['where']) targetText = `${targetText ?? ''} in ${groups['where']}`.trim();
    // "which lights are on", "any windows open": the whole home unless a place (or "here") is said.
    if (intent === 'HassGetState' && targetText && slots['state'] !== undefined) {
      const words = targetText.split(' ');
      // A plural kind with no place is the speaker's room when the device has one ("are the lights on").
      if ((words.some((w) => singular(w) !== w && !/ss$/.test(w)) && !contextAreaId) || /\b(?:any|which|what)\b/.test(norm)) targetText = `all ${targetText}`;
    }

    let resolved = this.index.resolve(c.hasTarget && targetText ? targetText : 'here', constraints);
    if (c.template.targetWord && groups['target'] !== undefined) {
      // "the front door battery", "the baby monitor battery": a sensor named for its device, before the device.
      const own = this.index.resolve(`${groups['target']} ${c.template.targetWord}`, constraints);
      if (!('failure' in own) && own.slots.name) resolved = own;
    }
    // A measure asked of a device ("how much power is the heater using") is read from the sensor named for it.
    const measure = intent === 'HassGetState' && groups['target'] !== undefined ? /\b(power|energy|electricity|battery|temperature|humidity)\b/.exec(norm)?.[1] : undefined;
    if (measure && !('failure' in resolved) && resolved.slots.name && resolved.entities.every((e) => domainOf(e.entity_id) !== 'sensor')) {
      const own = this.index.resolve(`${groups['target']} ${measure === 'electricity' ? 'power' : measure}`, {});
      if (!('failure' in own) && own.slots.name && own.entities.length === 1 && domainOf(own.entities[0]!.entity_id) === 'sensor') resolved = own;
    }
    if ('failure' in resolved && resolved.failure === 'no_area' && (!targetText || /^(?:it|them|all|everything)$/.test(targetText))) {
      // No room known: fall back to the only matching entity in the home, if there is exactly one.
      const all = this.index.snapshot.entities.filter((e) => (defaults ?? []).includes(domainOf(e.entity_id)));
      const wanted = MEDIA_WANTS[intent];
      const pool = wanted ? all.filter((e) => e.state === wanted) : all;
      if (pool.length === 1 || (wanted && pool.length > 0)) resolved = { entities: pool.slice(0, 1), slots: {}, fuzzy: 0, usedContextArea: false };
    }
    if ('failure' in resolved) {
      const code = resolved.failure === 'no_area' ? 'JARVIS_ROUTE_NO_AREA' : resolved.failure === 'ambiguous' ? 'JARVIS_ROUTE_AMBIGUOUS' : 'JARVIS_ROUTE_UNKNOWN_TARGET';
      // Words that do not make a thing's name ("close your eyes and go to sleep", "my phone is at ten percent"):
      // overheard speech, not a request for an unknown device.
      const notAThing = resolved.failure === 'unknown' && (targetText ?? '').split(' ').some((w) => NOT_A_THING.test(` ${w} `) && !this.index.knowsWord(w));
      // A question about something the home has no word of ("what does the fox say"): not about a device.
      const strange = READ_ONLY.has(intent) && resolved.failure === 'unknown' && !(targetText ?? '').split(' ').some((w) => !/^(?:the|a|an|my|our|all|any)$/.test(w) && this.index.knowsWord(w));
      // "play some jazz" with no room known is a request to ask where, not overheard speech.
      const askWhere = intent === 'HassMediaSearchAndPlay' && resolved.failure === 'no_area' && MEDIA_REQUEST.test(` ${norm} `);
      // A value for a kind of thing ("bump the thermostat up to 70") is a command even said loosely: ask which.
      const askWhich = resolved.failure !== 'unknown' && VALUE_SLOTS.some((k) => typeof slots[k] === 'number');
      return fail(code, askWhere ? 'Where should I play it?' : resolved.message, (c.template.weak === true && !askWhere && !askWhich) || notAThing || strange || (resolved.failure === 'unknown' && !c.hasTarget));
    }
    let entities = resolved.entities;
    if (intent === 'HassClimateSetTemperature' && entities.length === 0 && !resolved.slots.name && (resolved.slots.area || contextAreaId)) {
      // A room without a thermostat is heated by its floor's ("set it to 20 in here" in a bedroom).
      const areaName = resolved.slots.area;
      const area = this.index.snapshot.areas.find((a) => a.name === areaName) ?? this.index.areasById.get(contextAreaId ?? '');
      const onFloor = area?.floor_id ? this.index.entitiesOnFloor(area.floor_id).filter((e) => domainOf(e.entity_id) === 'climate') : [];
      if (onFloor.length === 1) entities = onFloor;
    }
    if (intent === 'HassClimateGetTemperature' && !entities.some((e) => domainOf(e.entity_id) === 'climate' || e.device_class === 'temperature')) {
      // A room without a thermostat may still have a temperature sensor.
      entities = this.scopeOf(resolved, contextAreaId).filter((e) => e.device_class === 'temperature');
    }
    if (intent === 'HassClimateGetTemperature') {
      entities = entities.filter((e) => domainOf(e.entity_id) === 'climate' || e.device_class === 'temperature');
      // The thermostat reads the room; a sensor in the room reads it better than one elsewhere.
      if (entities.length > 1) entities = [...entities.filter((e) => e.device_class === 'temperature'), ...entities.filter((e) => domainOf(e.entity_id) === 'climate')].slice(0, 1);
    }
    // A temperature sensor asked for by its own name ("what does the cellar temperature say") is a state question, as Home
    // Assistant's temperature intent reads thermostats only.
    if (intent === 'HassClimateGetTemperature' && resolved.slots.name && entities.length === 1 && domainOf(entities[0]!.entity_id) === 'sensor') {
      return this.finish('HassGetState', { ...slots, ...resolved.slots }, entities, resolved.fuzzy);
    }
    if (intent === 'HassClimateGetTemperature' && !resolved.slots.name && entities.length > 0) {
      // The slots say what is read: a room's temperature sensor, or its thermostat.
      const sensor = entities.every((e) => domainOf(e.entity_id) === 'sensor');
      resolved = { ...resolved, slots: { ...resolved.slots, domain: sensor ? 'sensor' : 'climate', ...(sensor ? { device_class: 'temperature' } : {}) } };
      if (!sensor) delete resolved.slots.device_class;
    }
    const wanted = MEDIA_WANTS[intent];
    if (wanted && !resolved.slots.name) {
      const inState = entities.filter((e) => e.state === wanted);
      if (inState.length > 0) entities = inState;
    }
    if (c.template.exactName) {
      // Only the whole name or an alias, said as itself.
      const said = normalizeText(groups['target'] ?? '').replace(/^(?:the|my|our) /, '');
      const e = entities[0];
      if (!resolved.slots.name || !e || ![e.name, ...e.aliases].some((n) => normalizeText(n) === said)) return fail('JARVIS_ROUTE_UNKNOWN_TARGET', 'What should I activate?', true);
    }
    Object.assign(slots, resolved.slots);
    // "nan's kettle" (an alias) where two things are named Kettle: the one meant is said by its name and its area, as
    // Home Assistant tells two of a name apart.
    if (typeof slots['name'] === 'string' && slots['area'] === undefined && entities.length === 1 && entities[0]!.area_id) {
      const one = entities[0]!;
      const area = this.sharedNames().has(one.name.toLowerCase()) ? this.index.areasById.get(one.area_id!) : undefined;
      if (area) slots['area'] = area.name;
    }
    if (entities.length === 0) {
      const what = resolved.slots.device_class ?? resolved.slots.domain ?? (defaults?.[0] ?? 'device').replace(/_/g, ' ');
      const where = resolved.slots.area ? ` in the ${resolved.slots.area}` : resolved.slots.floor ? ` on the ${resolved.slots.floor}` : '';
      return fail('JARVIS_ROUTE_NO_MATCH', `There is no ${(KIND_NAMES[what] ?? what).replace(/_/g, ' ')}${where}.`, c.template.weak === true && !VALUE_SLOTS.some((k) => typeof slots[k] === 'number'));
    }
    // "what's the thermostat reading": a thermostat's state is its temperature, whichever one the room has.
    if (intent === 'HassGetState' && slots['state'] === undefined && entities.length > 0 && entities.every((e) => domainOf(e.entity_id) === 'climate')) {
      return this.finish('HassClimateGetTemperature', { ...slots, domain: 'climate' }, entities.slice(0, 1), resolved.fuzzy);
    }
    if (intent === 'HassGetState' && slots['state'] === undefined && !resolved.slots.name && entities.length > 1 && !c.template.targetWord) {
      return fail('JARVIS_ROUTE_AMBIGUOUS', 'Which one do you mean?', c.template.weak === true);
    }
    if (intent === 'HassMediaSearchAndPlay' && entities.length > 1) entities = entities.slice(0, 1);
    // A binary sensor stores its state as on or off: the state asked is Home Assistant's ("is the patio door open" is
    // `state: on` of a door sensor), by the word lists Home Assistant keeps per device class; words it has no list
    // for (occupied, home) by their plain sense.
    if (typeof slots['state'] === 'string' && entities.length > 0 && entities.every((e) => domainOf(e.entity_id) === 'binary_sensor')) {
      const said = slots['state'];
      const stored = new Set(entities.map((e) => binarySensorState(said, e.device_class ?? undefined) ?? BINARY_STATES[said]));
      const only = stored.size === 1 ? [...stored][0] : undefined;
      if (only) slots['state'] = only;
    }
    // "what's the thermostat at", "what is the heat pump reading": a thermostat's state is its temperature.
    if (intent === 'HassGetState' && slots['state'] === undefined && resolved.slots.name && entities.every((e) => domainOf(e.entity_id) === 'climate')) {
      return this.finish('HassClimateGetTemperature', slots, entities, resolved.fuzzy);
    }
    return this.finish(intent, slots, entities, resolved.fuzzy);
  }

  /** A vacuum or mower: the one named, the ones in the place said, or the only one in the home. */
  private appliance(intent: IntentName, slots: Slots, where: string | undefined, domains: readonly string[], norm: string): Attempt {
    const said = ` ${norm} `;
    // A one-word alias that starts the sentence is the verb ("hoover the hall"), not the machine.
    const asVerb = (n: string): boolean => !n.includes(' ') && new RegExp(`^ ${n} (?:the|my|our|a|an|in|under|around|upstairs|downstairs|everywhere|all) `).test(said);
    const isNamed = (e: SnapshotEntity): boolean => [e.name, ...e.aliases].map(normalizeText).some((n) => said.includes(` ${n} `) && !asVerb(n));
    const everyOne = this.index.snapshot.entities.filter((e) => domains.includes(domainOf(e.entity_id)));
    // One machine named by its name or alias ("send the roomba out" with two vacuums): that one.
    const namedOne = everyOne.filter(isNamed);
    const all = namedOne.length === 1 ? namedOne : everyOne;
    let pool = all;
    if (where) {
      const place = this.index.findPlace(where);
      if (!place) return { ok: false, decision: none(intent, slots, 'JARVIS_ROUTE_UNKNOWN_TARGET', `I don't know a room called ${where}.`), weak: false };
      if (place.area) slots['area'] = place.area.name;
      if (place.floor) slots['floor'] = place.floor.name;
      const local = all.filter((e) => (place.area ? e.area_id === place.area.area_id : this.index.areasById.get(e.area_id ?? '')?.floor_id === place.floor?.floor_id));
      if (local.length > 0) pool = local;
    }
    const kind = domains[0] === 'lawn_mower' ? 'lawn mower' : 'vacuum';
    if (pool.length === 0) return { ok: false, decision: none(intent, slots, 'JARVIS_ROUTE_NO_MATCH', `There is no ${kind} in Home Assistant.`), weak: false };
    if (pool.length > 1) return { ok: false, decision: none(intent, slots, 'JARVIS_ROUTE_AMBIGUOUS', `Which ${kind}: ${pool.slice(0, 3).map((e) => `the ${e.name}`).join(' or ')}?`), weak: false };
    // The name slot when the machine's name or an alias was said ("start the robot vacuum" with that alias).
    const e = pool[0]!;
    if (isNamed(e)) slots['name'] = e.name;
    return this.finish(intent, slots, pool, 0);
  }

  private scopeOf(resolved: ResolvedTarget, contextAreaId: string | undefined): readonly SnapshotEntity[] {
    const area = resolved.slots.area ? this.index.snapshot.areas.find((a) => a.name === resolved.slots.area) : contextAreaId ? this.index.areasById.get(contextAreaId) : undefined;
    return area ? this.index.entitiesInArea(area.area_id) : [];
  }

  private finish(intent: IntentName, slots: Slots, entities: readonly SnapshotEntity[], fuzzy: number): Attempt {
    const readOnly = READ_ONLY.has(intent);
    const allowed: SnapshotEntity[] = [];
    let refused: SnapshotEntity | undefined;
    let reason: string | undefined;
    for (const e of entities) {
      const r = this.allowlist.check(e);
      // Reading a lock's state is harmless; opt-in guards control only.
      if (r === undefined || (readOnly && r === 'needs_opt_in')) allowed.push(e);
      else if (!refused) {
        refused = e;
        reason = r;
      }
    }
    if (allowed.length === 0 && refused) {
      const reply = reason === 'needs_opt_in'
        ? `Sorry, the ${refused.name} needs an explicit opt-in before I can control it. Locks, alarms and doors are protected.`
        : `Sorry, I'm not allowed to control the ${refused.name}. It is not exposed to me in Home Assistant.`;
      return { ok: false, decision: none(intent, slots, reason === 'needs_opt_in' ? 'JARVIS_ROUTE_NEEDS_OPT_IN' : 'JARVIS_ROUTE_NOT_EXPOSED', reply, 0.95), weak: false };
    }
    const confidence = Math.max(0.5, Math.round((1 - 0.1 * fuzzy) * 100) / 100);
    return { ok: true, decision: { intent, slots, path: 'hot', tier: 0, confidence, targets: allowed.map((e) => e.entity_id), action: actionOf(intent, slots) } };
  }
}
