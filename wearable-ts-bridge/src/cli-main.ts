import type { CliIO, WearableCommand } from './cli-types.js';
import { genHeaderCommand } from './gen-header-command.js';
import { provisionCommand } from './provision-command.js';
import { simulateCommand } from './simulate-command.js';

/** Every `jarvis-wearable` sub-command. */
export const wearableCommands: readonly WearableCommand[] = [genHeaderCommand, simulateCommand, provisionCommand];

const usage = (): string =>
  `Usage: jarvis-wearable <command> [flags]\n\nCommands:\n${wearableCommands
    .map((c) => `  ${c.name.padEnd(12)} ${c.summary}`)
    .join('\n')}\n\nRun \`jarvis-wearable <command> --help\` for a command's flags.\n`;

/** Dispatches `jarvis-wearable` arguments to a sub-command; resolves to the exit code. */
export async function runWearableCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = wearableCommands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`jarvis-wearable: JARVIS_WEARABLE_BAD_OPTION: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return command.run(rest, io);
}
