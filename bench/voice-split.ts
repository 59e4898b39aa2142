/**
 * Voices of the one voice split (tests/fixtures/voice/split.json): tune on `tune`, report on `test`. espeak-ng
 * ignores some variants (every `en-gb+X` speaks exactly as `en-gb`), so voices are deduplicated by the audio
 * they make: a figure's voice count is the number of different voices, not of names.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

interface Half { bases: string[]; variants: string[] }
const split = JSON.parse(readFileSync(new URL('../tests/fixtures/voice/split.json', import.meta.url), 'utf8')) as { tune: Half; test: Half };

/** Distinct voices of one half, bases first then their variants, interleaved so a prefix covers every base. */
export function splitVoices(half: 'tune' | 'test', max = Infinity): string[] {
  const h = split[half];
  const names: string[] = [];
  // Female, male and other variants alternate, so the first dozen voices are not all one kind.
  const groups = [h.variants.filter((v) => v === ''), h.variants.filter((v) => /^f\d/.test(v)), h.variants.filter((v) => /^m\d/.test(v)), h.variants.filter((v) => v !== '' && !/^[fm]\d/.test(v))];
  const variants: string[] = [];
  for (let i = 0; variants.length < h.variants.length; i++) for (const g of groups) if (g[i] !== undefined) variants.push(g[i] as string);
  for (const v of variants) for (const b of h.bases) names.push(v ? `${b}+${v}` : b);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of names) {
    if (out.length >= max) break;
    // The audio fixtures take lower-case voice names only (`+Annie` is not one).
    if (!/^[a-z0-9+-]+$/.test(n)) continue;
    const hash = createHash('sha256').update(execFileSync('espeak-ng', ['-v', n, '--stdout', 'hey jarvis'], { maxBuffer: 16 << 20 })).digest('hex');
    if (seen.has(hash)) continue;
    seen.add(hash);
    out.push(n);
  }
  return out;
}
