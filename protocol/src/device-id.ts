import { ProtocolError } from './errors.js';

const DEVICE_ID_TEXT = /^[0-9a-f]{8}$/;

/** True when `id` is a valid device id: an integer that fits a u32. [UDP-2.9] */
export function isDeviceId(id: unknown): id is number {
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id <= 0xffffffff;
}

/** Text form of a device id used in MQTT topics and bundles: 8 lowercase hex digits (42 -> "0000002a"). [MQTT-6.2] */
export function formatDeviceId(id: number): string {
  if (!isDeviceId(id)) throw new ProtocolError('JARVIS_PROTO_BAD_DEVICE_ID', `device id ${String(id)} is not a u32`);
  return id.toString(16).padStart(8, '0');
}

/** Parses the text form of a device id; anything but exactly 8 lowercase hex digits is rejected. [MQTT-6.2] */
export function parseDeviceId(text: string): number {
  if (typeof text !== 'string' || !DEVICE_ID_TEXT.test(text)) {
    throw new ProtocolError(
      'JARVIS_PROTO_BAD_DEVICE_ID',
      `device id ${JSON.stringify(text)} is not 8 lowercase hex digits`,
    );
  }
  return Number.parseInt(text, 16);
}
