import type { HomeAssistantClient, ServiceCaller } from '../home-assistant/client.js';
import { HomeAssistantError } from '../home-assistant/errors.js';
import type { Allowlist } from '../home-assistant/allowlist.js';
import type { RegistrySnapshot } from '../home-assistant/registry-snapshot.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { DecisionExecutor, type ExecutionResult } from '../home-assistant/executor.js';
import type { TaskQueueLike } from './task-queue.js';
import { Tier0Router } from './tier0.js';
import { TimerService } from './timers.js';
import type { Component } from '../core/component.js';
import { candidatesFor, type Tier1Router } from './tier1-llm.js';
import { currentVoiceTrace, type TracedCall } from '../voice/trace.js';
import { normalizeText } from '../language/normalize.js';
import type { Decision } from '../language/intents.js';

/** Options of {@link CommandRouter}. */
export interface CommandRouterOptions {
  /** Undefined when Home Assistant control is off: timers, time, date and cold tasks still work. */
  client: HomeAssistantClient | undefined;
  allowlist: Allowlist;
  tasks?: TaskQueueLike | undefined;
  timeZone?: string;
  /** Router tier 1 (the local LLM): asked when tier 0 cannot place a command; undefined = tier 0 only. */
  tier1?: Tier1Router | undefined;
  /** False while tier 1 cannot answer (model missing or loading): commands skip it without a consultation. */
  tier1Ready?: (() => boolean) | undefined;
  /** Called once per tier-1 consultation with `decision` or `fall-through` (metrics). */
  onTier1?: ((outcome: 'decision' | 'fall-through', ms: number) => void) | undefined;
  logger?: Logger;
}

const EMPTY_REGISTRY: RegistrySnapshot = { floors: [], areas: [], entities: [] };

const HA_OFF: ServiceCaller = {
  callService: (domain, service) => Promise.reject(new HomeAssistantError('JARVIS_HA_NOT_CONNECTED', `${domain}.${service} not sent: Home Assistant control is off`)),
};

function entityIdsOf(target: Parameters<ServiceCaller['callService']>[3]): string[] {
  const ids = target?.entity_id;
  return ids === undefined ? [] : Array.isArray(ids) ? [...ids] : [ids];
}

/**
 * A service caller that reports each call to the current voice run (action-start when the call is handed to
 * the Home Assistant client, action-end when HA acknowledged or refused it); without a run it only forwards.
 */
export function tracedServiceCaller(inner: ServiceCaller): ServiceCaller {
  return {
    async callService(domain, service, data, target, options) {
      const trace = currentVoiceTrace();
      if (!trace) return inner.callService(domain, service, data, target, options);
      const call: TracedCall = { domain, service, entityIds: entityIdsOf(target) };
      trace.actionStarted(call, Date.now());
      try {
        const result = await inner.callService(domain, service, data, target, options);
        trace.actionEnded(call, { ok: true }, Date.now());
        return result;
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        trace.actionEnded(call, { ok: false, code: typeof code === 'string' ? code : 'JARVIS_ROUTE_EXEC_FAILED' }, Date.now());
        throw err;
      }
    },
  };
}

/** One routed and executed utterance, with stage timings (ms) for the voice run. */
export interface HandledCommand {
  decision: Decision;
  result: ExecutionResult;
  /** Wall-clock ms at which the decision was made and at which the execution finished. */
  decidedAt: number;
  executedAt: number;
}

/**
 * Router + executor over a live Home Assistant: the index follows registry updates, decisions run through the
 * allowlist, hub-local timers answer timer intents. The voice pipeline calls {@link handle} with final transcripts.
 */
export class CommandRouter implements Component {
  readonly name = 'router';
  readonly timers = new TimerService();
  private router: Tier0Router | undefined;
  private executor: DecisionExecutor | undefined;
  private readonly log: Logger;
  private readonly onRegistry = (snap: RegistrySnapshot | undefined): void => {
    if (!snap) return;
    if (this.router) this.router.updateRegistry(snap);
    else this.router = new Tier0Router(snap, this.options.allowlist);
  };

  constructor(private readonly options: CommandRouterOptions) {
    this.log = options.logger ?? silentLogger();
  }

  async start(): Promise<void> {
    if (this.executor) return;
    const { client } = this.options;
    if (client) {
      client.on('registry', this.onRegistry);
      this.onRegistry(client.snapshot());
    } else {
      this.onRegistry(EMPTY_REGISTRY);
    }
    this.executor = new DecisionExecutor({
      ha: tracedServiceCaller(client ?? HA_OFF),
      getState: (id) => client?.getState(id),
      getEntity: (id) => this.router?.entityIndex.snapshot.entities.find((e) => e.entity_id === id),
      timers: this.timers,
      tasks: this.options.tasks,
      allows: (id) => {
        const e = this.router?.entityIndex.snapshot.entities.find((x) => x.entity_id === id);
        return e !== undefined && this.options.allowlist.check(e) === undefined;
      },
      ...(this.options.timeZone ? { timeZone: this.options.timeZone } : {}),
      logger: this.log,
    });
  }

  async stop(): Promise<void> {
    this.options.client?.off('registry', this.onRegistry);
    await this.timers.stop();
    this.executor = undefined;
  }

  /**
   * Routes a final transcript and executes the decision; `issuedAt` is the end of speech (stale limit).
   * `origin: 'home-assistant'` marks a command that came from HA's own pipeline (Wyoming `handle`): it must
   * never be handed back to HA's conversation agent (loop guard, protocol/SPEC.md [WY-3.4]).
   */
  async handle(text: string, context: { area?: string; deviceId?: string; issuedAt?: number; origin?: 'device' | 'home-assistant' } = {}): Promise<HandledCommand> {
    const router = this.router;
    const executor = this.executor;
    if (!router || !executor) {
      const decision: Decision = { intent: null, slots: {}, path: 'none', tier: 0, confidence: 0, targets: [], reply: "I'm not connected to Home Assistant yet.", code: 'JARVIS_ROUTE_NOT_READY' };
      const now = Date.now();
      return { decision, result: { ok: false, reply: decision.reply!, calls: [], code: decision.code! }, decidedAt: now, executedAt: now };
    }
    let decision = router.route(text, { area: context.area });
    const tier1 = this.options.tier1;
    if (tier1 && (this.options.tier1Ready?.() ?? true) && decision.path === 'passive' && decision.intent === null && normalizeText(text) !== '') {
      // Tier 0 could not place a command: the local LLM gets it, within its budget; null falls through.
      const started = performance.now();
      const area = context.area ? (router.entityIndex.findArea(context.area)?.name ?? context.area) : undefined;
      const candidates = candidatesFor(router.entityIndex, text, { area: context.area }, this.options.allowlist);
      const decided = await tier1.decide(text, { area, deviceId: context.deviceId }, candidates);
      this.options.onTier1?.(decided ? 'decision' : 'fall-through', performance.now() - started);
      if (decided) decision = decided;
    }
    if (!this.options.client && decision.path === 'none' && decision.intent !== null) {
      // With no Home Assistant the registry is empty, so "unknown device" would be the wrong reason.
      decision = { ...decision, reply: "Home Assistant control is off, so I can't do that.", code: 'JARVIS_ROUTE_HA_OFF' };
    }
    const decidedAt = Date.now();
    currentVoiceTrace()?.intentDecided({ intent: decision.intent, tier: decision.tier, path: decision.path, confidence: decision.confidence, targets: decision.targets, ...(decision.code ? { code: decision.code } : {}) }, decidedAt);
    const areaId = context.area ? router.entityIndex.findArea(context.area)?.area_id : undefined;
    const result = await executor.execute(decision, { issuedAt: context.issuedAt, deviceId: context.deviceId, areaId });
    return { decision, result, decidedAt, executedAt: Date.now() };
  }
}
