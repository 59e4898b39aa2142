/**
 * The firmware core cross-built for rv32imc, the ESP32-C3's ISA (riscv64-unknown-elf-gcc + picolibc's
 * rv32im multilib), and run under qemu-system-riscv32 -machine virt with semihosting on a CPU without
 * the A/F/D extensions (an atomic instruction faults there: checked with a probe): the bare-metal SHA-256/HMAC passes the FIPS 180-4
 * and RFC 4231 vectors, the core's unit tests (core_test.c, fake HAL) pass, and the datagrams the rv32
 * build signs are byte-identical to the host build's (which signs with mbedTLS) and verify with
 * @jarvis/protocol. Prints flash / static RAM / stack figures and fails past the issue's budgets
 * (48 KB static RAM, 8 KB stack for the core task).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudioFrame, verifyAudioFrame } from '@jarvis/protocol';
import { buildCoreTest } from './build-core.js';
import { MARCH, buildRv32Program, buildRv32Test, elfArch, makeBuildDir, measureFirmware, multiDirectory, runQemu } from './build-rv32.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
/** The ring a 16 kHz device is budgeted with: 1 s of int16 samples (jarvis_core_init's ring_cap). */
const RING_BYTES = 16000 * 2;
const STATIC_RAM_BUDGET = 48 * 1024;
const STACK_BUDGET = 8 * 1024;

const dirs: string[] = [];
let dir = '';
let coreElf = '';

beforeAll(() => {
  dir = makeBuildDir();
  dirs.push(dir);
  coreElf = buildRv32Test(dir, 'core', join(here, 'core_test.c'));
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('firmware core on rv32imc under QEMU', () => {
  it('targets rv32imc exactly: no A/F/D in the image, and the QEMU CPU faults on an atomic instruction', () => {
    expect(MARCH).toBe('rv32imc');
    // Debian's picolibc has no rv32imc multilib; gcc picks rv32im (a subset), never rv32imac.
    expect(multiDirectory()).toBe('rv32im/ilp32');
    const arch = elfArch(coreElf);
    expect(arch).toMatch(/^rv32i2p\d_m2p0_c2p0/);
    expect(arch).not.toMatch(/_[afd]\d/);
    const probe = runQemu(buildRv32Program(dir, 'amo', join(here, 'amo_probe.c'), 'rv32imac'));
    expect(probe.lines.join('\n')).toContain('RISCV fault');
    expect(probe.lines.join('\n')).not.toContain('amo ran');
  });

  it('SHA-256 / HMAC-SHA256 pass the FIPS 180-4 and RFC 4231 vectors', () => {
    const { lines, status } = runQemu(buildRv32Test(dir, 'crypto', join(here, 'crypto_test.c')));
    expect(lines.filter((l) => l.startsWith('not ok'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('ok ')).length).toBe(9);
    expect(lines.at(-1)).toBe('done 9 0');
    expect(status).toBe(0);
  });

  it('runs the core unit tests, signing exactly as the mbedTLS host build does, within the budgets', () => {
    const rv = runQemu(coreElf);
    expect(rv.lines.filter((l) => l.startsWith('not ok'))).toEqual([]);
    expect(rv.lines.at(-1)).toBe('done 17 0');
    expect(rv.status).toBe(0);

    const host = buildCoreTest();
    dirs.push(host.dir);
    const hostRun = spawnSync(host.binary, [], { encoding: 'utf8', timeout: 20_000 });
    const comparable = (ls: readonly string[]): string[] => ls.filter((l) => !l.startsWith('size '));
    expect(comparable(rv.lines)).toEqual(comparable(hostRun.stdout.trimEnd().split('\n')));
    const datagrams = rv.lines.filter((l) => l.startsWith('datagram ')).map((l) => new Uint8Array(Buffer.from(l.slice(9), 'hex')));
    expect(datagrams.length).toBe(7);
    for (const d of datagrams) {
      verifyAudioFrame(d, KEY);
      expect(decodeAudioFrame(d).deviceId).toBe(0x2a);
    }

    const coreStruct = Number(rv.lines.find((l) => l.startsWith('size jarvis_core '))?.split(' ')[2]);
    expect(coreStruct).toBeGreaterThan(0);
    const fp = measureFirmware(dir);
    const staticRam = fp.staticRam + coreStruct + RING_BYTES;
    console.log(
      JSON.stringify({
        name: 'wearable.rv32imc.footprint',
        target: 'rv32imc ilp32 (ESP32-C3 ISA), -Os, core + JSON reader + bundle/provisioning + protocol library + SHA-256/HMAC (objects, picolibc not counted)',
        flashBytes: fp.flash,
        objectsStaticRamBytes: fp.staticRam,
        jarvisCoreStructBytes: coreStruct,
        ringBytes: RING_BYTES,
        staticRamBytes: staticRam,
        stackBoundBytes: fp.stackBound,
      }),
    );
    expect(fp.allStatic).toBe(true);
    expect(staticRam).toBeLessThanOrEqual(STATIC_RAM_BUDGET);
    expect(fp.stackBound).toBeLessThanOrEqual(STACK_BUDGET);
  });
});
