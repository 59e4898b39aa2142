#!/usr/bin/env node
// The `jarvis-ha-sim` executable. A committed file (not dist/bin.js) so that `npm ci` on a fresh clone can link it
// before anything is built; it runs the compiled entry and says what to do when the build is missing.
try {
  await import('../dist/bin.js');
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('/dist/bin.js')) {
    process.stderr.write('jarvis-ha-sim: JARVIS_CLI_NOT_BUILT: the compiled code is missing; run `npm run build` in the repository first\n');
    process.exit(1);
  }
  throw err;
}
