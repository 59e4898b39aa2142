/**
 * MQTT client ids tied to the device identity (SPEC.md [MQTT-6.9]): `jarvis-<deviceId>-<role>`. A broker
 * refuses a client id that names another device, so one device cannot take over another's session.
 */
import { formatDeviceId, parseDeviceId } from './device-id.js';
import { ProtocolError } from './errors.js';

const ROLE = /^[a-z][a-z0-9]{0,15}$/;
const CLIENT_ID = /^jarvis-([0-9a-f]{8})-([a-z][a-z0-9]{0,15})$/;

/** Roles the Jarvis senders use: the wearable, the edge agent, and the edge agent's `check` probe. */
export const MQTT_CLIENT_ROLES = { wearable: 'wearable', edge: 'edge', check: 'check' } as const;

/** The client id of a device's MQTT session in one role (`jarvis-0000002a-edge`). [MQTT-6.9] */
export function mqttClientId(deviceId: number | string, role: string): string {
  const id = typeof deviceId === 'number' ? formatDeviceId(deviceId) : formatDeviceId(parseDeviceId(deviceId));
  if (typeof role !== 'string' || !ROLE.test(role)) {
    throw new ProtocolError('JARVIS_PROTO_BAD_CLIENT_ID', `client role ${JSON.stringify(role)} is not 1-16 lowercase letters or digits starting with a letter`);
  }
  return `jarvis-${id}-${role}`;
}

/** Splits a device client id; anything but `jarvis-<8 hex>-<role>` is `JARVIS_PROTO_BAD_CLIENT_ID`. [MQTT-6.9] */
export function parseMqttClientId(clientId: string): { deviceId: string; role: string } {
  const m = typeof clientId === 'string' ? CLIENT_ID.exec(clientId) : null;
  if (!m) {
    throw new ProtocolError('JARVIS_PROTO_BAD_CLIENT_ID', `client id ${JSON.stringify(String(clientId).slice(0, 64))} is not jarvis-<8 hex digit device id>-<role>`);
  }
  return { deviceId: m[1] as string, role: m[2] as string };
}

/** True when `clientId` is a client id of `deviceId` (its text form) in any role. [MQTT-6.9] */
export function clientIdBelongsTo(clientId: string, deviceId: string): boolean {
  try {
    return parseMqttClientId(clientId).deviceId === deviceId;
  } catch {
    return false;
  }
}
