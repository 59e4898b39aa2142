import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runEdgeCli } from '../src/cli-main.js';
import { loadEdgeConfig } from '../src/config.js';
import { sink } from './helpers/logs.js';
import { PassThrough } from 'node:stream';

const unit = readFileSync(fileURLToPath(new URL('../../deploy/systemd/jarvis-edge.service', import.meta.url)), 'utf8');
const directives = new Map<string, string[]>();
for (const line of unit.split('\n')) {
  const m = /^([A-Za-z]+)=(.*)$/.exec(line);
  if (m) directives.set(m[1] as string, [...(directives.get(m[1] as string) ?? []), m[2] as string]);
}
const one = (key: string): string | undefined => directives.get(key)?.[0];

describe('deployment files', () => {
  it('the example config is valid and sets both switches', () => {
    const c = loadEdgeConfig(fileURLToPath(new URL('../config.example.yaml', import.meta.url)));
    expect(c.gpio.mute).toMatchObject({ line: 17, activeLow: true });
    expect(c.gpio.ptt).toMatchObject({ line: 27 });
  });

  it('the systemd unit is hardened, runs as its own user and restarts only what a restart can fix', () => {
    expect(one('User')).toBe('jarvis-edge');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(one('Restart')).toBe('on-failure');
    expect(one('RestartPreventExitStatus')?.split(' ')).toEqual(['2', '3']);
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(directives.get('DeviceAllow')).toEqual(['char-alsa rw', 'char-gpiochip rw']);
    expect(one('SupplementaryGroups')).toBe('audio gpio');
  });

  it("the unit's ExecStart flags are ones jarvis-edge run accepts", async () => {
    const args = (one('ExecStart') ?? '').split(' ');
    expect(args[0]).toMatch(/\/jarvis-edge$/);
    const out = sink();
    const code = await runEdgeCli([...args.slice(1), '--help'], { stdin: new PassThrough(), stdout: out.stream, stderr: sink().stream, env: {} });
    expect(code).toBe(0);
    expect(out.text()).toContain('Usage: jarvis-edge run');
  });
});
