import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `npm ci` on a fresh clone links a workspace's bin only if the file exists at install time, and `tsc` writes
 * dist files without the executable bit. A bin that points into dist/ therefore never reaches node_modules/.bin
 * in CI (the README demo's `npx jarvis-ha-sim` printed nothing for 60 s there). Every workspace bin must be a
 * committed, executable file outside dist/.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const workspaces = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
const bins = workspaces.flatMap((ws) => {
  const pkg = JSON.parse(readFileSync(join(ROOT, ws, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
  return Object.entries(pkg.bin ?? {}).map(([name, file]) => ({ ws, name, file: join(ws, file) }));
});

describe('workspace executables', () => {
  it('there are the five the README names', () => {
    expect(bins.map((b) => b.name).sort()).toEqual(['jarvis', 'jarvis-edge', 'jarvis-ha-sim', 'jarvis-wearable', 'jarvis-worker']);
  });

  it.each(bins)('$name is a committed executable outside dist/', ({ file }) => {
    expect(file).not.toMatch(/(^|\/)dist\//);
    const staged = spawnSync('git', ['ls-files', '-s', '--', file], { cwd: ROOT, encoding: 'utf8' }).stdout;
    expect(staged.split(' ')[0], `${file} is tracked with mode 100755`).toBe('100755');
    expect(readFileSync(join(ROOT, file), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it.each(bins)('$name says JARVIS_CLI_NOT_BUILT when the build is missing', ({ name, file }) => {
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-bin-'));
    try {
      mkdirSync(join(dir, 'bin'));
      copyFileSync(join(ROOT, file), join(dir, 'bin', `${name}.js`));
      const r = spawnSync(process.execPath, [join(dir, 'bin', `${name}.js`), '--help'], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('JARVIS_CLI_NOT_BUILT');
      expect(r.stderr).toContain('npm run build');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(bins)('$name runs the built entry', ({ name }) => {
    const r = spawnSync(join(ROOT, 'node_modules/.bin', name), ['--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.error).toBeUndefined();
    expect(`${r.stdout}${r.stderr}`).toMatch(/usage|Usage/);
  });
});
