/** One MQTT login with the bundle's credentials and the offline last will; reconnecting is the agent's job. */
import { MQTT_CLIENT_ROLES, STATUS_LAST_WILL, encodePayload, mqttClientId, topicFor, type DeviceBundle } from '@jarvis/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import { EdgeError } from '../errors.js';

/** Options of {@link connectMqtt}. */
export interface ConnectMqttOptions {
  bundle: DeviceBundle;
  connectTimeoutMs: number;
  keepaliveS: number;
  /**
   * `check` logs in beside a running agent: its own client id (`jarvis-<id>-check`, so the broker never
   * kicks the agent's `jarvis-<id>-edge` session [MQTT-6.9]), and no last will that would mark the device offline.
   */
  probe?: boolean;
  /** Abandons the attempt (the agent is stopping). */
  signal?: AbortSignal;
}

/** CONNACK return codes 4 (bad username or password) and 5 (not authorised): retrying the same bundle cannot help. */
function isAuthRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 4 || code === 5 || code === 134 || code === 135 || /not authori[sz]ed|bad username or password/i.test(String((err as Error).message));
}

/**
 * Connects once, without mqtt.js's own reconnect (the agent owns backoff and state), registering the
 * retained `{"state":"offline"}` last will on the device's status topic [MQTT-6.4]. Rejects with
 * `JARVIS_EDGE_MQTT_AUTH` when the broker refuses the credentials, else `JARVIS_EDGE_MQTT_UNREACHABLE`.
 */
export function connectMqtt(options: ConnectMqttOptions): Promise<MqttClient> {
  const { bundle } = options;
  const url = bundle.mqtt.url;
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, {
      username: bundle.mqtt.username,
      password: bundle.mqtt.password,
      clientId: mqttClientId(bundle.deviceId, options.probe ? MQTT_CLIENT_ROLES.check : MQTT_CLIENT_ROLES.edge),
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: options.connectTimeoutMs,
      keepalive: options.keepaliveS,
      will: options.probe ? undefined : { topic: topicFor(bundle.deviceId, 'status'), payload: Buffer.from(encodePayload('status', STATUS_LAST_WILL)), qos: 1, retain: true },
    });
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end(true);
      if (isAuthRefusal(err)) {
        reject(new EdgeError('JARVIS_EDGE_MQTT_AUTH', `the broker at ${url} refused the credentials of ${bundle.mqtt.username} (${err.message}): the device was removed or its credentials rotated; provision it again with jarvis device add`, { cause: err }));
      } else {
        reject(new EdgeError('JARVIS_EDGE_MQTT_UNREACHABLE', `cannot reach the hub's MQTT broker at ${url}: ${err.message || (err as { code?: string }).code || 'connection failed'}`, { cause: err }));
      }
    };
    // mqtt.js's own connack timer does not cover a TCP connect that hangs (an unroutable address).
    const timer = setTimeout(() => fail(new Error(`no answer within ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs + 500);
    client.once('connect', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      client.removeAllListeners('error');
      client.removeAllListeners('close');
      resolve(client);
    });
    const onAbort = (): void => fail(new Error('stopped'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    client.once('error', (err) => fail(err));
    client.once('close', () => fail(new Error('connection closed before the broker answered')));
  });
}
