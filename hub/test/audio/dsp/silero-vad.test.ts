import { describe, expect, it } from 'vitest';
import { SileroVadModel, speechFramesFromWindows, type SileroWindow } from '../../../src/audio/dsp/silero-vad.js';
import { frameAccuracy } from '../../../src/audio/dsp/quality.js';
import { fixtureToolsAvailable, getAudioFixture, speechFramesOf } from '../../../../tests/fixtures/audio/index.js';
import { devSileroFile, devWakeFiles, MODELS_SKIP_REASON } from '../model-files.js';
import { setInferenceThread, sharedSession } from '../../../src/audio/onnx-runtime.js';

const file = devSileroFile();
const ready = file !== undefined && fixtureToolsAvailable();

async function windows(model: SileroVadModel, samples: Int16Array): Promise<SileroWindow[]> {
  const out: SileroWindow[] = [];
  const s = model.createStream((w) => out.push(w));
  const f = Float32Array.from(samples, (v) => v / 32768);
  for (let i = 0; i < f.length; i += 160) s.push(f.subarray(i, i + 160));
  await model.idle();
  return out;
}

describe('silero frames', () => {
  it('marks a 10 ms frame as speech when any 512-sample window it overlaps is', () => {
    // Window 1 covers samples 512..1023: frames 3 (480..639) to 6 (960..1119).
    expect(speechFramesFromWindows([false, true, false], 9)).toEqual([false, false, false, true, true, true, true, false, false]);
  });
});

describe.skipIf(!ready)(`Silero VAD v5 (${MODELS_SKIP_REASON})`, { timeout: 120_000 }, () => {
  it('rejects bad thresholds and a model that is not Silero v5 with coded errors', async () => {
    await expect(SileroVadModel.load(file!, { threshold: 0.3, negThreshold: 0.5 })).rejects.toMatchObject({ code: 'JARVIS_AUDIO_BAD_CONFIG' });
    await expect(SileroVadModel.load(file!, { gateDb: 99 })).rejects.toMatchObject({ code: 'JARVIS_AUDIO_BAD_CONFIG' });
    // openWakeWord's bundled silero_vad.onnx is v4 (h and c state inputs).
    const v4 = devWakeFiles()!.melspectrogram.replace('melspectrogram.onnx', 'silero_vad.onnx');
    await expect(SileroVadModel.load(v4)).rejects.toMatchObject({ code: 'JARVIS_AUDIO_MODEL_LOAD' });
  });

  it('finds the speech of a clean and a 10 dB pink-noise clip (test-half voice)', async () => {
    const model = await SileroVadModel.load(file!);
    for (const name of ['dentist.en-gb-x-gbcwmd', 'dentist.en-gb-x-gbcwmd.pink10']) {
      const fx = getAudioFixture(name);
      const truth = speechFramesOf(fx.clean);
      const w = await windows(model, fx.samples);
      expect(w.map((x) => x.index)).toEqual(w.map((_, i) => i));
      expect(frameAccuracy(truth, speechFramesFromWindows(w.map((x) => x.speech), truth.length))).toBeGreaterThan(0.85);
    }
    const noise = await windows(model, getAudioFixture('noise.pink').samples);
    expect(noise.filter((x) => x.speech).length).toBe(0);
  });

  it('three devices streamed at once (windows chained on the inference thread) score as the reference wrapper, one window at a time', async () => {
    const clips = [getAudioFixture('milk.en-us-nyc').samples, getAudioFixture('lights.en-gb-x-gbclan.brown10').samples, getAudioFixture('milk.en-us-nyc').samples.subarray(4000)];
    const model = await SileroVadModel.load(file!);
    const got: number[][] = clips.map(() => []);
    const streams = clips.map((_, k) => model.createStream((w) => got[k]!.push(w.prob)));
    const n = Math.max(...clips.map((c) => c.length));
    // All pushed before the first batch runs: each batch holds many windows per device (a chain of runs).
    for (let i = 0; i + 160 <= n; i += 160) clips.forEach((c, k) => { if (i + 160 <= c.length) streams[k]!.push(Float32Array.from(c.subarray(i, i + 160), (v) => v / 32768)); });
    await model.idle();
    setInferenceThread('main');
    const session = await sharedSession(file!);
    setInferenceThread('worker');
    for (const [k, clip] of clips.entries()) {
      // Silero's OnnxWrapper: 64 samples of context + 512, the state carried from window to window.
      const x = Float32Array.from(clip, (v) => v / 32768);
      let state = new Float32Array(256);
      let context = new Float32Array(64);
      const want: number[] = [];
      for (let w = 0; (w + 1) * 512 <= x.length - (x.length % 160); w++) {
        const win = x.subarray(w * 512, (w + 1) * 512);
        const input = new Float32Array(576);
        input.set(context);
        input.set(win, 64);
        const out = await session.run({ input: { type: 'float32', data: input, dims: [1, 576] }, state: { type: 'float32', data: state, dims: [2, 1, 128] }, sr: { type: 'int64', data: BigInt64Array.from([16000n]), dims: [] } });
        want.push((out['output']!.data as Float32Array)[0]!);
        state = Float32Array.from(out['stateN']!.data as Float32Array);
        context = Float32Array.from(win.subarray(448));
      }
      expect(got[k]!.length).toBe(want.length);
      expect(got[k]).toEqual(want);
    }
    expect(model.batchStats.maxBatch).toBeGreaterThan(clips.length);
  });

  it('batches devices without mixing their states: two streams together score as each alone', async () => {
    const model = await SileroVadModel.load(file!);
    const a = getAudioFixture('milk.en-us-nyc').samples;
    const b = getAudioFixture('lights.en-gb-x-gbclan.brown10').samples;
    const aloneA = (await windows(model, a)).map((w) => w.prob);
    const aloneB = (await windows(model, b)).map((w) => w.prob);
    const got: number[][] = [[], []];
    const streams = [0, 1].map((k) => model.createStream((w) => got[k]!.push(w.prob)));
    const n = Math.min(a.length, b.length);
    for (let i = 0; i + 160 <= n; i += 160) {
      streams[0]!.push(Float32Array.from(a.subarray(i, i + 160), (v) => v / 32768));
      streams[1]!.push(Float32Array.from(b.subarray(i, i + 160), (v) => v / 32768));
    }
    await model.idle();
    expect(model.batchStats.maxBatch).toBeGreaterThanOrEqual(2);
    got[0]!.forEach((p, i) => expect(p).toBeCloseTo(aloneA[i]!, 4));
    got[1]!.forEach((p, i) => expect(p).toBeCloseTo(aloneB[i]!, 4));
  });

  it('keeps the 64-sample context: the same window scores differently after different audio', async () => {
    const model = await SileroVadModel.load(file!);
    // Feeding only whole 512-sample windows, a stream that saw speech before has a different context and state
    // from one that starts cold; the score of the first window of silence after speech is not the cold score.
    const speech = getAudioFixture('milk.en-us-nyc').samples;
    const cold = (await windows(model, new Int16Array(1024)))[1]!.prob;
    const afterSpeech = await windows(model, Int16Array.from([...speech.subarray(16000, 16000 + 512 * 4), ...new Int16Array(1024)]));
    expect(afterSpeech[4]!.prob).not.toBeCloseTo(cold, 3);
  });
});
