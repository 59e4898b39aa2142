import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WHISPER_ERROR_CODES, WhisperError } from '../src/errors.js';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const README = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

describe('@jarvis/whisper error codes (CONVENTIONS.md 7)', () => {
  const documented = new Map([...README.matchAll(/^\| `(JARVIS_[A-Z0-9_]+)` \| (.+) \|$/gm)].map((m) => [m[1]!, m[2]!]));

  it('documents every code used in src/ in README.md, with the meaning of the code table', () => {
    const used = new Set<string>();
    for (const file of readdirSync(SRC)) for (const m of readFileSync(`${SRC}/${file}`, 'utf8').matchAll(/JARVIS_WHISPER_[A-Z_]+/g)) used.add(m[0]);
    expect(used.size).toBeGreaterThanOrEqual(7);
    for (const code of used) expect(WHISPER_ERROR_CODES, code).toHaveProperty(code);
    for (const [code, meaning] of Object.entries(WHISPER_ERROR_CODES)) expect(documented.get(code), code).toBe(meaning);
    expect([...documented.keys()].sort()).toEqual(Object.keys(WHISPER_ERROR_CODES).sort());
  });

  it('puts the code first in the message and on .code', () => {
    const err = new WhisperError('JARVIS_WHISPER_FREED', 'model x was freed');
    expect([err.code, err.message, err.name]).toEqual(['JARVIS_WHISPER_FREED', 'JARVIS_WHISPER_FREED: model x was freed', 'WhisperError']);
  });
});
