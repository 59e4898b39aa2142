import { createHash } from 'node:crypto';
import type { EvalCase } from './evaluation.js';

/**
 * The locked test third of the development sets (`tests/fixtures/observer/dev-*.jsonl`). Chosen by a
 * rule, not by hand: within each writer (the id's letter: h home, o office, w whisper), ids are ordered
 * by the SHA-256 of `observer-split-v1:<id>` and the first third (rounded) is the test set. The ids are
 * also written to `tests/fixtures/observer/test-split.json`; a test checks the file matches this rule.
 * Rules are tuned only on the other two-thirds.
 */
export function lockedTestIds(ids: readonly string[]): Set<string> {
  const byWriter = new Map<string, string[]>();
  for (const id of ids) {
    const writer = id.replace(/\d.*$/, '');
    byWriter.set(writer, [...(byWriter.get(writer) ?? []), id]);
  }
  const out = new Set<string>();
  for (const group of byWriter.values()) {
    const ranked = [...group].sort((a, b) => splitHash(a).localeCompare(splitHash(b)) || a.localeCompare(b));
    for (const id of ranked.slice(0, Math.round(group.length / 3))) out.add(id);
  }
  return out;
}

function splitHash(id: string): string {
  return createHash('sha256').update(`observer-split-v1:${id}`).digest('hex');
}

/** Splits cases into the tuning two-thirds and the locked test third. */
export function splitDevCases(cases: readonly EvalCase[]): { tuning: EvalCase[]; test: EvalCase[] } {
  const test = lockedTestIds(cases.map((c) => c.id));
  return { tuning: cases.filter((c) => !test.has(c.id)), test: cases.filter((c) => test.has(c.id)) };
}
