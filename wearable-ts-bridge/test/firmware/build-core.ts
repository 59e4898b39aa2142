/**
 * Compiles the portable firmware core (firmware/core/) with the protocol library and its host unit tests
 * (test/firmware/core_test.c, a fake HAL) with gcc. gcc and libmbedtls-dev are CI requirements, so their
 * absence is an error that says how to install them, never a skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CI_HINT } from './build-driver.js';

const pkg = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the core unit-test binary into a new temp dir; returns its path and the dir to remove. */
export function buildCoreTest(): { binary: string; dir: string } {
  const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (gcc.error || gcc.status !== 0) throw new Error(`gcc not found. ${CI_HINT}`);
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-core-'));
  const binary = join(dir, 'core_test');
  const firmware = join(pkg, 'firmware');
  const core = join(firmware, 'core');
  const cc = spawnSync(
    'gcc',
    [
      '-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic', '-O2', `-I${firmware}`, `-I${core}`,
      join(firmware, 'jarvis_proto.c'), join(core, 'jarvis_core.c'), join(core, 'jarvis_json.c'), join(core, 'jarvis_bundle.c'), join(core, 'jarvis_provision.c'),
      join(pkg, 'test', 'firmware', 'core_test.c'),
      '-lmbedcrypto', '-o', binary,
    ],
    { encoding: 'utf8' },
  );
  if (cc.status !== 0) {
    const missingMbed = /mbedtls\/md\.h|lmbedcrypto/.test(cc.stderr);
    throw new Error(`${missingMbed ? `mbedTLS headers or library missing. ${CI_HINT}\n` : ''}gcc failed:\n${cc.stderr}`);
  }
  return { binary, dir };
}
