import type { ConversationReply, ConversationRequest } from './client.js';
import { isSensitive, type Allowlist } from './allowlist.js';
import { domainOf, type SnapshotEntity } from './registry-snapshot.js';
import { normalizeText, type CommandOrigin, type Decision } from '../language/index.js';

/** What the fallback needs of the Home Assistant client. */
export interface ConversationClient {
  converse(request: ConversationRequest): Promise<ConversationReply>;
  /** The connection state: the fallback is asked only while connected. */
  readonly state: string;
}

/** Settings of {@link HaConversationFallback} (the `homeAssistant.conversation` config section). */
export interface ConversationFallbackOptions {
  client: ConversationClient;
  agentId: string;
  language: string;
  allowlist: Pick<Allowlist, 'check'>;
  /** The registry's entities now (to know which risky domains the user opted in). */
  entities: () => readonly SnapshotEntity[];
}

/** Words that name a risky kind of device, with the domain (and cover classes) they stand for. */
const RISKY_WORDS: ReadonlyArray<{ re: RegExp; domain: string; coverClasses?: readonly string[] }> = [
  { re: /\b(?:lock|locks|locked|unlock|unlocked|deadbolt|latch)\b/, domain: 'lock' },
  { re: /\b(?:alarm|alarms|arm|disarm|armed|disarmed|security system)\b/, domain: 'alarm_control_panel' },
  { re: /\b(?:garage|gate|gates|door|doors|cover|covers|shutter|shutters)\b/, domain: 'cover', coverClasses: ['garage', 'gate', 'door'] },
];

/** Why a text may not go to Home Assistant's agent. */
export type FallbackRefusal = 'from_home_assistant' | 'not_connected' | 'risky_domain_not_opted_in';

/**
 * Home Assistant's own conversation agent as the router's fallback (after tier 0, before the LLM): the text goes
 * to `conversation/process` with an explicit agent id and the device's HA device id, and HA's spoken answer comes
 * back. HA acts on what the user exposed to Assist, which Jarvis's allowlist cannot filter, so text naming a lock,
 * alarm, garage door or other door cover goes only where the user opted that domain in; and a request that came
 * from Home Assistant is never sent back to it.
 */
export class HaConversationFallback {
  constructor(private readonly options: ConversationFallbackOptions) {}

  /** Whether this text may be asked of Home Assistant's agent; the reason when not. */
  refusal(text: string, origin: CommandOrigin | undefined): FallbackRefusal | undefined {
    if (origin === 'home-assistant') return 'from_home_assistant';
    if (this.options.client.state !== 'connected') return 'not_connected';
    const norm = normalizeText(text);
    for (const w of RISKY_WORDS) {
      if (!w.re.test(norm)) continue;
      const optedIn = this.options.entities().some((e) =>
        domainOf(e.entity_id) === w.domain && isSensitive(e) && (!w.coverClasses || w.coverClasses.includes(e.device_class ?? '')) && this.options.allowlist.check(e) === undefined);
      if (!optedIn) return 'risky_domain_not_opted_in';
    }
    return undefined;
  }

  /**
   * Asks HA's agent. A decision when HA understood (it has already acted; the reply is its speech), undefined
   * when it did not (`no_intent_match`), so the router goes on to its next tier. Transport errors throw.
   */
  async ask(text: string, context: { haDeviceId?: string | undefined } = {}): Promise<Decision | undefined> {
    const reply = await this.options.client.converse({ text, language: this.options.language, agentId: this.options.agentId, deviceId: context.haDeviceId });
    if (reply.responseType === 'error' && (reply.errorCode === 'no_intent_match' || reply.errorCode === undefined)) return undefined;
    const failed = reply.responseType === 'error';
    return {
      intent: null, slots: {}, path: failed ? 'none' : 'hot', tier: 0, confidence: 1, targets: reply.success,
      handledBy: 'home-assistant', reply: reply.speech,
      ...(failed ? { code: 'JARVIS_ROUTE_HA_AGENT_FAILED' } : {}),
    };
  }
}
