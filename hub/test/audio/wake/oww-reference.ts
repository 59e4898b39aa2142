/**
 * A literal, unbatched port of openWakeWord's streaming reference (dscripka/openWakeWord
 * `utils.AudioFeatures._streaming_features` / `_streaming_melspectrogram` and `model.Model.predict` with
 * `predict_clip`'s 1280-sample chunks), written from the Python without sharing any code with the hub's
 * detector. Tests compare the hub's scores with these frame by frame, so a pipeline change that drifts
 * from openWakeWord is caught. Slow on purpose: one `session.run` per model per step, no pre-gate.
 */
import * as ort from 'onnxruntime-node';
import type { OpenWakeWordFiles } from '../../../src/audio/wake/openwakeword.js';

export interface ReferenceOptions {
  /** `predict_clip`'s padding: seconds of zeros before and after the clip (openWakeWord's default is 1). */
  paddingS?: number;
  /** The initial feature buffer: openWakeWord embeds 4 s of random int16 noise; pass the hub's to compare exactly. */
  initialFeatures?: Float32Array;
}

/** Scores every 80 ms step of `clip` (int16 PCM, 16 kHz) as openWakeWord's `predict_clip` does. */
export async function referenceScores(files: OpenWakeWordFiles, clip: Int16Array, opts: ReferenceOptions = {}): Promise<number[]> {
  const so: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
  const mel = await ort.InferenceSession.create(files.melspectrogram, so);
  const emb = await ort.InferenceSession.create(files.embedding, so);
  const wake = await ort.InferenceSession.create(files.wake, so);

  const melspec = async (x: number[]): Promise<number[][]> => {
    const out = await mel.run({ [mel.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(x), [1, x.length]) });
    const data = out[mel.outputNames[0]!]!.data as Float32Array;
    const frames: number[][] = [];
    for (let i = 0; i < data.length; i += 32) frames.push(Array.from(data.subarray(i, i + 32), (v) => v / 10 + 2));
    return frames;
  };
  const embedOne = async (window: number[][]): Promise<number[]> => {
    const out = await emb.run({ [emb.inputNames[0]!]: new ort.Tensor('float32', Float32Array.from(window.flat()), [1, 76, 32, 1]) });
    return Array.from(out[emb.outputNames[0]!]!.data as Float32Array);
  };

  // AudioFeatures.__init__: melspectrogram_buffer = ones(76, 32); feature_buffer = embeddings of 4 s of noise.
  let melBuffer: number[][] = Array.from({ length: 76 }, () => new Array<number>(32).fill(1));
  let features: number[][];
  if (opts.initialFeatures) {
    features = [];
    for (let i = 0; i < opts.initialFeatures.length; i += 96) features.push(Array.from(opts.initialFeatures.subarray(i, i + 96)));
  } else {
    const noise = Array.from({ length: 64000 }, () => Math.floor(Math.random() * 2000) - 1000);
    const spec = await melspec(noise);
    features = [];
    for (let i = 0; i < spec.length; i += 8) if (i + 76 <= spec.length) features.push(await embedOne(spec.slice(i, i + 76)));
  }
  const raw: number[] = [];
  const predictions: number[] = [];

  const pad = new Array<number>(Math.round((opts.paddingS ?? 0) * 16000)).fill(0);
  const data = [...pad, ...Array.from(clip), ...pad];
  // predict_clip: for i in range(0, len - 1280, 1280)
  for (let i = 0; i < data.length - 1280; i += 1280) {
    const x = data.slice(i, i + 1280);
    // _streaming_features with whole 1280-sample chunks: buffer, then mel of the last 1280 + 480 samples.
    raw.push(...x);
    if (raw.length > 160000) raw.splice(0, raw.length - 160000);
    melBuffer = melBuffer.concat(await melspec(raw.slice(-1280 - 480)));
    if (melBuffer.length > 970) melBuffer = melBuffer.slice(-970);
    features.push(await embedOne(melBuffer.slice(-76)));
    if (features.length > 120) features = features.slice(-120);
    // Model.predict: the last 16 embeddings; zero while the prediction buffer holds fewer than 5.
    const input = Float32Array.from(features.slice(-16).flat());
    const out = await wake.run({ [wake.inputNames[0]!]: new ort.Tensor('float32', input, [1, 16, 96]) });
    const score = (out[wake.outputNames[0]!]!.data as Float32Array)[0]!;
    predictions.push(predictions.length < 5 ? 0 : score);
  }
  return predictions;
}
