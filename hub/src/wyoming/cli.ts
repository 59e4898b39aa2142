/**
 * `jarvis satellite add|list|remove|mute|unmute`: the wyoming-satellites Jarvis controls ([WY-4.x]).
 * Works whether or not the hub runs; a running hub picks changes up from the satellites file.
 */
import { CONFIG_FLAGS_HELP, configFlagOptions, loadConfig } from '../config/index.js';
import { CliError, parseFlags, reportCliError, type CliCommand, type CliIO } from '../cli/index.js';
import { WyomingError } from './errors.js';
import { SatelliteStore, parseHostPort, type StoredSatellite } from './satellite-store.js';

async function withSatellites(
  name: string,
  argv: string[],
  io: CliIO,
  own: Record<string, { type: 'string' | 'boolean' }>,
  body: (ctx: { values: Record<string, string | boolean | undefined>; positionals: string[]; store: SatelliteStore }) => number,
): Promise<number> {
  try {
    const { values, positionals } = parseFlags(argv, { ...configFlagOptions, ...own }, true);
    const config = loadConfig({ flags: values as Record<string, string>, env: io.env });
    return body({ values: values as Record<string, string | boolean | undefined>, positionals, store: new SatelliteStore(config.dataDir) });
  } catch (err) {
    if (err instanceof WyomingError) return reportCliError(new CliError('JARVIS_CLI_BAD_ARGUMENT', `${err.message} (${err.code})`), io, name);
    return reportCliError(err, io, name);
  }
}

const line = (s: StoredSatellite): string => `${s.name}\t${s.host}:${s.port}\t${s.area ?? '-'}\t${s.muted ? `muted (${s.mutedBy ?? '?'})` : 'live'}`;

const add: CliCommand = {
  path: ['satellite', 'add'],
  summary: 'control an existing wyoming-satellite (HOST:PORT)',
  help: `Usage: jarvis satellite add HOST[:PORT] [--area AREA] [--name NAME] [--json]

Jarvis connects to the satellite's Wyoming server (default port 10700) as its one client and runs wake,
speech-to-text, intents and the spoken reply itself. The satellite then shows as a device with its
status, area, mute and runs. Stop Home Assistant's own connection to it first: a satellite serves one
client at a time.

  --area AREA   room (commands without a room act here)
  --name NAME   lowercase name (default from the address)
  --json        print the stored satellite as JSON

${CONFIG_FLAGS_HELP}`,
  run: (argv, io) =>
    withSatellites('satellite add', argv, io, { area: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } }, ({ values, positionals, store }) => {
      const [address, ...extra] = positionals;
      if (!address || extra.length > 0) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', 'expected exactly one HOST[:PORT]');
      const { host, port } = parseHostPort(address);
      const area = values['area'];
      if (area !== undefined && (typeof area !== 'string' || area.trim() === '')) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', '--area needs a room name');
      const sat = store.add({ host, port, name: values['name'] as string | undefined, area: (area as string | undefined)?.trim() });
      io.stdout.write(values['json'] === true ? `${JSON.stringify(sat)}\n` : `Satellite ${sat.name} (${host}:${port}${sat.area ? `, ${sat.area}` : ''}) added; a running hub connects to it within a second.\n`);
      return 0;
    }),
};

const list: CliCommand = {
  path: ['satellite', 'list'],
  summary: 'list the wyoming-satellites Jarvis controls',
  help: `Usage: jarvis satellite list [--json]\n\n${CONFIG_FLAGS_HELP}`,
  run: (argv, io) =>
    withSatellites('satellite list', argv, io, { json: { type: 'boolean' } }, ({ values, positionals, store }) => {
      if (positionals.length > 0) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', 'satellite list takes no arguments');
      const all = store.list();
      io.stdout.write(values['json'] === true ? `${JSON.stringify(all)}\n` : all.length === 0 ? 'No satellites. Add one with: jarvis satellite add HOST:PORT --area ROOM\n' : `${all.map(line).join('\n')}\n`);
      return 0;
    }),
};

const remove: CliCommand = {
  path: ['satellite', 'remove'],
  summary: 'stop controlling a wyoming-satellite',
  help: `Usage: jarvis satellite remove NAME\n\n${CONFIG_FLAGS_HELP}`,
  run: (argv, io) =>
    withSatellites('satellite remove', argv, io, {}, ({ positionals, store }) => {
      const [name, ...extra] = positionals;
      if (!name || extra.length > 0) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', 'expected exactly one NAME');
      if (!store.remove(name)) throw new CliError('JARVIS_CLI_DEVICE_NOT_FOUND', `no satellite ${JSON.stringify(name)}`, 1);
      io.stdout.write(`Satellite ${name} removed.\n`);
      return 0;
    }),
};

function muteCommand(muted: boolean): CliCommand {
  const verb = muted ? 'mute' : 'unmute';
  return {
    path: ['satellite', verb],
    summary: muted ? 'mute a wyoming-satellite (pause-satellite; its audio is dropped)' : 'unmute a wyoming-satellite',
    help: `Usage: jarvis satellite ${verb} NAME\n\nThe running hub sends ${muted ? 'pause-satellite and drops its audio at the gate' : 'run-satellite'}; the change is audited with source "cli".\n\n${CONFIG_FLAGS_HELP}`,
    run: (argv, io) =>
      withSatellites(`satellite ${verb}`, argv, io, {}, ({ positionals, store }) => {
        const [name, ...extra] = positionals;
        if (!name || extra.length > 0) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', 'expected exactly one NAME');
        if (!store.setMuted(name, muted, 'cli')) throw new CliError('JARVIS_CLI_DEVICE_NOT_FOUND', `no satellite ${JSON.stringify(name)}`, 1);
        io.stdout.write(`Satellite ${name} ${muted ? 'muted' : 'unmuted'}.\n`);
        return 0;
      }),
  };
}

/** The `jarvis satellite …` commands. */
export const satelliteCommands: readonly CliCommand[] = [add, list, remove, muteCommand(true), muteCommand(false)];
