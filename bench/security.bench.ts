/**
 * `mqtt.login_ms_under_flood` (issue 15, weak point 5): how long a legitimate device login takes on the
 * embedded broker while another address floods the same username with wrong passwords. Measured on a
 * real broker over loopback with a real device record (scrypt hash as `jarvis device add` stores it);
 * the attacker connects from 127.0.0.2, the device from 127.0.0.1. Three figures:
 * - `mqtt.login_ms_quiet`: the device's login with nothing else going on (first login: one scrypt);
 * - `mqtt.login_ms_under_flood`: the device logging in again while the flood runs (the headline);
 * - `mqtt.login_ms_under_flood_new_address`: the device from an address that never logged in, whose
 *   password the hub has not verified recently (the worst case the limits leave).
 * The flood counts how many password checks it made the hub run (`checks`): before the limits every
 * try cost one (556 tries in 27 s slowed a login to 2.8 s in the probe).
 */
import { randomBytes } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { MqttClient, type IClientOptions } from 'mqtt';
import { Registry } from 'prom-client';
import { silentLogger } from '../hub/src/core/logger.js';
import { SecretBox } from '../hub/src/core/secrets.js';
import { EmbeddedBroker } from '../hub/src/mqtt/embedded-broker.js';
import { registerMqttMetrics } from '../hub/src/mqtt/metrics.js';
import { openDatabase } from '../hub/src/store/database.js';
import { DevicesRepository } from '../hub/src/store/devices-repository.js';
import type { LoginLimits } from '../hub/src/mqtt/login-limiter.js';
import { distribution, type Benchmark, type Figure } from './lib.js';

const FLOODER = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { MqttClient } = require('mqtt');
const { port, username, deviceId, parallel } = workerData;
let stop = false;
let tries = 0;
parentPort.on('message', () => { stop = true; });
function once() {
  return new Promise((resolve) => {
    tries++;
    const c = new MqttClient(() => net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' }), { reconnectPeriod: 0, protocolVersion: 4, username, password: 'guess-' + tries, clientId: 'jarvis-' + deviceId + '-x' + (tries % 1000) });
    const done = () => { c.removeAllListeners(); c.on('error', () => {}); c.end(true); resolve(); };
    c.once('connect', done); c.once('error', done); c.once('close', done);
  });
}
async function loop() { while (!stop) await once(); }
Promise.all(Array.from({ length: parallel }, loop)).then(() => { parentPort.postMessage(tries); process.exit(0); });
`;

function login(port: number, localAddress: string, options: IClientOptions): Promise<{ ok: boolean; ms: number }> {
  const t0 = performance.now();
  const client = new MqttClient(() => netConnect({ port, host: '127.0.0.1', localAddress }), { reconnectPeriod: 0, connectTimeout: 30_000, protocolVersion: 4, ...options });
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      const ms = performance.now() - t0;
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end(true);
      resolve({ ok, ms });
    };
    client.once('connect', () => done(true));
    client.once('error', () => done(false));
    client.once('close', () => done(false));
  });
}

/** Limits that switch the login limiter off: every try costs a password check, as before issue 15. */
const NO_LOGIN_LIMITS = { failuresPerAddress: 1_000_000, hashingPerUsername: 64, verifiedTtlMs: 0 };

async function scenario(emit: (f: Figure) => void, suffix: string, loginLimits: Partial<LoginLimits> | undefined, label: string): Promise<void> {
  {
    {
      const db = openDatabase(':memory:');
      const devices = new DevicesRepository(db, new SecretBox(randomBytes(32)));
      const { device, credentials } = devices.add({ name: 'w', area: 'Lab', kind: 'wearable' });
      let checks = 0;
      const broker = new EmbeddedBroker({
        host: '127.0.0.1',
        port: 0,
        verifyDeviceLogin: (u, p) => {
          checks++;
          return devices.verifyMqttLogin(u, p);
        },
        hubCredentials: { username: 'jarvis-hub', password: randomBytes(16).toString('hex') },
        logger: silentLogger(),
        metrics: registerMqttMetrics(new Registry()),
        limits: { maxConnectionsPerAddress: 1000 },
        loginLimits,
      });
      await broker.start();
      const me = { username: device.mqttUsername, password: credentials.mqttPassword, clientId: `jarvis-${device.deviceId}-wearable` };
      try {
        const quiet: number[] = [];
        for (let i = 0; i < 5; i++) {
          // Each from a fresh address, so every one pays its scrypt.
          quiet.push((await login(broker.port, `127.0.3.${i + 1}`, me)).ms);
        }
        if (!suffix) emit(distribution('mqtt.login_ms_quiet', 'ms', quiet, { data: 'loopback, one device record, scrypt as stored by jarvis device add; 5 first logins from fresh addresses; machine shared with other jobs' }));

        // The attacker is another machine: its 16 login loops run in a worker thread, not on the hub's event loop.
        const worker = new Worker(FLOODER, { eval: true, workerData: { port: broker.port, username: device.mqttUsername, deviceId: device.deviceId, parallel: 16 } });
        let tries = 0;
        worker.on('message', (n: number) => (tries = n));
        const checksBefore = checks;
        const floodStarted = performance.now();
        const flood = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
        await new Promise((r) => setTimeout(r, 1000));
        const under: number[] = [];
        const underNew: number[] = [];
        for (let i = 0; i < 10; i++) {
          const r = await login(broker.port, '127.0.0.1', me);
          if (r.ok) under.push(r.ms);
          const n = await login(broker.port, `127.0.4.${i + 1}`, me);
          if (n.ok) underNew.push(n.ms);
          await new Promise((r) => setTimeout(r, 200));
        }
        worker.postMessage('stop');
        await flood;
        const seconds = (performance.now() - floodStarted) / 1000;
        const extra = {
          data: 'loopback; 16 concurrent wrong-password logins on the device username from 127.0.0.2 (a worker thread) for the whole run; machine shared with other jobs',
          floodTries: tries,
          floodSeconds: Math.round(seconds * 10) / 10,
          checks: checks - checksBefore,
          refusedLogins: 10 - under.length,
          limits: label,
        };
        emit(distribution(`mqtt.login_ms_under_flood${suffix}`, 'ms', under.length ? under : [Number.NaN], extra));
        emit(distribution(`mqtt.login_ms_under_flood_new_address${suffix}`, 'ms', underNew.length ? underNew : [Number.NaN], { ...extra, refusedLogins: 10 - underNew.length }));
      } finally {
        await broker.stop();
        db.close();
      }
    }
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'mqtt.login_ms',
    async run(emit) {
      await scenario(emit, '', undefined, 'defaults (10 failures/min per address, 2 checks per username, 10 min verified cache)');
      // The same flood with the limiter off: the figure before the fix, measured the same way.
      await scenario(emit, '_unlimited', NO_LOGIN_LIMITS, 'off (every try is a scrypt check, as before issue 15)');
    },
  },
];
