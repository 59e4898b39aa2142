import { parseArgs } from 'node:util';
import type { CliIO, WearableCommand } from './cli-types.js';
import { WearableError } from './errors.js';
import { provisionDevice } from './provision.js';
import { readBundle } from './simulate-command.js';

const help = `Usage: jarvis-wearable provision --port PORT --bundle FILE [--wifi-ssid SSID --wifi-password PASS]

Provisions a wearable over its serial console: the Wi-Fi credentials over the Improv Wi-Fi serial
protocol (the one ESPHome-style tools speak), then the device bundle from \`jarvis device add\` over the
Jarvis line protocol (JVP1, CRC-32 checked). The device validates and stores both in NVS and starts
streaming to the hub. The UDP key is never printed.

  --port PORT          serial port of the device (e.g. /dev/ttyUSB0, /dev/ttyACM0) (required)
  --bundle FILE        provisioning bundle from \`jarvis device add --json\` (required)
  --wifi-ssid SSID     Wi-Fi network to join (1-32 bytes)
  --wifi-password PASS its password (0-64 bytes; omit for an open network)
  --timeout-ms N       how long to wait for each answer (default 5000)
  --help               show this text

Exit codes: 0 provisioned, 1 the device did not answer or refused (its JARVIS_FW_* code is printed),
2 bad flags or bundle.
`;

const options = {
  port: { type: 'string' },
  bundle: { type: 'string' },
  'wifi-ssid': { type: 'string' },
  'wifi-password': { type: 'string' },
  'timeout-ms': { type: 'string' },
  help: { type: 'boolean' },
} as const;

function usage(message: string): never {
  throw new WearableError('JARVIS_WEARABLE_BAD_OPTION', message);
}

/** `jarvis-wearable provision`: Wi-Fi (Improv) and the bundle (JVP1) over the serial console. */
export const provisionCommand: WearableCommand = {
  name: 'provision',
  summary: 'write Wi-Fi credentials (Improv) and the device bundle to a wearable over serial',
  help,
  async run(argv: string[], io: CliIO): Promise<number> {
    try {
      let values;
      try {
        ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
      } catch (err) {
        usage((err as Error).message);
      }
      if (values.help) {
        io.stdout.write(help);
        return 0;
      }
      if (!values.port) usage('--port PORT is required');
      if (!values.bundle) usage('--bundle FILE is required');
      if (values['wifi-password'] !== undefined && values['wifi-ssid'] === undefined) usage('--wifi-password needs --wifi-ssid');
      const timeout = values['timeout-ms'];
      if (timeout !== undefined && !/^\d{1,7}$/.test(timeout)) usage(`--timeout-ms must be a whole number of ms, got "${timeout}"`);
      const result = await provisionDevice({
        port: values.port,
        bundle: await readBundle(values.bundle),
        wifi: values['wifi-ssid'] === undefined ? undefined : { ssid: values['wifi-ssid'], password: values['wifi-password'] ?? '' },
        timeoutMs: timeout === undefined ? undefined : Number(timeout),
        log: (line) => io.stderr.write(`${line}\n`),
      });
      io.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    } catch (err) {
      if (!(err instanceof WearableError)) throw err;
      io.stderr.write(`jarvis-wearable provision: ${err.code}: ${err.message}\n`);
      if (err.code === 'JARVIS_WEARABLE_BAD_OPTION') io.stderr.write('Run `jarvis-wearable provision --help` for the flags.\n');
      return err.code === 'JARVIS_WEARABLE_PROVISION' ? 1 : 2;
    }
  },
};
