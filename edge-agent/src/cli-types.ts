/** Streams, environment and stop signal a `jarvis-edge` command uses, injected so tests drive commands in-process. */
import type { Readable } from 'node:stream';

/** What a command may touch of the process. */
export interface EdgeCliIO {
  stdin: Readable;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT/SIGTERM by the bin entry; `run` stops cleanly when it fires. */
  signal?: AbortSignal;
}

/** One `jarvis-edge` sub-command. */
export interface EdgeCommand {
  name: string;
  /** One line for `jarvis-edge --help`. */
  summary: string;
  /** Full `--help` text. */
  help: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: string[], io: EdgeCliIO): Promise<number>;
}

/** Exit codes of `jarvis-edge`; the systemd unit does not restart on 2 and 3, which need a person. */
export const EXIT = {
  OK: 0,
  /** A check failed, or an unexpected error. */
  FAILED: 1,
  /** Bad flags, config, bundle or audio file. */
  USAGE: 2,
  /** The broker refused the bundle's credentials. */
  AUTH: 3,
  /** A program or device is missing (arecord, gpiomon, the GPIO chip). */
  MISSING: 4,
} as const;
