import { fileURLToPath } from 'node:url';
import { createConnection, createLongLivedTokenAuth, type Connection } from 'home-assistant-js-websocket';
import WebSocket from 'ws';
import { loadRegistrySnapshot, type RegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { HomeAssistantSimulator, type HomeAssistantSimulatorOptions } from '@jarvis/ha-simulator';
import { createWsSocketFactory } from '../../src/home-assistant/ws-socket.js';
import { HomeAssistantClient, type HomeAssistantClientOptions } from '../../src/home-assistant/client.js';
import { Allowlist } from '../../src/home-assistant/allowlist.js';
import { CommandRouter, type CommandRouterOptions } from '../../src/router/command-router.js';
import { DecisionExecutor, type ExecutorDeps } from '../../src/home-assistant/executor.js';
import { TimerService } from '../../src/router/timers.js';

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

/** Options of {@link startSimulatedHa}: the fixture home, token `tok` and a fast-retrying client unless told otherwise. */
export interface SimulatedHaOptions {
  /** The simulated home (default: a fresh copy of the fixture home). */
  snapshot?: RegistrySnapshot;
  /** More simulator options: sentences HA's own agent understands, extra agent ids, ... */
  simulator?: Partial<Omit<HomeAssistantSimulatorOptions, 'snapshot' | 'token'>>;
  /** Client options over the defaults (retry backoff 20 → 80 ms, 3 s connect timeout); `connectTimeoutMs: undefined` keeps the client's own. */
  client?: Partial<Omit<HomeAssistantClientOptions, 'url' | 'token'>>;
}

/** A simulated Home Assistant and a real client connected to it. */
export interface SimulatedHa {
  sim: HomeAssistantSimulator;
  ha: HomeAssistantClient;
  /** Stops the client, then the simulator. */
  stop(): Promise<void>;
}

/** Starts {@link SimulatedHa}; if the client cannot connect, what was started is stopped before the error is thrown. */
export async function startSimulatedHa(options: SimulatedHaOptions = {}): Promise<SimulatedHa> {
  const sim = new HomeAssistantSimulator({ ...options.simulator, snapshot: options.snapshot ?? fixtureHome(), token: 'tok' });
  await sim.start();
  const ha = new HomeAssistantClient({ backoffInitialMs: 20, backoffMaxMs: 80, connectTimeoutMs: 3000, ...options.client, url: sim.url, token: 'tok' });
  try {
    await ha.start();
    await ha.waitUntilConnected();
  } catch (err) {
    await ha.stop();
    await sim.stop();
    throw err;
  }
  return { sim, ha, stop: async () => { await ha.stop(); await sim.stop(); } };
}

/** Options of {@link startSimulatedHaRouter}. */
export interface SimulatedHaRouterOptions extends SimulatedHaOptions {
  /** Router options besides the client and the allowlist, given both (e.g. HA's conversation agent as the fallback). */
  router?: (ha: HomeAssistantClient, allowlist: Allowlist) => Partial<Omit<CommandRouterOptions, 'client' | 'allowlist'>>;
}

/** A simulated Home Assistant with the fixture home, a real client connected to it, and a started command router on it. */
export interface SimulatedHaRouter extends SimulatedHa {
  router: CommandRouter;
  /** Stops the router, the client, then the simulator. */
  stop(): Promise<void>;
}

/** Starts {@link SimulatedHaRouter} (HA exposure decides what may be acted on, as in a default hub). */
export async function startSimulatedHaRouter(options: SimulatedHaRouterOptions = {}): Promise<SimulatedHaRouter> {
  const home = await startSimulatedHa(options);
  const allowlist = new Allowlist({ entities: [], useHaExposure: true, optIn: [] });
  const router = new CommandRouter({ ...options.router?.(home.ha, allowlist), client: home.ha, allowlist });
  try {
    await router.start();
  } catch (err) {
    await home.stop();
    throw err;
  }
  return { sim: home.sim, ha: home.ha, router, stop: async () => { await router.stop(); await home.stop(); } };
}

/**
 * A simulator serving `home`, the real client connected to it, timers on `clock`, and a DecisionExecutor over them
 * (`deps` adds or replaces its dependencies, e.g. `broadcast`); `calls()` lists the service calls the simulator got as
 * "domain.service entity,ids {data}"; `stop()` ends them all.
 */
export async function startExecutor(home: RegistrySnapshot, options: { clock?: () => number; deps?: Partial<ExecutorDeps> } = {}) {
  const sim = new HomeAssistantSimulator({ snapshot: home, token: 't' });
  await sim.start();
  const client = new HomeAssistantClient({ url: sim.url, token: 't', backoffInitialMs: 20, backoffMaxMs: 50 });
  await client.start();
  await client.waitUntilConnected();
  const timers = new TimerService(options.clock ?? (() => 0));
  const executor = new DecisionExecutor({ ha: client, getState: (id) => client.getState(id), getEntity: (id) => home.entities.find((e) => e.entity_id === id), timers, ...options.deps });
  return {
    sim, client, timers, executor,
    calls: (): string[] => sim.serviceCalls.map((c) => `${c.domain}.${c.service} ${c.entityIds.join(',')} ${JSON.stringify(c.serviceData)}`),
    async stop(): Promise<void> {
      await timers.stop();
      await client.stop();
      await sim.stop();
    },
  };
}
