// @jarvis/whisper's `install` step: compiles our binding (src/) and whisper.cpp's CPU backend from whisper.rn's
// sources with node-gyp and this CPU's vector instructions (build-config.cjs), so a plain `npm ci` yields the
// fast build, then records what it was built with in build/Release/jarvis_whisper.json (whisperBuildInfo()).
// Nothing is downloaded: node-gyp uses the installed Node headers. A failed build does not fail the install:
// whoever loads the addon reports it missing with the fix.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  // npm ships node-gyp beside itself; outside an npm script it is not on PATH.
  const candidates = [
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(here, '..', '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(here, '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((c) => existsSync(c));
}

const { config } = createRequire(import.meta.url)('./build-config.cjs');

/**
 * What the build depends on: our sources, the Node ABI, the whisper.rn version and the build config (CPU
 * flags, threading). An unchanged stamp skips the rebuild, so a routine `npm install` does not take the addon
 * away from running processes; `--force` or JARVIS_NATIVE_REBUILD=1 rebuilds anyway.
 */
function stamp(info) {
  const hash = createHash('sha256');
  for (const dir of [here, join(here, 'src')]) {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isFile()) hash.update(name).update(readFileSync(p));
    }
  }
  hash.update(process.versions.modules).update(process.arch).update(JSON.stringify(info));
  const pkg = join(info.root, '..', 'package.json');
  if (existsSync(pkg)) hash.update(readFileSync(pkg));
  return hash.digest('hex');
}

const gyp = nodeGyp();
if (!gyp) {
  console.error('jarvis: node-gyp not found; the whisper addon is not built (run `npm rebuild -w @jarvis/whisper` with npm installed)');
  process.exit(0);
}
const args = ['rebuild', '-j', 'max'];
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');

const force = process.argv.includes('--force') || process.env.JARVIS_NATIVE_REBUILD === '1';
const stampFile = join(here, 'build', 'jarvis-build-stamp');
const output = join(here, 'build', 'Release', 'jarvis_whisper.node');
const infoFile = join(here, 'build', 'Release', 'jarvis_whisper.json');
let info;
let current = '';
try {
  info = config();
  current = stamp(info);
} catch (err) {
  console.error(`jarvis: whisper addon not built: ${err.message}`);
  process.exit(0);
}
const upToDate = () => current && existsSync(output) && existsSync(infoFile) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === current;

// Two builds in one folder (a `npm install` while another runs) wreck each other's objects: one at a time,
// through a lock folder next to build/ (mkdir is atomic); a lock older than 30 minutes is a dead build's.
const lock = join(here, '.build-lock');
for (;;) {
  try {
    mkdirSync(lock);
    break;
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs > 30 * 60_000) rmSync(lock, { recursive: true, force: true });
    } catch {
      // the other build just finished
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
}
process.on('exit', () => rmSync(lock, { recursive: true, force: true }));
if (!force && upToDate()) {
  console.error('jarvis: native addon whisper is up to date');
  process.exit(0);
}
const t0 = Date.now();
const r = spawnSync(process.execPath, [gyp, ...args], { cwd: here, stdio: ['ignore', 'inherit', 'inherit'] });
const s = ((Date.now() - t0) / 1000).toFixed(1);
if (r.status === 0) {
  if (current) writeFileSync(stampFile, current);
  const { root: _root, whisperSources, includes: _includes, patched: _patched, ...flags } = info;
  writeFileSync(infoFile, `${JSON.stringify({ ...flags, files: whisperSources.length, buildSeconds: Number(s), builtAt: new Date().toISOString(), nodeAbi: process.versions.modules }, null, 2)}\n`);
  console.error(`jarvis: built native addon whisper (whisper.cpp ${info.whisperCpp}, ${info.simd.join(' ') || 'no SIMD flags'}, ${info.threading}) in ${s} s`);
} else {
  console.error(`jarvis: native addon whisper failed to build (exit ${r.status}); speech-to-text with whisper stays off until \`npm rebuild -w @jarvis/whisper\` succeeds`);
}
