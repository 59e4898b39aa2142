/** The agent's one pino logger; each file takes a child per facility (CONVENTIONS.md 11). */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Paths that never reach a log line: the bundle's key and MQTT password. */
export const REDACT_PATHS = ['password', '*.password', 'key', '*.key', 'bundle.key', 'bundle.mqtt.password'];

/** Creates the root logger writing JSON lines to `destination` (stdout by default, which journald collects). */
export function createEdgeLogger(level: LevelWithSilent = 'info', destination: NodeJS.WritableStream = process.stdout): Logger {
  return pino({ level, base: { app: 'jarvis-edge' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}

/** A child logger for one facility (`edge:capture`, `edge:mqtt`, ...). */
export function forFacility(root: Logger, facility: string): Logger {
  return root.child({ facility });
}

/** A logger that writes nothing. */
export function silentEdgeLogger(): Logger {
  return pino({ level: 'silent' });
}
