import { DecisionExecutor, HomeAssistantError, isSensitive, type Allowlist, type ExecutionResult, type HaConversationFallback, type HomeAssistantClient, type RegistrySnapshot, type ServiceCaller } from '../home-assistant/index.js';
import { currentVoiceTrace, silentLogger, type Component, type Logger, type TracedCall } from '../core/index.js';
import { isAcknowledgement, normalizeText, type CommandOrigin, type Decision } from '../language/index.js';
import type { TaskQueueLike } from './task-queue.js';
import { Tier0Router } from './tier0.js';
import { TimerService } from './timers.js';
import { candidatesFor, type Tier1Router } from './tier1-llm.js';

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
  /** Home Assistant's own conversation agent, asked after tier 0 and before tier 1; undefined = off. */
  conversation?: HaConversationFallback | undefined;
  /** How long a "Did you say …?" waits for a yes, ms (default 15 s). */
  confirmTimeoutMs?: number;
  now?: () => number;
  logger?: Logger;
}

/** The hearing policy's verdict on a decision (hub/src/voice/hearing-policy.ts `HearingDecision`). */
export interface HearingDecision {
  verdict: 'act' | 'confirm' | 'decline';
  /** `alternative` when the question is about the second opinion's sentence. */
  asks?: 'text' | 'alternative';
  why: string;
}

/** What a recogniser's hearing asks of the router (hub/src/voice/hearing-policy.ts `HearingCheck`). */
export interface HearingCheck {
  band: string;
  /** The second opinion's sentence: routed too, so the policy can compare the two decisions. */
  alternative?: string;
  judge(decision: Decision, alternative: Decision | undefined): HearingDecision;
}

/** Where and from whom a command came (what {@link CommandRouter.handle} needs besides the words). */
export interface CommandContext {
  /** Area id or name of the speaking device. */
  area?: string | undefined;
  deviceId?: string | undefined;
  /** End of speech, ms: a command that cannot reach HA in time is dropped (stale limit). */
  issuedAt?: number | undefined;
  /** `home-assistant` for requests HA sent Jarvis (Wyoming `handle`): they never go back to HA's agent. */
  origin?: CommandOrigin | undefined;
  /** Home Assistant's device id of the speaking device, when known (sent to HA's agent). */
  haDeviceId?: string | undefined;
  /**
   * Ask before acting ("Did you say turn off the kitchen lights?"): set by a recogniser unsure between opposite
   * or risky actions. The decision waits for a "yes" (HassRespond) from the same device.
   */
  confirm?: boolean | undefined;
  /**
   * Set by the voice pipeline for a grammar transcript: the hearing policy (hub/src/voice/hearing-policy.ts) judges
   * the decision — act, ask first ("Did you say …?"), or drop it (code JARVIS_ROUTE_HEARING_DECLINED, no reply).
   */
  hearing?: HearingCheck | undefined;
}

/** HassRespond's answers to a question Jarvis asked: handled here, never said back. */
const ANSWERS = new Set(['yes', 'no', 'thank you']);

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
  /** The hearing policy's verdict, when the context carried a {@link CommandContext.hearing}. */
  hearing?: HearingDecision;
}

/**
 * Router + executor over a live Home Assistant: the index follows registry updates, decisions run through the
 * allowlist, hub-local timers answer timer intents. The voice pipeline calls {@link handle} with final transcripts.
 */
export class CommandRouter implements Component {
  readonly name = 'router';
  readonly timers = new TimerService();
  /** Decisions waiting for a yes, per device. */
  private readonly pending = new Map<string, { decision: Decision; expiresAt: number }>();
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
  async handle(text: string, context: CommandContext = {}): Promise<HandledCommand> {
    const router = this.router;
    const executor = this.executor;
    if (!router || !executor) {
      const decision: Decision = { intent: null, slots: {}, path: 'none', tier: 0, confidence: 0, targets: [], reply: "I'm not connected to Home Assistant yet.", code: 'JARVIS_ROUTE_NOT_READY' };
      const now = Date.now();
      return { decision, result: { ok: false, reply: decision.reply!, calls: [], code: decision.code! }, decidedAt: now, executedAt: now };
    }
    const guess = context.hearing !== undefined && context.hearing.band !== 'sure' && context.hearing.band !== 'unsure';
    let decision: Decision;
    const asked = this.pending.get(context.deviceId ?? '');
    const awaitingAnswer = asked !== undefined && asked.expiresAt >= this.now();
    try {
      decision = router.route(text, { area: context.area, awaitingAnswer });
    } catch (err) {
      // Only a guess of the recogniser: a router failure on it must not fail the utterance (it is dropped below).
      if (!guess) throw err;
      this.log.warn({ err, text }, 'tier 0 failed on a guessed sentence; dropping it');
      decision = { intent: null, slots: {}, path: 'passive', tier: 0, confidence: 0, targets: [] };
    }
    let heard: HearingDecision | undefined;
    if (context.hearing) {
      let alternative: Decision | undefined;
      try {
        alternative = context.hearing.alternative ? router.route(context.hearing.alternative, { area: context.area, awaitingAnswer }) : undefined;
      } catch (err) {
        this.log.warn({ err, text: context.hearing.alternative }, 'tier 0 failed on the second opinion\'s sentence; judged without it');
      }
      heard = context.hearing.judge(decision, alternative);
      if (heard.verdict === 'decline') {
        // Only a guess of the recogniser: nothing happens and nothing is said (a waiting question stays open).
        const now = Date.now();
        const declined: Decision = { intent: null, slots: {}, path: 'passive', tier: 0, confidence: 0, targets: [], code: 'JARVIS_ROUTE_HEARING_DECLINED' };
        this.log.info({ device: context.deviceId, text, why: heard.why, band: context.hearing.band }, 'hearing policy: declined');
        return { decision: declined, result: { ok: false, reply: '', calls: [], code: 'JARVIS_ROUTE_HEARING_DECLINED' }, decidedAt: now, executedAt: now, hearing: heard };
      }
      if (heard.verdict === 'confirm' && heard.asks === 'alternative' && alternative) decision = alternative;
    }
    const pendingKey = context.deviceId ?? '';
    const waiting = this.pending.get(pendingKey);
    if (waiting) this.pending.delete(pendingKey);
    if (decision.intent === 'HassRespond' && waiting && waiting.expiresAt >= this.now()) {
      // The answer to "Did you say …?": run what was asked about on yes, drop it on no.
      if (decision.slots['response'] === 'yes') return { ...(await this.execute(waiting.decision, context, router)), ...(heard ? { hearing: heard } : {}) };
      const now = Date.now();
      return { decision, result: { ok: true, reply: "Okay, I won't.", calls: [] }, decidedAt: now, executedAt: now, ...(heard ? { hearing: heard } : {}) };
    }
    // "thanks", "okay" with no question open: nothing to do and nothing to ask anyone about.
    const acknowledged = isAcknowledgement(normalizeText(text));
    if (decision.path === 'passive' && decision.intent === null && normalizeText(text) !== '' && !acknowledged && this.options.conversation) {
      // Tier 0 understood nothing: Home Assistant's own agent (custom sentences, aliases the user taught it).
      const refusal = this.options.conversation.refusal(text, context.origin);
      if (refusal === undefined) {
        try {
          const answered = await this.options.conversation.ask(text, { haDeviceId: context.haDeviceId });
          if (answered) {
            const now = Date.now();
            currentVoiceTrace()?.intentDecided({ intent: null, tier: 0, path: answered.path, confidence: 1, targets: answered.targets, ...(answered.code ? { code: answered.code } : {}) }, now);
            return { decision: answered, result: { ok: answered.path === 'hot', reply: answered.reply ?? '', calls: [], ...(answered.code ? { code: answered.code } : {}) }, decidedAt: now, executedAt: now };
          }
        } catch (err) {
          this.log.warn({ err }, "Home Assistant's conversation agent failed; going on without it");
        }
      } else {
        this.log.debug({ refusal }, "not asking Home Assistant's conversation agent");
      }
    }
    const tier1 = this.options.tier1;
    if (tier1 && (this.options.tier1Ready?.() ?? true) && decision.path === 'passive' && decision.intent === null && normalizeText(text) !== '' && !acknowledged) {
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
    const ask = heard?.verdict === 'confirm';
    if (decision.path === 'hot' && decision.intent !== 'HassRespond' && decision.intent !== 'HassNevermind' && (ask || this.shouldConfirm(decision, context))) {
      this.pending.set(pendingKey, { decision, expiresAt: this.now() + (this.options.confirmTimeoutMs ?? 15_000) });
      const now = Date.now();
      const question = `Did you say ${this.describe(decision, router)}?`;
      if (heard) this.log.info({ device: context.deviceId, text, why: heard.why, band: context.hearing?.band, question }, 'hearing policy: asking first');
      currentVoiceTrace()?.intentDecided({ intent: decision.intent, tier: decision.tier, path: decision.path, confidence: decision.confidence, targets: decision.targets, code: 'JARVIS_ROUTE_CONFIRM_PENDING' }, now);
      return { decision, result: { ok: true, reply: question, calls: [], code: 'JARVIS_ROUTE_CONFIRM_PENDING' }, decidedAt: now, executedAt: now, ...(heard ? { hearing: heard } : {}) };
    }
    return { ...(await this.execute(decision, context, router)), ...(heard ? { hearing: heard } : {}) };
  }

  /** The decision waiting for a yes from a device, if any (and not expired). */
  pendingConfirmation(deviceId?: string): Decision | undefined {
    const p = this.pending.get(deviceId ?? '');
    return p && p.expiresAt >= this.now() ? p.decision : undefined;
  }

  private async execute(decision: Decision, context: CommandContext, router: Tier0Router): Promise<HandledCommand> {
    const decidedAt = Date.now();
    currentVoiceTrace()?.intentDecided({ intent: decision.intent, tier: decision.tier, path: decision.path, confidence: decision.confidence, targets: decision.targets, ...(decision.code ? { code: decision.code } : {}) }, decidedAt);
    const areaId = context.area ? router.entityIndex.findArea(context.area)?.area_id : undefined;
    let result = await this.executor!.execute(decision, { issuedAt: context.issuedAt, deviceId: context.deviceId, areaId });
    // "say good morning everyone" (Home Assistant's HassRespond with the words as its response): Jarvis says them.
    const words = decision.slots['response'];
    if (decision.intent === 'HassRespond' && result.ok && result.reply === '' && typeof words === 'string' && !ANSWERS.has(words)) result = { ...result, reply: words };
    return { decision, result, decidedAt, executedAt: Date.now() };
  }

  /**
   * Ask first when the caller asks for it (an unsure recogniser), or when a lock, alarm or door would be acted on
   * with words taken as misrecognitions (confidence below 1): a wrong action there is worse than a question.
   */
  private shouldConfirm(decision: Decision, context: CommandContext): boolean {
    if (context.confirm) return true;
    if (decision.confidence >= 1) return false;
    const entities = this.router?.entityIndex.snapshot.entities ?? [];
    return decision.targets.some((id) => {
      const e = entities.find((x) => x.entity_id === id);
      return e !== undefined && isSensitive(e);
    });
  }

  /** "unlock the Front Door", "turn off the lights in the Kitchen": the action and what it acts on, for a question. */
  private describe(decision: Decision, router: Tier0Router): string {
    const s = decision.slots;
    const action = decision.action ?? String(decision.intent);
    const names = decision.targets.map((id) => router.entityIndex.snapshot.entities.find((e) => e.entity_id === id)?.name ?? id);
    const kind = String(s['device_class'] ?? s['domain'] ?? 'device').replace(/_/g, ' ');
    const where = typeof s['area'] === 'string' ? ` in the ${s['area']}` : typeof s['floor'] === 'string' ? ` on the ${s['floor']}` : '';
    const what = typeof s['name'] === 'string' ? `the ${s['name']}` : names.length === 1 ? `the ${names[0]!}` : names.length > 1 ? `the ${kind}s${where}` : '';
    const value = ['brightness', 'position', 'volume_level', 'percentage'].map((k) => s[k]).find((v) => v !== undefined);
    const to = value !== undefined ? ` to ${String(value)} percent` : typeof s['temperature'] === 'number' ? ` to ${s['temperature']} degrees` : '';
    return `${action}${what ? ` ${what}` : ''}${to}`;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
