import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../config/index.js';
import { InputError } from '../core/index.js';
import type { CliIO } from './types.js';

/** Stable codes of CLI usage and state errors. */
export const CLI_ERROR_CODES = [
  'JARVIS_CLI_UNKNOWN_COMMAND',
  'JARVIS_CLI_BAD_FLAG',
  'JARVIS_CLI_BAD_ARGUMENT',
  'JARVIS_CLI_DEVICE_EXISTS',
  'JARVIS_CLI_DEVICE_NOT_FOUND',
  'JARVIS_CLI_PORT_IN_USE',
] as const;

/** A command failed for a reason the user can fix; `exitCode` 2 for usage errors, 1 otherwise. */
export class CliError extends InputError<(typeof CLI_ERROR_CODES)[number]> {
  constructor(
    code: (typeof CLI_ERROR_CODES)[number],
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(code, message);
    this.name = 'CliError';
  }
}

/** `parseArgs` with `strict: true`, turning its errors into `JARVIS_CLI_BAD_FLAG`. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals: boolean,
): { values: ReturnType<typeof parseArgs<{ options: T; strict: true }>>['values']; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals });
    return { values, positionals };
  } catch (err) {
    throw new CliError('JARVIS_CLI_BAD_FLAG', (err as Error).message);
  }
}

/** Prints a command's error the same way everywhere and returns the exit code. */
export function reportCliError(err: unknown, io: CliIO, command: string): number {
  if (err instanceof ConfigError) {
    io.stderr.write(`jarvis ${command}: invalid configuration (${err.code}):\n${err.issues.map((i) => `  ${i}`).join('\n')}\n`);
    return 2;
  }
  if (err instanceof CliError) {
    io.stderr.write(`jarvis ${command}: ${err.message} (${err.code})\n`);
    return err.exitCode;
  }
  throw err;
}
