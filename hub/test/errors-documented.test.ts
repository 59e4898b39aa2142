import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { configSchema, envBindings } from '../src/config/index.js';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
/** The committed bin shim (`hub/bin/jarvis.js`) runs before anything is built, so its one code lives there. */
const BIN = fileURLToPath(new URL('../bin', import.meta.url));
const DOC = fileURLToPath(new URL('../ERRORS.md', import.meta.url));

/** Codes in string literals (`'JARVIS_X'`, "…", `…`) and as keys of code tables (`JARVIS_X: 'meaning'`). */
function codesInSource(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of readdirSync(SRC, { recursive: true }) as string[]) {
    if (!file.endsWith('.ts')) continue;
    const text = readFileSync(`${SRC}/${file}`, 'utf8');
    for (const m of text.matchAll(/['"`](JARVIS_[A-Z0-9_]+)['"`]|^\s*(JARVIS_[A-Z0-9_]+)\s*:/gm)) {
      const code = (m[1] ?? m[2])!;
      if (!found.has(code)) found.set(code, file);
    }
  }
  for (const file of readdirSync(BIN)) {
    for (const m of readFileSync(`${BIN}/${file}`, 'utf8').matchAll(/(JARVIS_[A-Z0-9_]+)/g)) if (!found.has(m[1]!)) found.set(m[1]!, `../bin/${file}`);
  }
  return found;
}

/** Environment variable names look like codes; they are documented with the config, not here. */
function environmentVariables(): Set<string> {
  const names = new Set(envBindings(configSchema as unknown as z.ZodType).map((b) => b.name));
  for (const file of readdirSync(SRC, { recursive: true }) as string[]) {
    if (!file.endsWith('.ts')) continue;
    for (const m of readFileSync(`${SRC}/${file}`, 'utf8').matchAll(/env\[['"](JARVIS_[A-Z0-9_]+)['"]\]|\$(JARVIS_[A-Z0-9_]+)/g)) names.add((m[1] ?? m[2])!);
  }
  return names;
}

describe('hub/ERRORS.md (CONVENTIONS.md 7)', () => {
  const doc = readFileSync(DOC, 'utf8');
  const documented = new Set([...doc.matchAll(/^\| `(JARVIS_[A-Z0-9_]+)` \| (.+) \|$/gm)].filter((m) => m[2]!.trim() !== '').map((m) => m[1]!));
  const env = environmentVariables();
  const used = new Map([...codesInSource()].filter(([code]) => !env.has(code)));

  it('documents every JARVIS_* code defined or used in hub/src', () => {
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter(([code]) => !documented.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });

  it('documents no code that hub/src no longer has', () => {
    expect([...documented].filter((code) => !used.has(code))).toEqual([]);
  });

  it('tells codes from environment variables', () => {
    expect(env.has('JARVIS_HOME_ASSISTANT_URL')).toBe(true);
    expect(used.has('JARVIS_HOME_ASSISTANT_URL')).toBe(false);
    expect(used.has('JARVIS_COMMAND_BAD_REQUEST')).toBe(true);
  });
});
