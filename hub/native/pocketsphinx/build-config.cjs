/* eslint-disable @typescript-eslint/no-require-imports -- gyp runs this as a CommonJS script */
// Answers binding.gyp's questions: where Debian's libpocketsphinx-dev headers and libraries are. Asks
// pkg-config when it is installed, else uses the Debian paths (build-essential does not pull pkg-config).
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');

function pkgConfig(flag) {
  const r = spawnSync('pkg-config', [flag, 'pocketsphinx', 'sphinxbase'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split(/\s+/).filter(Boolean) : null;
}

const what = process.argv[2];
if (what === 'includes') {
  const found = pkgConfig('--cflags-only-I');
  const multiarch = spawnSync('gcc', ['-print-multiarch'], { encoding: 'utf8' }).stdout?.trim() || 'x86_64-linux-gnu';
  const dirs = found ? found.map((f) => f.replace(/^-I/, '')) : ['/usr/include/pocketsphinx', '/usr/include/sphinxbase', `/usr/include/${multiarch}`, `/usr/include/${multiarch}/sphinxbase`];
  process.stdout.write(dirs.filter((d) => existsSync(d)).join(' '));
} else if (what === 'libs') {
  process.stdout.write((pkgConfig('--libs') ?? ['-lpocketsphinx', '-lsphinxbase']).join(' '));
} else {
  process.stderr.write(`build-config.cjs: unknown question '${what}'\n`);
  process.exit(2);
}
