import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deviceBundleSchema, type DeviceBundle } from '@jarvis/protocol';
import { CONFIG_FLAGS_HELP, configFlagOptions, loadConfig, type JarvisConfig } from '../config/index.js';
import { loadOrCreateMasterKey, SecretBox, writePrivateFile, defaultPublicHost, RUNTIME_FILE, type HubPorts } from '../core/index.js';
import { openDatabase, type Db, DevicesRepository, type DeviceCredentials, type DeviceKind, type DeviceRecord } from '../store/index.js';
import { CliError, parseFlags, reportCliError } from './errors.js';
import type { CliCommand, CliIO } from './types.js';

const KINDS: readonly DeviceKind[] = ['wearable', 'satellite'];

/** Opens the hub's store the way `jarvis hub` does (same data dir, same master key); WAL lets both run at once. */
function openStore(config: JarvisConfig): { db: Db; repo: DevicesRepository } {
  const box = new SecretBox(loadOrCreateMasterKey(join(config.dataDir, 'secret.key')));
  const db = openDatabase(join(config.dataDir, 'jarvis.db'));
  return { db, repo: new DevicesRepository(db, box) };
}

/** Ports of the running hub when it is up (it may have picked free ports), else the configured ones. */
function hubPorts(config: JarvisConfig): { http: number; udp: number; mqtt: number } {
  const file = join(config.dataDir, RUNTIME_FILE);
  if (existsSync(file)) {
    try {
      const runtime = JSON.parse(readFileSync(file, 'utf8')) as { ports: HubPorts };
      return { http: runtime.ports.http, udp: runtime.ports.udp, mqtt: runtime.ports.mqtt ?? config.mqtt.port };
    } catch {
      // a torn or stale file: fall back to the configuration
    }
  }
  return { http: config.http.port, udp: config.udp.port, mqtt: config.mqtt.port };
}

/** One device's mute as the gate decides it: each input apart, and where this answer was read. */
export interface MuteView {
  muted: boolean;
  /** The retained `state/mute` (the switch), a running stream's MUTED flag, the software mute set from the API. */
  inputs: { switch: boolean; frames: boolean; software: boolean };
  /** `hub`: the running hub's gate (GET /api/v1/devices/ID); `store`: what the hub last stored, no hub answered. */
  from: 'hub' | 'store';
  /** Why the running hub was not asked (only with `from: 'store'`). */
  note?: string;
}

/**
 * Asks the running hub (found by its hub-runtime.json, authenticated with the admin-token file of the same data
 * dir) for the devices' mute as its gate holds it: the one state the gate, the API and the retained topic agree on.
 * Returns why it could not instead, so the caller falls back to the stored state and says so.
 */
async function liveMutes(config: JarvisConfig, deviceId: string | undefined): Promise<Map<string, MuteView> | string> {
  const file = join(config.dataDir, RUNTIME_FILE);
  if (!existsSync(file)) return 'no hub is running with this data dir';
  let runtime: { pid?: number; ports?: HubPorts };
  try {
    runtime = JSON.parse(readFileSync(file, 'utf8')) as typeof runtime;
  } catch {
    return `${file} is unreadable`;
  }
  if (typeof runtime.pid === 'number') {
    try {
      process.kill(runtime.pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return `no hub is running (${RUNTIME_FILE} names process ${runtime.pid}, which has ended)`;
    }
  }
  const tokenFile = join(config.dataDir, 'admin-token');
  const token = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : '';
  if (!token) return `the hub runs, but ${tokenFile} (its admin API token) is missing`;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${runtime.ports?.http ?? config.http.port}/api/v1`;
  type Summary = { id: string; muted: boolean; softwareMuted: boolean; mute?: { mqtt: boolean; frame: boolean } };
  try {
    const res = await fetch(deviceId ? `${base}/devices/${deviceId}` : `${base}/devices`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(3000) });
    if (!res.ok) return `the running hub answered HTTP ${res.status}`;
    const body = (await res.json()) as { device?: Summary & { hardwareMuted: boolean }; devices?: (Summary & { hardwareMuted: boolean })[] };
    const rows = body.device ? [body.device] : (body.devices ?? []);
    return new Map(
      rows.map((d) => [
        d.id,
        {
          muted: d.muted,
          // The list gives the device's own mute as one flag (switch or frames); the detail gives them apart.
          inputs: { switch: d.mute?.mqtt ?? d.hardwareMuted, frames: d.mute?.frame ?? false, software: d.softwareMuted },
          from: 'hub' as const,
        },
      ]),
    );
  } catch (err) {
    return `the running hub did not answer at ${base} (${(err as Error).message})`;
  }
}

/** Each device's mute: the running hub's when it answers, else the stored retained and software mutes with the reason. */
async function muteViews(config: JarvisConfig, repo: DevicesRepository, deviceId?: string): Promise<(id: string) => MuteView> {
  const live = await liveMutes(config, deviceId);
  const mqtt = repo.mqttMuteStates();
  const software = repo.softwareMuteStates();
  return (id) => {
    if (typeof live !== 'string') {
      const v = live.get(id);
      if (v) return v;
    }
    const inputs = { switch: mqtt.get(id) ?? false, frames: false, software: software.get(id) ?? false };
    const note = typeof live === 'string' ? live : 'the running hub does not know this device yet';
    return { muted: inputs.switch || inputs.software, inputs, from: 'store', note };
  };
}

/** "yes (switch, software)" / "no". */
function muteText(v: MuteView): string {
  const why = [v.inputs.switch && 'switch: retained state/mute', v.inputs.frames && 'MUTED frames of the running stream', v.inputs.software && 'software mute from the API'].filter(Boolean);
  return v.muted ? `yes (${why.join(', ')})` : 'no';
}

/** The provisioning bundle of `protocol/src/bundle.ts` for a device and its fresh credentials. */
export function buildBundle(config: JarvisConfig, device: DeviceRecord, credentials: DeviceCredentials): DeviceBundle {
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  const host = config.publicHost ?? (wildcard ? defaultPublicHost() : config.host);
  const ports = hubPorts(config);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return deviceBundleSchema.parse({
    version: 1,
    deviceId: device.deviceId,
    name: device.name,
    area: device.area,
    kind: device.kind,
    key: credentials.key.toString('hex'),
    mqtt: {
      url: config.mqtt.url ?? `mqtt://${hostPart}:${ports.mqtt}`,
      username: device.mqttUsername,
      password: credentials.mqttPassword,
    },
    hub: { udp: `${hostPart}:${ports.udp}`, http: `http://${hostPart}:${ports.http}` },
  });
}

function emitBundle(io: CliIO, bundle: DeviceBundle, opts: { json: boolean; out: string | undefined; headline: string }): void {
  const text = `${JSON.stringify(bundle, null, 2)}\n`;
  if (opts.out) {
    writePrivateFile(resolve(opts.out), text);
    if (opts.json) io.stdout.write(`${JSON.stringify({ deviceId: bundle.deviceId, bundleFile: resolve(opts.out) })}\n`);
    else io.stdout.write(`${opts.headline}\nBundle written to ${resolve(opts.out)} (mode 0600).\n`);
    return;
  }
  if (opts.json) io.stdout.write(text);
  else io.stdout.write(`${opts.headline}\nProvisioning bundle (shown once — keep it secret):\n${text}`);
}

function found(repo: DevicesRepository, ref: string | undefined): DeviceRecord {
  if (!ref) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', 'expected a device id (8 hex digits) or name');
  const d = repo.find(ref);
  if (!d) throw new CliError('JARVIS_CLI_DEVICE_NOT_FOUND', `no device ${JSON.stringify(ref)}`, 1);
  return d;
}

/** Runs `body` with the parsed flags and an open store, reporting errors the common way (every store-reading command uses it). */
export async function withStore<O extends Record<string, { type: 'string' | 'boolean' }>>(
  name: string,
  argv: string[],
  io: CliIO,
  own: O,
  body: (ctx: { values: Record<string, string | boolean | undefined>; positionals: string[]; config: JarvisConfig; repo: DevicesRepository }) => number | Promise<number>,
): Promise<number> {
  let db: Db | undefined;
  try {
    const { values, positionals } = parseFlags(argv, { ...configFlagOptions, ...own }, true);
    const config = loadConfig({ flags: values as Record<string, string>, env: io.env });
    const store = openStore(config);
    db = store.db;
    return await body({ values: values as Record<string, string | boolean | undefined>, positionals, config, repo: store.repo });
  } catch (err) {
    return reportCliError(err, io, name);
  } finally {
    db?.close();
  }
}

const addCommand: CliCommand = {
  path: ['device', 'add'],
  summary: 'provision a device and print its bundle once',
  help: `Usage: jarvis device add NAME --area AREA [--kind wearable|satellite] [--json] [--out FILE]

Creates a device with a fresh id, UDP key and MQTT password and prints its provisioning bundle once
(the simulator, the edge agent and firmware provisioning read it). Works whether or not the hub runs;
a running hub picks the device up within a second.

  --area AREA     room or zone (required)
  --kind KIND     wearable (default) or satellite
  --json          print only the bundle as JSON
  --out FILE      write the bundle to FILE (mode 0600) instead of printing it

${CONFIG_FLAGS_HELP}`,
  run: (argv, io) =>
    withStore('device add', argv, io, { area: { type: 'string' }, kind: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' } }, ({ values, positionals, config, repo }) => {
      const [name, ...extra] = positionals;
      if (!name || extra.length > 0) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', 'expected exactly one NAME');
      if (name.length > 64 || [...name].some((c) => c.charCodeAt(0) < 0x20)) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', 'NAME must be 1-64 printable characters');
      const area = values['area'];
      if (typeof area !== 'string' || area.trim() === '') throw new CliError('JARVIS_CLI_BAD_ARGUMENT', '--area AREA is required');
      const kind = (values['kind'] ?? 'wearable') as DeviceKind;
      if (!KINDS.includes(kind)) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', `--kind must be wearable or satellite, not ${JSON.stringify(kind)}`);
      if (repo.find(name)) throw new CliError('JARVIS_CLI_DEVICE_EXISTS', `a device named ${JSON.stringify(name)} already exists`, 1);
      const { device, credentials } = repo.add({ name, area, kind });
      emitBundle(io, buildBundle(config, device, credentials), {
        json: values['json'] === true,
        out: values['out'] as string | undefined,
        headline: `Device ${device.name} (${device.deviceId}, ${device.kind}, ${device.area}) added.`,
      });
      return 0;
    }),
};

const listCommand: CliCommand = {
  path: ['device', 'list'],
  summary: 'list provisioned devices',
  help: `Usage: jarvis device list [--json]\n\n${CONFIG_FLAGS_HELP}`,
  run: (argv, io) =>
    withStore('device list', argv, io, { json: { type: 'boolean' } }, async ({ values, positionals, config, repo }) => {
      if (positionals.length > 0) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', `unexpected argument ${JSON.stringify(positionals[0])}`);
      const devices = repo.list();
      const mute = devices.length > 0 ? await muteViews(config, repo) : undefined;
      const rows = devices.map((d) => ({ id: d.deviceId, name: d.name, area: d.area, kind: d.kind, muted: mute!(d.deviceId).muted, createdAt: new Date(d.createdAt).toISOString() }));
      const note = devices.length > 0 ? mute!(devices[0]!.deviceId).note : undefined;
      if (values['json'] === true) {
        io.stdout.write(`${JSON.stringify({ devices: rows, ...(note ? { muteFrom: 'store', muteNote: note } : {}) })}\n`);
      } else if (rows.length === 0) {
        io.stdout.write('No devices. Add one with: jarvis device add NAME --area AREA\n');
      } else {
        const w = Math.max(4, ...rows.map((r) => r.name.length));
        io.stdout.write(`${'ID'.padEnd(8)}  ${'NAME'.padEnd(w)}  KIND       MUTED  AREA\n`);
        for (const r of rows) io.stdout.write(`${r.id}  ${r.name.padEnd(w)}  ${r.kind.padEnd(9)}  ${(r.muted ? 'yes' : 'no').padEnd(5)}  ${r.area}\n`);
        if (note) io.stdout.write(`(MUTED is the stored switch and software mute: ${note})\n`);
      }
      return 0;
    }),
};

const showCommand: CliCommand = {
  path: ['device', 'show'],
  summary: 'show one device, its mute as the hub\'s gate holds it, and its recent mute transitions',
  help: `Usage: jarvis device show ID|NAME [--json]

"muted" is what the running hub's gate decides (GET /api/v1/devices/ID, asked with the admin-token file of
the data dir), with each reason: the switch (the device's retained state/mute), the MUTED flag of a stream
that is running, the software mute set from the API. With no hub running it is the stored switch and
software mute, and a note says so.

${CONFIG_FLAGS_HELP}`,
  run: (argv, io) =>
    withStore('device show', argv, io, { json: { type: 'boolean' } }, async ({ values, positionals, config, repo }) => {
      if (positionals.length > 1) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', 'expected one device id or name');
      const d = found(repo, positionals[0]);
      const mute = (await muteViews(config, repo, d.deviceId))(d.deviceId);
      const audit = repo.muteAudit(d.deviceId).slice(-10).map((a) => ({ muted: a.muted, source: a.source, at: new Date(a.at).toISOString() }));
      const info = {
        id: d.deviceId, name: d.name, area: d.area, kind: d.kind, mqttUsername: d.mqttUsername,
        muted: mute.muted,
        mute: { ...mute.inputs, from: mute.from, ...(mute.note ? { note: mute.note } : {}) },
        credentialVersion: d.credentialVersion,
        createdAt: new Date(d.createdAt).toISOString(), updatedAt: new Date(d.updatedAt).toISOString(),
        muteAudit: audit,
      };
      if (values['json'] === true) io.stdout.write(`${JSON.stringify({ device: info })}\n`);
      else {
        const from = mute.from === 'hub' ? '(the running hub\'s gate)' : `(stored state: ${mute.note ?? ''})`;
        io.stdout.write(`${d.name} (${d.deviceId})\n  kind: ${d.kind}\n  area: ${d.area}\n  mqtt user: ${d.mqttUsername}\n  muted: ${muteText(mute)}  ${from}\n  credentials: version ${d.credentialVersion}, updated ${info.updatedAt}\n`);
        io.stdout.write(audit.length ? `  mute transitions:\n${audit.map((a) => `    ${a.at}  ${a.muted ? 'muted  ' : 'unmuted'}  (${a.source})`).join('\n')}\n` : '  mute transitions: none\n');
      }
      return 0;
    }),
};

const removeCommand: CliCommand = {
  path: ['device', 'remove'],
  summary: 'remove a device (its credentials stop working at once)',
  help: `Usage: jarvis device remove ID|NAME\n\nA running hub drops the device within a second: its MQTT sessions are closed, its datagrams\ncount as unknown_device, and its Home Assistant entities are deleted.\n\n${CONFIG_FLAGS_HELP}`,
  run: (argv, io) =>
    withStore('device remove', argv, io, {}, ({ positionals, repo }) => {
      if (positionals.length > 1) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', 'expected one device id or name');
      const d = found(repo, positionals[0]);
      repo.remove(d.id);
      io.stdout.write(`Device ${d.name} (${d.deviceId}) removed.\n`);
      return 0;
    }),
};

const rotateCommand: CliCommand = {
  path: ['device', 'rotate-key'],
  summary: 'issue a new UDP key and MQTT password for a device and print its new bundle',
  help: `Usage: jarvis device rotate-key ID|NAME [--json] [--out FILE]\n\nThe old key and password stop working at once (a running hub closes sessions made with them\nwithin a second); the new bundle is printed once.\n\n${CONFIG_FLAGS_HELP}`,
  run: (argv, io) =>
    withStore('device rotate-key', argv, io, { json: { type: 'boolean' }, out: { type: 'string' } }, ({ values, positionals, config, repo }) => {
      if (positionals.length > 1) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', 'expected one device id or name');
      const d = found(repo, positionals[0]);
      const rotated = repo.rotateKey(d.id);
      if (!rotated) throw new CliError('JARVIS_CLI_DEVICE_NOT_FOUND', `no device ${JSON.stringify(positionals[0])}`, 1);
      emitBundle(io, buildBundle(config, rotated.device, rotated.credentials), {
        json: values['json'] === true,
        out: values['out'] as string | undefined,
        headline: `New credentials for ${d.name} (${d.deviceId}).`,
      });
      return 0;
    }),
};

/** `jarvis device add|list|show|remove|rotate-key`. */
export const deviceCommands: readonly CliCommand[] = [addCommand, listCommand, showCommand, removeCommand, rotateCommand];
