import type { HomeAssistantClient, ServiceCaller } from '../home-assistant/client.js';
import { HomeAssistantError } from '../home-assistant/errors.js';
import type { Allowlist } from '../home-assistant/allowlist.js';
import type { RegistrySnapshot } from '../home-assistant/registry-snapshot.js';
import { silentLogger, type Logger } from '../core/logger.js';
import { DecisionExecutor, type ExecutionResult } from './executor.js';
import type { TaskQueueLike } from './task-queue.js';
import { Tier0Router } from './tier0.js';
import { TimerService } from './timers.js';
import type { Component } from '../core/component.js';
import type { Decision } from './types.js';

/** Options of {@link CommandRouter}. */
export interface CommandRouterOptions {
  /** Undefined when Home Assistant control is off: timers, time, date and cold tasks still work. */
  client: HomeAssistantClient | undefined;
  allowlist: Allowlist;
  tasks?: TaskQueueLike | undefined;
  timeZone?: string;
  logger?: Logger;
}

const EMPTY_REGISTRY: RegistrySnapshot = { floors: [], areas: [], entities: [] };

const HA_OFF: ServiceCaller = {
  callService: (domain, service) => Promise.reject(new HomeAssistantError('JARVIS_HA_NOT_CONNECTED', `${domain}.${service} not sent: Home Assistant control is off`)),
};

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
      ha: client ?? HA_OFF,
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

  /** Routes a final transcript and executes the decision; `issuedAt` is the end of speech (stale limit). */
  async handle(text: string, context: { area?: string; deviceId?: string; issuedAt?: number } = {}): Promise<HandledCommand> {
    const router = this.router;
    const executor = this.executor;
    if (!router || !executor) {
      const decision: Decision = { intent: null, slots: {}, path: 'none', tier: 0, confidence: 0, targets: [], reply: "I'm not connected to Home Assistant yet.", code: 'JARVIS_ROUTE_NOT_READY' };
      const now = Date.now();
      return { decision, result: { ok: false, reply: decision.reply!, calls: [], code: decision.code! }, decidedAt: now, executedAt: now };
    }
    let decision = router.route(text, { area: context.area });
    if (!this.options.client && decision.path === 'none' && decision.intent !== null) {
      // With no Home Assistant the registry is empty, so "unknown device" would be the wrong reason.
      decision = { ...decision, reply: "Home Assistant control is off, so I can't do that.", code: 'JARVIS_ROUTE_HA_OFF' };
    }
    const decidedAt = Date.now();
    const areaId = context.area ? router.entityIndex.findArea(context.area)?.area_id : undefined;
    const result = await executor.execute(decision, { issuedAt: context.issuedAt, deviceId: context.deviceId, areaId });
    return { decision, result, decidedAt, executedAt: Date.now() };
  }
}
