/** `jarvis mqtt export-mosquitto`: the embedded broker's logins, ACL and limits for an external Mosquitto. */
import { resolve } from 'node:path';
import { CONFIG_FLAGS_HELP } from '../config/index.js';
import { CliError, withStore, type CliCommand } from '../cli/index.js';
import { DEFAULT_EXPORT_LIMITS, exportMosquitto, type BrokerLimits } from './mosquitto-export.js';

function intFlag(name: string, text: unknown, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (typeof text !== 'string' || !/^\d+$/.test(text) || n < min || n > max) throw new CliError('JARVIS_CLI_BAD_FLAG', `--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return n;
}

const exportCommand: CliCommand = {
  path: ['mqtt', 'export-mosquitto'],
  summary: 'write mosquitto.conf, a password file and an ACL for an external Mosquitto broker',
  help: `Usage: jarvis mqtt export-mosquitto --out DIR [--config-dir DIR] [--listen [HOST:]PORT]
                                   [--max-packet-bytes N] [--max-connections N] [--json]

Writes what an external Mosquitto 2.0 needs to enforce the same rules as the hub's embedded broker:
  DIR/mosquitto.conf   listener, no anonymous logins, packet and connection limits, client ids tied to
                       the login (use_username_as_clientid), persistence for retained device state
  DIR/passwd           every device's login in Mosquitto's own PBKDF2-SHA512 ($7$) format, plus the hub's
  DIR/acl              each device: only its own status, state/mute, event/# (write) and cmd/# (read);
                       the hub: every device topic and its Home Assistant discovery topics; nobody: #
  DIR/hub.env          JARVIS_MQTT_USERNAME / JARVIS_MQTT_PASSWORD: the hub's own login (kept on re-runs)

Then point the hub at the broker: JARVIS_MQTT_URL=mqtt://HOST:1883 plus the two variables of hub.env.
Re-run after adding, removing or re-keying a device (or set mqtt.exportDir and the running hub does it),
then reload Mosquitto: systemctl reload mosquitto (SIGHUP re-reads passwd and acl).

Devices added before the hub kept Mosquitto hashes have none: they are listed and left out until one
\`jarvis device rotate-key\` each.

  --out DIR               where to write (created 0750; passwd and acl 0640, hub.env 0600)
  --config-dir DIR        where Mosquitto will read the files, if not DIR (e.g. /etc/mosquitto/jarvis)
  --listen [HOST:]PORT    the listener to write (default 1883 on every address)
  --max-packet-bytes N    largest MQTT packet accepted (default ${DEFAULT_EXPORT_LIMITS.maxPacketBytes})
  --max-connections N     most connections (default: the hub's mqtt.limits.maxConnections)
  --json                  print {files, devices, needRotate} as JSON

${CONFIG_FLAGS_HELP}`,
  run: (argv, io) =>
    withStore(
      'mqtt export-mosquitto',
      argv,
      io,
      {
        out: { type: 'string' },
        'config-dir': { type: 'string' },
        listen: { type: 'string' },
        'max-packet-bytes': { type: 'string' },
        'max-connections': { type: 'string' },
        json: { type: 'boolean' },
      },
      ({ values, positionals, config, repo }) => {
        if (positionals.length > 0) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', `unexpected argument ${JSON.stringify(positionals[0])}`);
        const out = values['out'];
        if (typeof out !== 'string' || out === '') throw new CliError('JARVIS_CLI_BAD_ARGUMENT', '--out DIR is required');
        let listen: { host?: string; port?: number } | undefined;
        if (values['listen'] !== undefined) {
          const m = /^(?:(.+):)?(\d{1,5})$/.exec(String(values['listen']));
          const port = m ? Number(m[2]) : NaN;
          if (!m || port < 1 || port > 65535) throw new CliError('JARVIS_CLI_BAD_FLAG', `--listen must be PORT or HOST:PORT, got ${JSON.stringify(values['listen'])}`);
          listen = { host: m[1], port };
        }
        const limits: BrokerLimits = {
          maxPacketBytes: intFlag('max-packet-bytes', values['max-packet-bytes'], 1024, 268_435_455) ?? DEFAULT_EXPORT_LIMITS.maxPacketBytes,
          maxConnections: intFlag('max-connections', values['max-connections'], 1, 1_000_000) ?? config.mqtt.limits.maxConnections,
        };
        const configDir = values['config-dir'] === undefined ? undefined : resolve(String(values['config-dir']));
        const r = exportMosquitto(repo, resolve(out), { discoveryPrefix: config.mqtt.discoveryPrefix, limits, configDir, listen });
        if (values['json'] === true) {
          io.stdout.write(`${JSON.stringify(r)}\n`);
          return 0;
        }
        io.stdout.write(`Wrote ${r.files.join(', ')}\n${r.devices} device login(s) exported.\n`);
        if (r.needRotate.length > 0) {
          io.stdout.write(
            `Left out ${r.needRotate.length} device(s) made before Mosquitto hashes were kept; run \`jarvis device rotate-key\` for each, then export again:\n${r.needRotate.map((d) => `  ${d.name} (${d.deviceId})`).join('\n')}\n`,
          );
        }
        io.stdout.write('Reload Mosquitto to apply: systemctl reload mosquitto\n');
        return 0;
      },
    ),
};

/** The `jarvis mqtt …` commands. */
export const mqttCommands: readonly CliCommand[] = [exportCommand];
