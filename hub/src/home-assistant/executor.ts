import { HomeAssistantError } from './errors.js';
import type { ServiceCaller, ServiceTarget } from './client.js';
import { domainOf, type SnapshotEntity } from './registry-snapshot.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { describeDuration, durationSeconds } from '../language/duration.js';
import type { TaskQueueLike } from '../router/task-queue.js';
import { COLORS } from '../language/templates.js';
import type { TimerService } from '../router/timers.js';
import type { Decision } from '../language/intents.js';

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

/** What the executor needs from the rest of the hub. */
export interface ExecutorDeps {
  ha: ServiceCaller;
  /** Live state of an entity (the HA client's `getState`). */
  getState(entityId: string): EntityStateView | undefined;
  /** Registry entry of an entity, for names in replies. */
  getEntity(entityId: string): SnapshotEntity | undefined;
  timers: TimerService;
  tasks?: TaskQueueLike | undefined;
  /** A last check before acting: false refuses the entity even if the router allowed it. */
  allows?: ((entityId: string) => boolean) | undefined;
  now?: () => Date;
  timeZone?: string;
  logger?: Logger;
}

/** Where and when the command was spoken. */
export interface ExecutionContext {
  /** When the command was issued (end of speech), ms; stale commands are dropped by the HA client. */
  issuedAt?: number;
  deviceId?: string | undefined;
  /** Area id of the speaking device. */
  areaId?: string | undefined;
}

const ON: Record<string, string> = { cover: 'open_cover', valve: 'open_valve', lock: 'lock', vacuum: 'start' };
const OFF: Record<string, string> = { cover: 'close_cover', valve: 'close_valve', lock: 'unlock', vacuum: 'return_to_base' };
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
        if (typeof s['color'] === 'string') data['rgb_color'] = [...(COLORS[s['color']] ?? [255, 255, 255])];
        await this.call(calls, 'light', 'turn_on', data, ids, context);
        const reply = typeof s['color'] === 'string' ? `Set ${what} to ${s['color']}.` : `Set ${what} to ${String(s['brightness'])} percent.`;
        return { ok: true, reply, calls };
      }
      case 'HassClimateSetTemperature':
        await this.call(calls, 'climate', 'set_temperature', { temperature: s['temperature'] }, ids, context);
        return { ok: true, reply: `Set ${what} to ${String(s['temperature'])} degrees.`, calls };
      case 'HassSetPosition':
        await this.call(calls, 'cover', 'set_cover_position', { position: s['position'] }, ids, context);
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
        const seconds = durationSeconds({ hours: s['hours'] as number | undefined, minutes: s['minutes'] as number | undefined, seconds: s['seconds'] as number | undefined });
        this.deps.timers.add(seconds, { name: s['name'] as string | undefined, area: context.areaId, deviceId: context.deviceId });
        return { ok: true, reply: `Timer set for ${describeDuration(seconds)}${typeof s['name'] === 'string' ? ` for ${s['name']}` : ''}.`, calls };
      }
      case 'HassCancelTimer': {
        const start = s['start_hours'] !== undefined || s['start_minutes'] !== undefined || s['start_seconds'] !== undefined
          ? durationSeconds({ hours: s['start_hours'] as number | undefined, minutes: s['start_minutes'] as number | undefined, seconds: s['start_seconds'] as number | undefined })
          : undefined;
        const t = this.deps.timers.cancel({ name: s['name'] as string | undefined, startSeconds: start });
        return t ? { ok: true, reply: 'Timer cancelled.', calls } : { ok: false, reply: 'There is no timer running.', calls, code: 'JARVIS_ROUTE_NO_TIMER' };
      }
      case 'HassTimerStatus': {
        const t = this.deps.timers.find({ name: s['name'] as string | undefined });
        if (!t) return { ok: true, reply: 'There is no timer running.', calls };
        return { ok: true, reply: `${describeDuration(this.deps.timers.remainingS(t))} left${t.name ? ` on the ${t.name} timer` : ''}.`, calls };
      }
      case 'HassNevermind':
        return { ok: true, reply: '', calls };
      default:
        return { ok: false, reply: "Sorry, I can't do that yet.", calls, code: 'JARVIS_ROUTE_UNSUPPORTED' };
    }
  }

  private describeState(decision: Decision): string {
    const id = decision.targets[0]!;
    const st = this.deps.getState(id);
    const name = this.name(id);
    if (!st) return `I don't know the state of the ${name}.`;
    const unit = typeof st.attributes['unit_of_measurement'] === 'string' ? ` ${st.attributes['unit_of_measurement']}` : '';
    const asked = decision.slots['state'];
    if (typeof asked === 'string') return `${st.state === asked ? 'Yes' : 'No'}, the ${name} is ${st.state}.`;
    return `The ${name} is ${st.state}${unit}.`;
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
