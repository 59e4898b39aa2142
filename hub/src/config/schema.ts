import { z } from 'zod';
import { sections } from './sections/index.js';

/** Log levels accepted by `logLevel` and `--log-level`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The whole hub configuration: the one schema (CONVENTIONS.md 6). Defaults live here and nowhere else. */
export const configSchema = z.strictObject({
  /** Where the database, keys, models and the admin token live. Resolved by `resolveDataDir()`. */
  dataDir: z.string().min(1),
  /**
   * A JSON file of extra or replacing model catalogue entries (private mirrors, extra models), read by
   * `jarvis models` and by the parts that find their model in the catalogue. Unset = the built-in catalogue.
   */
  modelCatalogue: z.string().min(1).optional(),
  /** Address the hub's servers bind to. */
  host: z.string().min(1).default('0.0.0.0'),
  /** Host name or address written into device bundles; default: the first non-internal IPv4 address. */
  publicHost: z.string().min(1).optional(),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  /** Per-facility log levels, e.g. `{ 'hub:udp': 'debug' }`. */
  logLevels: z.record(z.string(), z.enum(LOG_LEVELS)).default({}),
  ...sections,
});

/** The validated, frozen configuration every part reads. */
export type JarvisConfig = Readonly<z.infer<typeof configSchema>>;
