/**
 * A real Mosquitto (Debian's package) for tests: started on a free loopback port with the files
 * `jarvis mqtt export-mosquitto` wrote, stopped (and restartable) by the test. Its log is kept for asserts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** A free TCP port on loopback (bound and released; a race with another process is very unlikely here). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function accepting(port: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms`);
    await delay(50);
  }
}

/** A running Mosquitto and how to stop or restart it. */
export interface Mosquitto {
  port: number;
  url: string;
  /** A pid file naming it (what the hub signals after an export). */
  pidFile: string;
  /** Everything it logged so far. */
  log(): string;
  stop(): Promise<void>;
  /** Stops and starts it again on the same port with the same files (retained messages persist). */
  restart(): Promise<void>;
}

/**
 * Starts Mosquitto with `dir/mosquitto.conf` (as the export wrote it) on a free port: the test's copy
 * of the config only swaps the listener for loopback, keeps persistence in `dir`, and runs it as the
 * current user (root in CI, where Mosquitto would otherwise drop to a user that cannot read the 0600 files).
 */
export async function startMosquitto(dir: string): Promise<Mosquitto> {
  const port = await freePort();
  const exported = readFileSync(join(dir, 'mosquitto.conf'), 'utf8');
  const conf = exported.replace(/^listener .*$/m, `listener ${port} 127.0.0.1`);
  const testConf = join(dir, 'test-mosquitto.conf');
  const pidFile = join(dir, 'mosquitto.pid');
  writeFileSync(testConf, `${conf}\nuser ${userInfo().username}\npersistence_location ${dir}/\nlog_dest stdout\nlog_type all\n`);
  let child: ChildProcess | undefined;
  let text = '';
  const launch = async (): Promise<void> => {
    const c = spawn('mosquitto', ['-c', testConf], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout!.on('data', (d: Buffer) => (text += d.toString()));
    c.stderr!.on('data', (d: Buffer) => (text += d.toString()));
    child = c;
    // Mosquitto writes pid_file only when it daemonises; in the foreground the test writes it, as a
    // service manager would.
    writeFileSync(pidFile, `${c.pid}\n`);
    await accepting(port, 10_000);
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    await exited;
  };
  await launch();
  return { port, url: `mqtt://127.0.0.1:${port}`, pidFile, log: () => text, stop, restart: async () => (await stop(), await launch()) };
}
