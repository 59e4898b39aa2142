import { silentLogger, type Logger } from '../core/logger.js';
import type { CommandRouter } from '../router/command-router.js';
import type { ExecutionResult } from '../home-assistant/executor.js';
import { normalizeText } from '../language/normalize.js';
import type { Decision } from '../language/intents.js';
import { CommandError } from './command-errors.js';

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
   * failures come back in `result` with a code and a spoken reason.
   */
  async handleCommandText(text: string, origin: CommandOrigin = {}): Promise<CommandOutcome> {
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
    for (const interceptor of this.interceptors) {
      handled = await interceptor(text, normalized, { ...origin, area });
      if (handled) break;
    }
    if (!handled) {
      const router = this.router;
      if (!router) throw new CommandError('JARVIS_COMMAND_UNAVAILABLE', 'the router is not running');
      handled = await router.handle(text, { area, deviceId, issuedAt: origin.issuedAt });
    }
    const outcome: CommandOutcome = { ...handled, deviceId, area, replied: false };
    this.log.info({ device: deviceId, area, intent: outcome.decision.intent, path: outcome.decision.path, ok: outcome.result.ok, code: outcome.result.code, task: outcome.result.taskId }, 'command handled');
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
