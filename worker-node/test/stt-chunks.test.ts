import { describe, expect, it } from 'vitest';
import { meanSquare, planChunks, type AudioChunk } from '../src/handlers/stt-chunks.js';
import { voiced } from './stt-fixtures.js';

const SR = 16000;
const plan = { maxSamples: 30 * SR, searchSamples: 2 * SR };

function covers(chunks: AudioChunk[], length: number): void {
  expect(chunks[0]!.start).toBe(0);
  expect(chunks.at(-1)!.end).toBe(length);
  for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.start).toBe(chunks[i - 1]!.end);
  for (const c of chunks) {
    expect(c.end).toBeGreaterThan(c.start);
    expect(c.end - c.start).toBeLessThanOrEqual(plan.maxSamples);
  }
}

describe('planChunks', () => {
  it('keeps audio up to the window in one chunk', () => {
    const pcm = voiced(30);
    expect(planChunks(pcm.length, (s, e) => meanSquare(pcm, s, e), plan)).toEqual([{ start: 0, end: pcm.length }]);
    expect(planChunks(0, () => 0, plan)).toEqual([]);
  });

  it('cuts long audio inside the pauses near each window limit, not through the speech', () => {
    const pcm = voiced(75);
    const pauses = [[28.6, 29.1], [57.2, 57.6]] as const;
    for (const [a, b] of pauses) pcm.fill(0, a * SR, b * SR);
    const chunks = planChunks(pcm.length, (s, e) => meanSquare(pcm, s, e), plan);
    covers(chunks, pcm.length);
    expect(chunks).toHaveLength(3);
    expect(chunks[0]!.end / SR).toBeGreaterThan(28.6);
    expect(chunks[0]!.end / SR).toBeLessThan(29.1);
    expect(chunks[1]!.end / SR).toBeGreaterThan(57.2);
    expect(chunks[1]!.end / SR).toBeLessThan(57.6);
  });

  it('without a pause, still cuts within the search span and covers everything', () => {
    const pcm = voiced(100);
    const chunks = planChunks(pcm.length, (s, e) => meanSquare(pcm, s, e), plan);
    covers(chunks, pcm.length);
    expect(chunks).toHaveLength(4);
    for (const c of chunks.slice(0, -1)) expect(c.end - c.start).toBeGreaterThanOrEqual(plan.maxSamples - plan.searchSamples);
  });

  it('cuts silence at the window limit (the latest of equally quiet frames)', () => {
    const chunks = planChunks(65 * SR, () => 0, plan);
    covers(chunks, 65 * SR);
    expect(chunks.map((c) => c.end - c.start)).toEqual([30 * SR - 160, 30 * SR - 160, 5 * SR + 320]);
  });
});
