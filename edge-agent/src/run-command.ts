/** `jarvis-edge run`: the long-running satellite agent. */
import { EdgeAgent } from './agent.js';
import { loadBundle } from './bundle.js';
import { parseFlags, reportError } from './cli-shared.js';
import { EXIT, type EdgeCliIO, type EdgeCommand } from './cli-types.js';
import { loadEdgeConfig, type ConfigOverrides, type EdgeConfig } from './config.js';
import { EdgeError } from './errors.js';
import { createEdgeLogger } from './logger.js';

const help = `Usage: jarvis-edge run --bundle FILE [--config FILE] [flags]

Runs the satellite: captures the microphone (arecord), streams signed UDP audio frames to the hub,
logs in to the hub's MQTT broker with the bundle's credentials, follows the GPIO mute switch and
push-to-talk button, and speaks cmd/say replies. Reconnects by itself with capped, jittered backoff;
SIGTERM or Ctrl-C stops cleanly. Logs are JSON lines on stdout.

  --bundle FILE     provisioning bundle from \`jarvis device add --out FILE\` (required)
  --config FILE     YAML settings (see deploy/systemd/README or edge-agent/README); flags win over it
  --source S        arecord (default), file or stdin (raw S16_LE mono at audio.sampleRate)
  --file WAV        16-bit PCM WAV for --source file
  --loop            repeat the WAV until stopped
  --device DEV      ALSA capture device, as for arecord -D (default "default")
  --codec C         pcm16 (default) or adpcm
  --log-level L     fatal, error, warn, info (default), debug, trace or silent
  --state-dir DIR   where the boot counter is kept (default $STATE_DIRECTORY or
                    ~/.local/state/jarvis-edge); losing it needs \`jarvis device rotate-key\`
  --help            show this text

Exit codes: 0 stopped cleanly, 1 unexpected error or the boot counter cannot be kept, 2 bad flags, config, bundle or WAV,
3 the broker refused the credentials, 4 arecord or a GPIO tool/line is missing.
`;

const options = {
  bundle: { type: 'string' },
  config: { type: 'string' },
  source: { type: 'string' },
  file: { type: 'string' },
  loop: { type: 'boolean' },
  device: { type: 'string' },
  codec: { type: 'string' },
  'log-level': { type: 'string' },
  'state-dir': { type: 'string' },
  help: { type: 'boolean' },
} as const;

/** Reads `--bundle` and `--config` plus the flag overrides shared by `run` and `check`. */
export function loadFromFlags(values: { bundle?: string | undefined; config?: string | undefined; source?: string | undefined; file?: string | undefined; loop?: boolean | undefined; device?: string | undefined; codec?: string | undefined; 'log-level'?: string | undefined; 'state-dir'?: string | undefined }): { bundle: ReturnType<typeof loadBundle>; config: EdgeConfig } {
  if (values.bundle === undefined) throw new EdgeError('JARVIS_EDGE_BAD_OPTION', '--bundle FILE is required');
  const overrides: ConfigOverrides = {
    'audio.source': values.source,
    'audio.file': values.file,
    'audio.loop': values.loop,
    'audio.device': values.device,
    'audio.codec': values.codec,
    logLevel: values['log-level'],
    stateDir: values['state-dir'],
  };
  const config = loadEdgeConfig(values.config, overrides);
  const bundle = loadBundle(values.bundle);
  return { bundle, config };
}

/** The `run` command. */
export const runCommand: EdgeCommand = {
  name: 'run',
  summary: 'run the satellite agent (capture, stream, control)',
  help,
  async run(argv: string[], io: EdgeCliIO): Promise<number> {
    let agent: EdgeAgent;
    try {
      const values = parseFlags(argv, options);
      if (values.help) {
        io.stdout.write(help);
        return EXIT.OK;
      }
      const { bundle, config } = loadFromFlags(values);
      const logger = createEdgeLogger(config.logLevel, io.stdout);
      agent = new EdgeAgent({ config, bundle, logger, stdin: io.stdin });
      if (io.signal?.aborted) return EXIT.OK;
      await agent.start();
    } catch (err) {
      return reportError(err, io, help);
    }
    const onAbort = (): void => void agent.stop();
    io.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const fatal = await agent.whenStopped();
      return fatal ? reportError(fatal, io) : EXIT.OK;
    } finally {
      io.signal?.removeEventListener('abort', onAbort);
    }
  },
};
