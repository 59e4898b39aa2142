/**
 * deploy/install.sh against a throwaway DESTDIR with stand-in tools that record their calls (systemctl,
 * npm, runuser, userdel): never on the host's own systemd. What is real: the script, bash, git, tar, sed
 * and node's version check.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../deploy/install.sh', import.meta.url));
const TOKEN = 'jt_test_0123456789abcdef';

let dir: string;
let dest: string;
let log: string;

/** A stand-in tool: appends `name args…` (and what it read on stdin, when asked) to the call log. */
function standIn(name: string, body = ''): string {
  const path = join(dir, 'bin', name);
  writeFileSync(path, `#!/bin/bash\nprintf '%s' "${name}" >> "${log}"; for a in "$@"; do printf ' %s' "$a" >> "${log}"; done; echo >> "${log}"\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jarvis-install-'));
  dest = join(dir, 'root');
  log = join(dir, 'calls.log');
  mkdirSync(join(dir, 'bin'));
  writeFileSync(log, '');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}): { code: number | null; stdout: string; stderr: string; calls: string[] } {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    DESTDIR: dest,
    NODE: process.execPath,
    SYSTEMCTL: standIn('systemctl'),
    // npm: records the call and its working directory; `run build` leaves a marker like a real build would.
    NPM: standIn('npm', `echo "  cwd=$PWD" >> "${log}"; [ "$1 $2" = "run build" ] && mkdir -p hub/dist && echo built > hub/dist/BUILT; exit 0`),
    // runuser: records its argv and what the enrolling process got on stdin.
    RUNUSER: standIn('runuser', `echo "  stdin=$(cat)" >> "${log}"`),
    USERDEL: standIn('userdel'),
    USERADD: standIn('useradd'),
    APT_GET: standIn('apt-get'),
    ...opts.env,
  };
  const r = spawnSync('bash', [script, ...args], { env, input: opts.stdin ?? '', encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, calls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('deploy/install.sh hub', () => {
  it('copies the checkout into the prefix, builds there, installs the unit with node and the prefix filled in, and enables it', () => {
    const r = run(['hub', '--prefix', '/opt/jarvis-test']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const prefix = join(dest, 'opt/jarvis-test');
    // What git tracks, and nothing it ignores.
    expect(existsSync(join(prefix, 'package.json'))).toBe(true);
    expect(existsSync(join(prefix, 'hub/src/main.ts'))).toBe(true);
    expect(existsSync(join(prefix, 'node_modules'))).toBe(false);
    expect(readFileSync(join(prefix, 'hub/dist/BUILT'), 'utf8')).toBe('built\n');
    const unit = readFileSync(join(dest, 'etc/systemd/system/jarvis-hub.service'), 'utf8');
    expect(unit).not.toMatch(/@(NODE|PREFIX)@/);
    expect(unit).toContain(`ExecStart=${process.execPath} /opt/jarvis-test/hub/dist/cli.js hub`);
    // npm ci, then the build, then the dev dependencies pruned — all inside the prefix.
    const npm = r.calls.filter((c) => c.startsWith('npm') || c.startsWith('  cwd='));
    expect(npm).toEqual([
      'npm ci --no-fund --no-audit', `  cwd=${prefix}`,
      'npm run build', `  cwd=${prefix}`,
      'npm prune --omit=dev --no-fund --no-audit', `  cwd=${prefix}`,
    ]);
    expect(r.calls.filter((c) => c.startsWith('systemctl'))).toEqual(['systemctl daemon-reload', 'systemctl enable --now jarvis-hub.service']);
    // DESTDIR stages files only: no packages, no users.
    expect(r.calls.some((c) => c.startsWith('apt-get') || c.startsWith('useradd'))).toBe(false);
    expect(r.stdout).toContain('/var/lib/jarvis/admin-token');
  });

  it('refuses a Node.js older than 20 and says how to get a newer one', () => {
    const old = standIn('node18', `echo 18.19.0`);
    const r = run(['hub'], { env: { NODE: old } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('18.19.0');
    expect(r.stderr).toMatch(/needs 20 or newer.*Debian 12's nodejs is 18/);
    expect(r.calls.filter((c) => !c.startsWith('node18'))).toEqual([]);
  });

  it('says how to get Node.js when there is none', () => {
    const r = run(['hub'], { env: { NODE: join(dir, 'no-such-node') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Node.js 20 or newer is needed and none was found');
  });
});

describe('deploy/install.sh worker', () => {
  it('enrolls with the token from a file, handing it to the enrolling process on stdin, never in argv', () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const r = run(['worker', '--hub', 'hub.lan:8642', '--token-file', tokenFile, '--name', 'nuc', '--no-start']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const enroll = r.calls.find((c) => c.startsWith('runuser'));
    expect(enroll).toBe(`runuser -u jarvis-worker -- ${process.execPath} /opt/jarvis/worker-node/dist/cli.js enroll --hub hub.lan:8642 --token-file - --state-dir /var/lib/jarvis-worker --name nuc`);
    expect(r.calls).toContain(`  stdin=${TOKEN}`);
    for (const c of r.calls.filter((c) => !c.startsWith('  stdin='))) expect(c).not.toContain(TOKEN);
    expect(r.stdout).not.toContain(TOKEN);
    expect(existsSync(join(dest, 'var/lib/jarvis-worker'))).toBe(true);
    expect(r.calls.filter((c) => c.startsWith('systemctl'))).toEqual(['systemctl daemon-reload', 'systemctl enable jarvis-worker.service']);
    expect(readFileSync(join(dest, 'etc/systemd/system/jarvis-worker.service'), 'utf8')).toContain('/opt/jarvis/worker-node/dist/cli.js run --state-dir /var/lib/jarvis-worker');
  });

  it('reads the token from standard input with --token-file -', () => {
    const r = run(['worker', '--hub', '10.0.0.2:8642', '--token-file', '-'], { stdin: `${TOKEN}\n` });
    expect(r.code).toBe(0);
    expect(r.calls).toContain(`  stdin=${TOKEN}`);
    expect(r.calls).toContain('systemctl enable --now jarvis-worker.service');
  });

  const bad: Array<[string, string[], string, string?]> = [
    ['no command', [], 'Usage: deploy/install.sh'],
    ['an unknown command', ['server'], "unknown command 'server'"],
    ['an unknown option', ['hub', '--fast'], "unknown option '--fast'"],
    ['the token in argv', ['worker', '--hub', 'h:1', '--token', TOKEN], '--token would put the secret where ps shows it'],
    ['no --hub', ['worker', '--token-file', '-'], 'worker needs --hub HOST:PORT'],
    ['a --hub without a port', ['worker', '--hub', 'hub.lan', '--token-file', '-'], "--hub must be HOST:PORT, got 'hub.lan'"],
    ['no token source', ['worker', '--hub', 'h:8642'], 'worker needs the join token'],
    ['an unreadable token file', ['worker', '--hub', 'h:8642', '--token-file', '/nonexistent/token'], 'not a readable file'],
    ['an empty token on stdin', ['worker', '--hub', 'h:8642', '--token-file', '-'], 'holds no token', '\n'],
    ['a relative prefix', ['hub', '--prefix', 'opt/jarvis'], '--prefix must be an absolute path'],
    ['a value-less option', ['hub', '--prefix'], '--prefix needs a value'],
    ['uninstall without a role', ['uninstall'], 'uninstall needs hub or worker'],
  ];
  for (const [what, args, message, stdin] of bad) {
    it(`exits 2 with a clear message, touching nothing, on ${what}`, () => {
      const r = run(args, { stdin });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr + r.stdout).not.toContain(TOKEN);
      expect(r.calls).toEqual([]);
      expect(existsSync(dest)).toBe(false);
    });
  }
});

describe('deploy/install.sh uninstall', () => {
  it('stops and removes the unit and the app, keeps the data unless --purge, and keeps the app while the other unit uses it', () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, TOKEN);
    expect(run(['hub']).code).toBe(0);
    expect(run(['worker', '--hub', 'h:8642', '--token-file', tokenFile]).code).toBe(0);
    mkdirSync(join(dest, 'var/lib/jarvis'), { recursive: true });
    writeFileSync(log, '');

    const worker = run(['uninstall', 'worker']);
    expect(worker.code).toBe(0);
    expect(worker.calls).toEqual(['systemctl disable --now jarvis-worker.service', 'systemctl daemon-reload']);
    expect(existsSync(join(dest, 'etc/systemd/system/jarvis-worker.service'))).toBe(false);
    expect(existsSync(join(dest, 'opt/jarvis/package.json'))).toBe(true); // the hub still runs from it
    expect(existsSync(join(dest, 'var/lib/jarvis-worker'))).toBe(true);
    expect(worker.stdout).toContain('kept /var/lib/jarvis-worker');

    writeFileSync(log, '');
    const hub = run(['uninstall', 'hub', '--purge']);
    expect(hub.code).toBe(0);
    expect(hub.calls).toEqual(['systemctl disable --now jarvis-hub.service', 'systemctl daemon-reload', 'userdel jarvis']);
    expect(existsSync(join(dest, 'opt/jarvis'))).toBe(false);
    expect(existsSync(join(dest, 'var/lib/jarvis'))).toBe(false);
  });
});
