import { HomeAssistantError } from './errors.js';
import type { ServiceCaller, ServiceTarget } from './client.js';
import { domainOf, type SnapshotEntity } from './registry-snapshot.js';
import { silentLogger, type Logger } from '../core/index.js';
import { binarySensorWord, describeDuration, COLORS, type Decision } from '../language/index.js';

/** A service call the executor made (or would have made). */
export interface ExecutedCall {
  domain: string;
  service: string;
  data: Record<string, unknown>;
  target: ServiceTarget;
}

/** The outcome of executing a decision: what to say and what was done. */
export interface ExecutionResult {
  ok: boolean;
  /** Text for the device (`cmd/say`) and the voice run; empty when there is nothing to say. */
  reply: string;
  calls: ExecutedCall[];
  code?: string;
  taskId?: string;
}

/** A state as the executor reads it (the HA client's live states, or a snapshot). */
export interface EntityStateView {
  state: string;
  attributes: Record<string, unknown>;
}

/** A timer as the executor speaks about it. */
export interface ExecutorTimer {
  name?: string | undefined;
  /** Seconds left when it was paused; undefined while running. */
  pausedLeftS?: number | undefined;
}

/** Which timer a request means (by name, or by the duration it was started with). */
export interface ExecutorTimerQuery {
  name?: string | undefined;
  startSeconds?: number | undefined;
}

/**
 * The hub-local timers the timer intents act on (router/'s `TimerService` is one). The executor carries the
 * decision out and does not know who keeps the timers, so it imports nothing of the router that decided.
 */
export interface ExecutorTimers {
  add(durationS: number, options: { name?: string | undefined; area?: string | undefined; deviceId?: string | undefined }): unknown;
  cancel(query: ExecutorTimerQuery): ExecutorTimer | undefined;
  cancelAll(): number;
  extend(query: ExecutorTimerQuery, seconds: number): ExecutorTimer | undefined;
  pause(query: ExecutorTimerQuery): ExecutorTimer | undefined;
  resume(query: ExecutorTimerQuery): ExecutorTimer | undefined;
  list(): ExecutorTimer[];
  remainingS(timer: ExecutorTimer): number;
}

/** A heavy request the router decided to hand to a worker (`router.summarise`, ...). */
export interface ColdTaskRequest {
  type: string;
  payload: { task: string; request: string; text: string; deviceId?: string | undefined; area?: string | undefined };
}

/** Where cold requests are queued (router/'s cold replies in front of the tasks part). */
export interface ColdTaskSink {
  enqueue(task: ColdTaskRequest): Promise<{ id: string }> | { id: string };
}

/** What the executor needs from the rest of the hub. */
export interface ExecutorDeps {
  ha: ServiceCaller;
  /** Live state of an entity (the HA client's `getState`). */
  getState(entityId: string): EntityStateView | undefined;
  /** Registry entry of an entity, for names in replies. */
  getEntity(entityId: string): SnapshotEntity | undefined;
  timers: ExecutorTimers;
  tasks?: ColdTaskSink | undefined;
  /** A last check before acting: false refuses the entity even if the router allowed it. */
  allows?: ((entityId: string) => boolean) | undefined;
  now?: () => Date;
  timeZone?: string;
  logger?: Logger;
  /** Entity ids of Home Assistant's voice satellites (`assist_satellite.*`), which get a broadcast too. */
  satellites?: (() => readonly string[]) | undefined;
  /** Says a broadcast on every Jarvis device (HassBroadcast); Home Assistant's satellites get `assist_satellite.announce`. */
  broadcast?: ((message: string, context: ExecutionContext) => Promise<void> | void) | undefined;
}

/** Where and when the command was spoken. */
export interface ExecutionContext {
  /** When the command was issued (end of speech), ms; stale commands are dropped by the HA client. */
  issuedAt?: number;
  deviceId?: string | undefined;
  /** Area id of the speaking device. */
  areaId?: string | undefined;
}

const ON: Record<string, string> = { cover: 'open_cover', valve: 'open_valve', lock: 'lock', vacuum: 'start', lawn_mower: 'start_mowing' };
const OFF: Record<string, string> = { cover: 'close_cover', valve: 'close_valve', lock: 'unlock', vacuum: 'return_to_base', lawn_mower: 'dock' };
/** What Jarvis says to HassRespond's small talk (HA's `response` values). */
const RESPONSES: Record<string, string> = {
  hello: 'Hello!',
  listening: 'I only listen for commands after the wake word or the button, and a muted device sends nothing at all.',
  data: 'Your voice stays in this house: the hub transcribes it and keeps only a few minutes of text in memory.',
  commands: 'You can ask me to turn things on and off, set timers, add to your lists, play music, and ask how things are.',
  creator: "I'm Jarvis, running on your own hub.",
};

/** Services of the intents that are one call on their targets, with the reply. */
const SIMPLE: Record<string, [string, string, Record<string, unknown>, string]> = {
  HassVacuumStart: ['vacuum', 'start', {}, 'Starting the vacuum.'],
  HassVacuumReturnToBase: ['vacuum', 'return_to_base', {}, 'Sending the vacuum back to its base.'],
  HassLawnMowerStartMowing: ['lawn_mower', 'start_mowing', {}, 'Starting the mower.'],
  HassLawnMowerDock: ['lawn_mower', 'dock', {}, 'Sending the mower back to its dock.'],
  HassMediaPlayerMute: ['media_player', 'volume_mute', { is_volume_muted: true }, 'Muted.'],
  HassMediaPlayerUnmute: ['media_player', 'volume_mute', { is_volume_muted: false }, 'Unmuted.'],
};
const MEDIA: Record<string, [string, string]> = {
  HassMediaPause: ['media_pause', 'Paused.'],
  HassMediaUnpause: ['media_play', 'Resumed.'],
  HassMediaNext: ['media_next_track', 'Playing the next track.'],
  HassMediaPrevious: ['media_previous_track', 'Playing the previous track.'],
};

function groupByDomain(ids: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const id of ids) {
    const d = domainOf(id);
    const list = out.get(d);
    if (list) list.push(id);
    else out.set(d, [id]);
  }
  return out;
}

/**
 * Turns hot decisions into Home Assistant service calls or hub-local answers (timers, time, date), cold ones into
 * queued tasks, and returns the reply to speak.
 */
export class DecisionExecutor {
  private readonly log: Logger;

  constructor(private readonly deps: ExecutorDeps) {
    this.log = deps.logger ?? silentLogger();
  }

  /** Executes one decision. Never throws: failures come back as `ok: false` with a code and a spoken reply. */
  async execute(decision: Decision, context: ExecutionContext = {}): Promise<ExecutionResult> {
    try {
      return await this.run(decision, context);
    } catch (err) {
      const code = err instanceof HomeAssistantError ? err.code : 'JARVIS_ROUTE_EXEC_FAILED';
      this.log.warn({ err, intent: decision.intent, code }, 'executing a decision failed');
      const reply = code === 'JARVIS_HA_STALE_COMMAND' || code === 'JARVIS_HA_NOT_CONNECTED' || code === 'JARVIS_HA_CONNECTION_LOST'
        ? "Sorry, I couldn't reach Home Assistant, so I did nothing."
        : 'Sorry, Home Assistant could not do that.';
      return { ok: false, reply, calls: [], code };
    }
  }

  private name(id: string): string {
    return this.deps.getEntity(id)?.name ?? id;
  }

  private what(decision: Decision): string {
    const s = decision.slots;
    if (typeof s['name'] === 'string' && decision.targets.length === 1) return `the ${s['name']}`;
    if (decision.targets.length === 1) return `the ${this.name(decision.targets[0]!)}`;
    const kind = (typeof s['device_class'] === 'string' ? s['device_class'] : typeof s['domain'] === 'string' ? s['domain'] : 'device').replace(/_/g, ' ');
    const where = typeof s['area'] === 'string' ? ` in the ${s['area']}` : typeof s['floor'] === 'string' ? ` on the ${s['floor']}` : '';
    return `the ${kind}s${where}`;
  }

  private async call(calls: ExecutedCall[], domain: string, service: string, data: Record<string, unknown>, ids: readonly string[], context: ExecutionContext): Promise<void> {
    const target: ServiceTarget = { entity_id: ids.length === 1 ? ids[0]! : [...ids] };
    await this.deps.ha.callService(domain, service, data, target, context.issuedAt !== undefined ? { issuedAt: context.issuedAt } : {});
    calls.push({ domain, service, data, target });
  }

  private async run(decision: Decision, context: ExecutionContext): Promise<ExecutionResult> {
    if (decision.path === 'passive') return { ok: true, reply: '', calls: [] };
    if (decision.path === 'none') return { ok: false, reply: decision.reply ?? "Sorry, I can't do that.", calls: [], code: decision.code ?? 'JARVIS_ROUTE_NO_MATCH' };
    if (decision.path === 'cold') return this.cold(decision, context);
    const refused = this.deps.allows ? decision.targets.filter((id) => !this.deps.allows!(id)) : [];
    if (refused.length > 0) {
      return { ok: false, reply: `Sorry, I'm not allowed to control the ${this.name(refused[0]!)}.`, calls: [], code: 'JARVIS_ROUTE_NOT_EXPOSED' };
    }
    const calls: ExecutedCall[] = [];
    const s = decision.slots;
    const ids = decision.targets;
    const what = this.what(decision);
    switch (decision.intent) {
      case 'HassTurnOn':
      case 'HassTurnOff': {
        const on = decision.intent === 'HassTurnOn';
        for (const [domain, list] of groupByDomain(ids)) await this.call(calls, domain, (on ? ON : OFF)[domain] ?? (on ? 'turn_on' : 'turn_off'), {}, list, context);
        const domains = [...new Set(ids.map(domainOf))];
        const verb = domains.every((d) => d === 'cover' || d === 'valve') ? (on ? 'Opened' : 'Closed') : domains.every((d) => d === 'lock') ? (on ? 'Locked' : 'Unlocked') : domains.every((d) => d === 'scene' || d === 'script') ? 'Activated' : on ? 'Turned on' : 'Turned off';
        return { ok: true, reply: `${verb} ${what}.`, calls };
      }
      case 'HassToggle':
        for (const [domain, list] of groupByDomain(ids)) await this.call(calls, domain, 'toggle', {}, list, context);
        return { ok: true, reply: `Toggled ${what}.`, calls };
      case 'HassLightSet': {
        const data: Record<string, unknown> = {};
        if (typeof s['brightness'] === 'number') data['brightness_pct'] = s['brightness'];
        if (typeof s['brightness_step'] === 'number') data['brightness_step_pct'] = s['brightness_step'];
        if (typeof s['color'] === 'string') data['rgb_color'] = [...(COLORS[s['color']] ?? [255, 255, 255])];
        await this.call(calls, 'light', 'turn_on', data, ids, context);
        const reply = typeof s['color'] === 'string' ? `Set ${what} to ${s['color']}.` : typeof s['brightness'] === 'number' ? `Set ${what} to ${s['brightness']} percent.` : `${Number(s['brightness_step']) > 0 ? 'Brightened' : 'Dimmed'} ${what}.`;
        return { ok: true, reply, calls };
      }
      case 'HassClimateSetTemperature':
        await this.call(calls, 'climate', 'set_temperature', { temperature: s['temperature'] }, ids, context);
        return { ok: true, reply: `Set ${what} to ${String(s['temperature'])} degrees.`, calls };
      case 'HassSetPosition':
        // A valve has its own service (valve.set_valve_position), as Home Assistant's intent calls it.
        for (const [domain, list] of groupByDomain(ids)) {
          await this.call(calls, domain, domain === 'valve' ? 'set_valve_position' : 'set_cover_position', { position: s['position'] }, list, context);
        }
        return { ok: true, reply: `Set ${what} to ${String(s['position'])} percent.`, calls };
      case 'HassSetVolume':
        await this.call(calls, 'media_player', 'volume_set', { volume_level: Number(s['volume_level']) / 100 }, ids, context);
        return { ok: true, reply: `Volume set to ${String(s['volume_level'])} percent.`, calls };
      case 'HassMediaPause':
      case 'HassMediaUnpause':
      case 'HassMediaNext':
      case 'HassMediaPrevious': {
        const [service, reply] = MEDIA[decision.intent]!;
        await this.call(calls, 'media_player', service, {}, ids, context);
        return { ok: true, reply, calls };
      }
      case 'HassListAddItem':
      case 'HassShoppingListAddItem':
        await this.call(calls, 'todo', 'add_item', { item: s['item'] }, ids.slice(0, 1), context);
        return { ok: true, reply: `Added ${String(s['item'])} to ${decision.intent === 'HassShoppingListAddItem' ? 'your shopping list' : `the ${this.name(ids[0]!)} list`.replace(/ list list$/i, ' list')}.`, calls };
      case 'HassGetState':
        return { ok: true, reply: this.describeState(decision), calls };
      case 'HassClimateGetTemperature': {
        const id = ids[0]!;
        const st = this.deps.getState(id);
        const t = domainOf(id) === 'climate' ? st?.attributes['current_temperature'] : st?.state;
        const where = typeof s['area'] === 'string' ? ` in the ${s['area']}` : ` at the ${this.name(id)}`;
        return t === undefined || t === null ? { ok: false, reply: `I don't know the temperature${where}.`, calls, code: 'JARVIS_ROUTE_NO_STATE' } : { ok: true, reply: `It is ${String(t)} degrees${where}.`, calls };
      }
      case 'HassGetWeather': {
        const st = this.deps.getState(ids[0]!);
        if (!st) return { ok: false, reply: "I don't know the weather right now.", calls, code: 'JARVIS_ROUTE_NO_STATE' };
        const temp = st.attributes['temperature'];
        return { ok: true, reply: `It is ${st.state.replace(/[-_]/g, ' ')}${temp !== undefined ? ` and ${String(temp)} degrees` : ''}.`, calls };
      }
      case 'HassGetCurrentTime':
        return { ok: true, reply: `It is ${new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, ...(this.deps.timeZone ? { timeZone: this.deps.timeZone } : {}) }).format(this.now())}.`, calls };
      case 'HassGetCurrentDate':
        return { ok: true, reply: `Today is ${new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', ...(this.deps.timeZone ? { timeZone: this.deps.timeZone } : {}) }).format(this.now())}.`, calls };
      case 'HassStartTimer': {
        const seconds = Number(s['duration']);
        const name = typeof s['timer_name'] === 'string' ? s['timer_name'] : undefined;
        this.deps.timers.add(seconds, { name, area: context.areaId, deviceId: context.deviceId });
        return { ok: true, reply: `Timer set for ${describeDuration(seconds)}${name ? ` for ${name}` : ''}.`, calls };
      }
      case 'HassCancelTimer': {
        const t = this.deps.timers.cancel(this.timerQuery(s));
        return t ? { ok: true, reply: `${t.name ? `The ${t.name} timer` : 'Timer'} cancelled.`, calls } : this.noTimer(calls);
      }
      case 'HassCancelAllTimers': {
        const n = this.deps.timers.cancelAll();
        return n > 0 ? { ok: true, reply: n === 1 ? 'Cancelled your timer.' : `Cancelled all ${n} timers.`, calls } : this.noTimer(calls);
      }
      case 'HassIncreaseTimer':
      case 'HassDecreaseTimer': {
        const seconds = Number(s['duration']) * (decision.intent === 'HassDecreaseTimer' ? -1 : 1);
        const t = this.deps.timers.extend(this.timerQuery(s, false), seconds);
        if (!t) return this.noTimer(calls);
        return { ok: true, reply: `${seconds > 0 ? 'Added' : 'Took off'} ${describeDuration(Math.abs(seconds))}. ${describeDuration(this.deps.timers.remainingS(t))} left.`, calls };
      }
      case 'HassPauseTimer': {
        const t = this.deps.timers.pause(this.timerQuery(s, false));
        return t ? { ok: true, reply: `Timer paused with ${describeDuration(this.deps.timers.remainingS(t))} left.`, calls } : this.noTimer(calls, 'There is no running timer to pause.');
      }
      case 'HassUnpauseTimer': {
        const t = this.deps.timers.resume(this.timerQuery(s, false));
        return t ? { ok: true, reply: `Timer resumed: ${describeDuration(this.deps.timers.remainingS(t))} left.`, calls } : this.noTimer(calls, 'There is no paused timer.');
      }
      case 'HassTimerStatus': {
        const name = typeof s['timer_name'] === 'string' ? s['timer_name'] : undefined;
        const list = name ? this.deps.timers.list().filter((t) => t.name?.toLowerCase() === name.toLowerCase()) : this.deps.timers.list();
        if (list.length === 0) return { ok: true, reply: name ? `There is no ${name} timer.` : 'There is no timer running.', calls };
        const say = (t: (typeof list)[number]): string => `${describeDuration(this.deps.timers.remainingS(t))} left${t.name ? ` on the ${t.name} timer` : ''}${t.pausedLeftS !== undefined ? ' (paused)' : ''}`;
        return { ok: true, reply: list.length === 1 ? `${say(list[0]!)}.` : `You have ${list.length} timers: ${list.map(say).join('; ')}.`, calls };
      }
      case 'HassFanSetSpeed':
        await this.call(calls, 'fan', 'set_percentage', { percentage: s['percentage'] }, ids, context);
        return { ok: true, reply: `Set ${what} to ${String(s['percentage'])} percent.`, calls };
      case 'HassSetVolumeRelative': {
        const step = Number(s['volume_step'] ?? 10) / 100;
        for (const id of ids) {
          const current = Number(this.deps.getState(id)?.attributes['volume_level'] ?? 0.5);
          await this.call(calls, 'media_player', 'volume_set', { volume_level: Math.round(Math.min(1, Math.max(0, current + step)) * 100) / 100 }, [id], context);
        }
        return { ok: true, reply: step > 0 ? 'Turned it up.' : 'Turned it down.', calls };
      }
      case 'HassMediaSearchAndPlay': {
        const query = String(s['search_query'] ?? '');
        const type = typeof s['media_class'] === 'string' ? s['media_class'] : 'music';
        await this.call(calls, 'media_player', 'play_media', { media_content_id: query, media_content_type: type }, ids.slice(0, 1), context);
        return { ok: true, reply: `Playing ${query} on ${this.what({ ...decision, targets: ids.slice(0, 1) })}.`, calls };
      }
      case 'HassShoppingListCompleteItem':
        await this.call(calls, 'todo', 'update_item', { item: s['item'], status: 'completed' }, ids.slice(0, 1), context);
        return { ok: true, reply: `Checked off ${String(s['item'])}.`, calls };
      case 'HassListCompleteItem':
        await this.call(calls, 'todo', 'update_item', { item: s['item'], status: 'completed' }, ids.slice(0, 1), context);
        return { ok: true, reply: `Checked ${String(s['item'])} off the ${this.name(ids[0]!)}${/list$/i.test(this.name(ids[0]!)) ? '' : ' list'}.`, calls };
      case 'HassVacuumStart':
      case 'HassVacuumReturnToBase':
      case 'HassLawnMowerStartMowing':
      case 'HassLawnMowerDock':
      case 'HassMediaPlayerMute':
      case 'HassMediaPlayerUnmute': {
        const [domain, service, data, reply] = SIMPLE[decision.intent]!;
        await this.call(calls, domain, service, data, ids, context);
        return { ok: true, reply, calls };
      }
      case 'HassBroadcast': {
        const message = String(s['message'] ?? '');
        const satellites = this.deps.satellites?.() ?? [];
        if (satellites.length > 0) await this.call(calls, 'assist_satellite', 'announce', { message }, satellites, context);
        await this.deps.broadcast?.(message, context);
        return { ok: true, reply: 'Broadcast sent.', calls };
      }
      case 'HassRespond': {
        // yes/no/thanks answer a question the router asked (it handles those); the rest are HA's canned answers.
        const canned = RESPONSES[String(s['response'] ?? '')];
        if (canned) return { ok: true, reply: canned, calls };
        return { ok: true, reply: '', calls };
      }
      case 'HassNevermind':
        return { ok: true, reply: '', calls };
      default:
        return { ok: false, reply: "Sorry, I can't do that yet.", calls, code: 'JARVIS_ROUTE_UNSUPPORTED' };
    }
  }

  private timerQuery(s: Decision['slots'], withDuration = true): { name?: string; startSeconds?: number } {
    return {
      ...(typeof s['timer_name'] === 'string' ? { name: s['timer_name'] } : {}),
      ...(withDuration && typeof s['duration'] === 'number' ? { startSeconds: s['duration'] } : {}),
    };
  }

  private noTimer(calls: ExecutedCall[], reply = 'There is no timer running.'): ExecutionResult {
    return { ok: false, reply, calls, code: 'JARVIS_ROUTE_NO_TIMER' };
  }

  /**
   * Home Assistant's kind of answer to a state question: the state of one thing ("The Front Door is locked."),
   * yes/no for one thing asked about a state ("Yes, the Porch Light is on."), and for several things which are
   * in the state asked ("Yes, the Kitchen Light and the Hallway Light are on." / "No, none are.").
   */
  private describeState(decision: Decision): string {
    const asked = typeof decision.slots['state'] === 'string' ? decision.slots['state'] : undefined;
    const views = decision.targets.map((id) => ({ id, name: this.name(id), st: this.deps.getState(id) }));
    const classOf = (id: string): string | undefined => {
      const dc = this.deps.getEntity(id)?.device_class;
      return typeof dc === 'string' ? dc : undefined;
    };
    const stateOf = (v: (typeof views)[number]): string => {
      if (!v.st) return 'unknown';
      if (domainOf(v.id) === 'binary_sensor') return binarySensorWord(v.st.state, classOf(v.id));
      return v.st.state;
    };
    const is = (v: (typeof views)[number]): boolean => {
      const st = stateOf(v);
      // The router asks a binary sensor in Home Assistant's own on/off ("is the patio door open" is `state: on`).
      if (domainOf(v.id) === 'binary_sensor' && (asked === 'on' || asked === 'off')) return v.st?.state === asked;
      return asked === 'armed' ? st.startsWith('armed') : asked === 'on' && domainOf(v.id) === 'media_player' ? !['off', 'unavailable'].includes(st) : st === asked;
    };
    // An asked on/off of binary sensors is said in their class's word when they share one ("none are open").
    const classes = new Set(views.map((v) => (domainOf(v.id) === 'binary_sensor' ? classOf(v.id) : '\0')));
    const shared = classes.size === 1 ? [...classes][0] : '\0';
    const say = (st: string): string => (shared !== '\0' ? binarySensorWord(st, shared) : st).replace(/_/g, ' ').replace(/^not home$/, 'away');
    const list = (names: string[]): string => (names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`);
    if (decision.slots['domain'] === 'person' && views.length === 1) {
      const v = views[0]!;
      const where = stateOf(v) === 'home' ? 'home' : stateOf(v) === 'not_home' ? 'away' : say(stateOf(v));
      return asked === undefined ? `${v.name} is ${where}.` : `${is(v) ? 'Yes' : 'No'}, ${v.name} is ${where}.`;
    }
    if (decision.slots['domain'] === 'person') {
      const home = views.filter((v) => stateOf(v) === 'home').map((v) => v.name);
      return home.length === 0 ? 'No, nobody is home.' : `Yes, ${list(home)} ${home.length === 1 ? 'is' : 'are'} home.`;
    }
    if (views.length === 1) {
      const v = views[0]!;
      if (!v.st) return `I don't know the state of the ${v.name}.`;
      const unit = typeof v.st.attributes['unit_of_measurement'] === 'string' ? ` ${v.st.attributes['unit_of_measurement']}` : '';
      if (asked !== undefined) return `${is(v) ? 'Yes' : 'No'}, the ${v.name} is ${say(stateOf(v))}.`;
      return `The ${v.name} is ${say(stateOf(v))}${unit}.`;
    }
    if (asked !== undefined) {
      const matching = views.filter(is).map((v) => `the ${v.name}`);
      if (matching.length === 0) return `No, none are ${say(asked)}.`;
      if (matching.length === views.length && views.length > 1) return `Yes, all ${views.length} are ${say(asked)}.`;
      return `Yes, ${list(matching)} ${matching.length === 1 ? 'is' : 'are'} ${say(asked)}.`;
    }
    return views.map((v) => `the ${v.name} is ${say(stateOf(v))}`).join(', ').replace(/^t/, 'T') + '.';
  }

  private async cold(decision: Decision, context: ExecutionContext): Promise<ExecutionResult> {
    if (!this.deps.tasks) return { ok: false, reply: "Sorry, I can't take on bigger jobs right now.", calls: [], code: 'JARVIS_ROUTE_NO_TASK_QUEUE' };
    const task = String(decision.slots['task'] ?? 'general');
    const request = String(decision.slots['request'] ?? '');
    const { id } = await this.deps.tasks.enqueue({ type: `router.${task}`, payload: { task, request, text: request, deviceId: context.deviceId, area: context.areaId } });
    return { ok: true, reply: "Okay, I'm on it. I'll tell you when it's done.", calls: [], taskId: id };
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }
}
