/**
 * Builds the host firmware (firmware/posix/: the core + the POSIX HAL + main.c) with gcc into
 * firmware/build/ (git-ignored), against Debian's libmbedtls-dev and libmosquitto-dev. Both are CI
 * requirements (.ci/run), so their absence is an error that says how to install them, never a skip.
 * The binary is written under a temporary name and renamed, so a reader never sees half a file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../..', import.meta.url));
const firmware = join(pkg, 'firmware');

export const POSIX_HINT =
  'the host firmware needs gcc, libmbedtls-dev and libmosquitto-dev: run `bash .ci/run` (or apt-get install build-essential libmbedtls-dev libmosquitto-dev)';

/** The sources of the host firmware, in link order. */
export const POSIX_SOURCES = [
  join(firmware, 'jarvis_proto.c'),
  join(firmware, 'core', 'jarvis_core.c'),
  join(firmware, 'core', 'jarvis_json.c'),
  join(firmware, 'core', 'jarvis_bundle.c'),
  join(firmware, 'core', 'jarvis_provision.c'),
  join(firmware, 'posix', 'jarvis_posix_hal.c'),
  join(firmware, 'posix', 'main.c'),
];

/** Compiles firmware/build/jarvis-wearable-posix and returns its path. */
export function buildPosixFirmware(): string {
  const out = join(firmware, 'build');
  mkdirSync(out, { recursive: true });
  const binary = join(out, 'jarvis-wearable-posix');
  const tmp = `${binary}.${process.pid}.tmp`;
  const cc = spawnSync(
    'gcc',
    [
      '-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic', '-O2', `-I${firmware}`, `-I${join(firmware, 'core')}`, `-I${join(firmware, 'posix')}`,
      ...POSIX_SOURCES, '-lmbedcrypto', '-lmosquitto', '-o', tmp,
    ],
    { encoding: 'utf8' },
  );
  if (cc.error) throw new Error(`gcc not found. ${POSIX_HINT}`);
  if (cc.status !== 0) {
    const missing = /mosquitto\.h|lmosquitto|mbedtls\/md\.h|lmbedcrypto/.test(cc.stderr);
    throw new Error(`${missing ? `${POSIX_HINT}\n` : ''}gcc failed:\n${cc.stderr}`);
  }
  renameSync(tmp, binary);
  return binary;
}
