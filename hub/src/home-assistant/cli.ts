import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createConnection, createLongLivedTokenAuth, ERR_INVALID_AUTH } from 'home-assistant-js-websocket';
import type { CliCommand, CliIO } from '../cli/types.js';
import { HomeAssistantError } from './errors.js';
import { fetchRegistrySnapshot } from './live-registry.js';
import { loadRegistrySnapshot } from './registry-snapshot.js';
import { HomeAssistantSimulator } from './simulator/ha-simulator.js';
import { createWsSocketFactory } from './ws-socket.js';

/** The demo home `jarvis ha simulate` loads when no `--registry` is given (the repository's fixture home). */
export const DEMO_REGISTRY = fileURLToPath(new URL('../../../tests/fixtures/registry/home.json', import.meta.url));

function flags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new HomeAssistantError('JARVIS_HA_BAD_ARGS', (err as Error).message);
  }
}

function fail(io: CliIO, command: string, err: unknown): number {
  if (err instanceof HomeAssistantError) {
    io.stderr.write(`jarvis ${command}: ${err.message} (${err.code})\n`);
    return err.code === 'JARVIS_HA_BAD_ARGS' || err.code === 'JARVIS_HA_BAD_SNAPSHOT' ? 2 : 1;
  }
  throw err;
}

const SIMULATE_HELP = `Usage: jarvis ha simulate [--registry FILE] [--port N] [--host H] [--token T]

Runs a Home Assistant simulator that speaks HA's websocket API (auth, states, registries,
subscribe_entities, call_service, todo) for demos and tests, loaded from a registry snapshot.

  --registry FILE  registry snapshot JSON (default: the demo home, ${DEMO_REGISTRY})
  --port N         port to listen on (default 8123; 0 = any free port)
  --host H         address to bind (default 127.0.0.1)
  --token T        access token clients must send (default: $JARVIS_HOME_ASSISTANT_TOKEN or a random one)

Prints one JSON line with the URL and token, then one line per service call received. Ctrl-C stops it.
`;

/** `jarvis ha simulate`, with an abort signal so tests can stop it. */
export async function runSimulate(argv: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  try {
    const { values } = flags({ args: argv, strict: true as const, allowPositionals: false, options: {
      registry: { type: 'string' as const }, port: { type: 'string' as const }, host: { type: 'string' as const }, token: { type: 'string' as const }, help: { type: 'boolean' as const },
    } });
    if (values.help) {
      io.stdout.write(SIMULATE_HELP);
      return 0;
    }
    const port = values.port === undefined ? 8123 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535 || values.port === '') {
      throw new HomeAssistantError('JARVIS_HA_BAD_ARGS', `--port must be an integer from 0 to 65535, got "${values.port ?? ''}"`);
    }
    const token = values.token ?? io.env['JARVIS_HOME_ASSISTANT_TOKEN'] ?? randomBytes(18).toString('base64url');
    if (token === '') throw new HomeAssistantError('JARVIS_HA_BAD_ARGS', '--token must not be empty');
    const snapshot = loadRegistrySnapshot(values.registry ?? DEMO_REGISTRY);
    const sim = new HomeAssistantSimulator({ snapshot, token, port, host: values.host ?? '127.0.0.1' });
    try {
      await sim.start();
    } catch (err) {
      throw new HomeAssistantError('JARVIS_HA_BAD_ARGS', `cannot listen on ${values.host ?? '127.0.0.1'}:${port}: ${(err as Error).message}`);
    }
    io.stdout.write(`${JSON.stringify({ url: sim.url, token, entities: snapshot.entities.length })}\n`);
    let printed = 0;
    const timer = setInterval(() => {
      for (; printed < sim.serviceCalls.length; printed++) {
        const c = sim.serviceCalls[printed]!;
        io.stdout.write(`${JSON.stringify({ call: `${c.domain}.${c.service}`, entities: c.entityIds, data: c.serviceData })}\n`);
      }
    }, 50);
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
    clearInterval(timer);
    await sim.stop();
    return 0;
  } catch (err) {
    return fail(io, 'ha simulate', err);
  }
}

/** `jarvis ha simulate`: a Home Assistant stand-in for demos. */
export const haSimulateCommand: CliCommand = {
  path: ['ha', 'simulate'],
  summary: 'run a Home Assistant simulator (websocket API) loaded from a registry snapshot',
  help: SIMULATE_HELP,
  async run(argv, io) {
    const ac = new AbortController();
    const stop = (): void => ac.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    try {
      return await runSimulate(argv, io, ac.signal);
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  },
};

const SNAPSHOT_HELP = `Usage: jarvis ha snapshot [--url URL] [--token T] [--timeout MS] > registry.json

Writes a registry snapshot (floors, areas, devices, entities with names, aliases, areas, device
classes, states and exposure) of a live Home Assistant to stdout.

  --url URL      Home Assistant base URL (default: $JARVIS_HOME_ASSISTANT_URL)
  --token T      long-lived access token (default: $JARVIS_HOME_ASSISTANT_TOKEN)
  --timeout MS   give up after this long (default 10000)
`;

/** `jarvis ha snapshot`: registry snapshot of a live Home Assistant to stdout. */
export const haSnapshotCommand: CliCommand = {
  path: ['ha', 'snapshot'],
  summary: 'write a registry snapshot of a live Home Assistant as JSON to stdout',
  help: SNAPSHOT_HELP,
  async run(argv, io) {
    try {
      const { values } = flags({ args: argv, strict: true as const, allowPositionals: false, options: {
        url: { type: 'string' as const }, token: { type: 'string' as const }, timeout: { type: 'string' as const }, help: { type: 'boolean' as const },
      } });
      if (values.help) {
        io.stdout.write(SNAPSHOT_HELP);
        return 0;
      }
      const url = values.url ?? io.env['JARVIS_HOME_ASSISTANT_URL'];
      const token = values.token ?? io.env['JARVIS_HOME_ASSISTANT_TOKEN'];
      if (!url || !/^https?:\/\/[^/]+/.test(url)) throw new HomeAssistantError('JARVIS_HA_BAD_ARGS', `--url (or JARVIS_HOME_ASSISTANT_URL) must be an http(s):// URL, got "${url ?? ''}"`);
      if (!token) throw new HomeAssistantError('JARVIS_HA_BAD_ARGS', '--token (or JARVIS_HOME_ASSISTANT_TOKEN) is required');
      const timeout = values.timeout === undefined ? 10_000 : Number(values.timeout);
      if (!Number.isInteger(timeout) || timeout <= 0) throw new HomeAssistantError('JARVIS_HA_BAD_ARGS', `--timeout must be a positive integer (ms), got "${values.timeout ?? ''}"`);
      let tries = 0;
      const conn = await createConnection({
        auth: createLongLivedTokenAuth(url.replace(/\/+$/, ''), token),
        createSocket: createWsSocketFactory({ shouldContinue: () => tries++ < 1, backoffMs: () => 0, connectTimeoutMs: timeout }),
      }).catch((err: unknown) => {
        if (err === ERR_INVALID_AUTH) throw new HomeAssistantError('JARVIS_HA_AUTH_INVALID', `${url} refused the access token`);
        throw new HomeAssistantError('JARVIS_HA_CANNOT_CONNECT', `cannot connect to ${url}`);
      });
      try {
        const snap = await fetchRegistrySnapshot(conn);
        io.stdout.write(`${JSON.stringify(snap, null, 2)}\n`);
        return 0;
      } finally {
        conn.close();
      }
    } catch (err) {
      return fail(io, 'ha snapshot', err);
    }
  },
};

/** Every `jarvis ha ...` command. */
export const haCommands: readonly CliCommand[] = [haSimulateCommand, haSnapshotCommand];
