import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { missingCiRequirements } from './ci-requirements.js';

/**
 * Tests that start a CLI as a child process run the built JavaScript, so the build must be current.
 * `tsc -b` is incremental: after `npm run typecheck` it is a no-op.
 */
export default function setup(): void {
  if (process.env['CI'] === 'true' || process.env['CI'] === '1') {
    const missing = missingCiRequirements();
    if (missing.length > 0) throw new Error(`CI must run every test, but these are missing (tests would skip):\n  ${missing.join('\n  ')}`);
  }
  // Helpers iterating on one folder may skip the build (their tests must not spawn CLIs then); CI never sets this.
  if (process.env['JARVIS_SKIP_BUILD'] === '1') return;
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-b'], {
    cwd: root,
    stdio: 'inherit',
  });
}
