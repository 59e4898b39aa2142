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

/** Counter of refused MQTT logins, publishes and subscriptions, shared by the broker and the hub's client. */
export function mqttRejectedCounter(registry: Registry | undefined): Counter<'device' | 'reason'> {
  const existing = registry?.getSingleMetric('jarvis_mqtt_rejected_total');
  if (existing) return existing as Counter<'device' | 'reason'>;
  return new Counter({
    name: 'jarvis_mqtt_rejected_total',
    help: 'MQTT logins, publishes and subscriptions refused, by device and reason',
    labelNames: ['device', 'reason'] as const,
    registers: registry ? [registry] : [],
  });
}
