import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { registrySnapshotSchema, type RegistrySnapshot } from '@jarvis/protocol';
import { SimulatorError } from './errors.js';
import { HomeAssistantSimulator } from './ha-simulator.js';

/** The demo home `jarvis-ha-sim` loads when no `--registry` is given (the repository's fixture home). */
export const DEMO_REGISTRY = fileURLToPath(new URL('../../tests/fixtures/registry/home.json', import.meta.url));

/** Where the command writes (a CLI's stdout/stderr and environment). */
export interface SimulatorIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

function flags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new SimulatorError('JARVIS_HA_BAD_ARGS', (err as Error).message);
  }
}

/** Reads and validates a registry snapshot file; every problem is listed with its path. */
export function readSnapshot(path: string): RegistrySnapshot {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new SimulatorError('JARVIS_HA_BAD_SNAPSHOT', `cannot read registry snapshot ${path}: ${(err as Error).message}`);
  }
  const result = registrySnapshotSchema.safeParse(json);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new SimulatorError('JARVIS_HA_BAD_SNAPSHOT', `${path} is not a valid registry snapshot:\n  ${lines.join('\n  ')}`);
}

const SIMULATE_HELP = `Usage: jarvis-ha-sim [--registry FILE] [--port N] [--host H] [--token T]

Runs a Home Assistant simulator that speaks HA's websocket API (auth, states, registries,
subscribe_entities, call_service, todo) for demos and tests, loaded from a registry snapshot.

  --registry FILE  registry snapshot JSON (default: the demo home, ${DEMO_REGISTRY})
  --port N         port to listen on (default 8123; 0 = any free port)
  --host H         address to bind (default 127.0.0.1)
  --token T        access token clients must send (default: $JARVIS_HOME_ASSISTANT_TOKEN or a random one)

Prints one JSON line with the URL and token, then one line per service call received. Ctrl-C stops it.
`;

/** `jarvis-ha-sim`, with an abort signal so tests can stop it: resolves to the exit code. */
export async function runSimulate(argv: string[], io: SimulatorIO, signal: AbortSignal): Promise<number> {
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
      throw new SimulatorError('JARVIS_HA_BAD_ARGS', `--port must be an integer from 0 to 65535, got "${values.port ?? ''}"`);
    }
    const token = values.token ?? io.env['JARVIS_HOME_ASSISTANT_TOKEN'] ?? randomBytes(18).toString('base64url');
    if (token === '') throw new SimulatorError('JARVIS_HA_BAD_ARGS', '--token must not be empty');
    const snapshot = readSnapshot(values.registry ?? DEMO_REGISTRY);
    const sim = new HomeAssistantSimulator({ snapshot, token, port, host: values.host ?? '127.0.0.1' });
    try {
      await sim.start();
    } catch (err) {
      const host = values.host ?? '127.0.0.1';
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new SimulatorError('JARVIS_HA_PORT_IN_USE', `port ${port} on ${host} is already in use (a real Home Assistant or another simulator?); choose another with --port N, e.g. --port 0 for any free port, and give the hub the printed url`);
      }
      throw new SimulatorError('JARVIS_HA_BAD_ARGS', `cannot listen on ${values.host ?? '127.0.0.1'}:${port}: ${(err as Error).message}`);
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
    if (err instanceof SimulatorError) {
      io.stderr.write(`jarvis-ha-sim: ${err.message} (${err.code})\n`);
      return 2;
    }
    throw err;
  }
}

