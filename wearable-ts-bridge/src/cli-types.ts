/** Streams and environment a `jarvis-wearable` command uses, injected so tests drive commands in-process. */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM by the bin entry; long-running commands stop cleanly when it fires. */
  signal?: AbortSignal;
}

/** One `jarvis-wearable` sub-command. */
export interface WearableCommand {
  name: string;
  /** One line for `jarvis-wearable --help`. */
  summary: string;
  /** Full `--help` text. */
  help: string;
  /** Runs the command; resolves to the process exit code (2 for usage errors). */
  run(argv: string[], io: CliIO): Promise<number>;
}
