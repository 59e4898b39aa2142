import { Counter, type Registry } from 'prom-client';

/** Why an MQTT message or login was refused; the `reason` label of `jarvis_mqtt_rejected_total`. */
export type MqttRejectReason =
  | 'bad_credentials'
  | 'forbidden_topic'
  | 'forbidden_subscribe'
  | 'bad_payload'
  | 'unknown_device'
  | 'client_id'
  | 'throttled'
  | 'packet_too_large'
  | 'bad_packet'
  | 'connect_timeout'
  | 'too_many_connections';

/** The MQTT series, shared by the broker and the hub's client (main.ts hands the same one to both). */
export interface MqttMetrics {
  /** Refused MQTT logins, publishes and subscriptions. */
  rejected: Counter<'device' | 'reason'>;
}

function mqttSeries(registers: Registry[]): MqttMetrics {
  return {
    rejected: new Counter({
      name: 'jarvis_mqtt_rejected_total',
      help: 'MQTT logins, publishes and subscriptions refused, by device and reason',
      labelNames: ['device', 'reason'] as const,
      registers,
    }),
  };
}

/**
 * Registers the MQTT series on `registry` (the root, once per registry) and returns them for the
 * `metrics` option of `EmbeddedBroker` and `MqttDevicePlane`; constructing either registers nothing.
 */
export function registerMqttMetrics(registry: Registry): MqttMetrics {
  return mqttSeries([registry]);
}

/** Series registered nowhere: what a broker or device plane counts when it is given none (tests, tools). */
export function unregisteredMqttMetrics(): MqttMetrics {
  return mqttSeries([]);
}
