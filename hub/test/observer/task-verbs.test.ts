import { describe, expect, it } from 'vitest';
import { readUtterance } from '../../src/observer/clause-reader.js';
import { analyseUtterance, type Finding, type Utterance } from '../../src/observer/extract.js';

const at = Date.parse('2026-03-02T15:00:00Z');
const opts = { timeZone: 'America/New_York' };
const todos = (findings: Finding[]): string[] => findings.flatMap((f) => (f.type === 'todo' ? [f.todo.text] : []));
const u = (text: string): Utterance => ({ speaker: 'USER', text, saidAt: at });

describe('one list of task verbs for both extractors', () => {
  it('the older string rules take a promise with a verb that only the clause reader knew ("ping", "proofread")', () => {
    // Before the lists were merged the rules extractor dropped both: "ping" and "proofread" were not its task verbs.
    // "after standup" is read as a time (today) since issue 22's date rules, so it leaves the text and becomes the due date.
    const rules = analyseUtterance(u("I'll ping Marcus in finance after standup."), [], opts);
    expect(todos(rules)).toEqual(['ping Marcus in finance']);
    expect(rules.flatMap((f) => (f.type === 'todo' ? [f.todo.due?.date] : []))).toEqual(['2026-03-02']);
    expect(todos(readUtterance(u("I'll ping Marcus in finance after standup."), [], opts))).toEqual(['ping Marcus in finance']);
    expect(todos(analyseUtterance(u("I'll proofread the grant proposal."), [], opts))).toEqual(['proofread the grant proposal']);
    expect(todos(readUtterance(u("I'll proofread the grant proposal."), [], opts))).toEqual(['proofread the grant proposal']);
  });
});
