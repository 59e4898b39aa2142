import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WhisperError } from '../src/errors.js';
import { WhisperModel } from '../src/model.js';
import { WhisperVad } from '../src/vad.js';
import { sharedModel } from '../../tests/helpers/shared-models.js';

// whisper.cpp's own VAD with real Silero v6.2.0 weights, on real (espeak-ng) speech between silences.
const VAD = sharedModel('for-tests-silero-v6.2.0-ggml.bin');
const MODEL = sharedModel('for-tests-ggml-tiny.en.bin');
const haveTools = spawnSync('sh', ['-c', 'command -v espeak-ng && command -v sox'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'jarvis-whisper-vad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** espeak-ng speech as 16 kHz mono float samples (sox resamples deterministically with -R). */
function speak(text: string): Float32Array {
  const raw = join(dir, `${text.replace(/\W+/g, '-')}.f32`);
  const r = spawnSync('sh', ['-c', `espeak-ng -v en-us --stdout "${text}" | sox -R -t wav - -r 16000 -c 1 -e floating-point -b 32 -t raw ${raw}`]);
  if (r.status !== 0) throw new Error(`espeak-ng/sox failed: ${r.stderr.toString()}`);
  return new Float32Array(new Uint8Array(readFileSync(raw)).buffer);
}

/** `before` s of silence, the clip, `after` s of silence. */
function padded(clip: Float32Array, before: number, after: number): Float32Array {
  const out = new Float32Array(Math.round((before + after) * 16000) + clip.length);
  out.set(clip, Math.round(before * 16000));
  return out;
}

describe.skipIf(!existsSync(VAD) || !haveTools)('whisper.cpp VAD (Silero ggml, real weights)', () => {
  let vad: WhisperVad;
  let speech: Float32Array;
  beforeAll(async () => {
    vad = await WhisperVad.load(VAD);
    speech = speak('turn on the kitchen lights');
  });
  afterAll(async () => {
    await vad.free();
  });

  it('finds the one spoken command between two seconds of silence, where it was spoken', async () => {
    const pcm = padded(speech, 2, 1.5);
    const spans = await vad.detect(pcm);
    expect(spans.length).toBeGreaterThanOrEqual(1);
    const first = spans[0]!;
    const last = spans[spans.length - 1]!;
    const speechMs = (speech.length / 16000) * 1000;
    // espeak-ng leaves a little silence inside its clip; the spans lie within it, give or take the padding.
    expect(first.startMs).toBeGreaterThanOrEqual(2000 - 100);
    expect(first.startMs).toBeLessThan(2000 + 400);
    expect(last.endMs).toBeLessThanOrEqual(2000 + speechMs + 200);
    expect(last.endMs).toBeGreaterThan(2000 + speechMs - 600);
  });

  it('finds two commands separated by a second of silence as two spans, and nothing in silence', async () => {
    const two = new Float32Array(speech.length * 2 + 32000);
    two.set(speech, 8000);
    two.set(speech, 8000 + speech.length + 16000);
    expect((await vad.detect(two)).length).toBe(2);
    expect(await vad.detect(new Float32Array(3 * 16000))).toEqual([]);
  });

  it('rejects bad audio and parameters with coded errors', async () => {
    await expect(vad.detect(new Float32Array(0))).rejects.toMatchObject({ code: 'JARVIS_WHISPER_BAD_AUDIO' });
    await expect(vad.detect(new Float32Array([0, Number.NaN]))).rejects.toMatchObject({ code: 'JARVIS_WHISPER_BAD_AUDIO' });
    for (const bad of [{ threshold: 1.5 }, { minSpeechMs: -1 }, { speechPadMs: 0.5 }, { maxSpeechS: 0 }]) {
      await expect(vad.detect(speech, bad), JSON.stringify(bad)).rejects.toBeInstanceOf(WhisperError);
    }
  });

  it.skipIf(!existsSync(MODEL))('runs inside a whisper pass: only the speech is decoded, silence skips the pass', async () => {
    const model = await WhisperModel.load(MODEL);
    try {
      const withSpeech = await model.pass(padded(speech, 2, 1.5), { audioCtx: 256, vad: { modelPath: VAD } });
      expect(withSpeech.vadSpans?.length).toBeGreaterThanOrEqual(1);
      const silent = await model.pass(new Float32Array(3 * 16000), { vad: { modelPath: VAD } });
      expect(silent.vadSpans).toEqual([]);
      expect(silent.segments).toEqual([]);
    } finally {
      await model.free();
    }
  });
});

describe('WhisperVad.load', () => {
  it('rejects a missing file with JARVIS_WHISPER_MODEL_MISSING', async () => {
    await expect(WhisperVad.load(join(dir, 'absent.bin'))).rejects.toMatchObject({ code: 'JARVIS_WHISPER_MODEL_MISSING' });
  });
});
