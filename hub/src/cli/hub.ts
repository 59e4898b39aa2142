import { configFlagOptions, CONFIG_FLAGS_HELP, loadConfig } from '../config/index.js';
import { createLogger } from '../core/index.js';
import { startHub } from '../main.js';
import { parseFlags, reportCliError } from './errors.js';
import { portInUseMessage } from './port-in-use.js';
import type { CliCommand } from './types.js';

/** How long a clean stop may take before the process gives up and exits non-zero. */
export const STOP_TIMEOUT_MS = 5000;

/** `jarvis hub`: runs the hub until SIGINT/SIGTERM, then stops it cleanly within 5 s. */
export const hubCommand: CliCommand = {
  path: ['hub'],
  summary: 'run the hub (MQTT, UDP audio, HTTP API, ...) until Ctrl-C',
  help: `Usage: jarvis hub [options]

Runs the hub in the foreground, logging JSON lines to stdout. Ctrl-C (SIGINT) or SIGTERM stops it
cleanly. On first start it creates the admin API token, prints it once to stderr and writes it to
DIR/admin-token (mode 0600).

${CONFIG_FLAGS_HELP}`,
  async run(argv, io) {
    let config;
    try {
      const { values } = parseFlags(argv, configFlagOptions, false);
      config = loadConfig({ flags: values, env: io.env });
    } catch (err) {
      return reportCliError(err, io, 'hub');
    }
    const logger = createLogger({ level: config.logLevel, facilities: config.logLevels, destination: io.stdout });
    let hub;
    try {
      hub = await startHub(config, logger, { announce: (text) => io.stderr.write(text) });
    } catch (err) {
      const busy = portInUseMessage(err, config);
      if (busy) {
        // A clash is the user's to fix with one flag: say which, without a stack trace.
        logger.fatal({ code: 'JARVIS_CLI_PORT_IN_USE' }, busy);
        io.stderr.write(`jarvis hub: ${busy} (JARVIS_CLI_PORT_IN_USE)\n`);
        return 1;
      }
      logger.fatal({ err }, 'jarvis hub failed to start');
      return 1;
    }
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    logger.info({ signal }, 'stopping jarvis hub');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      hub.stop().then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      logger.error({ timeoutMs: STOP_TIMEOUT_MS }, 'jarvis hub did not stop in time');
      return 1;
    }
    return 0;
  },
};
