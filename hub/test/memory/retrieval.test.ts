import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { heldOutQuestionIds } from '../../src/memory/eval-split.js';
import { memoryTokens } from '../../src/memory/tokens.js';
import { useMemoryService } from './service-fixture.js';

// Facts and questions written for these tests (not from tests/fixtures/memory).
const service = useMemoryService();

describe('memory tokens', () => {
  it('meet a question in question form and a fact in statement form on the same words', () => {
    const bag = (t: string): string[] => memoryTokens(t).sort();
    expect(bag('where did I leave the van?')).toEqual(bag('the van is parked'));
    expect(bag("what's the internet password")).toEqual(bag('the wifi code'));
  });

  it('stem inflections (Porter2) and map everyday synonyms to one word', () => {
    expect(memoryTokens('allergies')).toEqual(memoryTokens('allergic'));
    expect(memoryTokens('my mum')).toEqual(memoryTokens('mother'));
    expect(memoryTokens('the meds')).toEqual(memoryTokens('medication'));
    expect(memoryTokens('boxes')).toEqual(memoryTokens('box'));
    // Words that are not the same thing stay apart.
    expect(memoryTokens('gate')).not.toEqual(memoryTokens('garage'));
    expect(memoryTokens('phone number')).not.toEqual(memoryTokens('passport number'));
  });
});

describe('recall', () => {
  it('answers a paraphrased question through a word few facts share', () => {
    const m = service();
    m.remember('the tent poles are in the loft');
    m.remember('the plumber comes on Tuesday');
    m.remember('the bins go out on Thursday');
    m.remember('my sister lives in Leeds');
    expect(m.recall('where did we stash the tent')?.fact.text).toBe('the tent poles are in the loft');
  });

  it('does not answer a question about another person with the asker\'s own fact', () => {
    const m = service();
    const ana = m.person('ana');
    m.remember('my shoe size is 38', { personId: ana });
    m.remember('Leo wears a size 31 shoe', { personId: ana });
    expect(m.recall("what's Leo's shoe size", { personId: ana })?.fact.text).toBe('Leo wears a size 31 shoe');
    expect(m.recall("what's Omar's shoe size", { personId: ana })).toBeUndefined();
    expect(m.recall("what's my shoe size", { personId: ana })?.fact.text).toBe('my shoe size is 38');
  });

  it('says "I don\'t know" when the only shared word is one every fact uses', () => {
    const m = service();
    m.remember('the shed code is 1234');
    m.remember('the bike lock code is 9876');
    m.remember('the safe code is 5555');
    expect(m.recall('what is the alarm code')).toBeUndefined();
  });
});

describe('the hold-out half of the memory question set', () => {
  const dir = fileURLToPath(new URL('../../../tests/fixtures/memory/', import.meta.url));
  const ids = readFileSync(`${dir}questions.jsonl`, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => (JSON.parse(l) as { id: string }).id);

  it('is the file written in the repository, exactly the rule applied to the ids, half and half', () => {
    const written = JSON.parse(readFileSync(`${dir}split.json`, 'utf8')) as { holdout: string[]; tuning: string[] };
    const held = heldOutQuestionIds(ids);
    expect(written.holdout).toEqual(ids.filter((id) => held.has(id)));
    expect(written.tuning).toEqual(ids.filter((id) => !held.has(id)));
    expect(held.size).toBe(Math.floor(ids.length / 2));
    expect([...heldOutQuestionIds([...ids].reverse())].sort()).toEqual([...held].sort());
  });
});
