import { commands as registered } from './registry.js';
import type { CliCommand, CliIO, LazyCliCommand } from './types.js';

/** True for the error of a write whose reader has gone away (EPIPE), or of a later write to that stream. */
export function isClosedPipeError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}

/**
 * Keeps a closed output pipe from crashing the CLI with an unhandled `error` event: `onStdoutClosed`
 * runs once when stdout's reader goes away; a closed stderr is ignored (it only carries diagnostics).
 * Any other stream error is rethrown as before.
 */
export function whenOutputCloses(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream, onStdoutClosed: () => void): void {
  let closed = false;
  stdout.on('error', (err: unknown) => {
    if (!isClosedPipeError(err)) throw err;
    if (closed) return;
    closed = true;
    onStdoutClosed();
  });
  stderr.on('error', (err: unknown) => {
    if (!isClosedPipeError(err)) throw err;
  });
}

function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}

function overview(commands: readonly (CliCommand | LazyCliCommand)[], prefix: readonly string[] = []): string {
  const shown = commands.filter((c) => prefix.every((w, i) => c.path[i] === w));
  const width = Math.max(0, ...shown.map((c) => c.path.join(' ').length));
  const lines = shown
    .map((c) => `  jarvis ${c.path.join(' ').padEnd(width)}  ${c.summary}`)
    .sort();
  return `Usage: jarvis <command> [options]   (jarvis <command> --help for details)\n\nCommands:\n${lines.join('\n')}\n`;
}

/**
 * Dispatches `jarvis ARGS` to the registered command with the longest matching path. Unknown commands
 * exit with code 2; `jarvis --help` lists every command.
 */
export async function runCli(argv: readonly string[], io: CliIO, commands: readonly (CliCommand | LazyCliCommand)[] = registered): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    write(argv.length === 0 ? io.stderr : io.stdout, overview(commands));
    return argv.length === 0 ? 2 : 0;
  }
  let best: CliCommand | LazyCliCommand | undefined;
  for (const c of commands) {
    if (c.path.every((w, i) => argv[i] === w) && (!best || c.path.length > best.path.length)) best = c;
  }
  if (!best) {
    const group = commands.filter((c) => c.path[0] === argv[0]);
    if (group.length > 0) {
      write(io.stderr, `jarvis: unknown ${argv[0]} command ${JSON.stringify(argv.slice(1).join(' '))} (JARVIS_CLI_UNKNOWN_COMMAND)\n\n${overview(commands, [argv[0] as string])}`);
    } else {
      write(io.stderr, `jarvis: unknown command ${JSON.stringify(argv[0])} (JARVIS_CLI_UNKNOWN_COMMAND); run jarvis --help`);
    }
    return 2;
  }
  const rest = argv.slice(best.path.length);
  const command = 'load' in best ? await best.load() : best;
  if (rest.includes('--help') || rest.includes('-h')) {
    write(io.stdout, command.help);
    return 0;
  }
  return command.run([...rest], io);
}
