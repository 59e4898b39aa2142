/**
 * The device's boot counter (SPEC.md [UDP-2.10], [UDP-2.16]): the value a sender puts in `stream_id`,
 * kept in non-volatile storage, advanced and saved before a new stream sends its first datagram, and
 * restarted only under a new key. Pure functions: callers own the storage (NVS on the wearable, a state
 * file for the simulator and the edge agent).
 */
import { createHash } from 'node:crypto';
import { BOOT_COUNTER_MAX, DEVICE_KEY_BYTES } from './constants.js';
import { ProtocolError } from './errors.js';

/** What a sender keeps in non-volatile storage: the last boot counter it used, and under which key. */
export interface BootCounterState {
  /** `deviceKeyId` of the key the counter belongs to; a different key starts a new epoch. */
  keyId: string;
  /** The last counter value used on the wire (0: none yet under this key). */
  boot: number;
}

/**
 * A short fingerprint of a device key (first 8 bytes of its SHA-256, hex): lets the stored counter say
 * which key epoch it belongs to without storing the key a second time. [UDP-2.16]
 */
export function deviceKeyId(key: Uint8Array): string {
  if (!(key instanceof Uint8Array) || key.length !== DEVICE_KEY_BYTES) {
    throw new ProtocolError('JARVIS_PROTO_BAD_KEY', `device key must be ${DEVICE_KEY_BYTES} bytes`);
  }
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * The state after a boot: the counter to send with, already advanced. Under the stored key it is the
 * stored value + 1; under a new key (or with nothing stored) the epoch restarts and the first boot is 1
 * (0 is never sent, [UDP-2.10]). At `BOOT_COUNTER_MAX` it throws `JARVIS_PROTO_BOOT_EXHAUSTED`: the
 * device needs a new key. The caller MUST save the result before sending with it. [UDP-2.16]
 */
export function advanceBootCounter(stored: BootCounterState | undefined, key: Uint8Array): BootCounterState {
  const keyId = deviceKeyId(key);
  if (stored === undefined || stored.keyId !== keyId) return { keyId, boot: 1 };
  if (stored.boot >= BOOT_COUNTER_MAX) {
    throw new ProtocolError('JARVIS_PROTO_BOOT_EXHAUSTED', `boot counter is at its maximum ${BOOT_COUNTER_MAX}: rotate the device key (jarvis device rotate-key) to start a new epoch`);
  }
  return { keyId, boot: stored.boot + 1 };
}

/** Serialises a boot counter state as the one-line JSON the simulator and the edge agent store. */
export function encodeBootCounterState(state: BootCounterState): string {
  return `${JSON.stringify({ keyId: state.keyId, boot: state.boot })}\n`;
}

/**
 * Parses a stored boot counter state; anything malformed is `JARVIS_PROTO_BAD_FIELD` (the caller must
 * then refuse to stream rather than restart the counter: a restarted counter is refused by the hub).
 */
export function decodeBootCounterState(text: string): BootCounterState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError('JARVIS_PROTO_BAD_FIELD', `boot counter state is not JSON: ${(err as Error).message}`);
  }
  const v = value as { keyId?: unknown; boot?: unknown } | null;
  if (typeof v !== 'object' || v === null || typeof v.keyId !== 'string' || !/^[0-9a-f]{16}$/.test(v.keyId)) {
    throw new ProtocolError('JARVIS_PROTO_BAD_FIELD', 'boot counter state: keyId must be 16 lowercase hex digits');
  }
  if (typeof v.boot !== 'number' || !Number.isInteger(v.boot) || v.boot < 0 || v.boot > BOOT_COUNTER_MAX) {
    throw new ProtocolError('JARVIS_PROTO_BAD_FIELD', `boot counter state: boot must be an integer in 0..${BOOT_COUNTER_MAX}`);
  }
  return { keyId: v.keyId, boot: v.boot };
}
