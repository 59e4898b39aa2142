/** SPEC.md is normative: every error code is documented, and every requirement the code cites exists. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROTOCOL_ERROR_CODES } from '../src/index.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const spec = readFileSync(join(pkg, 'SPEC.md'), 'utf8');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** Requirements defined in SPEC.md: `**[UDP-2.1]**` at the start of a list item. */
const defined = [...spec.matchAll(/^\s*- \*\*\[([A-Z]+-[\d.]+)\]\*\*/gm)].map((m) => m[1] as string);

describe('[GEN-1.2] SPEC.md requirements', () => {
  it('are defined once each', () => {
    expect(defined.length).toBeGreaterThan(40);
    expect(defined.length).toBe(new Set(defined).size);
  });

  it('every requirement cited in protocol/src and protocol/test is defined (or names a section)', () => {
    const sections = new Set([...spec.matchAll(/^##+ (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]));
    const ids = new Set(defined);
    const missing: string[] = [];
    for (const file of [...filesUnder(join(pkg, 'src')), ...filesUnder(join(pkg, 'test'))]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\[((?:UDP|MQTT|GEN)-([\d.]+))\]/g)) {
        const id = m[1] as string;
        if (!ids.has(id) && !sections.has(m[2] as string)) missing.push(`${id} in ${file}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('[GEN-1.5] error codes', () => {
  const table = spec.slice(spec.indexOf('## 7. Error codes'));
  for (const code of PROTOCOL_ERROR_CODES) {
    it(`${code} is documented in SPEC.md §7`, () => {
      expect(table).toContain(`| \`${code}\` |`);
    });
  }

  it('the table documents no code that does not exist', () => {
    const documented = [...table.matchAll(/^\| `(JARVIS_PROTO_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...PROTOCOL_ERROR_CODES].sort());
  });

  it('are UPPER_SNAKE and prefixed JARVIS_PROTO_', () => {
    for (const code of PROTOCOL_ERROR_CODES) expect(code).toMatch(/^JARVIS_PROTO_[A-Z]+(_[A-Z0-9]+)*$/);
  });
});
