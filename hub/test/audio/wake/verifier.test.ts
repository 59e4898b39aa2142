/**
 * The second-stage wake verifier (issue 16): its score, its file's checks, its training, and how the
 * openWakeWord detector consults it (only on steps over the threshold, never moving a detection's time).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenWakeWordModel } from '../../../src/audio/wake/openwakeword.js';
import { loadWakeVerifier, parseWakeVerifier, trainHead, trainLogistic, WakeVerifier, WakeVerifierError } from '../../../src/audio/wake/verifier.js';
import { fixtureToolsAvailable } from '../../../../tests/fixtures/audio/index.js';
import { voiceFixture } from '../../../../tests/fixtures/voice/index.js';
import { devVerifierFile, devWakeFiles, MODELS_SKIP_REASON } from '../model-files.js';
import { streamClip } from './stream-clip.js';

const files = devWakeFiles();
const ready = files !== undefined && fixtureToolsAvailable();

const N = 16 * 96;

function file(over: Record<string, unknown> = {}): string {
  return JSON.stringify({ format: 'jarvis-wake-verifier', version: 1, model: 'hey_jarvis_v0.1', frames: 16, dim: 96, weights: new Array(N).fill(0), bias: 0, threshold: 0.5, ...over });
}

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

describe('wake verifier', () => {
  it('scores sigmoid(w · x + b) over the 16 × 96 features', () => {
    const w = new Array(N).fill(0);
    w[0] = 2;
    w[N - 1] = -1;
    const v = new WakeVerifier(w, 0.5, 0.6);
    const x = new Float32Array(N);
    expect(v.score(x)).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 12);
    x[0] = 1;
    x[N - 1] = 3;
    // 2·1 − 1·3 + 0.5 = −0.5
    expect(v.score(x)).toBeCloseTo(1 / (1 + Math.exp(0.5)), 12);
    expect(v.threshold).toBe(0.6);
    expect(() => v.score(new Float32Array(96))).toThrow(WakeVerifierError);
  });

  it('turns down a malformed verifier file with JARVIS_WAKE_BAD_VERIFIER, naming what is wrong', () => {
    const bad: Array<[string, RegExp]> = [
      ['{ not json', /not JSON/],
      ['[1, 2]', /not a JSON object/],
      [file({ format: 'sklearn-pickle' }), /format/],
      [file({ version: 3 }), /version 3 is not one of 1, 2/],
      [file({ askAt: 0.1 }), /needs version 2/],
      [file({ version: 2, triggerLevel: 0 }), /triggerLevel 0 is not an integer/],
      [file({ version: 2, askAt: 0 }), /askAt 0 is outside/],
      [file({ version: 2, askAt: '0.1' }), /askAt must be a number/],
      [file({ baseWeight: 1 }), /needs version 2/],
      [file({ version: 2, baseWeight: '1' }), /baseWeight must be a number/],
      [file({ version: 2, baseWeight: -0.5 }), /baseWeight -0.5 is not a number in 0\.\.10/],
      [file({ version: 2, baseWeight: 11 }), /baseWeight 11 is not a number in 0\.\.10/],
      [file({ version: 2, hidden: { units: 2, weights: new Array(N).fill(0), bias: [0, 0] } }), /2 units needs 3072 weights and 2 biases, got 1536 and 2/],
      [file({ version: 2, hidden: { units: 2, weights: new Array(2 * N).fill(0), bias: [0, 0] } }), /1536 weights, expected one per hidden unit, 2/],
      [file({ version: 2, hidden: { units: 1, weights: 'x', bias: [0] }, weights: [0] }), /hidden must be/],
      [file({ frames: 8 }), /8 × 96/],
      [file({ weights: new Array(N - 1).fill(0) }), /1535 weights/],
      [file({ weights: [...new Array(N - 1).fill(0), 'x'] }), /weights is not an array of numbers/],
      // JSON has no NaN or Infinity, but a number too large for a double parses to Infinity.
      [file({ weights: new Array(N).fill(0) }).replace('[0,', '[1e400,'), /not a finite number/],
      [file({ bias: '0' }), /bias and threshold/],
      [file({ threshold: 1 }), /threshold 1 is outside/],
      [file({ model: undefined }), /model/],
    ];
    for (const [text, message] of bad) {
      let err: unknown;
      try {
        parseWakeVerifier(text, 'v.json');
      } catch (e) {
        err = e;
      }
      expect(err, text.slice(0, 40)).toBeInstanceOf(WakeVerifierError);
      expect(err).toMatchObject({ code: 'JARVIS_WAKE_BAD_VERIFIER', fault: 'config' });
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toMatch(/v\.json/);
    }
    expect(() => loadWakeVerifier('/nonexistent/verifier.json')).toThrow(expect.objectContaining({ code: 'JARVIS_WAKE_BAD_VERIFIER', message: expect.stringMatching(/could not be read/) }));
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-verifier-'));
    writeFileSync(join(dir, 'ok.json'), file({ bias: 1, threshold: 0.3 }));
    const ok = loadWakeVerifier(join(dir, 'ok.json'));
    expect(ok.score(new Float32Array(N))).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });

  it.skipIf(!ready)('a head trained by the script users run (npm run wake:verifier, one block of 16 streams here) loads and says how it was trained', { timeout: 600_000 }, async () => {
    const file = await devVerifierFile();
    const v = loadWakeVerifier(file);
    expect(v.source).toBe(file);
    const trained = (JSON.parse(readFileSync(file, 'utf8')) as { trained: { data: string; held_out: { held_out_voices: string[] } } }).trained;
    expect(trained.data).toMatch(/^TUNE half only/);
    // Its settings were chosen on tune voices held out of its training, never on test-half voices.
    expect(trained.held_out.held_out_voices.length).toBeGreaterThan(0);
    expect(v.hidden?.units).toBe(16);
    expect(v.weights).toHaveLength(16);
    expect(v.askAt).toBeGreaterThan(0);
    expect(v.model).toBe('hey_jarvis_v0.1');
    expect(v.threshold).toBeGreaterThan(0);
    expect(v.threshold).toBeLessThan(1);
  });

  it('a version-2 head scores sigmoid(w2 · relu(W1 · x + b1) + b2) and carries its askAt', () => {
    const W1 = new Array(2 * N).fill(0);
    W1[0] = 1; // unit 0: x0
    W1[N + 1] = -2; // unit 1: −2·x1 + 0.5
    const text = file({ version: 2, hidden: { units: 2, weights: W1, bias: [0, 0.5] }, weights: [3, -1], bias: -0.25, askAt: 0.01, threshold: 0.8 });
    const v = parseWakeVerifier(text, 'head.json');
    expect(v.kind).toBe("trained head (2 hidden units)");
    expect(v.askAt).toBe(0.01);
    const x = new Float32Array(N);
    x[0] = 2;
    x[1] = 1;
    // unit 0 = relu(2) = 2, unit 1 = relu(−1.5) = 0 → 3·2 − 0 − 0.25 = 5.75
    expect(v.score(x)).toBeCloseTo(1 / (1 + Math.exp(-5.75)), 12);
    x[0] = -1;
    x[1] = 0;
    // unit 0 = 0, unit 1 = 0.5 → −0.5 − 0.25 = −0.75
    expect(v.score(x)).toBeCloseTo(1 / (1 + Math.exp(0.75)), 12);
    expect(parseWakeVerifier(file(), 'v1.json').askAt).toBeUndefined();
    expect(v.baseWeight).toBe(0);
    // Without a baseWeight the wake score is ignored.
    expect(v.score(x, 0.9)).toBe(v.score(x));
  });

  it('a head with a baseWeight adds that many times the wake score\'s logit to its own, clamped at 0 and 1', () => {
    const text = file({ version: 2, weights: new Array(N).fill(0), bias: 0.5, askAt: 0.001, baseWeight: 0.5, threshold: 0.9 });
    const v = parseWakeVerifier(text, 'fused.json');
    expect(v.baseWeight).toBe(0.5);
    expect(v.kind).toMatch(/0\.5 × the wake score's logit/);
    const x = new Float32Array(N);
    expect(v.logit(x)).toBe(0.5);
    // logit(0.8) = ln 4: 0.5 + 0.5 · ln 4.
    expect(v.score(x, 0.8)).toBeCloseTo(1 / (1 + Math.exp(-(0.5 + 0.5 * Math.log(4)))), 12);
    // A low wake score pulls the head down; 0 and 1 stay finite (clamped to 1e-6 and 1 − 1e-6).
    expect(v.score(x, 0.01)).toBeLessThan(v.score(x));
    expect(v.score(x, 0)).toBeCloseTo(1 / (1 + Math.exp(-(0.5 + 0.5 * Math.log(1e-6 / (1 - 1e-6))))), 12);
    expect(Number.isFinite(v.score(x, 1))).toBe(true);
    // Without a wake score (a caller that has none) it is the head alone.
    expect(v.score(x)).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 12);
  });

  it('trains a one-hidden-layer head that separates classes a linear model cannot, deterministically, with the standardisation folded in', () => {
    const r = rng(11);
    // Wake when exactly one of two features is high (XOR, on an offset and scale far from 0/1).
    const make = (): { f: Float32Array; y: number } => {
      const a = r() < 0.5 ? 1 : 0;
      const b = r() < 0.5 ? 1 : 0;
      // Constant elsewhere except a few noisy values (1536 noisy values would let 400 examples be fitted by noise).
      const f = Float32Array.from({ length: N }, (_, j) => 50 + (j % 97 === 0 ? 10 * (r() - 0.5) : 0));
      f[3]! += a * 20;
      f[700]! += b * 20;
      return { f, y: a ^ b };
    };
    const data = Array.from({ length: 240 }, make);
    const opts = { units: 4, epochs: 25, batch: 16, lr: 0.01, seed: 3 };
    const a = trainHead(data.map((d) => d.f), data.map((d) => d.y), opts);
    // Deterministic: the same seed gives the same weights (checked on a short run).
    const short = { ...opts, epochs: 2 };
    const b1 = trainHead(data.map((d) => d.f), data.map((d) => d.y), short);
    const b2 = trainHead(data.map((d) => d.f), data.map((d) => d.y), short);
    expect(Array.from(b1.hidden.weights)).toEqual(Array.from(b2.hidden.weights));
    expect(b1.bias).toBe(b2.bias);
    const head = new WakeVerifier(a.weights, a.bias, 0.5, 'hey_jarvis_v0.1', 'xor', { hidden: a.hidden });
    const fresh = Array.from({ length: 200 }, make);
    expect(fresh.filter((e) => (head.score(e.f) >= 0.5 ? 1 : 0) === e.y).length / fresh.length).toBeGreaterThan(0.9);
    // A logistic regression on the same data is near chance on XOR: the hidden layer is doing the work.
    const lin = trainLogistic(data.map((d) => d.f), data.map((d) => d.y), { c: 1, iterations: 150 });
    const lv = new WakeVerifier(lin.weights, lin.bias, 0.5);
    expect(fresh.filter((e) => (lv.score(e.f) >= 0.5 ? 1 : 0) === e.y).length / fresh.length).toBeLessThan(0.75);
    expect(() => trainHead([], [])).toThrow(WakeVerifierError);
  });

  it('trains a logistic regression that separates two classes, deterministically, with the standardisation folded in', () => {
    const r = rng(7);
    const x: Float32Array[] = [];
    const y: number[] = [];
    // Two classes that differ in 20 of the 1536 values, on an offset and scale far from 0/1 (so folding matters).
    for (let i = 0; i < 300; i++) {
      const label = i % 3 === 0 ? 1 : 0;
      x.push(Float32Array.from({ length: N }, (_, j) => 50 + 10 * (r() - 0.5) + (label && j % 77 === 0 ? 4 : 0)));
      y.push(label);
    }
    const a = trainLogistic(x, y, { c: 0.01, iterations: 150 });
    const b = trainLogistic(x, y, { c: 0.01, iterations: 150 });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(a.bias).toBe(b.bias);
    const v = new WakeVerifier(a.weights, a.bias, 0.5);
    const right = x.filter((f, i) => (v.score(f) >= 0.5 ? 1 : 0) === y[i]).length;
    expect(right / x.length).toBeGreaterThan(0.95);
    // Fresh examples from the same classes.
    const fresh = Array.from({ length: 60 }, (_, i) => ({ label: i % 2, f: Float32Array.from({ length: N }, (_, j) => 50 + 10 * (r() - 0.5) + (i % 2 && j % 77 === 0 ? 4 : 0)) }));
    expect(fresh.filter((e) => (v.score(e.f) >= 0.5 ? 1 : 0) === e.label).length / fresh.length).toBeGreaterThan(0.9);
    expect(() => trainLogistic([], [])).toThrow(WakeVerifierError);
  });
});


const run = streamClip;

describe.skipIf(!ready)(`openWakeWord with the verifier (${MODELS_SKIP_REASON})`, { timeout: 120_000 }, () => {
  it('consults the verifier only on steps over the threshold and keeps the detection time; a verifier that says no removes the wake', async () => {
    const clip = voiceFixture({ text: 'hey jarvis, turn off the kitchen lights', voice: 'en-us-nyc' }).samples;
    const plain = await run(await OpenWakeWordModel.load(files!), clip);
    expect(plain.detections).toHaveLength(1);
    const yes = new WakeVerifier(new Array(N).fill(0), 50, 0.5);
    const no = new WakeVerifier(new Array(N).fill(0), -50, 0.5);
    const accepted = await run(await OpenWakeWordModel.load(files!, { verifier: yes }), clip);
    // The same detection, at the same time and cut: the verifier adds no delay.
    expect(accepted.detections.map(({ verifierScore: _v, ...d }) => d)).toEqual(plain.detections);
    expect(accepted.detections[0]!.verifierScore).toBeCloseTo(1, 9);
    const over = accepted.scores.filter((s) => s.score >= 0.5);
    expect(over.length).toBeGreaterThan(0);
    expect(accepted.scores.filter((s) => s.verifierScore !== undefined)).toEqual(over);
    expect(accepted.scores.every((s) => !s.ran || s.features?.length === N)).toBe(true);
    const rejectedModel = await OpenWakeWordModel.load(files!, { verifier: no });
    const rejected = await run(rejectedModel, clip);
    expect(rejected.detections).toHaveLength(0);
    expect(rejectedModel.counts.vetoed).toBe(over.length);
    // The verifier threshold can be set apart from the file's, and is checked.
    const lenient = await run(await OpenWakeWordModel.load(files!, { verifier: no, verifierThreshold: 1e-30 }), clip);
    expect(lenient.detections).toHaveLength(1);
    await expect(OpenWakeWordModel.load(files!, { verifier: yes, verifierThreshold: 1 })).rejects.toMatchObject({ code: 'JARVIS_AUDIO_BAD_CONFIG' });
  });

  it('a head with askAt under the threshold is asked from that wake score on and then decides alone', async () => {
    const clip = voiceFixture({ text: 'hey jarvis, turn off the kitchen lights', voice: 'en-us-nyc' }).samples;
    const plain = await run(await OpenWakeWordModel.load(files!), clip);
    const askAt = 0.001;
    const yes = new WakeVerifier(new Array(N).fill(0), 50, 0.5, 'hey_jarvis_v0.1', 'yes', { askAt });
    const model = await OpenWakeWordModel.load(files!, { verifier: yes });
    expect(model.askAt).toBe(askAt);
    const { detections, scores } = await run(model, clip);
    // Asked on exactly the scored steps at or over askAt (none of the five openWakeWord zeroes at the start).
    const asked = scores.filter((x) => x.verifierScore !== undefined);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked).toEqual(scores.filter((x) => x.ran && x.score >= askAt && x.score > 0));
    // A head that says yes wakes at the first step it is asked, where the model alone (under 0.5) would not.
    expect(detections[0]!.at).toBe(asked[0]!.at);
    expect(asked[0]!.score).toBeLessThan(0.5);
    expect(detections[0]!.at).toBeLessThan(plain.detections[0]!.at);
    // A head that says no removes every wake, including the one the model alone passed.
    const no = new WakeVerifier(new Array(N).fill(0), -50, 0.5, 'hey_jarvis_v0.1', 'no', { askAt });
    expect((await run(await OpenWakeWordModel.load(files!, { verifier: no }), clip)).detections).toHaveLength(0);
  });

  it('a head with a baseWeight is given the step\'s wake score: bias 0 and weight 1 at 0.5 wakes where the model alone does', async () => {
    const clip = voiceFixture({ text: 'hey jarvis, turn off the kitchen lights', voice: 'en-us-nyc' }).samples;
    const plain = await run(await OpenWakeWordModel.load(files!), clip);
    expect(plain.detections).toHaveLength(1);
    // sigmoid(0 + 1 · logit(score)) = score: the head passes exactly the steps the model passes at 0.5.
    const echo = new WakeVerifier(new Array(N).fill(0), 0, 0.5, 'hey_jarvis_v0.1', 'echo', { askAt: 0.001, baseWeight: 1 });
    const fused = await run(await OpenWakeWordModel.load(files!, { verifier: echo }), clip);
    expect(fused.detections.map((d) => d.at)).toEqual(plain.detections.map((d) => d.at));
    for (const s of fused.scores.filter((x) => x.verifierScore !== undefined)) expect(s.verifierScore).toBeCloseTo(Math.min(1 - 1e-6, Math.max(1e-6, s.score)), 9);
    // The same head without the weight (0.5 everywhere it is asked) wakes at its first asked step instead.
    const flat = new WakeVerifier(new Array(N).fill(0), 0, 0.5, 'hey_jarvis_v0.1', 'flat', { askAt: 0.001 });
    const early = await run(await OpenWakeWordModel.load(files!, { verifier: flat }), clip);
    expect(early.detections[0]!.at).toBeLessThan(plain.detections[0]!.at);
  });

  it('a trained verifier keeps "hey jarvis" from a test-half voice', { timeout: 600_000 }, async () => {
    const model = await OpenWakeWordModel.load(files!, { verifier: loadWakeVerifier(await devVerifierFile()) });
    const { detections } = await run(model, voiceFixture({ text: 'hey jarvis, turn off the kitchen lights', voice: 'en-us-nyc' }).samples);
    expect(detections).toHaveLength(1);
    expect(detections[0]!.verifierScore).toBeGreaterThanOrEqual(model.verifierThreshold);
  });
});
