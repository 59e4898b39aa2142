// The hub's `install` step: compiles the native addons under hub/native/ with node-gyp, so a plain
// `npm ci` yields the PocketSphinx binding (whisper.cpp's fast build is @jarvis/whisper's own install step).
// A failed addon does not fail the install: the hub starts without that engine and says which one and why.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const named = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const addons = named.length > 0 ? named : ['pocketsphinx'];

function nodeGyp() {
  if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
  // npm ships node-gyp beside itself; outside an npm script it is not on PATH.
  const candidates = [
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(here, '..', '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((c) => existsSync(c));
}

const gyp = nodeGyp();
if (!gyp) {
  console.error('jarvis: node-gyp not found; native speech engines are not built (run `npm rebuild -w hub` with npm installed)');
  process.exit(0);
}
const args = ['rebuild', '-j', 'max'];
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
/**
 * What a build depends on: the addon's own files and the Node ABI. An unchanged stamp skips the rebuild,
 * so a routine `npm install` does not take the addon away from running processes;
 * `--force` or JARVIS_NATIVE_REBUILD=1 rebuilds anyway.
 */
function stampOf(addon) {
  const dir = join(here, addon);
  const hash = createHash('sha256');
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      if (name === 'build') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else hash.update(name).update(readFileSync(p));
    }
  };
  walk(dir);
  hash.update(process.versions.modules).update(process.arch);
  return hash.digest('hex');
}

const force = process.argv.includes('--force') || process.env.JARVIS_NATIVE_REBUILD === '1';
for (const addon of addons) {
  const cwd = join(here, addon);
  const stampFile = join(cwd, 'build', 'jarvis-build-stamp');
  let stamp = '';
  try {
    stamp = stampOf(addon);
  } catch {
    stamp = '';
  }
  const output = join(cwd, 'build', 'Release', `jarvis_${addon}.node`);
  if (!force && stamp && existsSync(output) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    console.error(`jarvis: native addon ${addon} is up to date`);
    continue;
  }
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [gyp, ...args], { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  const s = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status === 0) {
    if (stamp) writeFileSync(stampFile, stamp);
    console.error(`jarvis: built native addon ${addon} in ${s} s`);
  }
  else console.error(`jarvis: native addon ${addon} failed to build (exit ${r.status}); that speech engine stays off until \`npm rebuild -w hub\` succeeds`);
}
