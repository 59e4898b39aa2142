import { createHash } from 'node:crypto';

/**
 * The hold-out half of the memory question set (`tests/fixtures/memory/questions.jsonl`), chosen by a
 * rule before any failure was looked at: questions ordered by the SHA-256 of `memory-split-v1:<id>`,
 * the first half (rounded down) is held out, the rest is for tuning. The ids are also written to
 * `tests/fixtures/memory/split.json`; a test checks the file matches this rule.
 */
export function heldOutQuestionIds(ids: readonly string[]): Set<string> {
  const ranked = [...ids].sort((a, b) => splitHash(a).localeCompare(splitHash(b)) || a.localeCompare(b));
  return new Set(ranked.slice(0, Math.floor(ids.length / 2)));
}

function splitHash(id: string): string {
  return createHash('sha256').update(`memory-split-v1:${id}`).digest('hex');
}
