import { describe, expect, it } from 'vitest';
import type { Transcript, TranscribeOptions } from '../../src/stt/engine.js';
import { SttScheduler } from '../../src/stt/scheduler.js';

/** A transcriber whose jobs finish when the test says so; it records the order jobs started in. */
function manualTranscriber(): { run: (pcm: Float32Array, o: TranscribeOptions) => Promise<Transcript>; started: string[]; finishNext: () => Promise<void> } {
  const started: string[] = [];
  const pending: (() => void)[] = [];
  return {
    started,
    run: (pcm) => new Promise<Transcript>((resolve) => {
      const label = `${pcm[0]}:${pcm.length}`;
      started.push(label);
      pending.push(() => resolve({ text: label, confidence: 1, segments: [], engine: 'whisper', timings: { queueMs: 0, decodeMs: 1, totalMs: 1 } }));
    }),
    finishNext: async () => {
      pending.shift()?.();
      await new Promise((r) => setImmediate(r));
    },
  };
}
const audio = (tag: number, seconds: number): Float32Array => new Float32Array(seconds * 16000).fill(tag);

describe('SttScheduler lanes', () => {
  it('runs a command before queued passive work, after at most the one chunk in flight', async () => {
    const t = manualTranscriber();
    const s = new SttScheduler(t.run, { passiveChunkS: 2 });
    await s.start();
    const p1 = s.passive(audio(1, 6)); // three 2 s chunks
    const p2 = s.passive(audio(2, 2));
    await new Promise((r) => setImmediate(r));
    expect(t.started).toEqual(['1:32000']);
    const c = s.command(audio(9, 1));
    await t.finishNext(); // first passive chunk ends → the command goes next, not chunk 2
    expect(t.started).toEqual(['1:32000', '9:16000']);
    await t.finishNext();
    expect((await c).text).toBe('9:16000');
    await t.finishNext();
    await t.finishNext();
    expect((await p1).text).toBe('1:32000 1:32000 1:32000');
    await t.finishNext();
    expect((await p2).text).toBe('2:32000');
    expect(s.stats).toMatchObject({ commands: 1, passive: 2, dropped: 0 });
    await s.stop();
  });

  it('bounds the passive backlog, dropping the oldest waiting segment and reporting it', async () => {
    const t = manualTranscriber();
    const drops: number[] = [];
    const s = new SttScheduler(t.run, { maxPassiveBacklog: 2, onDrop: (d) => drops.push(d.seconds) });
    await s.start();
    const first = s.passive(audio(1, 1)); // starts at once
    await new Promise((r) => setImmediate(r));
    const second = s.passive(audio(2, 2));
    const third = s.passive(audio(3, 3)); // backlog 3 > 2: the oldest not started (second) goes
    await expect(second).rejects.toMatchObject({ code: 'JARVIS_STT_QUEUE_FULL' });
    expect(drops).toEqual([2]);
    expect(s.stats.dropped).toBe(1);
    await t.finishNext();
    await t.finishNext();
    expect((await first).text).toBe('1:16000');
    expect((await third).text).toBe('3:48000');
    await s.stop();
  });

  it('never starts a command cancelled while it waited', async () => {
    const t = manualTranscriber();
    const s = new SttScheduler(t.run);
    await s.start();
    const busy = s.command(audio(1, 1));
    const abort = new AbortController();
    const cancelled = s.command(audio(2, 1), { signal: abort.signal });
    const after = s.command(audio(3, 1));
    // Attach the expectation before aborting: the promise rejects at abort(), and a rejection with no
    // handler yet is an unhandled rejection that fails the whole vitest run.
    const rejected = expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    abort.abort();
    await t.finishNext();
    await rejected;
    await t.finishNext();
    expect(t.started).toEqual(['1:16000', '3:16000']);
    await Promise.all([busy, after]);
    await s.stop();
  });

  it('rejects queued work on stop and new work after it', async () => {
    const t = manualTranscriber();
    const s = new SttScheduler(t.run);
    await s.start();
    void s.passive(audio(1, 1)).catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    const waiting = s.command(audio(2, 1));
    await s.stop();
    await s.stop();
    await expect(waiting).rejects.toMatchObject({ code: 'JARVIS_STT_CANCELLED' });
    await expect(s.command(audio(3, 1))).rejects.toMatchObject({ code: 'JARVIS_STT_ENGINE_CLOSED' });
  });
});
