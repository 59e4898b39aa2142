import { fileURLToPath } from 'node:url';
import { createConnection, createLongLivedTokenAuth, type Connection } from 'home-assistant-js-websocket';
import WebSocket from 'ws';
import { loadRegistrySnapshot, type RegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { HomeAssistantSimulator } from '@jarvis/ha-simulator';
import { createWsSocketFactory } from '../../src/home-assistant/ws-socket.js';
import { HomeAssistantClient } from '../../src/home-assistant/client.js';
import { Allowlist } from '../../src/home-assistant/allowlist.js';
import { CommandRouter } from '../../src/router/command-router.js';

/** Path of the shared fixture home. */
export const FIXTURE_HOME = fileURLToPath(new URL('../../../tests/fixtures/registry/home.json', import.meta.url));

/** A fresh copy of the fixture home. */
export function fixtureHome(): RegistrySnapshot {
  return loadRegistrySnapshot(FIXTURE_HOME);
}

/** A started simulator on port 0 with the fixture home. */
export async function startSimulator(token = 'test-token', snapshot = fixtureHome()): Promise<HomeAssistantSimulator> {
  const sim = new HomeAssistantSimulator({ snapshot, token });
  await sim.start();
  return sim;
}

/** Connects the unmodified home-assistant-js-websocket library to `url`, using `ws`, without retries. */
export function connectLibrary(url: string, token: string): Promise<Connection> {
  let tries = 0;
  return createConnection({
    auth: createLongLivedTokenAuth(url, token),
    createSocket: createWsSocketFactory({ shouldContinue: () => tries++ < 1, backoffMs: () => 0 }),
  });
}

/** A raw websocket past the auth phase, for protocol-level tests; returns a function that awaits the next message. */
export async function rawSocket(url: string, token: string | null): Promise<{ ws: WebSocket; next(): Promise<Record<string, unknown>>; closed: Promise<void> }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/websocket`);
  const queue: Array<Record<string, unknown>> = [];
  const waiters: Array<(m: Record<string, unknown>) => void> = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as Record<string, unknown>;
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const closed = new Promise<void>((r) => ws.on('close', () => r()));
  const next = (): Promise<Record<string, unknown>> => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiters.push(r)));
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  const first = await next();
  if (first['type'] !== 'auth_required') throw new Error('expected auth_required');
  if (token !== null) {
    ws.send(JSON.stringify({ type: 'auth', access_token: token }));
    const ok = await next();
    if (ok['type'] !== 'auth_ok') throw new Error(`expected auth_ok, got ${JSON.stringify(ok)}`);
  }
  return { ws, next, closed };
}

/** A simulated Home Assistant with the fixture home, a real client connected to it, and a started command router on it. */
export interface SimulatedHaRouter {
  sim: HomeAssistantSimulator;
  ha: HomeAssistantClient;
  router: CommandRouter;
  stop(): Promise<void>;
}

/** Starts {@link SimulatedHaRouter} (HA exposure decides what may be acted on, as in a default hub). */
export async function startSimulatedHaRouter(snapshot = fixtureHome()): Promise<SimulatedHaRouter> {
  const sim = new HomeAssistantSimulator({ snapshot, token: 'tok' });
  await sim.start();
  const ha = new HomeAssistantClient({ url: sim.url, token: 'tok', backoffInitialMs: 20, backoffMaxMs: 80, connectTimeoutMs: 3000 });
  await ha.start();
  await ha.waitUntilConnected();
  const router = new CommandRouter({ client: ha, allowlist: new Allowlist({ entities: [], useHaExposure: true, optIn: [] }) });
  await router.start();
  return { sim, ha, router, stop: async () => { await router.stop(); await ha.stop(); await sim.stop(); } };
}
