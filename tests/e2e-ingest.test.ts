import { simulateWearable } from '@jarvis/wearable';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceAudioChunk } from '../hub/src/audio/types.js';
import { positionSamples as source, startTestHub, type TestHub } from '../hub/test/helpers/test-hub.js';

let t: TestHub;
beforeEach(async () => {
  t = await startTestHub();
});
afterEach(async () => {
  await t.close();
});

function counter(name: string, labels: Record<string, string>): Promise<number> {
  const m = t.hub.parts.metrics.getSingleMetric(name);
  return m ? m.get().then((v) => v.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val))?.value ?? 0) : Promise.resolve(0);
}

describe('end to end: a simulated wearable over a lossy network', () => {
  it('with 10% loss, 5% reordering and jitter, the output is continuous, the right length, and the loss is counted', async () => {
    const bundle = t.addDevice('wearable-1');
    const chunks: DeviceAudioChunk[] = [];
    t.hub.parts.ingest.onAudio((c) => chunks.push(c));
    const audio = source(16000 * 3);
    const report = await simulateWearable({ bundle, audio: { samples: audio, sampleRate: 16000 }, loss: 0.1, reorder: 0.05, duplicate: 0.02, jitterMs: 15, speed: 4, seed: 11 });
    expect(report.framesDropped).toBeGreaterThan(5);
    expect(report.framesReordered).toBeGreaterThan(0);
    const frames = report.audioFrames;
    const dropped = new Set(report.droppedSeqs);
    const firstKept = [...Array(frames).keys()].find((s) => !dropped.has(s)) as number;
    const lastKept = [...Array(frames).keys()].reverse().find((s) => !dropped.has(s)) as number;
    const expectedLength = (lastKept + 1 - firstKept) * report.frameSamples;
    const interiorLost = [...dropped].filter((s) => s > firstKept && s < lastKept).length;

    // The last frame carries END, so everything is played out without waiting for a timer.
    await expect.poll(() => chunks.reduce((n, c) => n + c.samples.length, 0), { timeout: 3000 }).toBe(expectedLength);
    let position = firstKept * report.frameSamples;
    for (const c of chunks) {
      expect(c.timestamp).toBe(position); // continuous: no holes, no overlaps
      if (c.concealed === 0) expect(c.samples).toEqual(audio.subarray(c.timestamp, c.timestamp + c.samples.length));
      position += c.samples.length;
    }
    const stats = t.hub.parts.ingest.statsFor(bundle.deviceId);
    expect(stats?.lostFrames).toBe(interiorLost);
    expect(stats?.concealedSamples).toBe(interiorLost * report.frameSamples);
    expect(await counter('jarvis_audio_concealed_samples_total', { device: bundle.deviceId })).toBe(interiorLost * report.frameSamples);
    expect(await counter('jarvis_audio_samples_forwarded_total', { device: bundle.deviceId })).toBe(expectedLength);
    expect(await counter('jarvis_udp_datagrams_total', { device: bundle.deviceId, result: 'accepted' })).toBe(frames - dropped.size);
    expect(await counter('jarvis_udp_datagrams_total', { device: bundle.deviceId, result: 'duplicate' })).toBe(stats?.datagrams.duplicate);
  });

  it('decodes an IMA-ADPCM stream to the same length', async () => {
    const bundle = t.addDevice('wearable-2');
    const chunks: DeviceAudioChunk[] = [];
    t.hub.parts.ingest.onAudio((c) => chunks.push(c));
    const report = await simulateWearable({ bundle, audio: { samples: source(16000), sampleRate: 16000 }, codec: 'adpcm', speed: 8, seed: 2 });
    await expect.poll(() => chunks.reduce((n, c) => n + c.samples.length, 0), { timeout: 3000 }).toBe(report.totalSamples);
    expect(chunks.every((c) => c.concealed === 0)).toBe(true);
  });
});
