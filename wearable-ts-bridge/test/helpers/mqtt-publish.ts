import type { Aedes } from 'aedes';

/** Publishes from the broker itself, as the hub's embedded broker does for hub → device commands. */
export function mqttPublish(broker: Aedes, topic: string, payload: string): Promise<void> {
  return new Promise((resolve, reject) => {
    broker.publish(
      { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
      (err) => (err ? reject(err) : resolve()),
    );
  });
}
