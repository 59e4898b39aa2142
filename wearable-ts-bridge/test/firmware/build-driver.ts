/**
 * Compiles the firmware C library with its host test driver (test/firmware/driver.c), for the C host
 * test and the `wearable.` benchmark. gcc and libmbedtls-dev are CI requirements, so their absence is an
 * error that says how to install them, never a skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Why the C build may be missing, and the fix. */
export const CI_HINT =
  'gcc and libmbedtls-dev are required by the test suite: run `bash .ci/run` (or apt-get install build-essential libmbedtls-dev)';

const pkg = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the driver into a new temp dir; returns the executable's path and the dir to remove afterwards. */
export function buildFirmwareDriver(): { driver: string; dir: string } {
  const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (gcc.error || gcc.status !== 0) throw new Error(`gcc not found. ${CI_HINT}`);
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-fw-'));
  const driver = join(dir, 'driver');
  const firmware = join(pkg, 'firmware');
  const sources = readdirSync(firmware).filter((f) => f.endsWith('.c')).map((f) => join(firmware, f));
  const cc = spawnSync(
    'gcc',
    ['-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic', '-O2', `-I${firmware}`, ...sources, join(pkg, 'test', 'firmware', 'driver.c'), '-lmbedcrypto', '-o', driver],
    { encoding: 'utf8' },
  );
  if (cc.status !== 0) {
    const missingMbed = /mbedtls\/md\.h|lmbedcrypto/.test(cc.stderr);
    throw new Error(`${missingMbed ? `mbedTLS headers or library missing. ${CI_HINT}\n` : ''}gcc failed:\n${cc.stderr}`);
  }
  return { driver, dir };
}

/** Runs the driver on some command lines and returns its answer lines. */
export function runFirmwareDriver(driver: string, lines: readonly string[]): string[] {
  const run = spawnSync(driver, [], { input: `${lines.join('\n')}\n`, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`driver exited with ${String(run.status)}: ${run.stderr}`);
  return run.stdout.trimEnd().split('\n');
}
