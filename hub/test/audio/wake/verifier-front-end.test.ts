/**
 * The front end's wake verifier option (issue 16): on by default when a verifier is trained beside the wake
 * model, off (saying how to make one) when none is, off when configured off, and a bad verifier file stops the
 * start with its code instead of being dropped silently.
 */
import { copyFileSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AudioFrontEnd, DEFAULT_WAKE_VERIFIER } from '../../../src/audio/segmenter/front-end.js';
import { VERIFIER_FILE } from '../../../src/audio/wake/verifier.js';
import type { OpenWakeWordFiles } from '../../../src/audio/wake/openwakeword.js';
import { devVerifierFile, devWakeFiles, MODELS_SKIP_REASON } from '../model-files.js';

const files = devWakeFiles();

let fe: AudioFrontEnd | undefined;
afterEach(async () => {
  await fe?.stop();
  fe = undefined;
});

describe.skipIf(!files)(`front end wake verifier (${MODELS_SKIP_REASON})`, { timeout: 60_000 }, () => {
  it('says in its status whether the verifier is on, with its file and threshold; with none trained it is off and says how to make one', { timeout: 600_000 }, async () => {
    // The wake model "pulled" into a folder of its own, with a verifier trained beside it (as npm run wake:verifier writes it).
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-fe-wake-'));
    const pulled = Object.fromEntries(Object.keys(files!).map((k) => [k, join(dir, `${k}.onnx`)])) as unknown as OpenWakeWordFiles;
    for (const k of Object.keys(files!) as (keyof OpenWakeWordFiles)[]) symlinkSync(files![k], pulled[k]);
    fe = new AudioFrontEnd({ vad: 'energy', wake: { openWakeWord: { files: pulled } } });
    await fe.start();
    const none = fe.status().wake;
    expect(none.engine).toBe('openwakeword');
    expect(none.verifier).toEqual({ on: false });
    expect(none.reason).toContain(`second-stage verifier off (none trained: npm run wake:verifier writes ${join(dir, VERIFIER_FILE)})`);
    await fe.stop();
    copyFileSync(await devVerifierFile(), join(dir, VERIFIER_FILE));
    fe = new AudioFrontEnd({ vad: 'energy', wake: { openWakeWord: { files: pulled } } });
    await fe.start();
    const on = fe.status().wake;
    // The trained head (version 2): what it is, and the wake score from which it is asked and decides alone.
    expect(on.verifier).toEqual({ on: DEFAULT_WAKE_VERIFIER, file: join(dir, VERIFIER_FILE), threshold: expect.any(Number), kind: expect.stringMatching(/^trained head \(\d+ hidden units(, \d+ steps in a row)?\)$/), askAt: expect.any(Number) });
    expect(on.verifier!.askAt).toBeLessThanOrEqual(0.5);
    expect(on.reason).toMatch(/second-stage verifier on \(threshold 0\.\d+; trained head \(\d+ hidden units(, \d+ steps in a row)?\), asked at wake score ≥ [\d.]+, then it alone decides\)/);
    await fe.stop();
    fe = new AudioFrontEnd({ vad: 'energy', wake: { openWakeWord: { files: pulled }, verifier: false } });
    await fe.start();
    expect(fe.status().wake.verifier).toEqual({ on: false });
    expect(fe.status().wake.reason).toMatch(/second-stage verifier off/);
  });

  it('refuses to start on a verifier file that is not one (JARVIS_WAKE_BAD_VERIFIER), and takes another good file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-fe-verifier-'));
    writeFileSync(join(dir, 'bad.json'), '{"format":"jarvis-wake-verifier","version":1}');
    fe = new AudioFrontEnd({ vad: 'energy', wake: { openWakeWord: { files: files! }, verifier: join(dir, 'bad.json') } });
    await expect(fe.start()).rejects.toMatchObject({ code: 'JARVIS_WAKE_BAD_VERIFIER', message: expect.stringContaining('bad.json') });
    await fe.stop();
    const good = { format: 'jarvis-wake-verifier', version: 1, model: 'hey_jarvis_v0.1', frames: 16, dim: 96, weights: new Array(1536).fill(0), bias: 0, threshold: 0.3 };
    writeFileSync(join(dir, 'good.json'), JSON.stringify(good));
    fe = new AudioFrontEnd({ vad: 'energy', wake: { openWakeWord: { files: files! }, verifier: join(dir, 'good.json') } });
    await fe.start();
    expect(fe.status().wake.verifier).toEqual({ on: true, file: join(dir, 'good.json'), threshold: 0.3, kind: 'logistic regression', askAt: 0.5 });
    expect(fe.status().wake.reason).toContain('second-stage verifier on (threshold 0.3; logistic regression, asked at wake score ≥ 0.5)');
  });
});
