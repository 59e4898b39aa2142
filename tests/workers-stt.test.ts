import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinHandlers, enroll, saveIdentity, WorkerAgent, type SttProgress, type SttTranscribeResult } from '@jarvis/worker';
import type { TaskRecord } from '../hub/src/tasks/queue.js';
import { espeakWav, haveEspeak } from '../worker-node/test/stt-fixtures.js';
import { startTestHub, tempDir, type TestHub } from './workers-helpers.js';
import { sharedModel } from './helpers/shared-models.js';

const MODEL = sharedModel('for-tests-ggml-tiny.en.bin');
const ready = existsSync(MODEL) && haveEspeak();
if (!existsSync(MODEL)) console.warn(`stt.transcribe end-to-end test skipped: model file ${MODEL} is absent`);
else if (!haveEspeak()) console.warn('stt.transcribe end-to-end test skipped: espeak-ng is not installed');

let hub: TestHub;
const cleanups: (() => Promise<void> | void)[] = [];
beforeEach(async () => {
  hub = await startTestHub();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await hub.close();
});

function settled(id: string): Promise<TaskRecord> {
  return new Promise((resolve) => {
    const existing = hub.tasks.queue.get(id);
    if (existing && ['succeeded', 'failed', 'dead', 'cancelled'].includes(existing.state)) return resolve(existing);
    const off = hub.tasks.queue.onSettled((t) => {
      if (t.id === id) {
        off();
        resolve(t);
      }
    });
  });
}

describe.skipIf(!ready)('stt.transcribe through the hub queue and a worker (issue 8 item 4)', () => {
  it('transcribes an espeak-ng recording by path and inline, reports progress, and fails a bad one for good', async () => {
    const state = tempDir('jarvis-worker-');
    cleanups.push(state.remove);
    const { token } = hub.tasks.tokens.create();
    await saveIdentity(state.dir, await enroll({ hub: hub.address, token }));
    const models = join(state.dir, 'models');
    const audioDir = join(state.dir, 'audio');
    mkdirSync(models);
    mkdirSync(audioDir);
    symlinkSync(MODEL, join(models, 'ggml-tiny.en.bin'));
    const wav = espeakWav('Remind me to water the plants on Thursday. Then summarise the meeting about the new kitchen.');
    writeFileSync(join(audioDir, 'note.wav'), wav);
    const wavSeconds = (wav.length - 44) / 2 / 22050;

    const progress: SttProgress[] = [];
    const agent = new WorkerAgent({
      stateDir: state.dir,
      handlers: builtinHandlers({ modelsDir: models, audioDir, onSttProgress: (p) => progress.push(p) }),
      modelsDir: models,
      concurrency: 2,
      pullWaitMs: 500,
    });
    cleanups.push(() => agent.stop());
    await agent.start();

    const byPath = hub.tasks.queue.enqueue({ type: 'stt.transcribe', payload: { audio: { path: 'note.wav' }, chunkSeconds: 5 } });
    const inline = hub.tasks.queue.enqueue({ type: 'stt.transcribe', payload: { audio: { wavBase64: Buffer.from(wav).toString('base64') } } });
    const outside = hub.tasks.queue.enqueue({ type: 'stt.transcribe', payload: { audio: { path: '../models/ggml-tiny.en.bin' } } });
    const [a, b, c] = await Promise.all([settled(byPath.id), settled(inline.id), settled(outside.id)]);

    expect(a.state).toBe('succeeded');
    const ra = a.result as SttTranscribeResult;
    expect(ra).toMatchObject({ model: 'ggml-tiny.en.bin', language: 'en', text: '', segments: [] });
    expect(ra.silentChunks).toBeLessThan(ra.chunks); // espeak-ng's trailing pause may make a last silent chunk
    expect(Math.abs(ra.durationMs - wavSeconds * 1000)).toBeLessThan(5);
    // Chunks of at most 5 s, each cut in the last second before its limit.
    expect(ra.chunks).toBeGreaterThanOrEqual(Math.ceil(wavSeconds / 5));
    expect(ra.chunks).toBeLessThanOrEqual(Math.ceil(wavSeconds / 4));
    expect(progress.filter((p) => p.taskId === byPath.id).map((p) => p.chunk)).toEqual(Array.from({ length: ra.chunks }, (_, i) => i + 1));

    expect(b.state).toBe('succeeded');
    const rb = b.result as SttTranscribeResult;
    expect([rb.chunks, rb.durationMs]).toEqual([1, ra.durationMs]);
    expect(rb.ms).toBeGreaterThan(0);

    expect(c.state).toBe('failed');
    expect(c.attempts).toBe(1);
    expect(c.errors.map((e) => e.code)).toEqual(['JARVIS_WORKER_PATH_DENIED']);
    await agent.drain();
  });
});
