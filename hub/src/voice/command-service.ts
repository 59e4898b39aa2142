import { silentLogger, type Logger } from '../core/index.js';
import type { CommandRouter } from '../router/index.js';
import type { ExecutionResult } from '../home-assistant/index.js';
import { normalizeText, type Decision } from '../language/index.js';
import { CommandError } from './command-errors.js';
import type { HearingCheck, HearingDecision } from './hearing-policy.js';

/** Longest command text accepted (characters); a spoken command is a sentence, not a document. */
export const MAX_COMMAND_CHARS = 500;

/** Who said a command, where and when. */
export interface CommandOrigin {
  /** Device id (8 hex digits); its area is the route context and the reply goes to it. */
  deviceId?: string | undefined;
  /** Area by name or id; overrides the device's area. */
  area?: string | undefined;
  /** End of speech, ms since epoch: Home Assistant drops a command that went stale from here. */
  issuedAt?: number | undefined;
  /**
   * The voice pipeline's hearing policy for a grammar transcript (hub/src/voice/hearing-policy.ts): the router asks
   * first or drops the command when the recogniser was unsure. A guessed sentence (band `close` or `disagreed`)
   * skips the interceptors: only the router's question can act on it.
   */
  hearing?: HearingCheck | undefined;
}

/** What the hub did with one command. */
export interface CommandOutcome {
  decision: Decision;
  result: ExecutionResult;
  deviceId: string | undefined;
  /** The area the command was routed with. */
  area: string | undefined;
  /** True when the reply was handed to MQTT as `cmd/say` for the device. */
  replied: boolean;
  /** Wall-clock ms at which the decision was made and at which execution finished (voice run spans). */
  decidedAt: number;
  executedAt: number;
  /** Set when nothing understood the command: why, in words a person reads (tier by tier). */
  notUnderstood?: string[];
  /** The hearing policy's verdict (voice commands from the grammar recogniser). */
  hearing?: HearingDecision;
}

/** What is spoken when an explicitly triggered command (PTT, wake, the commands API) is not understood. */
export const NOT_UNDERSTOOD_REPLY = "Sorry, I didn't catch that.";

/** Which understanding tiers after the grammar are running, for the reason given with a not-understood command. */
export interface UnderstandingStatus {
  /** The local LLM (tier 1): off (not configured), loading, or on. */
  llm: 'off' | 'loading' | 'on';
  /** Home Assistant's own conversation agent: off (not configured), not connected, or on. */
  haAgent: 'off' | 'not-connected' | 'on';
}

/** The reasons a command the router did not understand was not understood, one per tier. */
export function notUnderstoodReasons(status: UnderstandingStatus | undefined): string[] {
  const reasons = ['no grammar match'];
  if (!status) return reasons;
  reasons.push(status.haAgent === 'on' ? "Home Assistant's agent declined" : status.haAgent === 'not-connected' ? "Home Assistant's agent is not connected" : "Home Assistant's agent is off");
  reasons.push(status.llm === 'on' ? 'the LLM found no command' : status.llm === 'loading' ? 'the LLM is still loading' : 'the LLM is off');
  return reasons;
}

/** Handles a command before the router when it recognises it (e.g. "forget the last 5 minutes"). */
export type CommandInterceptor = (text: string, normalized: string, origin: CommandOrigin & { area: string | undefined }) => Promise<Omit<CommandOutcome, 'replied' | 'deviceId' | 'area'> | undefined>;

/** What {@link CommandService} needs from the hub. */
export interface CommandServiceDeps {
  /** The device's area, or undefined when no such device is provisioned. */
  deviceArea: (deviceId: string) => string | undefined;
  /** Sends `cmd/say` to a device. */
  say: (deviceId: string, text: string) => Promise<void>;
  /** The router; undefined leaves commands unavailable (JARVIS_COMMAND_UNAVAILABLE). */
  router?: Pick<CommandRouter, 'handle'> | undefined;
  /** Handlers that may take a command before the router, in order (first match wins). */
  interceptors?: readonly CommandInterceptor[];
  /** Which tiers after the grammar run, for the reason of a not-understood command; undefined = grammar only. */
  understanding?: () => UnderstandingStatus;
  /** Hears how every command ended (metrics): the outcome, or the error it was refused or failed with. */
  observe?: (ended: { outcome: CommandOutcome } | { error: unknown }) => void;
  logger?: Logger;
}

/**
 * The one entry point for a command in words — the text-command API, and the voice pipeline with the final
 * transcript: checks the device, takes its area as the route context, runs interceptors then the router, and
 * sends the reply to the device.
 */
export class CommandService {
  private readonly router: Pick<CommandRouter, 'handle'> | undefined;
  private readonly interceptors: CommandInterceptor[];
  private readonly log: Logger;

  constructor(private readonly deps: CommandServiceDeps) {
    this.router = deps.router;
    this.interceptors = [...(deps.interceptors ?? [])];
    this.log = deps.logger ?? silentLogger();
  }

  /** True when a router is wired in. */
  get available(): boolean {
    return this.router !== undefined;
  }

  /** Adds a handler after those given at construction (first match wins). */
  addInterceptor(interceptor: CommandInterceptor): void {
    this.interceptors.push(interceptor);
  }

  /**
   * Routes and executes one command and says the reply on the device. Throws {@link CommandError} for bad
   * input (JARVIS_COMMAND_BAD_REQUEST, JARVIS_COMMAND_UNKNOWN_DEVICE) or when no router runs; execution
   * failures come back in `result` with a code and a spoken reason; a command nothing understood comes back
   * with {@link NOT_UNDERSTOOD_REPLY}, code JARVIS_COMMAND_NOT_UNDERSTOOD and `notUnderstood` reasons.
   */
  async handleCommandText(text: string, origin: CommandOrigin = {}): Promise<CommandOutcome> {
    let outcome: CommandOutcome;
    try {
      outcome = await this.handle(text, origin);
    } catch (error) {
      this.deps.observe?.({ error });
      throw error;
    }
    this.deps.observe?.({ outcome });
    return outcome;
  }

  private async handle(text: string, origin: CommandOrigin): Promise<CommandOutcome> {
    if (typeof text !== 'string' || text.trim() === '') throw new CommandError('JARVIS_COMMAND_BAD_REQUEST', 'text: must be a non-empty string');
    if (text.length > MAX_COMMAND_CHARS) throw new CommandError('JARVIS_COMMAND_BAD_REQUEST', `text: at most ${MAX_COMMAND_CHARS} characters`);
    const { deviceId } = origin;
    let area = origin.area;
    if (deviceId !== undefined) {
      const deviceArea = this.deps.deviceArea(deviceId);
      if (deviceArea === undefined) throw new CommandError('JARVIS_COMMAND_UNKNOWN_DEVICE', `deviceId: no device ${JSON.stringify(deviceId)}`);
      area ??= deviceArea;
    }
    const normalized = normalizeText(text);
    let handled: Omit<CommandOutcome, 'replied' | 'deviceId' | 'area'> | undefined;
    const { hearing } = origin;
    const guess = hearing !== undefined && (hearing.band === 'close' || hearing.band === 'disagreed');
    for (const interceptor of guess ? [] : this.interceptors) {
      handled = await interceptor(text, normalized, { ...origin, area });
      if (handled) break;
    }
    if (!handled) {
      const router = this.router;
      if (!router) throw new CommandError('JARVIS_COMMAND_UNAVAILABLE', 'the router is not running');
      handled = await router.handle(text, { area, deviceId, issuedAt: origin.issuedAt, ...(hearing ? { hearing } : {}) });
    }
    const outcome: CommandOutcome = { ...handled, deviceId, area, replied: false };
    // Dropped by the hearing policy: a guess of the recogniser, treated like speech it declined (nothing said).
    const dropped = outcome.result.code === 'JARVIS_ROUTE_HEARING_DECLINED';
    if (!dropped && outcome.decision.intent === null && outcome.decision.path === 'passive' && outcome.result.reply === '') {
      // Every caller here was asked on purpose (PTT, wake, the commands API): silence would look like a dead
      // device, so say so, and record why at each tier (issue 18 finding 4).
      const reasons = notUnderstoodReasons(this.deps.understanding?.());
      outcome.notUnderstood = reasons;
      outcome.result = { ...outcome.result, ok: false, reply: NOT_UNDERSTOOD_REPLY, code: 'JARVIS_COMMAND_NOT_UNDERSTOOD' };
      this.log.info({ device: deviceId, area, text, reasons }, `command not understood: ${reasons.join('; ')}`);
    }
    this.log.info({ device: deviceId, area, intent: outcome.decision.intent, path: outcome.decision.path, ok: outcome.result.ok, code: outcome.result.code, task: outcome.result.taskId, ...(outcome.hearing ? { hearing: outcome.hearing.verdict } : {}) }, 'command handled');
    if (deviceId !== undefined && outcome.result.reply !== '') {
      try {
        await this.deps.say(deviceId, outcome.result.reply);
        outcome.replied = true;
      } catch (err) {
        this.log.warn({ err, device: deviceId }, 'could not send the reply to the device');
      }
    }
    return outcome;
  }
}

/** Minutes in "forget the last N minutes" / "forget the past hour", or undefined when the text is not that. */
export function forgetMinutes(normalized: string): number | undefined {
  const m = /^(?:jarvis )?(?:forget|delete|erase) (?:what (?:i|we) said in |everything from |what you heard in )?(?:the )?(?:last|past) (?:(\d+(?:\.\d+)?) )?(minute|minutes|hour|hours)$/.exec(normalized);
  if (!m) return undefined;
  const n = m[1] === undefined ? 1 : Number(m[1]);
  return m[2]!.startsWith('hour') ? n * 60 : n;
}
