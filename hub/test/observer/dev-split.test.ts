import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lockedTestIds, splitDevCases } from '../../src/observer/dev-split.js';
import { loadEvalCases } from '../../src/observer/evaluation.js';

const dir = fileURLToPath(new URL('../../../tests/fixtures/observer/', import.meta.url));
const dev = ['dev-home.jsonl', 'dev-office.jsonl', 'dev-whisper.jsonl'].flatMap((f) => loadEvalCases(`${dir}${f}`));

describe('the locked test third of the development sets', () => {
  it('is the file written in the repository, exactly the rule applied to the ids', () => {
    const written = (JSON.parse(readFileSync(`${dir}test-split.json`, 'utf8')) as { test: string[] }).test;
    expect(written).toEqual([...lockedTestIds(dev.map((c) => c.id))].sort());
  });

  it('takes a third from every writer and never overlaps the tuning part', () => {
    const { tuning, test } = splitDevCases(dev);
    expect(tuning.length + test.length).toBe(dev.length);
    expect(test.filter((c) => tuning.some((t) => t.id === c.id))).toEqual([]);
    for (const writer of ['h', 'o', 'w']) {
      const all = dev.filter((c) => c.id.startsWith(writer)).length;
      const locked = test.filter((c) => c.id.startsWith(writer)).length;
      expect(locked).toBe(Math.round(all / 3));
    }
  });

  it('does not depend on the order the cases are read in', () => {
    const ids = dev.map((c) => c.id);
    expect([...lockedTestIds([...ids].reverse())].sort()).toEqual([...lockedTestIds(ids)].sort());
  });

  it('splits the widening set (dev-varied.jsonl, writer "v") by the same rule, as written, without moving the dev-* thirds', () => {
    const varied = loadEvalCases(`${dir}dev-varied.jsonl`);
    expect(varied.every((c) => /^v\d{3}$/.test(c.id))).toBe(true);
    expect(new Set(varied.map((c) => c.id)).size).toBe(varied.length);
    const written = (JSON.parse(readFileSync(`${dir}test-split-varied.json`, 'utf8')) as { test: string[] }).test;
    expect(written).toEqual([...lockedTestIds(varied.map((c) => c.id))].sort());
    expect(written.length).toBe(Math.round(varied.length / 3));
    const together = lockedTestIds([...dev, ...varied].map((c) => c.id));
    expect([...together].filter((id) => !id.startsWith('v')).sort()).toEqual([...lockedTestIds(dev.map((c) => c.id))].sort());
  });

  it('splits the blind writer\'s errands set (dev-errands.jsonl, writer "r") by the same rule, as written, without moving the other thirds', () => {
    const errands = loadEvalCases(`${dir}dev-errands.jsonl`);
    const varied = loadEvalCases(`${dir}dev-varied.jsonl`);
    expect(errands.every((c) => /^r\d{2,3}$/.test(c.id))).toBe(true);
    expect(new Set(errands.map((c) => c.id)).size).toBe(errands.length);
    const written = (JSON.parse(readFileSync(`${dir}test-split-errands.json`, 'utf8')) as { test: string[] }).test;
    expect(written).toEqual([...lockedTestIds(errands.map((c) => c.id))].sort());
    expect(written.length).toBe(Math.round(errands.length / 3));
    const together = lockedTestIds([...dev, ...varied, ...errands].map((c) => c.id));
    expect([...together].filter((id) => !id.startsWith('r')).sort()).toEqual([...lockedTestIds([...dev, ...varied].map((c) => c.id))].sort());
    const { tuning, test } = splitDevCases(errands);
    expect(test.map((c) => c.id).sort()).toEqual(written);
    expect(tuning.length).toBe(errands.length - written.length);
  });
  it('splits the second blind writer\'s calls set (dev-calls.jsonl, writer "g") by the same rule, as written, without moving the other thirds', () => {
    const calls = loadEvalCases(`${dir}dev-calls.jsonl`);
    const others = [...dev, ...loadEvalCases(`${dir}dev-varied.jsonl`), ...loadEvalCases(`${dir}dev-errands.jsonl`)];
    expect(calls.every((c) => /^g\d{3}$/.test(c.id))).toBe(true);
    expect(new Set(calls.map((c) => c.id)).size).toBe(calls.length);
    const written = (JSON.parse(readFileSync(`${dir}test-split-calls.json`, 'utf8')) as { test: string[] }).test;
    expect(written).toEqual([...lockedTestIds(calls.map((c) => c.id))].sort());
    expect(written.length).toBe(Math.round(calls.length / 3));
    const together = lockedTestIds([...others, ...calls].map((c) => c.id));
    expect([...together].filter((id) => !id.startsWith('g')).sort()).toEqual([...lockedTestIds(others.map((c) => c.id))].sort());
    const { tuning, test } = splitDevCases(calls);
    expect(test.map((c) => c.id).sort()).toEqual(written);
    expect(tuning.length).toBe(calls.length - written.length);
  });
});
