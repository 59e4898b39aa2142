import { PassThrough, Readable } from 'node:stream';

/** In-memory CLI streams with the text written so far; fits the CliIO of the hub, the worker and the bridge. */
export interface CapturedIO {
  stdin: NodeJS.ReadableStream;
  stdout: PassThrough;
  stderr: PassThrough;
  env: NodeJS.ProcessEnv;
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

/**
 * The one CLI test harness for every package: `env` is the command's environment, `stdin` its input text
 * (empty by default), and `extra` adds package-specific fields (e.g. the bridge's `signal`).
 */
export function captureIO<T extends object = object>(env: NodeJS.ProcessEnv = {}, options: { stdin?: string } = {}, extra?: T): CapturedIO & T {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  const stdin = options.stdin === undefined ? new PassThrough() : Readable.from([options.stdin]);
  return { ...(extra as T), stdin, stdout, stderr, env, out: () => o, err: () => e };
}
