import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { whisperBuildInfo, whisperBuildSummary } from '../src/build-info.js';

const cpuFlags = ` ${readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? ''} `;

describe('whisperBuildInfo', () => {
  const info = whisperBuildInfo();

  it('says which whisper.cpp sources and which flags the addon was built with', () => {
    expect(info.whisperCpp).toBe('1.9.3');
    expect(info.sources).toMatch(/^whisper\.rn@\d+\.\d+\.\d+$/);
    expect(['ggml', 'openmp']).toContain(info.threading);
    expect(info.buildSeconds).toBeGreaterThan(0);
    expect(whisperBuildSummary(info)).toContain('whisper.cpp 1.9.3 (whisper.rn@');
  });

  it.skipIf(process.arch !== 'x64' || (process.env['JARVIS_WHISPER_SIMD'] ?? 'auto') !== 'auto')('uses the vector extensions this CPU has, and ggml confirms them', () => {
    const has = (f: string): boolean => cpuFlags.includes(` ${f} `);
    for (const [cpu, flag, ggml] of [['avx2', '-mavx2', 'AVX2 = 1'], ['fma', '-mfma', 'FMA = 1'], ['f16c', '-mf16c', 'F16C = 1'], ['avx512f', '-mavx512f', 'AVX512 = 1']] as const) {
      expect(info.simd.includes(flag), flag).toBe(has(cpu));
      expect(info.systemInfo.includes(ggml), ggml).toBe(has(cpu));
    }
    expect(info.systemInfo).toContain(info.threading === 'openmp' ? 'OPENMP = 1' : 'CPU :');
  });
});
