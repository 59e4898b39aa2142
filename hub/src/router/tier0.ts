import { Allowlist, allowlistConfigSchema } from '../home-assistant/allowlist.js';
import { domainOf, type RegistrySnapshot, type SnapshotEntity } from '../home-assistant/registry-snapshot.js';
import { parseDuration, type SpokenDuration } from '../language/duration.js';
import { EntityIndex, type ResolvedTarget, type TargetConstraints } from './entity-index.js';
import { normalizeText } from '../language/normalize.js';
import { coldTemplates, commandTemplates, compileTemplate, type CommandTemplate } from '../language/templates.js';
import type { Decision, IntentName, RouteContext, Slots } from '../language/intents.js';

const ON_OFF_DOMAINS = ['light', 'switch', 'fan', 'input_boolean', 'media_player', 'climate', 'scene', 'script', 'humidifier', 'vacuum'];

/** Domains each intent acts on, and what a bare place means for it. */
const INTENT_DOMAINS: Partial<Record<IntentName, { domains?: readonly string[]; defaults?: readonly string[] }>> = {
  HassTurnOn: { domains: ON_OFF_DOMAINS, defaults: ['light'] },
  HassTurnOff: { domains: ON_OFF_DOMAINS, defaults: ['light'] },
  HassToggle: { defaults: ['light'] },
  HassLightSet: { domains: ['light'], defaults: ['light'] },
  HassClimateSetTemperature: { domains: ['climate'], defaults: ['climate'] },
  HassClimateGetTemperature: { domains: ['climate', 'sensor'], defaults: ['climate'] },
  HassSetPosition: { domains: ['cover', 'valve'], defaults: ['cover'] },
  HassSetVolume: { domains: ['media_player'], defaults: ['media_player'] },
  HassMediaPause: { domains: ['media_player'], defaults: ['media_player'] },
  HassMediaUnpause: { domains: ['media_player'], defaults: ['media_player'] },
  HassMediaNext: { domains: ['media_player'], defaults: ['media_player'] },
  HassMediaPrevious: { domains: ['media_player'], defaults: ['media_player'] },
  HassListAddItem: { domains: ['todo'] },
  HassGetWeather: { domains: ['weather'] },
};

/** Intents that act on nothing in Home Assistant. */
const LOCAL_INTENTS = new Set<IntentName>(['HassNevermind', 'HassStartTimer', 'HassCancelTimer', 'HassTimerStatus', 'HassGetCurrentTime', 'HassGetCurrentDate']);
/** Media intents pick the player in the right state when none is named. */
const MEDIA_WANTS: Partial<Record<IntentName, string>> = { HassMediaPause: 'playing', HassMediaNext: 'playing', HassMediaPrevious: 'playing', HassSetVolume: 'playing', HassMediaUnpause: 'paused' };

interface Compiled {
  template: CommandTemplate;
  regex: RegExp;
  hasTarget: boolean;
}

type Attempt = { ok: true; decision: Decision } | { ok: false; decision: Decision; weak: boolean };

const none = (intent: IntentName | null, slots: Slots, code: string, reply: string, confidence = 0.8): Decision => ({
  intent, slots, path: 'none', tier: 0, confidence, targets: [], reply, code,
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
      template.sentences.map((sentence) => ({ template, regex: compileTemplate(sentence), hasTarget: sentence.includes('{target}') })),
    );
    this.cold = coldTemplates.flatMap((c) => c.sentences.map((s) => ({ task: c.task, regex: compileTemplate(s, { request: '.+' }) })));
  }

  /** Swaps in a new registry (areas, names, aliases changed); states are read by the executor, not from here. */
  updateRegistry(snapshot: RegistrySnapshot): void {
    this.index = new EntityIndex(snapshot);
  }

  /** The entity index in use (the executor reads entity details from it). */
  get entityIndex(): EntityIndex {
    return this.index;
  }

  /** Decides what an utterance means. */
  route(text: string, context: RouteContext = {}): Decision {
    const norm = normalizeText(text);
    if (!norm) return { intent: null, slots: {}, path: 'passive', tier: 0, confidence: 0, targets: [] };
    const subject = `${norm} `;
    const contextAreaId = context.area ? this.index.findArea(context.area)?.area_id : undefined;
    let failure: Decision | undefined;
    for (const c of this.compiled) {
      const m = c.regex.exec(subject);
      if (!m) continue;
      const attempt = this.build(c, m.groups ?? {}, contextAreaId);
      if (attempt.ok) return attempt.decision;
      if (!attempt.weak) failure ??= attempt.decision;
    }
    for (const c of this.cold) {
      const m = c.regex.exec(subject);
      if (m) return { intent: 'JarvisColdTask', slots: { task: c.task, request: norm }, path: 'cold', tier: 0, confidence: 0.8, targets: [] };
    }
    return failure ?? { intent: null, slots: {}, path: 'passive', tier: 0, confidence: 0, targets: [] };
  }

  private build(c: Compiled, groups: Record<string, string | undefined>, contextAreaId: string | undefined): Attempt {
    const intent = c.template.intent;
    const slots: Slots = { ...(c.template.slots ?? {}) };
    for (const key of ['brightness', 'temperature', 'position', 'volume_level'] as const) {
      if (groups[key] !== undefined) slots[key] = Number(groups[key]);
    }
    if (groups['color']) slots['color'] = groups['color'];
    if (groups['state']) slots['state'] = groups['state'];
    if (groups['item']) slots['item'] = groups['item'];
    if (groups['timer_name']) slots['name'] = groups['timer_name'];
    const fail = (code: string, reply: string, weak = false): Attempt => ({ ok: false, decision: none(intent, slots, code, reply), weak });

    for (const key of ['brightness', 'position', 'volume_level'] as const) {
      const v = slots[key];
      if (typeof v === 'number' && v > 100) return fail('JARVIS_ROUTE_OUT_OF_RANGE', `${v} percent is more than I can set.`);
    }
    if (groups['duration'] !== undefined) {
      const d = parseDuration(groups['duration']);
      if (!d) return fail('JARVIS_ROUTE_BAD_DURATION', 'I did not understand how long.', true);
      const prefix = intent === 'HassCancelTimer' ? 'start_' : '';
      for (const [k, v] of Object.entries(d) as Array<[keyof SpokenDuration, number]>) slots[`${prefix}${k}`] = v;
    } else if (intent === 'HassStartTimer') return fail('JARVIS_ROUTE_BAD_DURATION', 'For how long?', true);

    if (LOCAL_INTENTS.has(intent)) return { ok: true, decision: { intent, slots, path: 'hot', tier: 0, confidence: 1, targets: [] } };

    if (intent === 'HassShoppingListAddItem') {
      const list = this.index.snapshot.entities.find((e) => e.entity_id === 'todo.shopping_list') ?? this.index.snapshot.entities.find((e) => domainOf(e.entity_id) === 'todo' && /shopping/i.test(e.name));
      if (!list) return fail('JARVIS_ROUTE_NO_MATCH', 'There is no shopping list in Home Assistant.');
      return this.finish(intent, slots, [list], 0);
    }
    if (intent === 'HassListAddItem') {
      const r = this.index.resolve(groups['name'] ?? '', { domains: ['todo'] });
      if ('failure' in r) return fail('JARVIS_ROUTE_UNKNOWN_TARGET', `I don't know a list called ${groups['name'] ?? ''}.`, true);
      slots['name'] = r.entities[0]!.name;
      return this.finish(intent, slots, r.entities.slice(0, 1), r.fuzzy);
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

    const intentDomains = INTENT_DOMAINS[intent] ?? {};
    const constraints: TargetConstraints = { contextAreaId };
    const domains = c.template.domains ?? intentDomains.domains;
    if (domains) constraints.domains = domains;
    const defaults = intentDomains.defaults ?? domains;
    if (defaults) constraints.defaultDomains = defaults;

    let resolved = this.index.resolve(c.hasTarget ? (groups['target'] ?? '') : 'here', constraints);
    if ('failure' in resolved && !c.hasTarget && resolved.failure === 'no_area') {
      // No room known: fall back to the only matching entity in the home, if there is exactly one.
      const all = this.index.snapshot.entities.filter((e) => (defaults ?? []).includes(domainOf(e.entity_id)));
      const wanted = MEDIA_WANTS[intent];
      const pool = wanted ? all.filter((e) => e.state === wanted) : all;
      if (pool.length === 1 || (wanted && pool.length > 0)) resolved = { entities: pool, slots: {}, fuzzy: 0, usedContextArea: false };
    }
    if ('failure' in resolved) {
      const code = resolved.failure === 'no_area' ? 'JARVIS_ROUTE_NO_AREA' : resolved.failure === 'ambiguous' ? 'JARVIS_ROUTE_AMBIGUOUS' : 'JARVIS_ROUTE_UNKNOWN_TARGET';
      return fail(code, resolved.message, c.template.weak === true || resolved.failure === 'unknown' && !c.hasTarget);
    }
    let entities = resolved.entities;
    if (intent === 'HassClimateGetTemperature' && !entities.some((e) => domainOf(e.entity_id) === 'climate' || e.device_class === 'temperature')) {
      // A room without a thermostat may still have a temperature sensor.
      entities = this.scopeOf(resolved, contextAreaId).filter((e) => e.device_class === 'temperature');
    }
    if (intent === 'HassClimateGetTemperature') entities = entities.filter((e) => domainOf(e.entity_id) === 'climate' || e.device_class === 'temperature');
    const wanted = MEDIA_WANTS[intent];
    if (wanted && !resolved.slots.name) {
      const inState = entities.filter((e) => e.state === wanted);
      if (inState.length > 0) entities = inState;
    }
    Object.assign(slots, resolved.slots);
    if (entities.length === 0) {
      const what = resolved.slots.device_class ?? resolved.slots.domain ?? (defaults?.[0] ?? 'device').replace(/_/g, ' ');
      const where = resolved.slots.area ? ` in the ${resolved.slots.area}` : resolved.slots.floor ? ` on the ${resolved.slots.floor}` : '';
      return fail('JARVIS_ROUTE_NO_MATCH', `There is no ${what}${where}.`, c.template.weak === true);
    }
    if (intent === 'HassGetState' && slots['state'] === undefined && !resolved.slots.name && entities.length > 1) {
      return fail('JARVIS_ROUTE_AMBIGUOUS', 'Which one do you mean?', c.template.weak === true);
    }
    return this.finish(intent, slots, entities, resolved.fuzzy);
  }

  private scopeOf(resolved: ResolvedTarget, contextAreaId: string | undefined): readonly SnapshotEntity[] {
    const area = resolved.slots.area ? this.index.snapshot.areas.find((a) => a.name === resolved.slots.area) : contextAreaId ? this.index.areasById.get(contextAreaId) : undefined;
    return area ? this.index.entitiesInArea(area.area_id) : [];
  }

  private finish(intent: IntentName, slots: Slots, entities: readonly SnapshotEntity[], fuzzy: number): Attempt {
    const readOnly = intent === 'HassGetState' || intent === 'HassClimateGetTemperature' || intent === 'HassGetWeather';
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
      if (!slots['name'] && entities.length === 1) slots['name'] = refused.name;
      return { ok: false, decision: none(intent, slots, reason === 'needs_opt_in' ? 'JARVIS_ROUTE_NEEDS_OPT_IN' : 'JARVIS_ROUTE_NOT_EXPOSED', reply, 0.95), weak: false };
    }
    const confidence = Math.max(0.5, Math.round((1 - 0.1 * fuzzy) * 100) / 100);
    return { ok: true, decision: { intent, slots, path: 'hot', tier: 0, confidence, targets: allowed.map((e) => e.entity_id) } };
  }
}
