import { appendFileSync, chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Debouncer } from '../../src/gpio/debouncer.js';
import { GpioSwitch } from '../../src/gpio/gpio-switch.js';
import { FileGpioInput, LibgpiodInput, parseGpiogetOutput, parseGpioLine } from '../../src/gpio/inputs.js';
import { capturingLogger } from '../helpers/logs.js';

const dir = mkdtempSync(join(tmpdir(), 'edge-gpio-'));
const switches: GpioSwitch[] = [];
afterEach(async () => {
  await Promise.all(switches.splice(0).map((s) => s.stop()));
});

function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

describe('GPIO line parsing', () => {
  it('reads gpiomon lines and gpioget output of libgpiod 1.x and 2.x', () => {
    expect(['1', '0', ' 1 1700000000 123 ', '0 5'].map(parseGpioLine)).toEqual([1, 0, 1, 0]);
    for (const bad of ['', '2', 'rising', '1x', '01', '-1']) expect(parseGpioLine(bad)).toBeUndefined();
    expect(['1\n', '0', '"17"=active', '"17"=inactive'].map(parseGpiogetOutput)).toEqual([1, 0, 1, 0]);
    expect(parseGpiogetOutput('gpioget: error')).toBeUndefined();
  });
});

describe('debounce', () => {
  it('turns a bounce into one change after the level held', async () => {
    const changes: number[] = [];
    const d = new Debouncer(0, 20, (l) => changes.push(l));
    d.feed(1);
    d.feed(0);
    d.feed(1);
    expect(changes).toEqual([]);
    await new Promise((r) => setTimeout(r, 50));
    expect(changes).toEqual([1]);
    d.feed(0);
    d.feed(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(changes).toEqual([1]);
    const immediate = new Debouncer(0, 0, (l) => changes.push(l + 10));
    immediate.feed(1);
    expect(changes).toEqual([1, 11]);
  });
});

describe('the file test double drives the same switch code', () => {
  it('starts from the last line, debounces appended edges, applies active-low and skips bad lines with a coded warning', async () => {
    const file = join(dir, 'mute');
    writeFileSync(file, '1\n0\n');
    const { logger, entries } = capturingLogger();
    const seen: boolean[] = [];
    const sw = new GpioSwitch('mute', new FileGpioInput({ file, activeLow: true, logger }), 20, (on) => seen.push(on));
    switches.push(sw);
    expect(await sw.start()).toBe(true);
    appendFileSync(file, '1\n0\n1\n');
    await expect.poll(() => seen).toEqual([false]);
    appendFileSync(file, 'garbage\n0\n');
    await expect.poll(() => seen).toEqual([false, true]);
    expect(entries().some((e) => e['code'] === 'JARVIS_EDGE_GPIO' && e['line'] === 'garbage')).toBe(true);
  });

  it('a missing file is JARVIS_EDGE_GPIO', async () => {
    await expect(new FileGpioInput({ file: join(dir, 'nope'), activeLow: false, logger: capturingLogger().logger }).start(() => undefined)).rejects.toMatchObject({ code: 'JARVIS_EDGE_GPIO' });
  });
});

describe('libgpiod input', () => {
  it('reads the level with gpioget, then follows gpiomon edges (fake tools with the real command lines)', async () => {
    const calls = join(dir, 'calls.txt');
    const gpioget = script('gpioget', `echo "gpioget $@" >> ${calls}\necho 1`);
    const gpiomon = script('gpiomon', `echo "gpiomon $@" >> ${calls}\necho 0\nsleep 0.1\necho 1\nsleep 0.1\necho 0\nexec sleep 5`);
    const seen: boolean[] = [];
    const input = new LibgpiodInput({ chip: 'gpiochip0', line: 17, activeLow: true, bias: 'pull-up', gpiomonPath: gpiomon, gpiogetPath: gpioget, logger: capturingLogger().logger });
    const sw = new GpioSwitch('ptt', input, 10, (on) => seen.push(on));
    switches.push(sw);
    expect(await sw.start()).toBe(true);
    await expect.poll(() => seen, { timeout: 3000 }).toEqual([false, true, false]);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
      'gpioget -l -B pull-up gpiochip0 17',
      'gpiomon -b -l -B pull-up -F %e gpiochip0 17',
    ]);
  });

  it('missing tools or a failing gpioget are JARVIS_EDGE_GPIO with the reason', async () => {
    const logger = capturingLogger().logger;
    const base = { chip: 'gpiochip9', line: 3, activeLow: false, bias: 'as-is' as const, logger };
    await expect(new LibgpiodInput({ ...base, gpiomonPath: join(dir, 'none'), gpiogetPath: join(dir, 'none') }).start(() => undefined)).rejects.toMatchObject({
      code: 'JARVIS_EDGE_GPIO', message: expect.stringMatching(/not installed \(Debian package gpiod\)/),
    });
    const failing = script('gpioget-fail', 'echo "gpioget: unable to access GPIO chip: No such file or directory" >&2\nexit 1');
    await expect(new LibgpiodInput({ ...base, gpiomonPath: failing, gpiogetPath: failing }).start(() => undefined)).rejects.toMatchObject({
      code: 'JARVIS_EDGE_GPIO', message: expect.stringMatching(/gpiochip9:3: gpioget failed: gpioget: unable to access GPIO chip/),
    });
    const odd = script('gpioget-odd', 'echo maybe');
    await expect(new LibgpiodInput({ ...base, gpiomonPath: odd, gpiogetPath: odd }).start(() => undefined)).rejects.toMatchObject({ code: 'JARVIS_EDGE_GPIO', message: expect.stringMatching(/unexpected gpioget output "maybe"/) });
  });

  it('uses the real gpioget when installed and reports a missing chip clearly', async ({ skip }) => {
    const { findExecutable } = await import('../../src/executables.js');
    if (!findExecutable('gpioget')) skip('gpioget (Debian package gpiod) is not installed');
    const input = new LibgpiodInput({ chip: 'gpiochip99', line: 0, activeLow: false, bias: 'as-is', gpiomonPath: 'gpiomon', gpiogetPath: 'gpioget', logger: capturingLogger().logger });
    await expect(input.start(() => undefined)).rejects.toMatchObject({ code: 'JARVIS_EDGE_GPIO', message: expect.stringMatching(/gpiochip99:0: gpioget failed/) });
  });
});
