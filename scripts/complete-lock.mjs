#!/usr/bin/env node
/**
 * The npm registry this project is built against serves only the platform packages it can install
 * here, so `npm install` leaves other platforms' optional packages (rollup's, for one) out of
 * package-lock.json, and `npm ci` then refuses the lock as out of sync. This adds a platform-tagged
 * entry for each missing optional package so `npm ci` accepts the lock; npm skips them on this
 * platform as it would with a complete lock. Run after `npm install` changes the lock.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const pkgs = lock.packages;

/** os/cpu/libc from a platform package's name suffix, e.g. `linux-arm64-musl`. */
function platformOf(suffix) {
  const parts = suffix.split('-');
  const os = parts[0];
  const cpu = parts[1] === 'arm' ? 'arm' : parts[1];
  const abi = parts.slice(2).join('-');
  const out = { os: [os], cpu: [cpu] };
  if (os === 'linux') out.libc = [abi.startsWith('musl') ? 'musl' : 'glibc'];
  return out;
}

let added = 0;
for (const [path, entry] of Object.entries(pkgs)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path === '' ? '' : `${path}/`;
    if (pkgs[`${base}node_modules/${name}`] || pkgs[`node_modules/${name}`]) continue;
    const m = /^@rollup\/rollup-(.+)$/.exec(name) ?? /^@esbuild\/(.+)$/.exec(name);
    if (!m) {
      // Not a platform build we know how to tag (node-llama-cpp's GPU builds are overridden away):
      // npm ci accepts those as they are.
      continue;
    }
    pkgs[`node_modules/${name}`] = { version, ...platformOf(m[1]), dev: entry.dev ?? undefined, optional: true, license: 'MIT' };
    added++;
  }
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.error(`complete-lock: added ${added} platform entries`);
