/**
 * scripts/adapt-acoustic-model.ts: its flags (every malformed one is a coded error, exit 2), the augmentation that
 * widens the speakers an adaptation sees (extra espeak-ng variants of the tune bases, sox perturbations) and that it
 * never reaches the test half's voices. The adaptation itself is tested in ./adapt.test.ts.
 */
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  adaptationVoices, DEFAULTS, EXTRA_TUNE_VARIANTS, parseAdaptArgs, parseCount, parseFraction, parsePerturbations, perturbationOf, soxEffect,
} from '../../../../scripts/adapt-acoustic-model.js';
import { loadVoiceSplit } from '../../../../tests/fixtures/voice/matrix.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SCRIPT = join(ROOT, 'scripts', 'adapt-acoustic-model.ts');
const soxAvailable = ((): boolean => {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('adapt-acoustic-model flags', () => {
  it('fills the defaults when a flag is left out', () => {
    const a = parseAdaptArgs(['--espeak-tune']);
    expect(a).toMatchObject({ espeakTune: true, count: DEFAULTS.count, noisy: DEFAULTS.noisy, extraVariants: DEFAULTS.variants === 'wide', mapAfterMllr: false, methods: ['mllr', 'map'] });
    expect(a.perturb).toEqual(parsePerturbations(DEFAULTS.perturb));
  });

  it('reads every augmentation flag', () => {
    const a = parseAdaptArgs(['--espeak-tune', '--voices', 'en-us,en-029', '--count', '1600', '--noisy', '0.5', '--extra-variants', '--perturb', 'pitch,tempo', '--map-after-mllr']);
    expect(a).toMatchObject({ bases: ['en-us', 'en-029'], count: 1600, noisy: 0.5, extraVariants: true, perturb: ['pitch', 'tempo'], mapAfterMllr: true });
    expect(parseAdaptArgs(['--espeak-tune', '--perturb', 'none']).perturb).toEqual([]);
    expect(parseAdaptArgs(['--espeak-tune', '--variants', 'tune']).extraVariants).toBe(false);
    expect(parseAdaptArgs(['--espeak-tune', '--variants', 'wide']).extraVariants).toBe(true);
  });

  it.each([
    [['--bogus'], 'JARVIS_CLI_BAD_FLAG', 'bogus'],
    [['--espeak-tune', '--count'], 'JARVIS_CLI_BAD_FLAG', 'count'],
    [['--espeak-tune', 'stray'], 'JARVIS_CLI_BAD_FLAG', 'stray'],
    [['--espeak-tune', '--count', '0'], 'JARVIS_CLI_BAD_ARGUMENT', '--count'],
    [['--espeak-tune', '--count', '1.5'], 'JARVIS_CLI_BAD_ARGUMENT', '--count'],
    [['--espeak-tune', '--count', '12abc'], 'JARVIS_CLI_BAD_ARGUMENT', '--count'],
    [['--espeak-tune', '--noisy', '2'], 'JARVIS_CLI_BAD_ARGUMENT', '--noisy'],
    [['--espeak-tune', '--noisy=-0.1'], 'JARVIS_CLI_BAD_ARGUMENT', '--noisy'],
    [['--espeak-tune', '--noisy', '-0.1'], 'JARVIS_CLI_BAD_FLAG', '--noisy'],
    [['--espeak-tune', '--noisy', 'half'], 'JARVIS_CLI_BAD_ARGUMENT', '--noisy'],
    [['--espeak-tune', '--perturb', 'pitch,warp'], 'JARVIS_CLI_BAD_ARGUMENT', '--perturb'],
    [['--espeak-tune', '--perturb', 'pitch,pitch'], 'JARVIS_CLI_BAD_ARGUMENT', '--perturb'],
    [['--espeak-tune', '--voices', 'en-gb'], 'JARVIS_CLI_BAD_ARGUMENT', 'test half'],
    [['--espeak-tune', '--voices', ','], 'JARVIS_CLI_BAD_ARGUMENT', '--voices'],
    [['--espeak-tune', '--methods', 'map,lda'], 'JARVIS_CLI_BAD_ARGUMENT', '--methods'],
    [['--espeak-tune', '--methods', 'map', '--use', 'mllr'], 'JARVIS_CLI_BAD_ARGUMENT', '--use'],
    [['--espeak-tune', '--methods', 'map', '--map-after-mllr'], 'JARVIS_CLI_BAD_ARGUMENT', '--map-after-mllr'],
    [['--recordings', 'x.jsonl', '--espeak-tune'], 'JARVIS_CLI_BAD_ARGUMENT', 'give one'],
    [['--recordings', 'x.jsonl', '--perturb', 'pitch'], 'JARVIS_CLI_BAD_ARGUMENT', '--perturb'],
    [['--espeak-tune', '--variants', 'all'], 'JARVIS_CLI_BAD_ARGUMENT', '--variants'],
    [['--espeak-tune', '--variants', 'tune', '--extra-variants'], 'JARVIS_CLI_BAD_ARGUMENT', 'contradict'],
    [['--recordings', 'x.jsonl', '--variants', 'wide'], 'JARVIS_CLI_BAD_ARGUMENT', '--variants'],
    [['--espeak-tune', '--hold-out-variants', ','], 'JARVIS_CLI_BAD_ARGUMENT', '--hold-out-variants'],
  ])('%j is a coded error', (argv, code, said) => {
    expect(() => parseAdaptArgs(argv)).toThrow(expect.objectContaining({ code, message: expect.stringContaining(said) }));
  });

  it('number parsers take what they say and nothing else', () => {
    expect(parseCount('--count', '800', 1)).toBe(800);
    expect(parseCount('--count', undefined, 7)).toBe(7);
    expect(parseFraction('--noisy', '0', 1)).toBe(0);
    expect(parseFraction('--noisy', '1', 0)).toBe(1);
    expect(() => parseFraction('--noisy', ' ', 0)).toThrow(expect.objectContaining({ code: 'JARVIS_CLI_BAD_ARGUMENT' }));
  });

  it('the script prints its help with exit 0 and exits 2 with the code on a malformed flag', async () => {
    const run = promisify(execFile);
    const help = await run(process.execPath, ['--import', 'tsx', SCRIPT, '--help'], { cwd: ROOT });
    for (const flag of ['--variants', '--hold-out-variants', '--perturb', '--map-after-mllr', '--noisy', '--count']) expect(help.stdout).toContain(flag);
    await expect(run(process.execPath, ['--import', 'tsx', SCRIPT, '--espeak-tune', '--perturb', 'wobble'], { cwd: ROOT }))
      .rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('JARVIS_CLI_BAD_ARGUMENT') });
  });
});

describe('adaptation voices', () => {
  const split = loadVoiceSplit();

  it('the extra variants are neither test-half nor tune variants, and listed once', () => {
    const testVariants = new Set(split.test.variants);
    expect(EXTRA_TUNE_VARIANTS.filter((v) => testVariants.has(v))).toEqual([]);
    expect(EXTRA_TUNE_VARIANTS.filter((v) => split.tune.variants.includes(v))).toEqual([]);
    expect(new Set(EXTRA_TUNE_VARIANTS).size).toBe(EXTRA_TUNE_VARIANTS.length);
  });

  it('speaks only tune bases, with the extra variants only when asked', () => {
    const plain = adaptationVoices({ bases: ['en-us'] });
    expect(plain).toHaveLength(split.tune.variants.length);
    const wide = adaptationVoices({ bases: ['en-us', 'en-029'], extraVariants: true });
    expect(wide).toHaveLength(2 * (split.tune.variants.length + EXTRA_TUNE_VARIANTS.length));
    for (const v of wide) {
      const [base, variant] = v.split('+');
      expect(['en-us', 'en-029']).toContain(base);
      if (variant !== undefined) expect(split.test.variants).not.toContain(variant);
    }
    expect(() => adaptationVoices({ bases: ['en-gb'] })).toThrow(expect.objectContaining({ code: 'JARVIS_CLI_BAD_ARGUMENT' }));
  });

  it('leaves held-out tune variants out (and refuses a variant that is not a tune one)', () => {
    const voices = adaptationVoices({ bases: ['en-us'], holdOut: ['f2', 'base'], extraVariants: true });
    expect(voices).not.toContain('en-us');
    expect(voices).not.toContain('en-us+f2');
    expect(voices).toContain('en-us+f1');
    expect(voices).toHaveLength(split.tune.variants.length - 2 + EXTRA_TUNE_VARIANTS.length);
    expect(() => adaptationVoices({ holdOut: ['f3'] })).toThrow(expect.objectContaining({ code: 'JARVIS_CLI_BAD_ARGUMENT', message: expect.stringContaining('f3') }));
  });
});

describe('sox perturbations', () => {
  it('leaves one utterance in kinds+1 as spoken and uses both directions of each kind', () => {
    const kinds = ['pitch', 'speed', 'tempo'] as const;
    const plan = Array.from({ length: 64 }, (_, k) => perturbationOf(k, kinds));
    expect(plan.filter((p) => p === undefined)).toHaveLength(16);
    expect(perturbationOf(5, kinds)).toEqual(perturbationOf(5, kinds));
    const pitches = plan.filter((p) => p?.kind === 'pitch').map((p) => Number(p!.effect[1]));
    expect(Math.min(...pitches)).toBeLessThanOrEqual(-200);
    expect(Math.max(...pitches)).toBeGreaterThanOrEqual(200);
    for (const c of pitches) {
      expect(Math.abs(c)).toBeGreaterThanOrEqual(200);
      expect(Math.abs(c)).toBeLessThanOrEqual(400);
    }
    const speeds = plan.filter((p) => p?.kind === 'speed').map((p) => Number(p!.effect[1]));
    for (const s of speeds) {
      expect(Math.abs(s - 1)).toBeGreaterThanOrEqual(0.05);
      expect(Math.abs(s - 1)).toBeLessThanOrEqual(0.12 + 1e-9);
    }
    expect(speeds.some((s) => s > 1) && speeds.some((s) => s < 1)).toBe(true);
    expect(plan.filter((p) => p?.kind === 'tempo').every((p) => p!.effect[1] === '-s')).toBe(true);
    expect(perturbationOf(3, [])).toBeUndefined();
  });

  it.skipIf(!soxAvailable)('pitch keeps the length, speed and tempo change it', () => {
    const tone = Int16Array.from({ length: 16000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / 16000)));
    expect(Math.abs(soxEffect(tone, ['pitch', '300']).length - 16000)).toBeLessThan(320);
    expect(Math.abs(soxEffect(tone, ['speed', '1.10']).length - 16000 / 1.1)).toBeLessThan(320);
    expect(Math.abs(soxEffect(tone, ['tempo', '-s', '0.90']).length - 16000 / 0.9)).toBeLessThan(320);
    // Speed moves the tone's frequency: count zero crossings.
    const crossings = (x: Int16Array): number => {
      let n = 0;
      for (let i = 1; i < x.length; i++) if ((x[i]! >= 0) !== (x[i - 1]! >= 0)) n++;
      return n / (x.length / 16000);
    };
    expect(crossings(soxEffect(tone, ['speed', '1.10'])) / crossings(tone)).toBeCloseTo(1.1, 1);
  });
});
