import { describe, expect, it } from 'vitest';
import { analyseUtterance, type Finding, type Utterance } from '../../src/observer/extract.js';

const at = Date.parse('2026-03-02T15:00:00Z');
const opts = { timeZone: 'America/New_York' };
const todos = (findings: Finding[]): string[] => findings.flatMap((f) => (f.type === 'todo' ? [f.todo.text] : []));
const u = (speaker: string, text: string): Utterance => ({ speaker, text, saidAt: at });

describe('to-do text a person can act on', () => {
  it('drops fillers and stutters of fast speech', () => {
    expect(todos(analyseUtterance(u('USER', 'I need to submit the, uh, the expense reports.'), [], opts))).toEqual(['submit the expense reports']);
  });

  it('cuts a new clause off an unpunctuated (whisper) transcript', () => {
    expect(todos(analyseUtterance(u('USER', 'i have to renew the car registration its due at the end of the month'), [], opts))[0]).toBe('renew the car registration');
  });

  it('replaces a bare pronoun with the thing or person named just before', () => {
    const before = [u('JESS', 'The lease renewal came in the mail from the landlord.')];
    expect(todos(analyseUtterance(u('USER', "I'll sign it tonight."), before, opts))).toEqual(['sign the lease renewal']);
    const person = [u('JESS', 'Leo has soccer until five.')];
    expect(todos(analyseUtterance(u('USER', "I'll pick him up."), person, opts))).toEqual(['pick Leo up']);
  });
});
