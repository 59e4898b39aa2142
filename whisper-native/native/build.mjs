// @jarvis/whisper's `install` step: compiles smart-whisper's binding and vendored whisper.cpp with node-gyp
// and this CPU's vector instructions (build-config.cjs), so a plain `npm ci` yields the fast build.
// A failed build does not fail the install: whoever loads the addon reports it missing with the fix.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * What the build depends on: these files, the Node ABI, the smart-whisper version and the CPU flags. An
 * unchanged stamp skips the rebuild, so a routine `npm install` does not take the addon away from running
 * processes for a minute; `--force` or JARVIS_NATIVE_REBUILD=1 rebuilds anyway.
 */
function stamp() {
  const hash = createHash('sha256');
  for (const name of readdirSync(here).sort()) {
    const p = join(here, name);
    if (name !== 'build' && statSync(p).isFile()) hash.update(name).update(readFileSync(p));
  }
  hash.update(process.versions.modules).update(process.arch).update(process.env.JARVIS_WHISPER_SIMD ?? '');
  const r = spawnSync(process.execPath, ['build-config.cjs', 'root'], { cwd: here, encoding: 'utf8' });
  const pkg = join(r.stdout ?? '', 'package.json');
  if (existsSync(pkg)) hash.update(readFileSync(pkg));
  hash.update(readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '');
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
let current = '';
try {
  current = stamp();
} catch {
  current = '';
}
if (!force && current && existsSync(output) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === current) {
  console.error('jarvis: native addon whisper is up to date');
  process.exit(0);
}
const t0 = Date.now();
const r = spawnSync(process.execPath, [gyp, ...args], { cwd: here, stdio: ['ignore', 'inherit', 'inherit'] });
const s = ((Date.now() - t0) / 1000).toFixed(1);
if (r.status === 0) {
  if (current) writeFileSync(stampFile, current);
  console.error(`jarvis: built native addon whisper in ${s} s`);
} else {
  console.error(`jarvis: native addon whisper failed to build (exit ${r.status}); speech-to-text with whisper stays off until \`npm rebuild -w @jarvis/whisper\` succeeds`);
}
