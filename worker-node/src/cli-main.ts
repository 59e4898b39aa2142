import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino, type LevelWithSilent } from 'pino';
import { WorkerAgent } from './agent.js';
import { detectCapabilities } from './capabilities.js';
import { enroll } from './enroll.js';
import { WorkerError } from './errors.js';
import { builtinHandlers, loadPlugin } from './handlers.js';
import { resolveStateDir, saveIdentity } from './state.js';

/** Streams and environment of one CLI invocation, injectable for tests. */
export interface WorkerCliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Standard input, for `--token-file -` (the token piped in, never on the command line). */
  stdin?: NodeJS.ReadableStream;
  /** Registers a handler for SIGTERM/SIGINT; the CLI uses it to drain. */
  onSignal?: (handler: (signal: NodeJS.Signals) => void) => void;
}

/** `jarvis-worker --help`. */
export const WORKER_HELP = `Usage: jarvis-worker <command> [flags]

Commands:
  enroll   Join a hub with a one-time token (checks the hub's CA against the token first)
  run      Pull and run tasks until SIGTERM (then drain: finish held tasks, take nothing new)

jarvis-worker enroll --hub HOST:PORT --token-file FILE|- [--name NAME] [--state-dir DIR] [--json]
jarvis-worker run [--state-dir DIR] [--concurrency N] [--models-dir DIR] [--audio-dir DIR] [--plugin FILE ...]
                  [--hub HOST:PORT --token-file FILE|-]   (enroll first when not enrolled yet)
                  [--log-level info|debug|warn|error|silent] [--pull-wait-ms MS]

The join token: --token-file FILE (first line), --token-file - (read from standard input), or the
environment variable JARVIS_WORKER_TOKEN. --token TOKEN still works but puts the secret where \`ps\` and
shell history show it: avoid it.

--models-dir holds GGUF (llm.generate) and ggml whisper (stt.transcribe) models. stt.transcribe reads
audio.path only inside --audio-dir (default <state dir>/audio); inline WAVs (audio.wavBase64) always work.
State dir default: $JARVIS_WORKER_STATE_DIR or ~/.local/share/jarvis-worker
Exit codes: 0 ok, 1 failure, 2 bad arguments.
`;

function fail(io: WorkerCliIO, err: unknown): number {
  if (err instanceof WorkerError) {
    io.stderr.write(`error ${err.code}: ${err.message}\n`);
    return err.code === 'JARVIS_WORKER_BAD_ARGS' ? 2 : 1;
  }
  const e = err as { code?: string; message?: string };
  if (e?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || e?.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    io.stderr.write(`error JARVIS_WORKER_BAD_ARGS: ${e.message}\n\n${WORKER_HELP}`);
    return 2;
  }
  io.stderr.write(`error: ${e?.message ?? String(err)}\n`);
  return 1;
}

/** The join token from --token-file (a file, or - for stdin), JARVIS_WORKER_TOKEN, or --token (discouraged). */
async function joinToken(values: { token?: string; 'token-file'?: string }, io: WorkerCliIO): Promise<string | undefined> {
  const given = [values.token !== undefined, values['token-file'] !== undefined].filter(Boolean).length;
  if (given > 1) throw new WorkerError('JARVIS_WORKER_BAD_ARGS', 'give the token once: --token-file or --token, not both');
  let token: string | undefined;
  if (values['token-file'] !== undefined) {
    const file = values['token-file'];
    if (file === '') throw new WorkerError('JARVIS_WORKER_BAD_ARGS', '--token-file needs a file name, or - for standard input');
    let text: string;
    if (file === '-') {
      if (!io.stdin) throw new WorkerError('JARVIS_WORKER_BAD_ARGS', '--token-file - needs the token on standard input');
      const chunks: Buffer[] = [];
      for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      text = Buffer.concat(chunks).toString('utf8');
    } else {
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new WorkerError('JARVIS_WORKER_BAD_ARGS', `--token-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    token = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0);
    if (!token) throw new WorkerError('JARVIS_WORKER_BAD_ARGS', `--token-file ${file === '-' ? '- (standard input)' : file} holds no token`);
  } else if (values.token !== undefined) {
    token = values.token;
  } else if (io.env.JARVIS_WORKER_TOKEN) {
    token = io.env.JARVIS_WORKER_TOKEN.trim();
  }
  if (token !== undefined && token === '') throw new WorkerError('JARVIS_WORKER_BAD_ARGS', 'the join token is empty');
  return token;
}

function positiveInt(name: string, text: string | undefined, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new WorkerError('JARVIS_WORKER_BAD_ARGS', `--${name} must be an integer 0..${max}, got "${text}"`);
  return n;
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Runs `jarvis-worker` with `argv` (without node and script); resolves to the exit code. */
export async function runWorkerCli(argv: string[], io: WorkerCliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(WORKER_HELP);
      return command ? 0 : 2;
    }
    if (command === 'enroll') {
      const { values } = parseArgs({
        args: rest,
        strict: true,
        options: { hub: { type: 'string' }, token: { type: 'string' }, 'token-file': { type: 'string' }, name: { type: 'string' }, 'state-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } },
      });
      if (values.help) {
        io.stdout.write(WORKER_HELP);
        return 0;
      }
      if (!values.hub) throw new WorkerError('JARVIS_WORKER_BAD_ARGS', 'enroll needs --hub HOST:PORT and a join token (--token-file FILE, --token-file - or JARVIS_WORKER_TOKEN)');
      const token = await joinToken(values, io);
      if (!token) throw new WorkerError('JARVIS_WORKER_BAD_ARGS', 'enroll needs a join token: --token-file FILE, --token-file - (stdin) or JARVIS_WORKER_TOKEN');
      const stateDir = resolveStateDir(values['state-dir'], io.env);
      const handlers = builtinHandlers();
      const id = await enroll({ hub: values.hub, token, name: values.name, capabilities: await detectCapabilities([...handlers.keys()]) });
      await saveIdentity(stateDir, id);
      if (values.json) io.stdout.write(`${JSON.stringify({ workerId: id.workerId, hub: id.hub, stateDir, labels: id.labels })}\n`);
      else io.stdout.write(`enrolled as worker ${id.workerId} with hub ${id.hub}; state in ${stateDir}\nnext: jarvis-worker run --state-dir ${stateDir}\n`);
      return 0;
    }
    if (command === 'run') {
      const { values } = parseArgs({
        args: rest,
        strict: true,
        options: {
          'state-dir': { type: 'string' },
          concurrency: { type: 'string' },
          'models-dir': { type: 'string' },
          'audio-dir': { type: 'string' },
          plugin: { type: 'string', multiple: true },
          hub: { type: 'string' },
          token: { type: 'string' },
          'token-file': { type: 'string' },
          name: { type: 'string' },
          'log-level': { type: 'string' },
          'pull-wait-ms': { type: 'string' },
          help: { type: 'boolean' },
        },
      });
      if (values.help) {
        io.stdout.write(WORKER_HELP);
        return 0;
      }
      const level = values['log-level'] ?? 'info';
      if (!LEVELS.has(level)) throw new WorkerError('JARVIS_WORKER_BAD_ARGS', `--log-level must be one of ${[...LEVELS].join(', ')}`);
      const concurrency = positiveInt('concurrency', values.concurrency, 256);
      if (concurrency === 0) throw new WorkerError('JARVIS_WORKER_BAD_ARGS', '--concurrency must be at least 1');
      const pullWaitMs = positiveInt('pull-wait-ms', values['pull-wait-ms'], 60_000);
      if (values['audio-dir'] === '') throw new WorkerError('JARVIS_WORKER_BAD_ARGS', '--audio-dir needs a directory');
      const stateDir = resolveStateDir(values['state-dir'], io.env);
      const tokenGiven = values.token !== undefined || values['token-file'] !== undefined;
      if (values.hub === undefined ? tokenGiven : !tokenGiven && !io.env.JARVIS_WORKER_TOKEN) {
        throw new WorkerError('JARVIS_WORKER_BAD_ARGS', '--hub and a join token (--token-file) go together');
      }
      // An enrolled worker never needs the token again: a restarted pod or service runs even after the
      // token's file or Secret is gone.
      const enrolled = existsSync(join(stateDir, 'worker.json'));
      const token = values.hub !== undefined && !enrolled ? await joinToken(values, io) : undefined;
      const logger = pino({ level: level as LevelWithSilent, base: { facility: 'worker' } }, io.stdout);
      const handlers = builtinHandlers({
        modelsDir: values['models-dir'],
        audioDir: values['audio-dir'] ?? join(stateDir, 'audio'),
        onSttProgress: (p) => logger.info(p, 'stt.transcribe progress'),
      });
      for (const p of values.plugin ?? []) for (const [type, fn] of await loadPlugin(p)) handlers.set(type, fn);
      const agent = new WorkerAgent({
        stateDir,
        handlers,
        concurrency,
        pullWaitMs,
        modelsDir: values['models-dir'],
        logger,
        ...(values.hub && token ? { enroll: { hub: values.hub, token, name: values.name } } : {}),
      });
      let signals = 0;
      io.onSignal?.(() => {
        signals++;
        if (signals === 1) void agent.drain();
        else void agent.stop();
      });
      await agent.start();
      await agent.stopped();
      if (agent.fatalError) return fail(io, agent.fatalError);
      return 0;
    }
    throw new WorkerError('JARVIS_WORKER_BAD_ARGS', `unknown command "${command}" (try --help)`);
  } catch (err) {
    return fail(io, err);
  }
}
