import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// The pipe handling lives in the executable itself, so these tests run the built `jarvis`.
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'jarvis-cli-'));
  dirs.push(d);
  return d;
}

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `jarvis ARGS`; `close` says which of its output pipes the reader closes before it writes anything. */
function jarvis(args: string[], close: 'stdout' | 'stderr' | 'none' = 'none'): Run {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, JARVIS_DATA_DIR: '' } });
  children.push(child);
  let out = '';
  let err = '';
  if (close === 'stdout') child.stdout?.destroy();
  else child.stdout?.on('data', (c) => (out += String(c)));
  if (close === 'stderr') child.stderr?.destroy();
  else child.stderr?.on('data', (c) => (err += String(c)));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, out: () => out, err: () => err, exit };
}

describe('jarvis writing to a closed pipe (jarvis ... | head)', () => {
  it('exits quietly with code 0 from the overview, a listing and a state-changing command', async () => {
    const dir = tempDir();
    expect(await jarvis(['device', 'add', 'one', '--area', 'Lab', '--data-dir', dir]).exit).toEqual({ code: 0, signal: null });
    for (const args of [['--help'], ['device', 'list', '--data-dir', dir], ['device', 'show', 'one', '--json', '--data-dir', dir]]) {
      const run = jarvis(args, 'stdout');
      expect(await run.exit, args.join(' ')).toEqual({ code: 0, signal: null });
      expect(run.err(), args.join(' ')).toBe('');
    }
    // The command did its work even though nobody read the bundle.
    const add = jarvis(['device', 'add', 'two', '--area', 'Lab', '--json', '--data-dir', dir], 'stdout');
    expect(await add.exit).toEqual({ code: 0, signal: null });
    expect(add.err()).toBe('');
    const list = jarvis(['device', 'list', '--data-dir', dir]);
    expect((await list.exit).code).toBe(0);
    expect(list.out()).toMatch(/\btwo\b/);
  });

  it('keeps the exit code of a failing command whose stderr is closed', async () => {
    const run = jarvis(['no-such-command'], 'stderr');
    expect(await run.exit).toEqual({ code: 2, signal: null });
    expect(run.out()).toBe('');
  });

  it('stops a running hub cleanly when its log reader goes away', async () => {
    const dir = tempDir();
    const hub = jarvis(['hub', '--data-dir', dir, '--host', '127.0.0.1', '--http-port', '0', '--udp-port', '0', '--mqtt-port', '0', '--grpc-port', '0']);
    await expect.poll(() => hub.out().includes('jarvis hub started'), { timeout: 15_000, interval: 100 }).toBe(true);
    hub.child.stdout?.destroy();
    // The hub logs the new device within its registry poll; that write meets the closed pipe.
    expect((await jarvis(['device', 'add', 'desk', '--area', 'Office', '--data-dir', dir, '--host', '127.0.0.1']).exit).code).toBe(0);
    expect(await hub.exit).toEqual({ code: 0, signal: null });
    expect(hub.err()).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
    // A clean stop removes the runtime file; a crash would leave it behind.
    expect(existsSync(join(dir, 'hub-runtime.json'))).toBe(false);
  });
});
