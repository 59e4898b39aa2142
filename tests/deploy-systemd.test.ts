/**
 * The systemd units in deploy/systemd, checked the way systemd itself reads them: `systemd-analyze verify`
 * on each unit with the installer's placeholders filled in, plus the hardening every unit promises.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTool } from './ci-requirements.js';

const unitsDir = fileURLToPath(new URL('../deploy/systemd/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'jarvis-units-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The unit as deploy/install.sh writes it, with node and the prefix filled in. */
function installed(name: string): string {
  // The edge unit runs the globally installed jarvis-edge: stand in an executable file for it.
  const edgeBin = join(work, 'jarvis-edge');
  writeFileSync(edgeBin, '#!/bin/sh\n', { mode: 0o755 });
  const text = readFileSync(join(unitsDir, name), 'utf8')
    .replaceAll('@NODE@', process.execPath)
    .replaceAll('@PREFIX@', '/opt/jarvis')
    .replaceAll('/usr/local/bin/jarvis-edge', edgeBin);
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

const hasAnalyze = hasTool('systemd-analyze', ['--version']);

describe.skipIf(!hasAnalyze)('deploy/systemd units', () => {
  for (const unit of ['jarvis-hub.service', 'jarvis-worker.service', 'jarvis-edge.service', 'jarvis-mosquitto-reload.path', 'jarvis-mosquitto-reload.service']) {
    it(`${unit} passes systemd-analyze verify with no warning`, () => {
      const path = installed(unit);
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8' });
      // Unknown keys and bad values are warnings with exit 0: any output at all is a failure.
      expect(r.stderr.split('\n').filter((l) => l.includes(unit))).toEqual([]);
      expect(r.status).toBe(0);
    });
  }

  it('a broken unit is caught by the same check (the check can fail)', () => {
    const path = join(work, 'broken.service');
    writeFileSync(path, readFileSync(installed('jarvis-hub.service'), 'utf8').replace('[Service]', '[Service]\nProtectSystem=sometimes'));
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', path], { encoding: 'utf8' });
    expect(r.stderr).toMatch(/broken\.service:\d+: .*sometimes/);
  });

  for (const unit of ['jarvis-hub.service', 'jarvis-worker.service']) {
    it(`${unit} runs as its own user with a state directory, hardened, restarting on failure`, () => {
      const text = readFileSync(join(unitsDir, unit), 'utf8');
      const keys = new Map<string, string[]>();
      for (const line of text.split('\n')) {
        const m = /^([A-Za-z]+)=(.*)$/.exec(line);
        if (m) keys.set(m[1]!, [...(keys.get(m[1]!) ?? []), m[2]!]);
      }
      const one = (k: string): string | undefined => keys.get(k)?.[0];
      expect(one('User')).toMatch(/^jarvis(-worker)?$/);
      expect(one('StateDirectory')).toBe(one('User'));
      expect(one('StateDirectoryMode')).toBe('0700');
      expect(one('ProtectSystem')).toBe('strict');
      expect(one('NoNewPrivileges')).toBe('yes');
      expect(one('CapabilityBoundingSet')).toBe('');
      expect(one('AmbientCapabilities')).toBe('');
      expect(one('Restart')).toBe('on-failure');
      expect(one('ExecStart')).toMatch(/^@NODE@ @PREFIX@\//);
    });
  }
});
