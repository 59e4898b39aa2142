/**
 * The one flag parser of `jarvis-wearable`: every sub-command declares its flags here and gets typed,
 * checked values, or a `WearableError` with the code `JARVIS_WEARABLE_BAD_OPTION` whose message names
 * the flag (unknown flag, missing value, a value that is not a number / an integer / one of the choices,
 * a required flag absent, a positional argument). `--help` is every command's, and wins over anything
 * else on the line, so `jarvis-wearable simulate --bogus --help` still shows the help.
 */
import { parseArgs } from 'node:util';
import type { CliIO } from './cli-types.js';
import { WearableError } from './errors.js';
import type { WearableErrorCode } from './errors.js';

/** How a flag's text is read. */
export type FlagKind =
  /** any text */
  | 'string'
  /** present or not; takes no value */
  | 'boolean'
  /** a plain decimal (`1`, `-0.5`, `.25`); not `1x`, `0x10`, `1e3` or empty */
  | 'number'
  /** a plain decimal with no fractional part */
  | 'integer'
  /** a number, or a percentage like `10%` (read as 0.1) */
  | 'fraction';

export interface FlagSpec {
  kind: FlagKind;
  /** Repeatable: the values in order (an absent flag gives []). */
  multiple?: boolean;
  /** Absent: `--<name> <placeholder> is required`. */
  required?: boolean;
  /** Shown in messages, e.g. FILE. */
  placeholder?: string;
  /** For `string`: the only accepted values. */
  choices?: readonly string[];
  /** For numbers: inclusive bounds. */
  min?: number;
  max?: number;
}

type One<S extends FlagSpec> = S['kind'] extends 'boolean' ? boolean : S['kind'] extends 'string' ? string : number;
/** The parsed values: one per flag, absent when not given (repeatable flags: an array, [] when absent). */
export type Flags<T extends Record<string, FlagSpec>> = {
  [K in keyof T]: T[K]['multiple'] extends true ? Array<One<T[K]>> : T[K]['required'] extends true ? One<T[K]> : One<T[K]> | undefined;
};

export type ParsedFlags<T extends Record<string, FlagSpec>> = { help: true } | { help: false; flags: Flags<T> };

/** Throws the CLI's usage error. */
export function badOption(message: string): never {
  throw new WearableError('JARVIS_WEARABLE_BAD_OPTION', message);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

function orList(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1) ?? ''}`;
}

/** Reads one value of a flag; every failure names the flag and quotes the text. */
export function readFlagValue(name: string, spec: FlagSpec, text: string): string | number {
  if (spec.kind === 'string') {
    if (spec.choices && !spec.choices.includes(text)) badOption(`--${name} must be ${orList(spec.choices)}, got "${text}"`);
    return text;
  }
  let body = text.trim();
  let scale = 1;
  if (spec.kind === 'fraction' && body.endsWith('%')) {
    body = body.slice(0, -1).trim();
    scale = 0.01;
  }
  if (!DECIMAL.test(body)) badOption(`--${name} "${text}" is not a number`);
  const value = Number(body) * scale;
  if (spec.kind === 'integer' && !Number.isInteger(value)) badOption(`--${name} must be an integer, got "${text}"`);
  if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
    const range = spec.min !== undefined && spec.max !== undefined ? `from ${spec.min} to ${spec.max}` : spec.min !== undefined ? `at least ${spec.min}` : `at most ${String(spec.max)}`;
    badOption(`--${name} must be ${range}, got "${text}"`);
  }
  return value;
}

/**
 * Parses argv against the spec. Returns `{ help: true }` when `--help` (or `-h`) is anywhere on the line;
 * else every flag checked and converted. Throws `JARVIS_WEARABLE_BAD_OPTION` otherwise.
 */
export function parseFlags<const T extends Record<string, FlagSpec>>(argv: readonly string[], spec: T): ParsedFlags<T> {
  if (argv.some((a) => a === '--help' || a === '-h')) return { help: true };
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const [name, s] of Object.entries(spec)) options[name] = { type: s.kind === 'boolean' ? 'boolean' : 'string', ...(s.multiple ? { multiple: true } : {}) };
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (err) {
    // Node's own wording names the flag: "Unknown option '--x'", "Option '--x <value>' argument missing", ...
    return badOption((err as Error).message);
  }
  const flags: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(spec)) {
    const raw = values[name];
    if (raw === undefined) {
      if (s.required) badOption(`--${name}${s.placeholder ? ` ${s.placeholder}` : ''} is required`);
      flags[name] = s.multiple ? [] : undefined;
    } else if (s.kind === 'boolean') {
      flags[name] = raw;
    } else if (Array.isArray(raw)) {
      flags[name] = raw.map((t) => readFlagValue(name, s, String(t)));
    } else {
      flags[name] = readFlagValue(name, s, String(raw));
    }
  }
  return { help: false, flags: flags as Flags<T> };
}

/**
 * Runs a command body with the CLI's error handling: a `WearableError` is printed as
 * `jarvis-wearable <command>: <CODE>: <message>` (plus the --help hint for a flag error) and mapped to an
 * exit code by `exitFor` (usage errors are 2); anything else is a bug and propagates.
 */
export async function runWithCodes(command: string, io: CliIO, exitFor: (code: WearableErrorCode) => number, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (!(err instanceof WearableError)) throw err;
    io.stderr.write(`jarvis-wearable ${command}: ${err.code}: ${err.message}\n`);
    if (err.code === 'JARVIS_WEARABLE_BAD_OPTION') io.stderr.write(`Run \`jarvis-wearable ${command} --help\` for the flags.\n`);
    return err.code === 'JARVIS_WEARABLE_BAD_OPTION' ? 2 : exitFor(err.code);
  }
}
