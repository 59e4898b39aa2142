import { describe, expect, it } from 'vitest';
import { commands, loaders } from '../../src/cli/registry.js';
import { runCli } from '../../src/cli/run.js';
import { captureIO } from '../../../tests/helpers/capture-io.js';

describe('the lazy command table (cli/registry.ts)', () => {
  it('lists exactly the commands the parts export, with their own summaries', async () => {
    const exported = (await Promise.all(loaders.map((l) => l()))).flat();
    const key = (c: { path: readonly string[]; summary: string }): string => `${c.path.join(' ')} — ${c.summary}`;
    expect(commands.map(key).sort()).toEqual(exported.map(key).sort());
  });

  it('loads each command on demand, the same object its part exports', async () => {
    for (const entry of commands) {
      const loaded = await entry.load();
      expect(loaded.path).toEqual(entry.path);
      expect(loaded.help.length).toBeGreaterThan(0);
    }
  });

  it('prints a command\'s own --help through the table', async () => {
    const io = captureIO();
    expect(await runCli(['device', 'add', '--help'], io)).toBe(0);
    const device = await commands.find((c) => c.path.join(' ') === 'device add')!.load();
    expect(io.out()).toBe(device.help.endsWith('\n') ? device.help : `${device.help}\n`);
  });
});
