/** [MQTT-6.9] MQTT client ids name their device and role. */
import { describe, expect, it } from 'vitest';
import { MQTT_CLIENT_ROLES, clientIdBelongsTo, mqttClientId, parseMqttClientId } from '../src/index.js';
import { codeOf } from './helpers.js';

describe('[MQTT-6.9] client ids', () => {
  it('are jarvis-<id>-<role> from a number or the text form', () => {
    expect(mqttClientId(42, MQTT_CLIENT_ROLES.edge)).toBe('jarvis-0000002a-edge');
    expect(mqttClientId('0000002a', MQTT_CLIENT_ROLES.check)).toBe('jarvis-0000002a-check');
    expect(parseMqttClientId('jarvis-0000002a-wearable')).toEqual({ deviceId: '0000002a', role: 'wearable' });
  });

  it('belong only to the device they name', () => {
    expect(clientIdBelongsTo('jarvis-0000002a-edge', '0000002a')).toBe(true);
    expect(clientIdBelongsTo('jarvis-0000002b-edge', '0000002a')).toBe(false);
    expect(clientIdBelongsTo('jarvis-wearable-0000002a', '0000002a')).toBe(false);
    expect(clientIdBelongsTo('', '0000002a')).toBe(false);
  });

  const bad = [
    'jarvis-wearable-0000002a', // the old, unbound form
    'jarvis-0000002A-edge',
    'jarvis-0000002a-',
    'jarvis-0000002a-Edge',
    'jarvis-0000002a-1edge',
    'jarvis-0000002a-edge-x',
    'jarvis-0000002a-abcdefghijklmnopq',
    'jarvis-2a-edge',
    'xjarvis-0000002a-edge',
    '',
  ];
  for (const id of bad) {
    it(`refuses ${JSON.stringify(id)} with JARVIS_PROTO_BAD_CLIENT_ID`, () => {
      expect(codeOf(() => parseMqttClientId(id))).toBe('JARVIS_PROTO_BAD_CLIENT_ID');
    });
  }

  it('refuses a bad role or device id when building', () => {
    expect(codeOf(() => mqttClientId(42, 'Edge'))).toBe('JARVIS_PROTO_BAD_CLIENT_ID');
    expect(codeOf(() => mqttClientId(42, ''))).toBe('JARVIS_PROTO_BAD_CLIENT_ID');
    expect(codeOf(() => mqttClientId(-1, 'edge'))).toBe('JARVIS_PROTO_BAD_DEVICE_ID');
    expect(codeOf(() => mqttClientId('2a', 'edge'))).toBe('JARVIS_PROTO_BAD_DEVICE_ID');
  });
});
