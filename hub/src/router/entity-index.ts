import { domainOf, type RegistrySnapshot, type SnapshotArea, type SnapshotEntity, type SnapshotFloor } from '../home-assistant/index.js';
import { DOMAIN_WORDS, editDistance, fuzzBudget, nameTokens, normalizeText, singular, type DomainWord } from '../language/index.js';

export { DOMAIN_WORDS, type DomainWord } from '../language/index.js';

/** Words that carry no meaning inside a target ("the", "in", ...). */
const FILLERS = new Set(['the', 'a', 'an', 'my', 'our', 'in', 'on', 'at', 'of', 'for', 'to', 'from', 'and', 'please', 'that', 'this', 'those', 'these', 'inside']);
/** Left over after a place is taken out ("the first floor" → floor). */
const PLACE_LEFTOVERS = new Set(['floor', 'room', 'level', 'area', 'storey']);

/** Tokens of a name as said: normalised, fillers dropped, plurals kept ("Living Room Blinds" ≠ "living room blind"). */
function rawTokens(name: string): string[] {
  return normalizeText(name).split(' ').filter((t) => t && !FILLERS.has(t));
}

function phraseTokens(name: string): string[] {
  return nameTokens(name).filter((t) => !FILLERS.has(t));
}
/**
 * Ordinary English words for rooms and places: said as themselves, never stretched into a similar name
 * ("bedroom" is not a misheard "Mudroom"). Misrecognitions are for words that are not already words of a home.
 */
const PLACE_WORDS = [
  'bedroom', 'bathroom', 'kitchen', 'lounge', 'hallway', 'hall', 'garden', 'garage', 'office', 'study', 'nursery', 'porch', 'patio',
  'basement', 'attic', 'den', 'cellar', 'landing', 'closet', 'pantry', 'laundry', 'toilet', 'shower', 'balcony', 'deck', 'yard',
  'driveway', 'shed', 'conservatory', 'playroom', 'gym', 'utility', 'workshop', 'lobby', 'entrance', 'stairs', 'staircase', 'upstairs',
  'downstairs', 'loft', 'ensuite', 'mudroom', 'library', 'cinema', 'kid', 'guest', 'master', 'main', 'spare',
  'front', 'back', 'side', 'living', 'dining', 'family', 'room', 'floor', 'level', 'outside', 'outdoor', 'indoor', 'inside',
  // Words of the commands themselves.
  'timer', 'time', 'volume', 'sound', 'song', 'track', 'weather', 'minute', 'hour', 'second', 'percent', 'degree', 'brightness', 'speed',
  'color', 'colour', 'bright', 'dim', 'warm', 'cool', 'cold', 'hot', 'open', 'close', 'closed', 'lock', 'locked', 'start', 'stop', 'pause',
  'play', 'playing', 'mode', 'scene', 'list', 'item', 'thing', 'everything', 'nothing', 'something', 'anything', 'status', 'level',
  'mow', 'mowing', 'mower', 'vacuum', 'vacuuming', 'cleaning', 'hoovering', 'charging', 'music', 'morning', 'night', 'evening',
];
/** Words never taken as a misrecognition of another word (place words and every kind word). */
const NEVER_FUZZ = new Set([...PLACE_WORDS, ...DOMAIN_WORDS.flatMap((d) => d.phrase.split(' '))].map(singular));
/** A spoken token may stand for a known word: not a word of its own, and two edits only when it starts the same. */
function mayBeMisheard(spoken: string, want: string): boolean {
  if (NEVER_FUZZ.has(spoken) || fuzzBudget(spoken) === 0 || fuzzBudget(want) === 0) return false;
  const d = editDistance(spoken, want, fuzzBudget(spoken));
  return d <= 1 || (d <= fuzzBudget(spoken) && spoken[0] === want[0]);
}

const ALL_WORDS = new Set(['all', 'every', 'everything', 'everywhere', 'both', 'whole', 'entire']);
const HOUSE_WORDS = new Set(['house', 'home', 'everywhere', 'apartment', 'flat']);
const HERE_WORDS = new Set(['here', 'it', 'them']);

/** The result of resolving the words of a target. */
export interface ResolvedTarget {
  /** Every matching entity, before the allowlist (so unexposed ones can be refused by name). */
  entities: SnapshotEntity[];
  slots: { name?: string; area?: string; floor?: string; domain?: string; device_class?: string };
  /** How many spoken words were taken as misrecognitions of a known word. */
  fuzzy: number;
  /** The speaking device's area filled in for an unnamed place. */
  usedContextArea: boolean;
}

/** Why a target could not be resolved, with words fit to speak. */
export interface TargetFailure {
  failure: 'unknown' | 'ambiguous' | 'no_area';
  message: string;
}

/** What the intent allows a target to be. */
export interface TargetConstraints {
  /** Entity domains the intent acts on; undefined = any. */
  domains?: readonly string[];
  /** Domains meant when only a place is named ("turn on the kitchen" → light). */
  defaultDomains?: readonly string[];
  /** Area id of the speaking device. */
  contextAreaId?: string | undefined;
  /**
   * A domain that answers for a kind when the kind is found in it and in others ("are any windows open" with window
   * contact sensors and a motorised skylight: the sensors).
   */
  preferDomain?: string;
}

interface Phrase<T> {
  tokens: string[];
  value: T;
}

interface Span<T> {
  start: number;
  end: number;
  value: T;
  fuzzy: number;
}

/**
 * A precompiled index of names, aliases, areas, floors and domain words for one registry snapshot, so tier 0
 * resolves a target in microseconds. Rebuild it when the registry changes.
 */
export class EntityIndex {
  readonly areasById = new Map<string, SnapshotArea>();
  readonly floorsById = new Map<string, SnapshotFloor>();
  private readonly areaPhrases: Array<Phrase<SnapshotArea>> = [];
  private readonly floorPhrases: Array<Phrase<SnapshotFloor>> = [];
  private readonly domainPhrases: Array<Phrase<DomainWord>> = [];
  private readonly entityPhrases: Array<Phrase<SnapshotEntity>> = [];
  /** token → indexes into entityPhrases that contain it. */
  private readonly tokenToPhrases = new Map<string, number[]>();
  /** Known tokens bucketed by length, for the fuzzy fallback. */
  private readonly vocabulary = new Map<number, string[]>();
  private readonly fuzzyCache = new Map<string, string | null>();
  private readonly entitiesByArea = new Map<string | null, SnapshotEntity[]>();
  /** Owners' names that stand for their rooms only before a thing ("mia's desk lamp", not "stop it leo"). */
  private readonly ownerWords = new Set<string>();
  /** A name or alias exactly as said (plural kept, fillers dropped) → the entities it names. */
  private readonly exactNames = new Map<string, SnapshotEntity[]>();

  constructor(readonly snapshot: RegistrySnapshot) {
    for (const f of snapshot.floors) {
      this.floorsById.set(f.floor_id, f);
      for (const n of [f.name, ...f.aliases]) this.floorPhrases.push({ tokens: phraseTokens(n), value: f });
    }
    for (const a of snapshot.areas) {
      this.areasById.set(a.area_id, a);
      for (const n of [a.name, ...a.aliases]) {
        this.areaPhrases.push({ tokens: phraseTokens(n), value: a });
        // "Mia's Room" is also "mia's" ("mia's desk lamp", "turn off leo's light"); so is someone's flat or annex.
        const owner = /^(\w+)'s (?:room|bedroom|flat|apartment|annex|suite|place|den|nursery)$/i.exec(n.trim());
        if (owner) {
          this.areaPhrases.push({ tokens: phraseTokens(owner[1]!), value: a });
          this.ownerWords.add(phraseTokens(owner[1]!).join(' '));
        }
      }
    }
    for (const d of DOMAIN_WORDS) this.domainPhrases.push({ tokens: phraseTokens(d.phrase), value: d });
    for (const e of snapshot.entities) {
      for (const n of [e.name, ...e.aliases]) {
        const key = rawTokens(n).join(' ');
        const same = this.exactNames.get(key);
        if (same) { if (!same.includes(e)) same.push(e); } else this.exactNames.set(key, [e]);
        const idx = this.entityPhrases.push({ tokens: phraseTokens(n), value: e }) - 1;
        for (const t of new Set(this.entityPhrases[idx]!.tokens)) {
          const list = this.tokenToPhrases.get(t);
          if (list) list.push(idx);
          else this.tokenToPhrases.set(t, [idx]);
        }
      }
      const list = this.entitiesByArea.get(e.area_id);
      if (list) list.push(e);
      else this.entitiesByArea.set(e.area_id, [e]);
    }
    const words = new Set<string>([...this.tokenToPhrases.keys()]);
    for (const p of [...this.areaPhrases, ...this.floorPhrases, ...this.domainPhrases]) for (const t of p.tokens) words.add(t);
    for (const w of words) {
      const bucket = this.vocabulary.get(w.length);
      if (bucket) bucket.push(w);
      else this.vocabulary.set(w.length, [w]);
    }
  }

  /** Whether a spoken word (normalised) is a word of a name, alias, place or kind of this home. */
  knowsWord(word: string): boolean {
    const t = singular(word);
    return (this.vocabulary.get(t.length) ?? []).includes(t);
  }

  /** Finds an area by id, name or alias (case-insensitive); undefined when none. */
  findArea(text: string): SnapshotArea | undefined {
    const byId = this.areasById.get(text);
    if (byId) return byId;
    const tokens = phraseTokens(text);
    return this.areaPhrases.find((p) => p.tokens.join(' ') === tokens.join(' '))?.value;
  }

  /** Entities of an area (all domains). */
  entitiesInArea(areaId: string | null): readonly SnapshotEntity[] {
    return this.entitiesByArea.get(areaId) ?? [];
  }

  /** Entities on a floor. */
  entitiesOnFloor(floorId: string): SnapshotEntity[] {
    return this.snapshot.areas.filter((a) => a.floor_id === floorId).flatMap((a) => this.entitiesInArea(a.area_id));
  }

  /** The known word a spoken token stands for: itself, or the closest known word within its edit budget. */
  private canonical(token: string): { word: string; fuzzy: boolean } | undefined {
    if (this.tokenToPhrases.has(token) || FILLERS.has(token)) return { word: token, fuzzy: false };
    const budget = fuzzBudget(token);
    if (budget === 0 || NEVER_FUZZ.has(token)) return undefined;
    let cached = this.fuzzyCache.get(token);
    if (cached === undefined) {
      cached = null;
      let best = budget + 1;
      for (let len = token.length - budget; len <= token.length + budget; len++) {
        for (const w of this.vocabulary.get(len) ?? []) {
          if (fuzzBudget(w) === 0) continue;
          const d = editDistance(token, w, Math.min(budget, best - 1));
          if (d < best && (d <= 1 || token[0] === w[0])) {
            best = d;
            cached = w;
          }
        }
      }
      if (this.fuzzyCache.size > 10_000) this.fuzzyCache.clear();
      this.fuzzyCache.set(token, cached);
    }
    return cached === null ? undefined : { word: cached, fuzzy: cached !== token };
  }

  /** Longest phrase matching at each position, exact before fuzzy, without overlaps. */
  private findSpans<T>(tokens: string[], phrases: Array<Phrase<T>>, allowFuzzy: boolean): Array<Span<T>> {
    const spans: Array<Span<T>> = [];
    let i = 0;
    while (i < tokens.length) {
      let best: Span<T> | undefined;
      for (const p of phrases) {
        const n = p.tokens.length;
        if (n === 0 || i + n > tokens.length || (best && n <= best.end - best.start && best.fuzzy === 0)) continue;
        let fuzzy = 0;
        let ok = true;
        for (let k = 0; k < n && ok; k++) {
          const spoken = tokens[i + k]!;
          const want = p.tokens[k]!;
          if (spoken === want) continue;
          if (allowFuzzy && mayBeMisheard(spoken, want)) fuzzy++;
          else ok = false;
        }
        if (!ok) continue;
        if (!best || n > best.end - best.start || (n === best.end - best.start && fuzzy < best.fuzzy)) best = { start: i, end: i + n, value: p.value, fuzzy };
      }
      if (best) {
        spans.push(best);
        i = best.end;
      } else i++;
    }
    return spans;
  }

  /** The area or floor a phrase names ("the kitchen", "upstairs"), exact before fuzzy; undefined when none. */
  findPlace(text: string): { area?: SnapshotArea; floor?: SnapshotFloor } | undefined {
    const tokens = text.split(' ').filter(Boolean).map(singular).filter((t) => !FILLERS.has(t));
    for (const fuzzy of [false, true]) {
      const area = this.findSpans(tokens, this.areaPhrases, fuzzy)[0];
      if (area) return { area: area.value };
      const floor = this.findSpans(tokens, this.floorPhrases, fuzzy)[0];
      if (floor) return { floor: floor.value };
    }
    return undefined;
  }

  /** Positions of house words ("flat", "home") that belong to a place or name phrase said around them. */
  private namedHouseWords(tokens: readonly string[]): Set<number> {
    const out = new Set<number>();
    if (!tokens.some((t) => HOUSE_WORDS.has(t))) return out;
    const words = tokens.filter(Boolean);
    const at = tokens.flatMap((t, i) => (t ? [i] : []));
    for (const spans of [this.findSpans(words, this.areaPhrases, false), this.findSpans(words, this.floorPhrases, false)]) {
      for (const sp of spans) for (let k = sp.start; k < sp.end; k++) out.add(at[k]!);
    }
    for (let i = 0; i < words.length; i++) {
      if (!HOUSE_WORDS.has(words[i]!) || out.has(at[i]!)) continue;
      // A name containing the word, said with a neighbour of it ("house alarm").
      for (const idx of this.tokenToPhrases.get(words[i]!) ?? []) {
        const name = this.entityPhrases[idx]!.tokens;
        const k = name.indexOf(words[i]!);
        if ((k > 0 && words[i - 1] === name[k - 1]) || (k >= 0 && k + 1 < name.length && words[i + 1] === name[k + 1])) out.add(at[i]!);
      }
    }
    return out;
  }

  /** Resolves the words of a target ("the kitchen lights", "bedside lamp", "upstairs", "lights in here"). */
  resolve(text: string, constraints: TargetConstraints): ResolvedTarget | TargetFailure {
    // "in this room" is here (not a room whose alias is "our room"); "in all the rooms", "every room" is everywhere.
    const said = text.replace(/\bthis (?:room|area|space)\b|\bthe (?:room|area|space)$/g, 'here').replace(/\b(?:all|every|each) (?:of )?(?:the )?(?:rooms?|areas?)\b/g, 'everywhere');
    const raw = said.split(' ').filter(Boolean);
    const tokens = raw.map(singular);
    const allFlag = tokens.some((t) => ALL_WORDS.has(t));
    const here = tokens.some((t) => HERE_WORDS.has(t));
    // "house", "home", "flat" mean the whole home unless they are words of a place or a name ("Granny Flat",
    // "Home Gym", "House Alarm").
    const partOfName = this.namedHouseWords(tokens.map((t) => (FILLERS.has(t) || ALL_WORDS.has(t) || HERE_WORDS.has(t) ? '' : t)));
    const houseWord = (i: number): boolean => HOUSE_WORDS.has(tokens[i]!) && !partOfName.has(i);
    const house = tokens.some((_, i) => houseWord(i));
    const keep = (t: string, i: number): boolean => !FILLERS.has(t) && !ALL_WORDS.has(t) && !houseWord(i) && !HERE_WORDS.has(t);
    const meaningfulRaw = raw.filter((_, i) => keep(tokens[i]!, i));
    const meaningful = meaningfulRaw.map(singular);
    const domainOk = (e: SnapshotEntity): boolean => !constraints.domains || constraints.domains.includes(domainOf(e.entity_id));

    // A place named in the target: exact first, fuzzy only when nothing matched exactly.
    const placeTokens = meaningful;
    let floorSpans = this.findSpans(placeTokens, this.floorPhrases, false);
    let areaSpans = this.findSpans(placeTokens, this.areaPhrases, false);
    if (floorSpans.length === 0 && areaSpans.length === 0) {
      floorSpans = this.findSpans(placeTokens, this.floorPhrases, true);
      areaSpans = this.findSpans(placeTokens, this.areaPhrases, true);
    }
    // Two places said ("the cabin speaker in the cabin lounge"): the one said last is where; the first is a word of a
    // name there.
    let area: Span<SnapshotArea> | undefined = areaSpans.at(-1);
    let floor: Span<SnapshotFloor> | undefined = area ? undefined : floorSpans[0];
    let placeSpan: Span<SnapshotArea | SnapshotFloor> | undefined = area ?? floor;

    // A name said exactly as the user wrote it wins over place + kind ("living room blinds" is an entity;
    // "kitchen lights" with an entity "Kitchen Light" is the kitchen's lights). A place said by its alias
    // counts as its name ("hall light" → "Hallway Light").
    const exactKeys = [meaningfulRaw.join(' ')];
    // "the christmas tree lights", "the outside temperature sensor": a name with a kind word after it.
    if (meaningfulRaw.length > 1 && /^(?:sensor|light|lights)$/.test(meaningfulRaw.at(-1)!)) exactKeys.push(meaningfulRaw.slice(0, -1).join(' '));
    // A place said by an alias counts as its name for a singular thing ("hall light" → "Hallway Light");
    // plural kinds stay the place's ("lounge blinds" → the living room's blinds).
    if (placeSpan && !meaningfulRaw.some((t) => singular(t) !== t)) {
      const placeName = rawTokens((placeSpan.value as { name: string }).name);
      exactKeys.push([...meaningfulRaw.slice(0, placeSpan.start), ...placeName, ...meaningfulRaw.slice(placeSpan.end)].join(' '));
    }
    for (const key of exactKeys) {
      let exact = (this.exactNames.get(key) ?? []).filter(domainOk);
      // One name in several rooms, told apart by the speaker's room: that room is part of what was meant.
      let byContext: string | undefined;
      if (exact.length > 1 && constraints.contextAreaId) {
        const local = exact.filter((e) => e.area_id === constraints.contextAreaId);
        if (local.length > 0 && new Set(exact.map((e) => e.area_id)).size > 1) byContext = this.areasById.get(constraints.contextAreaId)?.name;
        if (local.length > 0) exact = local;
      }
      if (exact.length > 1 && new Set(exact.map((e) => e.area_id)).size > 1) {
        // One name in several rooms ("Ceiling Light" in the nursery and the gym) with no room to tell: ask.
        const where = exact.slice(0, 3).map((e) => `the ${e.name}${e.area_id && this.areasById.get(e.area_id) ? ` in the ${this.areasById.get(e.area_id)!.name}` : ''}`);
        return { failure: 'ambiguous', message: `Did you mean ${where.join(' or ')}?` };
      }
      if (exact.length > 0 && new Set(exact.map((e) => e.name)).size === 1) {
        return { entities: exact, slots: { name: exact[0]!.name, ...this.domainSlot(exact), ...(byContext ? { area: byContext } : {}) }, fuzzy: 0, usedContextArea: byContext !== undefined };
      }
    }

    const restSaid = placeSpan ? [...placeTokens.slice(0, placeSpan.start), ...placeTokens.slice(placeSpan.end)] : placeTokens;
    let rest = restSaid.filter((t) => !PLACE_LEFTOVERS.has(t));
    if (rest.length !== restSaid.length && rest.length > 0 && placeSpan) {
      // "the living room floor lamp": "floor" is a word of the name in that place, not left over from the place.
      const inSaidPlace = (e: SnapshotEntity): boolean => domainOk(e) && (area ? e.area_id === area.value.area_id : this.areasById.get(e.area_id ?? '')?.floor_id === floor?.value.floor_id);
      const whole = this.matchNames(restSaid, inSaidPlace, false);
      if (whole && whole.score === 1 && new Set(whole.entities.map((e) => e.name)).size === 1) rest = restSaid;
    }
    // A place whose name is also a kind the intent acts on ("open the garage"): the kind, not the room's lights.
    if (rest.length === 0 && placeSpan && constraints.domains) {
      const asKind = this.domainPhrases.find((p) => p.tokens.join(' ') === placeTokens.slice(placeSpan!.start, placeSpan!.end).join(' '))?.value;
      if (asKind && asKind.kinds.some((k) => constraints.domains!.includes(k.domain))) {
        rest = placeTokens.slice(placeSpan.start, placeSpan.end);
        area = undefined;
        floor = undefined;
        placeSpan = undefined;
      }
    }
    let fuzzy = placeSpan?.fuzzy ?? 0;

    const contextArea = constraints.contextAreaId ? this.areasById.get(constraints.contextAreaId) : undefined;
    const scope = (): { entities: readonly SnapshotEntity[]; slots: ResolvedTarget['slots']; usedContext: boolean } | TargetFailure => {
      if (area) return { entities: this.entitiesInArea(area.value.area_id), slots: { area: area.value.name }, usedContext: false };
      if (floor) return { entities: this.entitiesOnFloor(floor.value.floor_id), slots: { floor: floor.value.name }, usedContext: false };
      if ((allFlag || house) && !here) return { entities: this.snapshot.entities, slots: {}, usedContext: false };
      if (contextArea) return { entities: this.entitiesInArea(contextArea.area_id), slots: { area: contextArea.name }, usedContext: true };
      return { failure: 'no_area', message: 'Which room do you mean?' };
    };

    // Only a person's name for their room ("leo" alone): not a place said; "leo's room" is.
    if (rest.length === 0 && area && area.end - area.start === 1 && this.ownerWords.has(placeTokens[area.start]!) && !this.areaPhrases.some((p) => p.value === area!.value && p.tokens.length === 1 && p.tokens[0] === placeTokens[area!.start] && !this.ownerWords.has(p.tokens[0]!))) {
      return { failure: 'unknown', message: `I don't know any device called ${placeTokens.join(' ')}.` };
    }
    // Only a place: the intent's default domains there.
    if (rest.length === 0) {
      if (!placeSpan && !allFlag && !house && !here) return { failure: 'unknown', message: 'I did not catch what to act on.' };
      const s = scope();
      if ('failure' in s) return s;
      const defaults = constraints.defaultDomains ?? constraints.domains;
      const entities = s.entities.filter((e) => !defaults || defaults.includes(domainOf(e.entity_id)));
      const slots: ResolvedTarget['slots'] = { ...s.slots, ...(defaults && defaults.length === 1 ? { domain: defaults[0]! } : {}) };
      const classes = new Set(entities.map((e) => e.device_class));
      if (slots.domain && classes.size === 1 && entities[0]?.device_class) slots.device_class = entities[0].device_class;
      return { entities, slots, fuzzy, usedContextArea: s.usedContext };
    }

    // The rest is a name or alias of one thing in the place said ("the heater in the rec room" with a Space Heater,
    // alias "heater", there): that thing, as Home Assistant matches names before kinds. A plural stays a kind.
    if (placeSpan && rest.length > 0) {
      const inSaid = (this.exactNames.get(meaningfulRaw.filter((_, i) => i < placeSpan!.start || i >= placeSpan!.end).join(' ')) ?? [])
        .filter((e) => domainOk(e) && (area ? e.area_id === area.value.area_id : this.areasById.get(e.area_id ?? '')?.floor_id === floor?.value.floor_id));
      if (inSaid.length === 1) {
        const s = area ? { area: area.value.name } : { floor: floor!.value.name };
        return { entities: inSaid, slots: { name: inSaid[0]!.name, ...this.domainSlot(inSaid), ...s }, fuzzy: placeSpan.fuzzy, usedContextArea: false };
      }
    }
    // The rest is a kind of thing ("lights", "garage door"): that kind in the place.
    const restText = rest.join(' ');
    const domainWord = this.domainPhrases.find((p) => p.tokens.join(' ') === restText)?.value;
    if (domainWord) {
      const kinds = domainWord.kinds.filter((k) => !constraints.domains || constraints.domains.includes(k.domain));
      if (kinds.length > 0) {
        const matches = (e: SnapshotEntity): boolean =>
          kinds.some((k) => domainOf(e.entity_id) === k.domain && (!k.deviceClass || e.device_class === k.deviceClass || (k.domain === 'media_player' && !e.device_class)));
        let s = scope();
        if ('failure' in s) {
          // No room known: a kind the home has exactly one of ("shut the garage") needs none.
          const only = this.snapshot.entities.filter(matches);
          if (only.length !== 1) return s;
          s = { entities: only, slots: {}, usedContext: false };
        }
        let entities = s.entities.filter(matches);
        const preferred = constraints.preferDomain ? entities.filter((e) => domainOf(e.entity_id) === constraints.preferDomain) : [];
        if (preferred.length > 0) entities = preferred;
        // The domain of what was found ("is the window open": a window sensor, not a window cover), else the kind's.
        const found = new Set(entities.map((e) => domainOf(e.entity_id)));
        const slots: ResolvedTarget['slots'] = { ...s.slots, domain: found.size === 1 ? [...found][0]! : kinds[0]!.domain };
        const classes = new Set(kinds.map((k) => k.deviceClass));
        if (classes.size === 1 && kinds[0]!.deviceClass) slots.device_class = kinds[0]!.deviceClass;
        // None of that kind in the place said: the words may be a name instead ("the patio door" is the Patio
        // Door Sensor in the kitchen when the patio has no door).
        const asName = entities.length === 0 && placeSpan ? this.matchNames(meaningful, domainOk, false) : undefined;
        if (!asName || asName.score < 0.5 || new Set(asName.entities.map((e) => e.name)).size !== 1) return { entities, slots, fuzzy, usedContextArea: s.usedContext };
      }
    }

    // A name or alias: within the named place if any, else anywhere (the speaker's area breaks ties).
    const inPlace = (e: SnapshotEntity): boolean =>
      area ? e.area_id === area.value.area_id : floor ? this.areasById.get(e.area_id ?? '')?.floor_id === floor.value.floor_id : true;
    let named = placeSpan ? this.matchNames(rest, (e) => domainOk(e) && inPlace(e), true) : undefined;
    let placeInName = false;
    if (!named || named.score < 1) {
      // Names often contain the place ("Kitchen Light"): try the whole target too.
      const whole = this.matchNames(meaningful, domainOk, true);
      if (whole && (!named || whole.score > named.score)) {
        named = whole;
        fuzzy = 0;
        placeInName = true;
      }
    }
    if (!named || named.score < 1) {
      // A name followed or preceded by a kind word ("the christmas tree lights", "the outside temperature sensor").
      for (const d of this.domainPhrases) {
        const n = d.tokens.length;
        const tail = meaningful.length > n && meaningful.slice(-n).join(' ') === d.tokens.join(' ') ? meaningful.slice(0, -n) : undefined;
        const head = meaningful.length > n && meaningful.slice(0, n).join(' ') === d.tokens.join(' ') ? meaningful.slice(n) : undefined;
        for (const part of [tail, head]) {
          if (!part) continue;
          const m = this.matchNames(part, domainOk, true);
          if (m && m.score === 1 && (!named || m.score > named.score)) {
            named = m;
            fuzzy = 0;
            placeInName = true;
          }
        }
      }
    }
    if (!named) {
      // Part of a name with its kind ("the driveway light" for "Driveway Floodlight", "the island lights" for
      // "Island Pendants"): only when one thing of that kind has those words and they are at least half its name.
      for (const d of this.domainPhrases) {
        const n = d.tokens.length;
        if (!(meaningful.length > n && meaningful.slice(-n).join(' ') === d.tokens.join(' '))) continue;
        const ofKind = (e: SnapshotEntity): boolean => domainOk(e) && d.value.kinds.some((k) => domainOf(e.entity_id) === k.domain && (!k.deviceClass || e.device_class === k.deviceClass));
        const m = this.matchNames(meaningful.slice(0, -n), ofKind, false);
        if (m && m.score >= 0.5 && new Set(m.entities.map((e) => e.name)).size === 1) {
          named = m;
          placeInName = true;
        }
      }
    }
    if (!named) return { failure: 'unknown', message: `I don't know any device called ${restText}.` };
    fuzzy += named.fuzzy;
    let entities = named.entities;
    let byContext = false;
    if (entities.length > 1 && contextArea) {
      const local = entities.filter((e) => e.area_id === contextArea.area_id);
      if (local.length > 0 && !placeSpan && new Set(entities.map((e) => e.area_id)).size > 1) byContext = true;
      if (local.length > 0) entities = local;
    }
    const names = new Set(entities.map((e) => e.name.toLowerCase()));
    // A word several names share, said in the plural ("the pendants" for Pendant 1–3): all of them, by kind.
    const plural = meaningfulRaw.some((t) => singular(t) !== t && !/ss$/.test(t));
    const kinds = new Set(entities.map((e) => domainOf(e.entity_id)));
    if (names.size > 1 && plural && named.score < 1 && kinds.size === 1) {
      const slots: ResolvedTarget['slots'] = { domain: [...kinds][0]! };
      if (area) slots.area = area.value.name;
      else if (floor) slots.floor = floor.value.name;
      else if (byContext && contextArea) slots.area = contextArea.name;
      return { entities, slots, fuzzy, usedContextArea: byContext };
    }
    if (names.size > 1) {
      return { failure: 'ambiguous', message: `Did you mean ${entities.slice(0, 3).map((e) => `the ${e.name}`).join(' or ')}?` };
    }
    const slots: ResolvedTarget['slots'] = { name: entities[0]!.name, ...this.domainSlot(entities) };
    if (byContext && contextArea) slots.area = contextArea.name;
    if (area && !placeInName) slots.area = area.value.name;
    if (floor && !placeInName) slots.floor = floor.value.name;
    return { entities, slots, fuzzy, usedContextArea: false };
  }

  private domainSlot(entities: readonly SnapshotEntity[]): { domain?: string; device_class?: string } {
    const domains = new Set(entities.map((e) => domainOf(e.entity_id)));
    const classes = new Set(entities.map((e) => e.device_class));
    const cls = classes.size === 1 ? [...classes][0] : undefined;
    return { ...(domains.size === 1 ? { domain: [...domains][0]! } : {}), ...(cls ? { device_class: cls } : {}) };
  }

  /**
   * Entities whose name or alias best covers the spoken tokens: every spoken word must belong to the name
   * (misrecognitions allowed); score 1 means the whole name was said.
   */
  private matchNames(spoken: string[], accept: (e: SnapshotEntity) => boolean, allowFuzzy: boolean): { entities: SnapshotEntity[]; score: number; fuzzy: number } | undefined {
    if (spoken.length === 0) return undefined;
    const words: string[] = [];
    let fuzzy = 0;
    for (const t of spoken) {
      const c = allowFuzzy ? this.canonical(t) : this.tokenToPhrases.has(t) ? { word: t, fuzzy: false } : undefined;
      if (!c) return undefined;
      if (c.fuzzy) fuzzy++;
      words.push(c.word);
    }
    const candidates = this.tokenToPhrases.get(words[0]!) ?? [];
    let bestScore = 0;
    let best: SnapshotEntity[] = [];
    for (const idx of candidates) {
      const phrase = this.entityPhrases[idx]!;
      if (!accept(phrase.value)) continue;
      // Spoken words in order as a subsequence of the name's words.
      let k = 0;
      for (const t of phrase.tokens) if (k < words.length && t === words[k]) k++;
      // Out of order only as a whole other word order of the name ("the sprinklers in the garden" for "Garden
      // Sprinklers"), a little below the name said in order.
      const unordered = k < words.length && words.length > 1 && words.every((w) => phrase.tokens.includes(w)) && new Set(words).size === words.length;
      if (k < words.length && !unordered) continue;
      const score = (words.length / phrase.tokens.length) * (unordered ? 0.99 : 1);
      if (score > bestScore) {
        bestScore = score;
        best = [phrase.value];
      } else if (score === bestScore && !best.includes(phrase.value)) best.push(phrase.value);
    }
    if (best.length === 0) return undefined;
    // A partial name ("lamp" for "Reading Lamp") must at least be a whole word of a single name.
    return { entities: best, score: bestScore, fuzzy };
  }
}
