/**
 * What parts use of cli/ to declare their `jarvis` commands: the command and IO types, the coded CLI
 * errors and flag parsing, and the device helpers. The command registry, `jarvis hub` and the runner are
 * the CLI's root (they import every part) and are not exported here.
 */
export type { CliCommand, CliIO } from './types.js';
export { CliError, CLI_ERROR_CODES, parseFlags, reportCliError } from './errors.js';
export { buildBundle, withStore, deviceCommands, type MuteView } from './device.js';
