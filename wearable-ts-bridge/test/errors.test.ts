import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors.js';

describe('@jarvis/wearable error codes', () => {
  it('every code thrown in src/ is documented in ERROR_CODES', () => {
    const dir = new URL('../src/', import.meta.url);
    const used = new Set<string>();
    for (const file of ['simulator.ts', 'simulate-command.ts', 'wav.ts', 'gen-header-command.ts', 'cli-main.ts', 'boot-state.ts', 'provision.ts', 'provision-command.ts', 'cli-flags.ts']) {
      const text = readFileSync(fileURLToPath(new URL(file, dir)), 'utf8');
      for (const m of text.matchAll(/JARVIS_WEARABLE_[A-Z_]+/g)) used.add(m[0]);
    }
    expect(used.size).toBeGreaterThan(0);
    for (const code of used) expect(Object.keys(ERROR_CODES), code).toContain(code);
  });
});
