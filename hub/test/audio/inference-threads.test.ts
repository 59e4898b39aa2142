import { afterAll, describe, expect, it } from 'vitest';
import { inferencePool, LANE_BLOCK, setInferenceThread, setInferenceThreads } from '../../src/audio/onnx-runtime.js';
import { OpenWakeWordModel, type WakeScore } from '../../src/audio/wake/openwakeword.js';
import { fixtureToolsAvailable } from '../../../tests/fixtures/audio/index.js';
import { voiceFixture } from '../../../tests/fixtures/voice/index.js';
import { devWakeFiles, MODELS_SKIP_REASON } from './model-files.js';

const files = devWakeFiles();
const ready = files !== undefined && fixtureToolsAvailable();

/** Enough devices for both threads (devices take the threads in blocks of LANE_BLOCK). */
const DEVICES = LANE_BLOCK + 2;
const TEXTS = ['hey jarvis, what time is it', 'we need to buy milk', 'hey jarvis, turn on the fan'];
const VOICES = ['en-us-nyc', 'en-gb-x-gbclan', 'en-gb-x-gbcwmd'];

function clips(): Float32Array[] {
  return Array.from({ length: DEVICES }, (_, k) => {
    const pcm = voiceFixture({ text: TEXTS[k % TEXTS.length]!, voice: VOICES[k % VOICES.length]!, leadMs: 300 + 40 * k }).samples;
    return Float32Array.from(pcm, (v) => v / 32768);
  });
}

/** Every device's scores, the devices streaming at once in 20 ms pushes; `during` runs once batches are in flight. */
async function scoreAll(model: OpenWakeWordModel, audio: Float32Array[], during?: () => Promise<void>): Promise<WakeScore[][]> {
  const got = audio.map(() => [] as WakeScore[]);
  const streams = audio.map((_, k) => model.createStream(() => {}, (s) => got[k]!.push(s)));
  const n = Math.max(...audio.map((a) => a.length));
  for (let i = 0; i + 320 <= n; i += 320) audio.forEach((a, k) => { if (i + 320 <= a.length) streams[k]!.push(a.subarray(i, i + 320), i / 16); });
  if (during) await during();
  await model.idle();
  return got;
}

afterAll(() => {
  setInferenceThread('worker');
});

describe.skipIf(!ready)(`two inference threads (${MODELS_SKIP_REASON})`, { timeout: 120_000 }, () => {
  it('devices split across two threads score exactly as on the main thread, each device in order', async () => {
    const audio = clips();
    setInferenceThread('main');
    const reference = await scoreAll(await OpenWakeWordModel.load(files!), audio);
    setInferenceThread('worker');
    setInferenceThreads(2);
    const model = await OpenWakeWordModel.load(files!);
    const got = await scoreAll(model, audio);
    for (const [k, scores] of got.entries()) {
      // One score per 80 ms step, in time order, equal to the single-thread scores bit for bit.
      expect(scores.map((s) => s.at)).toEqual(scores.map((_, i) => (i + 1) * 80));
      expect(scores.map((s) => s.score)).toEqual(reference[k]!.map((s) => s.score));
    }
    // Both threads had work, and devices still shared batches.
    expect(model.batchStats.maxBatch).toBeGreaterThanOrEqual(2);
    expect(got.filter((s) => s.some((x) => x.score >= 0.5)).length).toBeGreaterThan(0);
  });

  it('a thread that dies under a batch loses nothing: the batch runs again on a new thread, same scores', async () => {
    setInferenceThreads(2);
    const audio = clips();
    const model = await OpenWakeWordModel.load(files!);
    const reference = await scoreAll(model, audio);
    const pool = inferencePool();
    const retried = pool.stats.retried;
    pool.failNextRuns(1, 1);
    const got = await scoreAll(model, audio);
    expect(pool.stats.retried).toBeGreaterThan(retried);
    for (const [k, scores] of got.entries()) {
      expect(scores.map((s) => s.at)).toEqual(scores.map((_, i) => (i + 1) * 80));
      expect(scores.map((s) => s.score)).toEqual(reference[k]!.map((s) => s.score));
    }
  });

  it('a batch under which a second thread dies rejects with a coded error; the thread after it works', async () => {
    const pool = inferencePool();
    const mel = await pool.load(1, files!.melspectrogram);
    const x = Float32Array.from({ length: 1760 }, (_, i) => Math.round(3000 * Math.sin(i / 7)));
    const feeds = { [mel.inputNames[0]!]: { type: 'float32' as const, data: x, dims: [1, 1760] } };
    const before = await mel.run(feeds);
    pool.failNextRuns(1, 2); // the thread dies under the batch, and the new thread it runs on again dies too
    await expect(mel.run(feeds)).rejects.toMatchObject({ code: 'JARVIS_AUDIO_INFERENCE_FAILED' });
    const after = await mel.run(feeds);
    expect(Array.from(after[mel.outputNames[0]!]!.data as Float32Array)).toEqual(Array.from(before[mel.outputNames[0]!]!.data as Float32Array));
    await expect(mel.run({ [mel.inputNames[0]!]: { type: 'float32', data: x, dims: [2, 2, 440] } })).rejects.toMatchObject({ code: 'JARVIS_AUDIO_INFERENCE_FAILED' });
  });

  it('rejects a thread count outside 1..8 with a coded error', () => {
    expect(() => setInferenceThreads(0)).toThrow(expect.objectContaining({ code: 'JARVIS_AUDIO_BAD_CONFIG' }));
    expect(() => setInferenceThreads(9)).toThrow(expect.objectContaining({ code: 'JARVIS_AUDIO_BAD_CONFIG' }));
  });
});
