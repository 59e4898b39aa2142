import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../hub/src/tasks/queue.js';
import { startTestHub, tempDir, type TestHub } from './workers-helpers.js';

// Runs the built worker (`npx tsc -b worker-node` or the global setup builds it).
const cli = fileURLToPath(new URL('../worker-node/dist/cli.js', import.meta.url));

function runCli(args: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    child.stdin.end(opts.stdin ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function until(what: string, predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

let hub: TestHub | undefined;
const children: ChildProcess[] = [];
const dirs: (() => void)[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await hub?.close();
  hub = undefined;
  for (const d of dirs.splice(0)) d();
});

describe('200 tasks across 3 worker processes [GRPC-5.9]', () => {
  it('all complete exactly once while a worker is SIGKILLed mid-task and the hub restarts', async () => {
    hub = await startTestHub({ leaseMs: 1_500 });
    const h = hub;
    const workers: { id: string; child: ChildProcess; log: string[] }[] = [];
    for (let i = 0; i < 3; i++) {
      const state = tempDir('jarvis-worker-');
      dirs.push(state.remove);
      const { token } = h.tasks.tokens.create();
      // The token never goes on the command line: worker 0 reads a file, worker 1 stdin, worker 2 the environment.
      const tokenFile = join(state.dir, 'join-token');
      writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
      const how = [
        { args: ['--token-file', tokenFile] },
        { args: ['--token-file', '-'], stdin: `${token}\n` },
        { args: [], env: { JARVIS_WORKER_TOKEN: token } },
      ][i]!;
      const enrolled = await runCli(['enroll', '--hub', h.address, ...how.args, '--name', `w${i}`, '--state-dir', state.dir, '--json'], how);
      expect(enrolled.stderr).toBe('');
      expect(enrolled.code).toBe(0);
      const id = (JSON.parse(readFileSync(join(state.dir, 'worker.json'), 'utf8')) as { workerId: string }).workerId;
      // Worker 0 runs the way the k8s DaemonSet does: --hub and a token file that is gone by now. An
      // enrolled worker must not need the token again.
      const rerun = i === 0 ? ['--hub', h.address, '--token-file', join(state.dir, 'gone-token')] : [];
      const child = spawn(process.execPath, [cli, 'run', '--state-dir', state.dir, '--concurrency', '4', '--pull-wait-ms', '500', ...rerun], { stdio: ['ignore', 'pipe', 'pipe'] });
      const log: string[] = [];
      child.stdout!.on('data', (d: Buffer) => log.push(d.toString()));
      child.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
      children.push(child);
      workers.push({ id, child, log });
    }

    const settledCount = new Map<string, number>();
    const count = (t: TaskRecord): void => {
      settledCount.set(t.id, (settledCount.get(t.id) ?? 0) + 1);
    };
    let off = h.tasks.queue.onSettled(count);
    const ids = Array.from({ length: 200 }, (_, i) => h.tasks.queue.enqueue({ type: 'sleep', payload: { ms: 60 + (i % 5) * 10 } }).id);
    const succeeded = (): number => h.tasks.queue.counts().succeeded;

    // Kill worker 0 while it holds at least one task.
    const victim = workers[0]!;
    await until('worker 0 to hold a task', () => h.tasks.queue.list({ state: 'leased', limit: 500 }).some((t) => t.leaseOwner === victim.id));
    victim.child.kill('SIGKILL');
    const heldByVictim = h.tasks.queue.list({ state: 'leased', limit: 500 }).filter((t) => t.leaseOwner === victim.id).map((t) => t.id);

    // Restart the hub's task server mid-run (same port, same database).
    await until('some progress', () => succeeded() >= 60);
    off();
    await h.restart();
    off = h.tasks.queue.onSettled(count);

    await until('all 200 tasks to succeed', () => succeeded() === 200, 90_000);
    off();

    const tasks = ids.map((id) => h.tasks.queue.get(id)!);
    expect(tasks.every((t) => t.state === 'succeeded')).toBe(true);
    for (const t of tasks) expect(t.result).toEqual({ sleptMs: (t.payload as { ms: number }).ms });
    // Each task settled exactly once.
    expect([...settledCount.values()].every((n) => n === 1)).toBe(true);
    expect(settledCount.size).toBe(200);
    // The tasks the killed worker held were run again after their lease expired.
    expect(heldByVictim.length).toBeGreaterThan(0);
    for (const id of heldByVictim) {
      const t = h.tasks.queue.get(id)!;
      expect(t.attempts).toBeGreaterThanOrEqual(2);
      expect(t.errors.some((e) => e.code === 'JARVIS_LEASE_EXPIRED' && e.workerId === victim.id)).toBe(true);
    }
    // Survivors logged their reconnect and kept running.
    for (const w of workers.slice(1)) expect(w.child.exitCode).toBeNull();
    const survivorLog = workers[1]!.log.join('');
    expect(survivorLog).toContain('worker state connecting -> ready');

    // SIGTERM drains and exits 0.
    const exits = workers.slice(1).map((w) => new Promise<number | null>((r) => w.child.on('exit', (code) => r(code))));
    for (const w of workers.slice(1)) w.child.kill('SIGTERM');
    expect(await Promise.all(exits)).toEqual([0, 0]);
    expect(workers[1]!.log.join('')).toContain('-> draining');
  }, 120_000);
});

describe('jarvis-worker CLI errors', () => {
  it('unknown flags and missing arguments exit 2 with a coded error', async () => {
    const unknown = await runCli(['run', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('JARVIS_WORKER_BAD_ARGS');
    const missing = await runCli(['enroll', '--hub', '127.0.0.1:1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--token');
    const badConc = await runCli(['run', '--concurrency', 'many']);
    expect(badConc.code).toBe(2);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('jarvis-worker enroll --hub HOST:PORT --token-file FILE|-');
  });

  it('a join token from a bad --token-file, an empty stdin or two sources at once is refused with exit 2 [issue 18: secrets off argv]', async () => {
    const state = tempDir('jarvis-worker-');
    dirs.push(state.remove);
    const base = ['enroll', '--hub', '127.0.0.1:1', '--state-dir', state.dir];
    const missingFile = await runCli([...base, '--token-file', join(state.dir, 'nope')]);
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toContain('JARVIS_WORKER_BAD_ARGS: --token-file');
    expect(missingFile.stderr).toContain('ENOENT');
    const empty = join(state.dir, 'empty');
    writeFileSync(empty, '\n\n');
    const emptyFile = await runCli([...base, '--token-file', empty]);
    expect(emptyFile.code).toBe(2);
    expect(emptyFile.stderr).toContain('holds no token');
    const emptyStdin = await runCli([...base, '--token-file', '-'], { stdin: '' });
    expect(emptyStdin.code).toBe(2);
    expect(emptyStdin.stderr).toContain('- (standard input) holds no token');
    const both = await runCli([...base, '--token-file', empty, '--token', 'x']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
    const noName = await runCli([...base, '--token-file', '']);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('--token-file needs a file name');
    for (const r of [missingFile, emptyFile, emptyStdin, both, noName]) expect(r.stdout).toBe('');
  });

  it('run without enrollment exits 1 naming the fix', async () => {
    const state = tempDir('jarvis-worker-');
    dirs.push(state.remove);
    const r = await runCli(['run', '--state-dir', state.dir, '--log-level', 'silent']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('JARVIS_WORKER_NOT_ENROLLED');
    expect(r.stderr).toContain('jarvis-worker enroll');
  });
});
