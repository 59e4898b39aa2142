import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HOME_ASSISTANT_ERROR_CODES } from '../../src/home-assistant/errors.js';

const doc = readFileSync(fileURLToPath(new URL('../../src/home-assistant/TRY-IT.md', import.meta.url)), 'utf8');

function codesIn(dir: string): Set<string> {
  const out = new Set<string>();
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    if (!f.endsWith('.ts')) continue;
    for (const m of readFileSync(`${dir}/${f}`, 'utf8').matchAll(/'(JARVIS_(?:HA|ROUTE)_[A-Z_]+)'/g)) out.add(m[1]!);
  }
  return out;
}

describe('error codes', () => {
  it('every code used by home-assistant and router is documented in TRY-IT.md', () => {
    const used = new Set([
      ...Object.keys(HOME_ASSISTANT_ERROR_CODES),
      ...codesIn(fileURLToPath(new URL('../../src/home-assistant', import.meta.url))),
      ...codesIn(fileURLToPath(new URL('../../src/router', import.meta.url))),
    ]);
    expect(used.size).toBeGreaterThan(20);
    const missing = [...used].filter((c) => !doc.includes(`\`${c}\``));
    expect(missing).toEqual([]);
  });
});
