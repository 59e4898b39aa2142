/**
 * MQTT payloads (SPEC.md §6.5): one typed map from topic to zod schema; every payload is JSON, validated
 * on receipt, and a failure names the topic and field. Unknown fields are ignored and dropped. [MQTT-6.5]
 */
import { z } from 'zod';
import { ProtocolError } from './errors.js';
import type { DeviceTopic } from './topics.js';

/** Largest MQTT payload a receiver accepts, in bytes. [MQTT-6.6] */
export const MQTT_MAX_PAYLOAD_BYTES = 4096;

const ts = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional();
const unit = z.number().min(0).max(1);

/** Device status, retained; the last will is `{ "state": "offline" }`. [MQTT-6.5.1] */
export const statusPayloadSchema = z.object({
  state: z.enum(['online', 'offline']),
  kind: z.enum(['wearable', 'satellite']).optional(),
  firmware: z.string().min(1).max(64).optional(),
  /** The stream id the device's current datagrams carry, so the hub can reject superseded streams. */
  streamId: z.number().int().min(1).max(0xffffffff).optional(),
  /** Percent, 0-100. */
  battery: z.number().min(0).max(100).optional(),
  /** Wi-Fi signal in dBm. */
  rssi: z.number().int().min(-127).max(0).optional(),
  cpuTempC: z.number().min(-60).max(200).optional(),
  uptimeS: z.number().int().nonnegative().optional(),
  ts,
});

/** Mute state, retained; the hardware switch is the usual source. [MQTT-6.5.2] */
export const muteStatePayloadSchema = z.object({
  muted: z.boolean(),
  source: z.enum(['switch', 'api', 'voice']).optional(),
  ts,
});

/** A button event. [MQTT-6.5.3] */
export const buttonEventPayloadSchema = z.object({
  button: z.enum(['ptt', 'action']),
  action: z.enum(['press', 'release', 'click', 'long_press']),
  ts,
});

/** An on-device wake-word detection. [MQTT-6.5.4] */
export const wakeEventPayloadSchema = z.object({
  score: unit,
  phrase: z.string().min(1).max(64).optional(),
  ts,
});

/** Speak a text on the device. [MQTT-6.5.5] */
export const sayCommandPayloadSchema = z.object({
  text: z.string().min(1).max(1000),
  id: z.string().min(1).max(64).optional(),
  volume: unit.optional(),
});

/** Drive the device's LEDs. [MQTT-6.5.6] */
export const ledCommandPayloadSchema = z.object({
  pattern: z.enum(['off', 'solid', 'pulse', 'spin', 'blink']),
  color: z.string().regex(/^#[0-9a-f]{6}$/, 'must be #rrggbb in lowercase hex').optional(),
  /** How long the pattern runs before the device returns to its idle pattern; absent means until replaced. */
  durationMs: z.number().int().positive().max(600_000).optional(),
});

/** Change device settings; absent fields keep their value. [MQTT-6.5.7] */
export const configCommandPayloadSchema = z.object({
  vadSensitivity: unit.optional(),
  frameMs: z.union([z.literal(10), z.literal(20), z.literal(40)]).optional(),
  codec: z.enum(['pcm16', 'adpcm']).optional(),
  volume: unit.optional(),
  wakeWord: z.boolean().optional(),
});

/** The one map from device topic to payload schema. [MQTT-6.5] */
export const payloadSchemas = {
  status: statusPayloadSchema,
  'state/mute': muteStatePayloadSchema,
  'event/button': buttonEventPayloadSchema,
  'event/wake': wakeEventPayloadSchema,
  'cmd/say': sayCommandPayloadSchema,
  'cmd/led': ledCommandPayloadSchema,
  'cmd/config': configCommandPayloadSchema,
} as const satisfies { [K in DeviceTopic]: z.ZodType };

/** The payload type of a device topic. */
export type PayloadOf<K extends DeviceTopic> = z.infer<(typeof payloadSchemas)[K]>;

function describeIssues(topic: string, error: z.ZodError): string {
  const issues = error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(payload)';
    return `${where}: ${issue.message}`;
  });
  return `${topic} payload: ${issues.join('; ')}`;
}

function validate<K extends DeviceTopic>(topic: K, value: unknown): PayloadOf<K> {
  const schema = payloadSchemas[topic] as z.ZodType | undefined;
  if (schema === undefined) throw new ProtocolError('JARVIS_PROTO_BAD_TOPIC', `unknown device topic ${JSON.stringify(topic)}`);
  const result = schema.safeParse(value);
  if (!result.success) throw new ProtocolError('JARVIS_PROTO_BAD_PAYLOAD', describeIssues(topic, result.error));
  return result.data as PayloadOf<K>;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and validates a received payload (UTF-8 JSON). Throws `JARVIS_PROTO_BAD_PAYLOAD` naming the
 * field, or `JARVIS_PROTO_TOO_LARGE` past `MQTT_MAX_PAYLOAD_BYTES`. [MQTT-6.5] [MQTT-6.6]
 */
export function decodePayload<K extends DeviceTopic>(topic: K, bytes: Uint8Array | string): PayloadOf<K> {
  let text: string;
  if (typeof bytes === 'string') {
    text = bytes;
    if (Buffer.byteLength(text, 'utf8') > MQTT_MAX_PAYLOAD_BYTES) {
      throw new ProtocolError('JARVIS_PROTO_TOO_LARGE', `${topic} payload exceeds ${MQTT_MAX_PAYLOAD_BYTES} bytes`);
    }
  } else {
    if (bytes.length > MQTT_MAX_PAYLOAD_BYTES) {
      throw new ProtocolError('JARVIS_PROTO_TOO_LARGE', `${topic} payload of ${bytes.length} bytes exceeds ${MQTT_MAX_PAYLOAD_BYTES}`);
    }
    try {
      text = utf8.decode(bytes);
    } catch {
      throw new ProtocolError('JARVIS_PROTO_BAD_PAYLOAD', `${topic} payload is not valid UTF-8`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError('JARVIS_PROTO_BAD_PAYLOAD', `${topic} payload is not JSON: ${(err as Error).message}`);
  }
  return validate(topic, value);
}

/** Validates a payload and serialises it to the JSON string to publish; invalid values throw like `decodePayload`. [MQTT-6.5] */
export function encodePayload<K extends DeviceTopic>(topic: K, value: PayloadOf<K>): string {
  return JSON.stringify(validate(topic, value));
}

/** The last-will payload a device registers when it connects. [MQTT-6.4] */
export const STATUS_LAST_WILL: PayloadOf<'status'> = Object.freeze({ state: 'offline' });
