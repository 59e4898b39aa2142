/**
 * Cross-builds the firmware core, the protocol library and the bare-metal SHA-256/HMAC
 * (firmware/core/crypto/, standing in for mbedTLS) for rv32imc / ilp32 — exactly the ESP32-C3's ISA —
 * with Debian's riscv64-unknown-elf-gcc and picolibc, and runs test programs under qemu-system-riscv32
 * (machine virt, semihosting: the program's output arrives on QEMU's stderr) on a CPU with the A, F and
 * D extensions switched off, so an instruction the ESP32-C3 lacks faults instead of running. Debian's
 * picolibc has no rv32imc multilib: gcc links its rv32im one (`-print-multi-directory` says rv32im/ilp32),
 * a subset of rv32imc; our own code is compiled with C (compressed) instructions. The Debian packages gcc-riscv64-unknown-elf,
 * picolibc-riscv64-unknown-elf and qemu-system-misc are CI requirements (.ci/run), so their absence is an
 * error, never a skip.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RV_HINT =
  'the rv32 build needs gcc-riscv64-unknown-elf, picolibc-riscv64-unknown-elf and qemu-system-misc: run `bash .ci/run` (or apt-get install them)';

const pkg = fileURLToPath(new URL('../..', import.meta.url));
const firmware = join(pkg, 'firmware');
const core = join(firmware, 'core');
const crypto = join(core, 'crypto');
/** The firmware sources of the image (what is measured with size and -fstack-usage). */
export const FIRMWARE_SOURCES = [join(crypto, 'jarvis_sha256.c'), join(firmware, 'jarvis_proto.c'), join(core, 'jarvis_core.c'), join(core, 'jarvis_json.c'),
  join(core, 'jarvis_bundle.c'), join(core, 'jarvis_provision.c')];

export const MARCH = 'rv32imc';
const ARCH = [`-march=${MARCH}`, '-mabi=ilp32', '--specs=picolibc.specs'];
/** The QEMU CPU: rv32 without atomics or floating point, as the ESP32-C3 (RV32IMC). */
export const QEMU_CPU = 'rv32,a=off,f=off,d=off';
const LINK = ['--oslib=semihost', '--crt0=semihost'];
const CFLAGS = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-Os', `-I${crypto}`, `-I${firmware}`, `-I${core}`];
/** QEMU virt: RAM from 0x80000000; picolibc's linker script takes the memory map from these symbols. */
const MEMORY = ['-Wl,--defsym=__flash=0x80000000', '-Wl,--defsym=__flash_size=0x400000', '-Wl,--defsym=__ram=0x80400000', '-Wl,--defsym=__ram_size=0x1000000'];

function run(cmd: string, args: readonly string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd });
  if (r.error) throw new Error(`${cmd} not found. ${RV_HINT}`);
  if (r.status !== 0) throw new Error(`${cmd} failed:\n${r.stderr}`);
  return r.stdout;
}

export function makeBuildDir(): string {
  return mkdtempSync(join(tmpdir(), 'jarvis-rv32-'));
}

/** Links the firmware sources with a test program into dir/name.elf (semihosting crt0). */
export function buildRv32Test(dir: string, name: string, testSource: string): string {
  const elf = join(dir, `${name}.elf`);
  run('riscv64-unknown-elf-gcc', [...ARCH, ...LINK, ...CFLAGS, ...FIRMWARE_SOURCES, testSource, ...MEMORY, '-o', elf]);
  return elf;
}

/** Links a lone program for another -march (the negative control of the CPU restriction). */
export function buildRv32Program(dir: string, name: string, source: string, march: string): string {
  const elf = join(dir, `${name}.elf`);
  run('riscv64-unknown-elf-gcc', [`-march=${march}`, '-mabi=ilp32', '--specs=picolibc.specs', ...LINK, '-Os', source, ...MEMORY, '-o', elf]);
  return elf;
}

/** The ISA string an ELF's RISC-V attributes record (Tag_RISCV_arch), e.g. rv32i2p1_m2p0_c2p0_zicsr2p0. */
export function elfArch(elf: string): string {
  const out = run('riscv64-unknown-elf-readelf', ['-A', elf]);
  const m = /Tag_RISCV_arch: "([^"]+)"/.exec(out);
  if (!m) throw new Error(`no Tag_RISCV_arch in ${elf}:\n${out}`);
  return m[1] as string;
}

/** The multilib directory gcc links for the target (Debian's picolibc ships no rv32imc one). */
export function multiDirectory(): string {
  return run('riscv64-unknown-elf-gcc', [...ARCH, '-print-multi-directory']).trim();
}

/** Runs an ELF under qemu-system-riscv32 -machine virt with semihosting; returns its output lines and exit status. */
export function runQemu(elf: string): { lines: string[]; status: number | null } {
  const r = spawnSync(
    'qemu-system-riscv32',
    ['-machine', 'virt', '-cpu', QEMU_CPU, '-nographic', '-bios', 'none', '-monitor', 'none', '-serial', 'none', '-semihosting-config', 'enable=on,target=native', '-kernel', elf],
    { encoding: 'utf8', timeout: 20_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.error) throw new Error(`qemu-system-riscv32 failed to run (${r.error.message}). ${RV_HINT}`);
  return { lines: `${r.stdout}${r.stderr}`.trimEnd().split('\n'), status: r.status };
}

export interface FirmwareFootprint {
  /** Flash: text + initialised data of the firmware objects. */
  flash: number;
  /** Static RAM of the objects (data + bss). */
  staticRam: number;
  /** Sum of every function's frame (-fstack-usage): with no recursion, a bound on the deepest call chain. */
  stackBound: number;
  /** Whether every frame is static (no alloca / VLA). */
  allStatic: boolean;
}

/** Compiles the firmware sources to objects with -fstack-usage and measures them with riscv64-unknown-elf-size. */
export function measureFirmware(dir: string): FirmwareFootprint {
  run('riscv64-unknown-elf-gcc', [...ARCH, ...CFLAGS, '-fstack-usage', '-c', ...FIRMWARE_SOURCES], dir);
  const objects = readdirSync(dir).filter((f) => f.endsWith('.o'));
  const out = run('riscv64-unknown-elf-size', objects, dir);
  let flash = 0;
  let staticRam = 0;
  for (const line of out.trim().split('\n').slice(1)) {
    const [text, data, bss] = line.trim().split(/\s+/).map(Number);
    flash += (text ?? 0) + (data ?? 0);
    staticRam += (data ?? 0) + (bss ?? 0);
  }
  let stackBound = 0;
  let allStatic = true;
  for (const su of readdirSync(dir).filter((f) => f.endsWith('.su'))) {
    for (const line of readFileSync(join(dir, su), 'utf8').trim().split('\n')) {
      const [, bytes, kind] = line.split('\t');
      stackBound += Number(bytes);
      if (kind !== 'static') allStatic = false;
    }
  }
  return { flash, staticRam, stackBound, allStatic };
}
