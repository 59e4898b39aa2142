/**
 * A real device plane for the simulator's tests: an aedes broker with per-device credentials on a TCP
 * port 0, and a UDP socket on port 0 that verifies and decodes every datagram with @jarvis/protocol.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { Aedes } from 'aedes';
import { decodeAudioFrame, deviceMayPublish, deviceMaySubscribe, verifyAudioFrame } from '@jarvis/protocol';
import type { AudioFrame, DeviceBundle } from '@jarvis/protocol';

/** A message the broker accepted, in arrival order. */
export interface Published {
  topic: string;
  payload: string;
  retain: boolean;
}

/** The test's hub stand-in: real broker, real socket; nothing mocked. */
export interface DevicePlane {
  bundle: DeviceBundle;
  frames: AudioFrame[];
  published: Published[];
  broker: Aedes;
  /** Resolves once `predicate` holds, polling the collected data; rejects after `ms`. */
  until(predicate: () => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

const KEY = 'a1'.repeat(32);

/** Starts a broker and a UDP receiver and returns a bundle pointing at them. */
export async function startDevicePlane(): Promise<DevicePlane> {
  const deviceId = '0000002a';
  const password = 's3cret-password';
  const broker = await Aedes.createBroker({
    authenticate: (_client, username, pw, done) => {
      const ok = username === `device-${deviceId}` && pw?.toString() === password;
      if (ok) return done(null, true);
      const err = Object.assign(new Error('bad username or password'), { returnCode: 4 });
      done(err as Parameters<typeof done>[0], false);
    },
    authorizePublish: (client, packet, done) => {
      done(client && !deviceMayPublish(deviceId, packet.topic) ? new Error(`denied ${packet.topic}`) : null);
    },
    authorizeSubscribe: (_client, sub, done) => {
      done(deviceMaySubscribe(deviceId, sub.topic) ? null : new Error(`denied ${sub.topic}`), sub);
    },
  });
  const published: Published[] = [];
  broker.on('publish', (packet, _client) => {
    if (!packet.topic.startsWith('jarvis/')) return;
    published.push({ topic: packet.topic, payload: packet.payload.toString(), retain: packet.retain });
  });
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const mqttPort = (server.address() as AddressInfo).port;

  const key = new Uint8Array(Buffer.from(KEY, 'hex'));
  const frames: AudioFrame[] = [];
  const udp: Socket = createSocket('udp4');
  udp.on('message', (msg) => {
    const datagram = new Uint8Array(msg);
    verifyAudioFrame(datagram, key);
    frames.push(decodeAudioFrame(datagram));
  });
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  const udpPort = udp.address().port;

  const bundle: DeviceBundle = {
    version: 1,
    deviceId,
    name: 'test wearable',
    area: 'office',
    kind: 'wearable',
    key: KEY,
    mqtt: { url: `mqtt://127.0.0.1:${mqttPort}`, username: `device-${deviceId}`, password },
    hub: { udp: `127.0.0.1:${udpPort}`, http: 'http://127.0.0.1:8080' },
  };

  return {
    bundle,
    frames,
    published,
    broker,
    async until(predicate, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error('condition not reached in time');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      udp.close();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A deterministic test tone: `seconds` of a 440 Hz sine at `rate`. */
export function tone(seconds: number, rate: number): Int16Array {
  const out = new Int16Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate));
  return out;
}
