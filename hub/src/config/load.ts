import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configFromEnv, envBindings, setPath } from './env.js';
import { ConfigError } from './errors.js';
import { configSchema, type JarvisConfig } from './schema.js';

/** Name of the config file looked up in the data directory when `--config` is not given. */
export const CONFIG_FILE_NAME = 'jarvis.yaml';

/**
 * The flags every command that reads the hub's state accepts (`jarvis hub`, `jarvis device ...`).
 * Commands spread these into their own `parseArgs` options and pass the parsed values as `flags`.
 */
export const configFlagOptions = {
  'data-dir': { type: 'string' },
  config: { type: 'string' },
  host: { type: 'string' },
  'http-port': { type: 'string' },
  'udp-port': { type: 'string' },
  'mqtt-port': { type: 'string' },
  'grpc-port': { type: 'string' },
  'wyoming-port': { type: 'string' },
  'log-level': { type: 'string' },
} as const;

/** Help text lines for {@link configFlagOptions}, for commands' `--help`. */
export const CONFIG_FLAGS_HELP = `Config options (defaults < jarvis.yaml < JARVIS_* env < flags):
  --data-dir DIR      data directory (default $JARVIS_DATA_DIR or ~/.local/share/jarvis)
  --config FILE       config file (default DIR/jarvis.yaml when present)
  --host ADDR         address the servers bind to (default 0.0.0.0)
  --http-port N       HTTP API port (0 = any free port)
  --udp-port N        UDP audio port (0 = any free port)
  --mqtt-port N       embedded MQTT broker port (0 = any free port)
  --grpc-port N       worker gRPC port (0 = any free port)
  --wyoming-port N    serve Wyoming to Home Assistant on N (0 = any free port; off by default)
  --log-level LEVEL   fatal|error|warn|info|debug|trace|silent`;

/** Values of {@link configFlagOptions} as `parseArgs` returns them. */
export type ConfigFlags = Partial<Record<keyof typeof configFlagOptions, string | undefined>>;

/** Input of {@link loadConfig}: either raw `argv` holding only config flags, or already parsed `flags`. */
export interface LoadConfigInput {
  argv?: readonly string[];
  flags?: ConfigFlags;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const FLAG_PATHS: Record<string, { path: string[]; number: boolean }> = {
  host: { path: ['host'], number: false },
  'http-port': { path: ['http', 'port'], number: true },
  'udp-port': { path: ['udp', 'port'], number: true },
  'mqtt-port': { path: ['mqtt', 'port'], number: true },
  'grpc-port': { path: ['grpc', 'port'], number: true },
  'wyoming-port': { path: ['wyoming', 'port'], number: true },
  'log-level': { path: ['logLevel'], number: false },
};

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

/**
 * The data directory: `--data-dir`, else `$JARVIS_DATA_DIR`, else `~/.local/share/jarvis`; relative
 * paths are taken from `cwd`.
 */
export function resolveDataDir(input: { flags?: ConfigFlags; env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const env = input.env ?? process.env;
  const chosen = input.flags?.['data-dir'] ?? env['JARVIS_DATA_DIR'] ?? join(homedir(), '.local', 'share', 'jarvis');
  return resolve(input.cwd ?? process.cwd(), expandHome(chosen));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Later layers win; objects merge key by key, everything else is replaced. */
function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? deepMerge(b, v) : v;
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function parseFlagArgv(argv: readonly string[]): ConfigFlags {
  try {
    const { values } = parseArgs({ args: [...argv], options: configFlagOptions, strict: true, allowPositionals: false });
    return values;
  } catch (err) {
    throw new ConfigError('JARVIS_CONFIG_BAD_FLAG', [(err as Error).message]);
  }
}

/**
 * Loads the hub configuration: schema defaults < `jarvis.yaml` (in the data dir, or `--config FILE`)
 * < `JARVIS_*` environment variables (derived from the schema) < flags. Throws one `ConfigError`
 * listing every problem as `path: message`; the result is deeply frozen.
 */
export function loadConfig(input: LoadConfigInput = {}): JarvisConfig {
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const flags = input.flags ?? (input.argv ? parseFlagArgv(input.argv) : {});
  const issues: string[] = [];
  const sources = new Map<string, string>();

  // Layer 1: the file.
  let fileLayer: Record<string, unknown> = {};
  const explicitFile = flags.config !== undefined;
  const dataDirBeforeFile = resolveDataDir({ flags, env, cwd });
  const file = explicitFile ? resolve(cwd, expandHome(flags.config as string)) : join(dataDirBeforeFile, CONFIG_FILE_NAME);
  if (explicitFile && !existsSync(file)) {
    issues.push(`config: file ${file} does not exist`);
  } else if (existsSync(file)) {
    const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: true });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) issues.push(`${file}: ${e.message.split('\n')[0]}`);
    } else {
      const parsed: unknown = doc.toJS();
      if (parsed === null || parsed === undefined) fileLayer = {};
      else if (isPlainObject(parsed)) fileLayer = parsed;
      else issues.push(`${file}: the top level must be a mapping of settings`);
    }
  }

  // Layer 2: the environment.
  const bindings = envBindings(configSchema as unknown as z.ZodType);
  const fromEnv = configFromEnv(env, bindings);
  issues.push(...fromEnv.issues);
  for (const b of bindings) if (env[b.name] !== undefined && env[b.name] !== '') sources.set(b.path.join('.'), b.name);

  // Layer 3: flags.
  const flagLayer: Record<string, unknown> = {};
  for (const [flag, { path, number }] of Object.entries(FLAG_PATHS)) {
    const raw = flags[flag as keyof ConfigFlags];
    if (raw === undefined) continue;
    setPath(flagLayer, path, number && /^-?\d+$/.test(raw) ? Number(raw) : raw);
    sources.set(path.join('.'), `--${flag}`);
  }

  const merged = deepMerge(deepMerge(fileLayer, fromEnv.value), flagLayer);
  // The data dir is settled before the file is read, except that an explicit --config may name it.
  const fileDataDir = explicitFile && typeof fileLayer['dataDir'] === 'string' && !flags['data-dir'] && !env['JARVIS_DATA_DIR'];
  merged['dataDir'] = fileDataDir ? resolve(cwd, expandHome(fileLayer['dataDir'] as string)) : dataDirBeforeFile;
  if (typeof merged['dataDir'] === 'string' && !isAbsolute(merged['dataDir'])) merged['dataDir'] = resolve(cwd, merged['dataDir']);

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map(String).join('.');
      const from = sources.get(path);
      issues.push(`${path || '(root)'}: ${issue.message}${from ? ` (from ${from})` : ''}`);
    }
  }
  if (issues.length > 0 || !result.success) throw new ConfigError('JARVIS_CONFIG_INVALID', issues);
  return deepFreeze(result.data);
}
