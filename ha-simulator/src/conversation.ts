import type { RegistrySnapshot } from '@jarvis/protocol';

/** A sentence the simulated agent understands beyond on/off (as a user's custom sentence in HA). */
export interface SimulatedSentence {
  /** Lower-case words, compared after lower-casing and dropping punctuation. */
  text: string;
  /** What the agent answers. */
  speech: string;
  /** A service the agent calls first (as an `intent_script` would). */
  call?: { domain: string; service: string; entityId: string } | undefined;
}

/** One `conversation/process` the simulator received (tests read these). */
export interface ReceivedConversation {
  text: string;
  language: string | undefined;
  agentId: string | undefined;
  deviceId: string | null | undefined;
  conversationId: string | null | undefined;
}

/** The body of HA's `ConversationResult.as_dict()` (homeassistant/components/conversation/models.py). */
export interface ConversationResultBody {
  response: {
    speech: { plain: { speech: string; extra_data: null } };
    card: Record<string, never>;
    language: string;
    response_type: 'action_done' | 'query_answer' | 'error';
    data: { targets: unknown[]; success: Array<{ name: string; type: 'entity'; id: string }>; failed: unknown[] } | { code: string };
  };
  conversation_id: string;
  continue_conversation: boolean;
}

/** Agent ids of HA's built-in agent: the entity, and the legacy id older clients send. */
export const DEFAULT_AGENT_IDS: readonly string[] = ['conversation.home_assistant', 'homeassistant'];

/** What the agent decided: speech, and a service call for the simulator to make. */
export interface AgentOutcome {
  speech: string;
  type: 'action_done' | 'query_answer' | 'error';
  errorCode?: string;
  call?: { domain: string; service: string; entityId: string; name: string };
}

const clean = (s: string): string => s.toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * The simulated default agent: "turn on/off [the] <name or alias>" on exposed entities, the configured custom
 * sentences, and HA's "Sorry, I couldn't understand that" (`no_intent_match`) for anything else.
 */
export function simulatedAgent(text: string, snapshot: RegistrySnapshot, sentences: readonly SimulatedSentence[]): AgentOutcome {
  const said = clean(text);
  const custom = sentences.find((s) => clean(s.text) === said);
  if (custom) {
    const e = custom.call ? snapshot.entities.find((x) => x.entity_id === custom.call!.entityId) : undefined;
    return { speech: custom.speech, type: 'action_done', ...(custom.call ? { call: { ...custom.call, name: e?.name ?? custom.call.entityId } } : {}) };
  }
  const before = /^(?:turn|switch) (on|off) (?:the )?(.+)$/.exec(said);
  const after = /^(?:turn|switch) (?:the )?(.+) (on|off)$/.exec(said);
  const onOff = before?.[1] ?? after?.[2];
  const name = before?.[2] ?? after?.[1];
  if (onOff && name) {
    const entity = snapshot.entities.find((e) => e.exposed !== false && [e.name, ...e.aliases].some((n) => clean(n) === name));
    if (entity) {
      const domain = entity.entity_id.slice(0, entity.entity_id.indexOf('.'));
      const service = `turn_${onOff}`;
      return { speech: `Turned ${onOff} the ${entity.name}`, type: 'action_done', call: { domain: ['light', 'switch', 'fan', 'media_player', 'input_boolean'].includes(domain) ? domain : 'homeassistant', service, entityId: entity.entity_id, name: entity.name } };
    }
  }
  return { speech: "Sorry, I couldn't understand that", type: 'error', errorCode: 'no_intent_match' };
}
