/** `jarvis-edge`: dispatches to `run` and `check`. */
import { checkCommand } from './check-command.js';
import { EXIT, type EdgeCliIO, type EdgeCommand } from './cli-types.js';
import { EDGE_ERROR_CODES } from './errors.js';
import { runCommand } from './run-command.js';

/** Every `jarvis-edge` sub-command. */
export const edgeCommands: readonly EdgeCommand[] = [runCommand, checkCommand];

/** The top-level help text. */
export const edgeUsage = (): string =>
  `Usage: jarvis-edge <command> [flags]\n\nThe Jarvis Raspberry Pi satellite.\n\nCommands:\n${edgeCommands
    .map((c) => `  ${c.name.padEnd(8)} ${c.summary}`)
    .join('\n')}\n\nRun \`jarvis-edge <command> --help\` for a command's flags.\n\nError codes:\n${Object.entries(EDGE_ERROR_CODES)
    .map(([code, text]) => `  ${code}: ${text}`)
    .join('\n')}\n`;

/** Runs `jarvis-edge` with `argv` (without node and script); resolves to the exit code. */
export async function runEdgeCli(argv: string[], io: EdgeCliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(edgeUsage());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const command = edgeCommands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`jarvis-edge: JARVIS_EDGE_BAD_OPTION: unknown command "${name}"\n\n${edgeUsage()}`);
    return EXIT.USAGE;
  }
  return command.run(rest, io);
}
