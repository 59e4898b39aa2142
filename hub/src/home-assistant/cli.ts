import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createConnection, createLongLivedTokenAuth, ERR_INVALID_AUTH } from 'home-assistant-js-websocket';
import type { CliCommand, CliIO } from '../cli/index.js';
import { HomeAssistantError } from './errors.js';
import { fetchRegistrySnapshot } from './live-registry.js';
import { createWsSocketFactory } from './ws-socket.js';

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
export const haCommands: readonly CliCommand[] = [haSnapshotCommand];
