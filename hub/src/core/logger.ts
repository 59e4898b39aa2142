import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Options for the hub's one root logger. */
export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Per-facility levels, e.g. `{ 'hub:udp': 'debug' }`. */
  facilities?: Record<string, LevelWithSilent>;
  /** Where to write; defaults to stdout. */
  destination?: NodeJS.WritableStream;
}

/** Paths that never reach a log line (CONVENTIONS.md 11). */
export const REDACT_PATHS = [
  'password', '*.password', 'token', '*.token', 'key', '*.key', 'secret', '*.secret',
  'authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization',
];

/**
 * Creates the root logger (CONVENTIONS.md 11). Each file takes a child with `forFacility(root, 'hub:udp')`,
 * which applies the facility's own level when one is configured.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const root = pino(
    { level: options.level ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    options.destination ?? process.stdout,
  );
  facilityLevels.set(root, options.facilities ?? {});
  return root;
}

const facilityLevels = new WeakMap<Logger, Record<string, LevelWithSilent>>();

/** A child logger for one facility (`hub:udp`, `hub:mqtt`, ...), at its configured level if any. */
export function forFacility(root: Logger, facility: string): Logger {
  const level = facilityLevels.get(root)?.[facility];
  return root.child({ facility }, level ? { level } : {});
}

/** A logger that writes nothing, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
