// The hub's `install` step: compiles the native addons under hub/native/ with node-gyp, so a plain
// `npm ci` yields the whisper.cpp build with this CPU's vector instructions and the PocketSphinx binding.
// A failed addon does not fail the install: the hub starts without that engine and says which one and why.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const addons = (process.argv[2] ? process.argv.slice(2) : ['pocketsphinx', 'whisper']);

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
for (const addon of addons) {
  const cwd = join(here, addon);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [gyp, ...args], { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  const s = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status === 0) console.error(`jarvis: built native addon ${addon} in ${s} s`);
  else console.error(`jarvis: native addon ${addon} failed to build (exit ${r.status}); that speech engine stays off until \`npm rebuild -w hub\` succeeds`);
}
