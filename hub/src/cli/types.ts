/** The streams and environment a CLI command uses, injected so tests can drive commands in-process. */
export interface CliIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** One `jarvis` sub-command (`jarvis device add`, `jarvis route`, ...). */
export interface CliCommand {
  /** Words after `jarvis`, e.g. `['device', 'add']` or `['route']`. */
  path: readonly string[];
  /** One line for `jarvis --help`. */
  summary: string;
  /** Full `--help` text of the command. */
  help: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[], io: CliIO): Promise<number>;
}

/**
 * A command known by its path and summary, whose code loads only when it runs or its `--help` is asked for
 * (see `cli/registry.ts`).
 */
export interface LazyCliCommand {
  path: readonly string[];
  summary: string;
  load(): Promise<CliCommand>;
}
