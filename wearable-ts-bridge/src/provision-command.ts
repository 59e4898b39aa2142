import { badOption, parseFlags, runWithCodes } from './cli-flags.js';
import type { CliIO, WearableCommand } from './cli-types.js';
import { provisionDevice } from './provision.js';
import { readBundle } from './simulate-command.js';

const help = `Usage: jarvis-wearable provision --port PORT --bundle FILE [--wifi-ssid SSID --wifi-password PASS]

Provisions a wearable over its serial console: the device bundle from \`jarvis device add\` over the
Jarvis line protocol (JVP1, CRC-32 checked), then the Wi-Fi credentials over the Improv Wi-Fi serial
protocol (the one ESPHome-style tools speak). The device stores the bundle, then TRIES the Wi-Fi settings
(joins the network and logs in to the hub's MQTT broker with the bundle) and stores them only if that
works; otherwise it answers "unable to connect" and keeps its previous Wi-Fi settings. The UDP key is
never printed. Prints {"deviceId","firmware","wifi","url"} (url: the hub's dashboard, from the device).

  --port PORT          serial port of the device (e.g. /dev/ttyUSB0, /dev/ttyACM0) (required)
  --bundle FILE        provisioning bundle from \`jarvis device add --json\` (required)
  --wifi-ssid SSID     Wi-Fi network to join (1-32 bytes)
  --wifi-password PASS its password (0-64 bytes; omit for an open network)
  --timeout-ms N       how long to wait for each answer (default 5000)
  --join-timeout-ms N  how long to wait for the Wi-Fi join check (default 35000; the device gives up at 30 s)
  --help               show this text

Exit codes: 0 provisioned, 1 the device did not answer, refused (its JARVIS_FW_* code is printed) or
could not join with the Wi-Fi settings (Improv "unable to connect"), 2 bad flags or bundle.
`;

const flagSpec = {
  port: { kind: 'string', required: true, placeholder: 'PORT' },
  bundle: { kind: 'string', required: true, placeholder: 'FILE' },
  'wifi-ssid': { kind: 'string' },
  'wifi-password': { kind: 'string' },
  'timeout-ms': { kind: 'integer', min: 1, max: 9_999_999 },
  'join-timeout-ms': { kind: 'integer', min: 1, max: 9_999_999 },
} as const;

/** `jarvis-wearable provision`: the bundle (JVP1) and Wi-Fi (Improv, checked by a join) over the serial console. */
export const provisionCommand: WearableCommand = {
  name: 'provision',
  summary: 'write the device bundle (JVP1) and checked Wi-Fi credentials (Improv) to a wearable over serial',
  help,
  async run(argv: string[], io: CliIO): Promise<number> {
    return runWithCodes('provision', io, (code) => (code === 'JARVIS_WEARABLE_PROVISION' ? 1 : 2), async () => {
      const parsed = parseFlags(argv, flagSpec);
      if (parsed.help) {
        io.stdout.write(help);
        return 0;
      }
      const f = parsed.flags;
      if (f['wifi-password'] !== undefined && f['wifi-ssid'] === undefined) badOption('--wifi-password needs --wifi-ssid');
      const result = await provisionDevice({
        port: f.port,
        bundle: await readBundle(f.bundle),
        wifi: f['wifi-ssid'] === undefined ? undefined : { ssid: f['wifi-ssid'], password: f['wifi-password'] ?? '' },
        timeoutMs: f['timeout-ms'],
        joinTimeoutMs: f['join-timeout-ms'],
        log: (line) => io.stderr.write(`${line}\n`),
      });
      io.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    });
  },
};
