import { topicFor } from '@jarvis/protocol';
import type { DeviceRecord } from '../store/index.js';

/** Retained topic where the hub says whether it is up (its client's last will sets it offline). */
export const HUB_STATUS_TOPIC = 'jarvis/v1/hub/status';

/** Retained topic where the hub publishes when it last heard from a device (ISO 8601). */
export function lastHeardTopic(deviceId: string): string {
  return `jarvis/v1/hub/device/${deviceId}/last_heard`;
}

/** One retained MQTT message. */
export interface RetainedMessage {
  topic: string;
  payload: string;
}

/** The discovery object names the hub publishes per device. */
export const DISCOVERY_OBJECTS = ['online', 'muted', 'battery', 'signal', 'last_heard'] as const;

/**
 * Home Assistant MQTT discovery configs for one device (`<prefix>/<component>/jarvis_<id>/<object>/config`,
 * retained): online, muted, battery, signal and last heard, all reading the device's own retained
 * topics, so Home Assistant shows the same state the hub acts on.
 */
export function discoveryMessages(device: DeviceRecord, prefix: string): RetainedMessage[] {
  const id = device.deviceId;
  const node = `jarvis_${id}`;
  const status = topicFor(id, 'status');
  const common = {
    device: {
      identifiers: [node],
      name: device.name,
      manufacturer: 'Jarvis',
      model: device.kind,
      suggested_area: device.area,
    },
    availability_topic: HUB_STATUS_TOPIC,
  };
  const entity = (component: string, object: string, config: Record<string, unknown>): RetainedMessage => ({
    topic: `${prefix}/${component}/${node}/${object}/config`,
    payload: JSON.stringify({ unique_id: `${node}_${object}`, object_id: `${node}_${object}`, ...common, ...config }),
  });
  return [
    entity('binary_sensor', 'online', {
      name: 'Online',
      device_class: 'connectivity',
      state_topic: status,
      value_template: '{{ value_json.state }}',
      payload_on: 'online',
      payload_off: 'offline',
    }),
    entity('binary_sensor', 'muted', {
      name: 'Muted',
      icon: 'mdi:microphone-off',
      state_topic: topicFor(id, 'state/mute'),
      value_template: "{{ 'ON' if value_json.muted else 'OFF' }}",
      payload_on: 'ON',
      payload_off: 'OFF',
    }),
    entity('sensor', 'battery', {
      name: 'Battery',
      device_class: 'battery',
      unit_of_measurement: '%',
      state_class: 'measurement',
      state_topic: status,
      value_template: '{{ value_json.battery if value_json.battery is defined else none }}',
    }),
    entity('sensor', 'signal', {
      name: 'Signal',
      device_class: 'signal_strength',
      unit_of_measurement: 'dBm',
      state_class: 'measurement',
      entity_category: 'diagnostic',
      state_topic: status,
      value_template: '{{ value_json.rssi if value_json.rssi is defined else none }}',
    }),
    entity('sensor', 'last_heard', {
      name: 'Last heard',
      device_class: 'timestamp',
      entity_category: 'diagnostic',
      state_topic: lastHeardTopic(id),
    }),
  ];
}

/** The retained topics to clear (empty payload) when a device is removed: HA then deletes its entities. */
export function removalTopics(deviceId: string, prefix: string): string[] {
  const node = `jarvis_${deviceId}`;
  return [
    `${prefix}/binary_sensor/${node}/online/config`,
    `${prefix}/binary_sensor/${node}/muted/config`,
    `${prefix}/sensor/${node}/battery/config`,
    `${prefix}/sensor/${node}/signal/config`,
    `${prefix}/sensor/${node}/last_heard/config`,
    topicFor(deviceId, 'status'),
    topicFor(deviceId, 'state/mute'),
    lastHeardTopic(deviceId),
  ];
}
