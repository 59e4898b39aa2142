/** MQTT topic names (SPEC.md §6): every device topic lives under `jarvis/v1/device/<id>/`. */
import { ProtocolError } from './errors.js';

/** Root of every Jarvis MQTT topic; the version segment changes only with an incompatible protocol. [MQTT-6.1] */
export const TOPIC_PREFIX = 'jarvis/v1/';
/** Prefix of the per-device topics. [MQTT-6.1] */
export const DEVICE_TOPIC_PREFIX = `${TOPIC_PREFIX}device/`;

/** Topics a device publishes (device → hub). [MQTT-6.3] */
export const DEVICE_PUBLISHED_TOPICS = ['status', 'state/mute', 'event/button', 'event/wake'] as const;
/** Topics the hub publishes to a device (hub → device). [MQTT-6.3] */
export const HUB_PUBLISHED_TOPICS = ['cmd/say', 'cmd/led', 'cmd/config'] as const;
/** Every per-device topic suffix. */
export const DEVICE_TOPICS = [...DEVICE_PUBLISHED_TOPICS, ...HUB_PUBLISHED_TOPICS] as const;
/** A per-device topic suffix. */
export type DeviceTopic = (typeof DEVICE_TOPICS)[number];
/**
 * Topics whose messages are published with the retain flag: device state, and the device's desired
 * config (always published whole). Commands and events are never retained. [MQTT-6.4]
 */
export const RETAINED_TOPICS: readonly DeviceTopic[] = ['status', 'state/mute', 'cmd/config'];

const TOPIC_SET: ReadonlySet<string> = new Set(DEVICE_TOPICS);
const DEVICE_ID_TEXT = /^[0-9a-f]{8}$/;

function checkDeviceIdText(deviceId: string): void {
  if (typeof deviceId !== 'string' || !DEVICE_ID_TEXT.test(deviceId)) {
    throw new ProtocolError('JARVIS_PROTO_BAD_DEVICE_ID', `device id ${JSON.stringify(deviceId)} is not 8 lowercase hex digits`);
  }
}

/** True when `name` is one of the per-device topic suffixes. */
export function isDeviceTopic(name: string): name is DeviceTopic {
  return TOPIC_SET.has(name);
}

/** Full topic name for a device: `topicFor("0000002a", "state/mute")` → `jarvis/v1/device/0000002a/state/mute`. [MQTT-6.1] */
export function topicFor(deviceId: string, topic: DeviceTopic): string {
  checkDeviceIdText(deviceId);
  if (!isDeviceTopic(topic)) throw new ProtocolError('JARVIS_PROTO_BAD_TOPIC', `unknown device topic ${JSON.stringify(topic)}`);
  return `${DEVICE_TOPIC_PREFIX}${deviceId}/${topic}`;
}

/** Splits a received topic name into device id and topic; anything else is `JARVIS_PROTO_BAD_TOPIC`. [MQTT-6.1] */
export function parseTopic(topic: string): { deviceId: string; topic: DeviceTopic } {
  if (typeof topic !== 'string' || !topic.startsWith(DEVICE_TOPIC_PREFIX)) {
    throw new ProtocolError('JARVIS_PROTO_BAD_TOPIC', `topic ${JSON.stringify(topic)} does not start with ${DEVICE_TOPIC_PREFIX}`);
  }
  const rest = topic.slice(DEVICE_TOPIC_PREFIX.length);
  const slash = rest.indexOf('/');
  const deviceId = slash < 0 ? rest : rest.slice(0, slash);
  if (!DEVICE_ID_TEXT.test(deviceId)) {
    throw new ProtocolError('JARVIS_PROTO_BAD_TOPIC', `topic ${JSON.stringify(topic)}: device id ${JSON.stringify(deviceId)} is not 8 lowercase hex digits`);
  }
  const name = slash < 0 ? '' : rest.slice(slash + 1);
  if (!isDeviceTopic(name)) {
    throw new ProtocolError('JARVIS_PROTO_BAD_TOPIC', `topic ${JSON.stringify(topic)}: unknown device topic ${JSON.stringify(name)}`);
  }
  return { deviceId, topic: name };
}

/** True when messages on this topic are published retained. [MQTT-6.4] */
export function isRetainedTopic(topic: DeviceTopic): boolean {
  return RETAINED_TOPICS.includes(topic);
}

/**
 * The broker ACL for publishing (SPEC.md [MQTT-6.7]): a device may publish only its own `status`,
 * `state/mute` and `event/#` topics. `topic` is a concrete topic name (wildcards never match).
 */
export function deviceMayPublish(deviceId: string, topic: string): boolean {
  const base = `${DEVICE_TOPIC_PREFIX}${deviceId}/`;
  if (!DEVICE_ID_TEXT.test(deviceId) || !topic.startsWith(base) || /[+#]/.test(topic) || topic.includes('\u0000')) return false;
  const rest = topic.slice(base.length);
  return rest === 'status' || rest === 'state/mute' || (rest.startsWith('event/') && rest.length > 'event/'.length);
}

/**
 * The broker ACL for subscribing (SPEC.md [MQTT-6.7]): a device may subscribe only to filters inside its
 * own `cmd/#`. Wildcards are allowed below `cmd/` because they can only narrow that subtree.
 */
export function deviceMaySubscribe(deviceId: string, filter: string): boolean {
  const base = `${DEVICE_TOPIC_PREFIX}${deviceId}/cmd/`;
  if (!DEVICE_ID_TEXT.test(deviceId) || !filter.startsWith(base) || filter.includes('\u0000')) return false;
  const levels = filter.slice(base.length).split('/');
  return levels.every((level, i) => {
    if (level === '#') return i === levels.length - 1;
    return level === '+' || (level.length > 0 && !/[+#]/.test(level));
  });
}
