/**
 * The front end's wake verifier option (issue 16): on by default with the shipped file, off when configured
 * off, and a bad verifier file stops the start with its code instead of being dropped silently.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AudioFrontEnd, DEFAULT_WAKE_VERIFIER } from '../../../src/audio/segmenter/front-end.js';
import { DEFAULT_VERIFIER_FILE } from '../../../src/audio/wake/verifier.js';
import { devWakeFiles, MODELS_SKIP_REASON } from '../model-files.js';

const files = devWakeFiles();

let fe: AudioFrontEnd | undefined;
afterEach(async () => {
  await fe?.stop();
  fe = undefined;
});

describe.skipIf(!files)(`front end wake verifier (${MODELS_SKIP_REASON})`, { timeout: 60_000 }, () => {
  it('says in its status whether the verifier is on, with its file and threshold', async () => {
    fe = new AudioFrontEnd({ vad: 'energy', wake: { openWakeWord: { files: files! } } });
    await fe.start();
    const on = fe.status().wake;
    expect(on.engine).toBe('openwakeword');
    expect(on.verifier).toEqual({ on: DEFAULT_WAKE_VERIFIER, file: DEFAULT_VERIFIER_FILE, threshold: expect.any(Number) });
    expect(on.reason).toMatch(/second-stage verifier on \(threshold 0\.\d+\)/);
    await fe.stop();
    fe = new AudioFrontEnd({ vad: 'energy', wake: { openWakeWord: { files: files! }, verifier: false } });
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
    expect(fe.status().wake.verifier).toEqual({ on: true, file: join(dir, 'good.json'), threshold: 0.3 });
  });
});
