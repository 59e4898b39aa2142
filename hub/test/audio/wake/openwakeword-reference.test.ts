/**
 * The hub's openWakeWord detector against the literal port of openWakeWord's Python (`oww-reference.ts`), on
 * the two cases the shared-session detector handles differently from the reference: audio pushed in pieces
 * of any size at any alignment (the reference takes whole 80 ms chunks), and a stretch the energy pre-gate
 * skips BETWEEN two utterances (the buffers must come out as if every step had run, or the second phrase is
 * scored on embeddings that mix audio from before the gap). Any difference beyond float noise is a bug.
 */
import { describe, expect, it } from 'vitest';
import { OpenWakeWordModel, type WakeScore } from '../../../src/audio/wake/openwakeword.js';
import { fixtureToolsAvailable } from '../../../../tests/fixtures/audio/index.js';
import { voiceFixture } from '../../../../tests/fixtures/voice/index.js';
import { devWakeFiles, MODELS_SKIP_REASON } from '../model-files.js';
import { referenceScores } from './oww-reference.js';

const files = devWakeFiles();
const ready = files !== undefined && fixtureToolsAvailable();

/** Streams an int16 clip through one detector in pushes of the given sizes (cycled); returns every step's score. */
async function scoresOf(model: OpenWakeWordModel, clip: Int16Array, sizes: readonly number[]): Promise<WakeScore[]> {
  const got: WakeScore[] = [];
  const stream = model.createStream(() => {}, (s) => got.push(s));
  const f = Float32Array.from(clip, (v) => v / 32768);
  for (let at = 0, k = 0; at < f.length; k++) {
    const n = sizes[k % sizes.length] as number;
    stream.push(f.subarray(at, at + n), at / 16);
    at += n;
  }
  await model.idle();
  return got;
}

describe.skipIf(!ready)(`openWakeWord detector = openWakeWord's reference (${MODELS_SKIP_REASON})`, { timeout: 180_000 }, () => {
  it('scores every step as the reference when audio arrives in pieces of any size, at an odd alignment', async () => {
    const model = await OpenWakeWordModel.load(files!);
    // 20 ms trimmed off the lead: a different alignment of the phrase against the 80 ms step grid.
    const clip = voiceFixture({ text: 'hey jarvis, turn on the kitchen lights', voice: 'en-us', leadMs: 1000 }).samples.subarray(320);
    const hub = await scoresOf(model, clip, [1, 333, 1280, 2999, 160, 4000, 7]);
    const ref = await referenceScores(files!, clip, { initialFeatures: model.initialFeatures });
    expect(hub.length).toBe(ref.length);
    hub.forEach((s, i) => expect(Math.abs(s.score - ref[i]!), `step ${i}`).toBeLessThan(1e-5));
    expect(Math.max(...ref)).toBeGreaterThan(0.5);
  });

  it('after a stretch the pre-gate skipped between two utterances, scores every step as the reference and as the ungated detector', async () => {
    const first = voiceFixture({ text: 'hey jarvis, what time is it', voice: 'en-gb-scotland', leadMs: 800, tailMs: 0 }).samples;
    const second = voiceFixture({ text: 'hey jarvis, turn off the fan', voice: 'en-us+m1', leadMs: 0, tailMs: 1200 }).samples;
    // 3 s of near silence between them: longer than the 1.5 s hold, so the gate closes, then opens again on
    // the second phrase, whose 16-embedding window reaches back into the gap and the first utterance.
    const gap = 48000;
    const quiet = Int16Array.from({ length: gap }, (_, i) => ((i * 7919) % 5) - 2);
    const clip = new Int16Array(first.length + gap + second.length);
    clip.set(first);
    clip.set(quiet, first.length);
    clip.set(second, first.length + gap);

    const gated = await OpenWakeWordModel.load(files!, { gateDb: 6 });
    const plain = await OpenWakeWordModel.load(files!, { gateDb: 0 });
    const on = await scoresOf(gated, clip, [320]);
    const off = await scoresOf(plain, clip, [320]);
    const ref = await referenceScores(files!, clip, { initialFeatures: gated.initialFeatures });
    expect(on.length).toBe(ref.length);
    expect(off.length).toBe(ref.length);

    // The gate really closed inside the gap (it also skips the silent lead: a stream starts gated), and
    // ran through both utterances.
    const leadSteps = Math.floor((800 * 16) / 1280);
    const gapFrom = Math.ceil(first.length / 1280);
    const gapTo = Math.floor((first.length + gap) / 1280);
    const skipped = on.map((s, i) => (s.ran ? -1 : i)).filter((i) => i >= 0);
    expect(skipped.filter((i) => i >= gapFrom).length).toBeGreaterThan(10);
    expect(skipped.every((i) => i < leadSteps || (i >= gapFrom && i <= gapTo))).toBe(true);

    off.forEach((s, i) => expect(Math.abs(s.score - ref[i]!), `ungated step ${i}`).toBeLessThan(1e-5));
    on.forEach((s, i) => {
      if (s.ran) expect(Math.abs(s.score - ref[i]!), `gated detector, step ${i}`).toBeLessThan(1e-5);
      else expect(ref[i]!, `step ${i} was skipped, so openWakeWord must score it as nothing`).toBeLessThan(0.01);
    });
    // Both phrases are heard, the second one after the gap.
    expect(Math.max(...ref.slice(0, gapFrom))).toBeGreaterThan(0.5);
    expect(Math.max(...on.slice(gapTo).map((s) => s.score))).toBeGreaterThan(0.5);
  });
});
