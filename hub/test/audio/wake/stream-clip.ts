import type { OpenWakeWordDetection, OpenWakeWordModel, WakeScore } from '../../../src/audio/wake/openwakeword.js';

/** Streams a 16 kHz int16 clip through one detector in 20 ms pushes; returns its detections and scores. */
export async function streamClip(model: OpenWakeWordModel, samples: Int16Array): Promise<{ detections: OpenWakeWordDetection[]; scores: WakeScore[] }> {
  const detections: OpenWakeWordDetection[] = [];
  const scores: WakeScore[] = [];
  const stream = model.createStream((d) => detections.push(d), (s) => scores.push(s));
  const f = Float32Array.from(samples, (v) => v / 32768);
  for (let i = 0; i < f.length; i += 320) stream.push(f.subarray(i, i + 320), i / 16);
  await model.idle();
  return { detections, scores };
}
