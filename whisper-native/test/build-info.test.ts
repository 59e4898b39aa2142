import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

describe('whisper.cpp as we compile it', () => {
  const { config } = createRequire(import.meta.url)('../native/build-config.cjs') as { config(): { patches: string[]; patched: Record<string, string>; root: string } };

  it('computes the decoder\'s vocabulary logits only for the rows it reads (decoder-last-logits)', () => {
    const cfg = config();
    expect(cfg.patches).toContain('decoder-last-logits');
    const patched = readFileSync(cfg.patched['whisper.cpp']!, 'utf8');
    const original = readFileSync(`${cfg.root}/whisper.cpp`, 'utf8');
    // whisper.rn's copy keeps the one-row view commented out; ours takes it when only the last row is read.
    expect(original).toContain('//cur = wsp_ggml_view_2d(ctx0, cur, cur->ne[0], 1');
    expect(patched).not.toContain('//cur = wsp_ggml_view_2d(ctx0, cur, cur->ne[0], 1');
    expect(patched).toContain('if (!worst_case && jarvis_only_last_logits(batch)) cur = wsp_ggml_view_2d(');
    expect(patched).toContain('sizeof(float)*(n_vocab*row)');
    // Nothing else changed: the copy is the original plus the three edits.
    expect(patched.split('\n').length - original.split('\n').length).toBe(7 + 1 + 2);
  });

  it('the addon in use was built with them, and its build info says so', () => {
    const info = whisperBuildInfo();
    expect(info.patches).toEqual(config().patches);
    expect(whisperBuildSummary(info)).toContain(`(${info.sources}, patched: decoder-last-logits)`);
  });
});
