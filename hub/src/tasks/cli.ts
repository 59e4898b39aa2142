import { parseArgs, type ParseArgsConfig } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import type { CliCommand, CliIO } from '../cli/index.js';
import { ConfigError, CONFIG_FLAGS_HELP, configFlagOptions, loadConfig, type ConfigFlags } from '../config/index.js';
import { InputError } from '../core/index.js';
import { openDatabase, type Db, TASK_STATES, TERMINAL_STATES, type TaskState, WorkersRepository } from '../store/index.js';
import { CertificateAuthority } from './ca.js';
import { databasePath, tasksDir } from './data-dir.js';
import { TaskError } from './errors.js';
import { SqliteTaskQueue, type TaskRecord } from './queue.js';
import { JoinTokens } from './tokens.js';

/** A bad flag or argument: exit code 2. */
class UsageError extends InputError<'JARVIS_CLI_BAD_ARGS'> {
  constructor(message: string) {
    super('JARVIS_CLI_BAD_ARGS', message);
  }
}


/** Parses `30s`, `15m`, `1h`, `7d` into ms. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(text);
  if (!m) throw new UsageError(`--ttl must look like 30s, 15m, 1h or 7d, got "${text}"`);
  const n = Number(m[1]);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  if (n <= 0) throw new UsageError('--ttl must be positive');
  return n * unit;
}

function parseLabels(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const m = /^([a-zA-Z0-9_.-]{1,63})=([^\s]{0,200})$/.exec(item);
    if (!m) throw new UsageError(`--label must be key=value, got "${item}"`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

function int(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer ${min}..${max}, got "${text}"`);
  return n;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Builds a command: strict flags, --help, the hub's config flags (same data dir as `jarvis hub`), coded errors, exit codes 0/1/2. */
function command(path: string[], summary: string, usage: string, options: Options, positionals: number, body: (ctx: { values: Record<string, unknown>; args: string[]; db: Db; dataDir: string; io: CliIO }) => Promise<number> | number): CliCommand {
  const help = `Usage: jarvis ${path.join(' ')} ${usage}\n\n${summary}\n\n${CONFIG_FLAGS_HELP}\n`;
  return {
    path,
    summary,
    help,
    async run(argv, io) {
      let parsed;
      try {
        parsed = parseArgs({ args: argv, strict: true, allowPositionals: positionals > 0, options: { ...options, ...configFlagOptions, help: { type: 'boolean' } } });
        if (parsed.values['help']) {
          io.stdout.write(help);
          return 0;
        }
        if (parsed.positionals.length !== positionals) throw new UsageError(`expected ${positionals} argument(s), got ${parsed.positionals.length}`);
      } catch (err) {
        io.stderr.write(`error JARVIS_CLI_BAD_ARGS: ${(err as Error).message}\n\n${help}`);
        return 2;
      }
      let db: Db | undefined;
      try {
        const flags = Object.fromEntries(Object.keys(configFlagOptions).map((k) => [k, (parsed.values as Record<string, unknown>)[k]])) as ConfigFlags;
        const { dataDir } = loadConfig({ flags, env: io.env });
        db = openDatabase(databasePath(dataDir));
        return await body({ values: parsed.values as Record<string, unknown>, args: parsed.positionals, db, dataDir, io });
      } catch (err) {
        if (err instanceof ConfigError) {
          io.stderr.write(`error ${err.code}:\n${err.issues.map((i) => `  ${i}`).join('\n')}\n`);
          return 2;
        }
        if (err instanceof UsageError) {
          io.stderr.write(`error JARVIS_CLI_BAD_ARGS: ${err.message}\n`);
          return 2;
        }
        if (err instanceof TaskError) {
          io.stderr.write(`error ${err.code}: ${err.message}${err.details.length ? `\n  ${err.details.join('\n  ')}` : ''}\n`);
          return 1;
        }
        io.stderr.write(`error: ${(err as Error).message}\n`);
        return 1;
      } finally {
        db?.close();
      }
    },
  };
}

const json = (io: CliIO, value: unknown): void => void io.stdout.write(`${JSON.stringify(value)}\n`);
const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString());

function taskLine(t: TaskRecord): string {
  return `${t.id}  ${t.state.padEnd(9)}  ${t.type.padEnd(16)}  attempts ${t.attempts}/${t.maxAttempts}  prio ${t.priority}  ${iso(t.createdAt)}`;
}

const tokenCreate = command(['token', 'create'], 'Create a worker join token (shown once; it pins this hub\'s CA).', '[--ttl 1h] [--uses 1] [--label key=value ...] [--json]', {
  ttl: { type: 'string' }, uses: { type: 'string' }, label: { type: 'string', multiple: true }, json: { type: 'boolean' },
}, 0, async ({ values, db, dataDir, io }) => {
  const ttlMs = parseDuration((values['ttl'] as string | undefined) ?? '1h');
  const uses = int('uses', values['uses'] as string | undefined, 1, 10_000) ?? 1;
  const labels = parseLabels((values['label'] as string[] | undefined) ?? []);
  const ca = await CertificateAuthority.loadOrCreate(tasksDir(dataDir));
  const { token, record } = new JoinTokens(new WorkersRepository(db), ca.fingerprint).create({ ttlMs, uses, labels });
  if (values['json']) json(io, { token, id: record.id, expiresAt: iso(record.expiresAt), uses: record.maxUses, labels, caFingerprint: ca.fingerprint });
  else io.stdout.write(`${token}\n\nid ${record.id}, ${record.maxUses} use(s), expires ${iso(record.expiresAt)}\non the worker: jarvis-worker enroll --hub HOST:PORT --token <token above>\n`);
  return 0;
});

const tokenList = command(['token', 'list'], 'List join tokens (never their secrets).', '[--json]', { json: { type: 'boolean' } }, 0, ({ values, db, io }) => {
  const tokens = new WorkersRepository(db).listTokens().map(({ secretHash: _s, ...t }) => ({ ...t, status: tokenStatus(t) }));
  if (values['json']) json(io, tokens);
  else for (const t of tokens) io.stdout.write(`${t.id}  uses ${t.uses}/${t.maxUses}  expires ${iso(t.expiresAt)}  ${tokenStatus(t)}  ${Object.entries(t.labels).map(([k, v]) => `${k}=${v}`).join(',')}\n`);
  return 0;
});

/** What `token list` shows: revoked, used up, expired or still usable, in that order of precedence. */
export function tokenStatus(t: { revokedAt: number | null; uses: number; maxUses: number; expiresAt: number }, now = Date.now()): 'revoked' | 'used' | 'expired' | 'active' {
  if (t.revokedAt !== null) return 'revoked';
  if (t.uses >= t.maxUses) return 'used';
  if (t.expiresAt <= now) return 'expired';
  return 'active';
}

const tokenRevoke = command(['token', 'revoke'], 'Revoke a join token by id.', 'ID', {}, 1, ({ args, db, io }) => {
  const repo = new WorkersRepository(db);
  if (!repo.revokeToken(args[0]!, Date.now()) && !repo.getToken(args[0]!)) throw new TaskError('JARVIS_TOKEN_NOT_FOUND', `no join token ${args[0]}`);
  io.stdout.write(`revoked token ${args[0]}\n`);
  return 0;
});

const workerList = command(['worker', 'list'], 'List enrolled workers.', '[--json]', { json: { type: 'boolean' } }, 0, ({ values, db, io }) => {
  const workers = new WorkersRepository(db).listWorkers();
  if (values['json']) json(io, workers);
  else for (const w of workers) io.stdout.write(`${w.id}  ${w.name.padEnd(20)}  ${w.revokedAt ? 'revoked' : 'active '}  last seen ${iso(w.lastSeenAt)}  cert until ${iso(w.certNotAfter)}\n`);
  return 0;
});

const workerRevoke = command(['worker', 'revoke'], 'Revoke a worker: every further call from it is refused at once.', 'ID', {}, 1, ({ args, db, io }) => {
  const repo = new WorkersRepository(db);
  if (!repo.revokeWorker(args[0]!, Date.now()) && !repo.getWorker(args[0]!)) throw new TaskError('JARVIS_WORKER_NOT_FOUND', `no worker ${args[0]}`);
  io.stdout.write(`revoked worker ${args[0]}\n`);
  return 0;
});

const taskSubmit = command(['task', 'submit'], 'Queue a task for the workers.', '--type TYPE --payload JSON [--priority N] [--requires CAP ...] [--idempotency-key K] [--max-attempts N] [--wait] [--json]', {
  type: { type: 'string' }, payload: { type: 'string' }, priority: { type: 'string' }, requires: { type: 'string', multiple: true },
  'idempotency-key': { type: 'string' }, 'max-attempts': { type: 'string' }, wait: { type: 'boolean' }, json: { type: 'boolean' },
}, 0, async ({ values, db, io }) => {
  if (!values['type']) throw new UsageError('--type is required');
  let payload: unknown = null;
  if (values['payload'] !== undefined) {
    try {
      payload = JSON.parse(values['payload'] as string);
    } catch (err) {
      throw new UsageError(`--payload is not JSON: ${(err as Error).message}`);
    }
  }
  const queue = new SqliteTaskQueue(db);
  let task = queue.enqueue({
    type: values['type'] as string,
    payload,
    priority: int('priority', values['priority'] as string | undefined, -1000, 1000),
    requires: values['requires'] as string[] | undefined,
    idempotencyKey: values['idempotency-key'] as string | undefined,
    maxAttempts: int('max-attempts', values['max-attempts'] as string | undefined, 1, 100),
  });
  // The hub may run in another process: poll the shared database (WAL) until the task settles.
  while (values['wait'] && !TERMINAL_STATES.has(task.state)) {
    await delay(100);
    task = queue.get(task.id)!;
  }
  if (values['json']) json(io, task);
  else io.stdout.write(values['wait'] ? `${taskLine(task)}\n${JSON.stringify(task.state === 'succeeded' ? task.result : task.error)}\n` : `${task.id}\n`);
  return values['wait'] && task.state !== 'succeeded' ? 1 : 0;
});

const taskList = command(['task', 'list'], 'List tasks, newest first.', '[--state STATE] [--type TYPE] [--limit N] [--json]', {
  state: { type: 'string' }, type: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' },
}, 0, ({ values, db, io }) => {
  const state = values['state'] as string | undefined;
  if (state !== undefined && !TASK_STATES.includes(state as TaskState)) throw new UsageError(`--state must be one of ${TASK_STATES.join(', ')}`);
  const tasks = new SqliteTaskQueue(db).list({ state: state as TaskState | undefined, type: values['type'] as string | undefined, limit: int('limit', values['limit'] as string | undefined, 1, 10_000) ?? 50 });
  if (values['json']) json(io, tasks);
  else for (const t of tasks) io.stdout.write(`${taskLine(t)}\n`);
  return 0;
});

const taskShow = command(['task', 'show'], 'Show one task with its result or errors.', 'ID [--json]', { json: { type: 'boolean' } }, 1, ({ values, args, db, io }) => {
  const t = new SqliteTaskQueue(db).get(args[0]!);
  if (!t) throw new TaskError('JARVIS_TASK_NOT_FOUND', `no task ${args[0]}`);
  if (values['json']) json(io, t);
  else io.stdout.write(`${taskLine(t)}\npayload ${JSON.stringify(t.payload)}\nresult  ${JSON.stringify(t.result)}\n${t.errors.map((e) => `error   attempt ${e.attempt} ${e.code}: ${e.message}`).join('\n')}\n`);
  return 0;
});

const taskCancel = command(['task', 'cancel'], 'Cancel a task (at once if queued; a running one is stopped by its worker).', 'ID', {}, 1, ({ args, db, io }) => {
  const t = new SqliteTaskQueue(db).cancel(args[0]!);
  io.stdout.write(t.state === 'cancelled' ? `cancelled ${t.id}\n` : `cancellation requested for ${t.id}; its worker stops it at the next heartbeat\n`);
  return 0;
});

/** The `jarvis token|worker|task ...` commands. */
export const taskCommands: readonly CliCommand[] = [tokenCreate, tokenList, tokenRevoke, workerList, workerRevoke, taskSubmit, taskList, taskShow, taskCancel];
