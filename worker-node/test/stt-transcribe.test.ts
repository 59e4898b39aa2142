import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKER_ERROR_CODES } from '../src/errors.js';
import { failure } from './failure.js';
import { builtinHandlers, type TaskContext } from '../src/handlers.js';
import { createSttTranscribeHandler, type SttProgress, type SttTranscribeResult } from '../src/handlers/stt-transcribe.js';
import { voiced, wavBytes } from './stt-fixtures.js';
import { sharedModel } from '../../tests/helpers/shared-models.js';

const TINY = [
  process.env['JARVIS_TEST_MODELS_DIR'] ? join(process.env['JARVIS_TEST_MODELS_DIR'], 'for-tests-ggml-tiny.en.bin') : '',
  fileURLToPath(new URL('../../../shared/models/for-tests-ggml-tiny.en.bin', import.meta.url)),
  sharedModel('for-tests-ggml-tiny.en.bin'),
].find((p) => p !== '' && existsSync(p));
if (!TINY) console.warn('skipping stt.transcribe model tests: for-tests-ggml-tiny.en.bin is not in ../shared/models (or $JARVIS_TEST_MODELS_DIR)');

const dirs: string[] = [];
function tempDir(files: Record<string, string | Uint8Array | 'tiny'> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'jarvis-worker-stt-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    if (content === 'tiny') symlinkSync(TINY!, join(dir, name));
    else writeFileSync(join(dir, name), content);
  }
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ctx = (payload: unknown, signal: AbortSignal = new AbortController().signal, taskId = 't1'): TaskContext => ({ taskId, type: 'stt.transcribe', payload, attempt: 1, signal });
const inline = (pcm: Float32Array, rate = 16000): { wavBase64: string } => ({ wavBase64: Buffer.from(wavBytes({ rate, channels: [pcm] })).toString('base64') });

describe('stt.transcribe without a usable model', () => {
  it('is a built-in handler and its codes are documented', () => {
    expect([...builtinHandlers().keys()]).toContain('stt.transcribe');
    for (const code of ['JARVIS_WORKER_BAD_AUDIO', 'JARVIS_WORKER_AUDIO_NOT_FOUND', 'JARVIS_WORKER_PATH_DENIED', 'JARVIS_WORKER_ENGINE_MISSING', 'JARVIS_WORKER_MODEL_MISSING', 'JARVIS_WORKER_MODEL_BAD', 'JARVIS_WORKER_CANCELLED', 'JARVIS_WORKER_BAD_PAYLOAD']) {
      expect(WORKER_ERROR_CODES, code).toHaveProperty(code);
    }
  });

  it('fails for good with JARVIS_WORKER_MODEL_MISSING when there is no model, naming the fix', async () => {
    const payload = { audio: inline(voiced(1)) };
    const none = await failure(createSttTranscribeHandler({})(ctx(payload)));
    expect([none.code, none.retryable]).toEqual(['JARVIS_WORKER_MODEL_MISSING', false]);
    expect(none.message).toContain('--models-dir');
    const empty = await failure(createSttTranscribeHandler({ modelsDir: tempDir({ 'model.gguf': 'x' }) })(ctx(payload)));
    expect([empty.code, empty.retryable]).toEqual(['JARVIS_WORKER_MODEL_MISSING', false]);
    expect(empty.message).toContain('jarvis models pull');
    const named = await failure(createSttTranscribeHandler({ modelsDir: tempDir() })(ctx({ ...payload, model: 'ggml-absent.bin' })));
    expect(named.code).toBe('JARVIS_WORKER_MODEL_MISSING');
    expect(named.message).toContain('ggml-absent.bin');
  });

  it('a file whisper cannot load fails with JARVIS_WORKER_MODEL_BAD, not retryable, and the worker lives on', async () => {
    const err = await failure(createSttTranscribeHandler({ modelsDir: tempDir({ 'ggml-broken.bin': 'not a model'.repeat(50) }) })(ctx({ audio: inline(voiced(1.5)) })));
    expect([err.code, err.retryable]).toEqual(['JARVIS_WORKER_MODEL_BAD', false]);
  });

  it('malformed payloads fail with JARVIS_WORKER_BAD_PAYLOAD naming the field', async () => {
    const h = createSttTranscribeHandler({ modelsDir: tempDir({ 'ggml-x.bin': 'x' }) });
    const wav = inline(voiced(0.5));
    const cases: Array<[unknown, string]> = [
      [null, '(root)'],
      ['audio', '(root)'],
      [{}, 'audio'],
      [{ audio: {} }, 'audio'],
      [{ audio: { wavBase64: 'AAAA', path: 'a.wav' } }, 'audio'],
      [{ audio: { url: 'http://x/a.wav' } }, 'audio'],
      [{ audio: { wavBase64: '' } }, 'audio.wavBase64'],
      [{ audio: { wavBase64: 'A'.repeat(1_000_004) } }, 'audio.wavBase64'],
      [{ audio: { path: 42 } }, 'audio.path'],
      [{ audio: wav, model: '../ggml-x.bin' }, 'model'],
      [{ audio: wav, model: 'model.gguf' }, 'model'],
      [{ audio: wav, language: 'English' }, 'language'],
      [{ audio: wav, prompt: 'x'.repeat(1001) }, 'prompt'],
      [{ audio: wav, chunkSeconds: 31 }, 'chunkSeconds'],
      [{ audio: wav, chunkSeconds: 1 }, 'chunkSeconds'],
      [{ audio: wav, chunkSeconds: '30' }, 'chunkSeconds'],
      [{ audio: wav, extra: true }, '(root)'],
    ];
    for (const [payload, field] of cases) {
      const err = await failure(h(ctx(payload)));
      expect([err.code, err.retryable], JSON.stringify(payload).slice(0, 80)).toEqual(['JARVIS_WORKER_BAD_PAYLOAD', false]);
      expect(err.message, JSON.stringify(payload).slice(0, 80)).toContain(`payload ${field}:`);
    }
    const notBase64 = await failure(h(ctx({ audio: { wavBase64: 'not base64!' } })));
    expect(notBase64.code).toBe('JARVIS_WORKER_BAD_PAYLOAD');
    expect(notBase64.message).toContain('audio.wavBase64');
  });

  it('reads audio.path only inside the audio directory, after resolving symlinks', async () => {
    const outside = tempDir({ 'secret.wav': wavBytes({ channels: [voiced(1)] }) });
    const audioDir = tempDir({ 'junk.wav': 'RIFF....WAVEnope' });
    mkdirSync(join(audioDir, 'sub'));
    symlinkSync(join(outside, 'secret.wav'), join(audioDir, 'link.wav'));
    const h = createSttTranscribeHandler({ modelsDir: tempDir({ 'ggml-x.bin': 'x' }), audioDir });
    const code = async (path: string): Promise<string> => (await failure(h(ctx({ audio: { path } })))).code;
    expect(await code(join(outside, 'secret.wav'))).toBe('JARVIS_WORKER_PATH_DENIED');
    expect(await code('../' + outside.split('/').pop() + '/secret.wav')).toBe('JARVIS_WORKER_PATH_DENIED');
    expect(await code('link.wav')).toBe('JARVIS_WORKER_PATH_DENIED');
    expect(await code('.')).toBe('JARVIS_WORKER_PATH_DENIED');
    expect(await code('absent.wav')).toBe('JARVIS_WORKER_AUDIO_NOT_FOUND');
    expect(await code('sub')).toBe('JARVIS_WORKER_AUDIO_NOT_FOUND');
    expect(await code('junk.wav')).toBe('JARVIS_WORKER_BAD_AUDIO');
    const noDir = await failure(createSttTranscribeHandler({ modelsDir: tempDir({ 'ggml-x.bin': 'x' }) })(ctx({ audio: { path: 'a.wav' } })));
    expect([noDir.code, noDir.retryable]).toEqual(['JARVIS_WORKER_PATH_DENIED', false]);
  });

  it('a bad inline WAV fails with JARVIS_WORKER_BAD_AUDIO', async () => {
    const h = createSttTranscribeHandler({ modelsDir: tempDir({ 'ggml-x.bin': 'x' }) });
    const err = await failure(h(ctx({ audio: { wavBase64: Buffer.from('RIFF\0\0\0\0WAVEdata').toString('base64') } })));
    expect([err.code, err.retryable]).toEqual(['JARVIS_WORKER_BAD_AUDIO', false]);
  });
});

describe.skipIf(!TINY)('stt.transcribe with the test model (no weights: empty text)', () => {
  it('cuts long audio into whisper windows, reports progress per chunk and returns the timed result', async () => {
    const audioDir = tempDir({ 'long.wav': wavBytes({ rate: 16000, channels: [voiced(75)] }) });
    const progress: SttProgress[] = [];
    const h = createSttTranscribeHandler({ modelsDir: tempDir({ 'ggml-tiny.en.bin': 'tiny' }), audioDir, threads: 2, onProgress: (p) => progress.push(p) });
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const result = (await h(ctx({ audio: { path: 'long.wav' } }))) as SttTranscribeResult;
      clearInterval(timer);
      expect(ticks).toBeGreaterThan(5); // whisper ran off the event loop
      expect(result).toMatchObject({ text: '', segments: [], durationMs: 75_000, model: 'ggml-tiny.en.bin', language: 'en', chunks: 3, silentChunks: 0 });
      expect(result.ms).toBeGreaterThan(0);
      expect(result.loadMs).toBeGreaterThan(0);
      expect(progress.map((p) => [p.taskId, p.chunk, p.chunks, p.durationMs])).toEqual([['t1', 1, 3, 75_000], ['t1', 2, 3, 75_000], ['t1', 3, 3, 75_000]]);
      expect(progress[0]!.doneMs).toBeGreaterThan(28_000);
      expect(progress[0]!.doneMs).toBeLessThanOrEqual(30_000);
      expect(progress[1]!.doneMs).toBeGreaterThan(progress[0]!.doneMs);
      expect(progress[2]!.doneMs).toBe(75_000);
      // The model stays loaded for the next task naming it.
      const again = (await h(ctx({ audio: inline(voiced(12, 22050), 22050), chunkSeconds: 5 }))) as SttTranscribeResult;
      expect([again.loadMs, again.durationMs, again.chunks]).toEqual([0, 12_000, 3]);
    } finally {
      await h.dispose();
    }
  });

  it('does not run whisper on silent chunks', async () => {
    const pcm = new Float32Array(40 * 16000);
    pcm.set(voiced(20));
    const h = createSttTranscribeHandler({ modelsDir: tempDir({ 'ggml-tiny.en.bin': 'tiny' }), threads: 2 });
    try {
      const result = (await h(ctx({ audio: inline(pcm.subarray(0, 16000 * 14)), chunkSeconds: 10 }))) as SttTranscribeResult;
      expect([result.chunks, result.silentChunks]).toEqual([2, 0]);
      const silentTail = new Float32Array(16000 * 14);
      silentTail.set(voiced(4));
      const quiet = (await h(ctx({ audio: inline(silentTail), chunkSeconds: 5 }))) as SttTranscribeResult;
      expect([quiet.chunks, quiet.silentChunks]).toEqual([3, 2]);
    } finally {
      await h.dispose();
    }
  });

  it('cancellation stops between chunks with JARVIS_WORKER_CANCELLED', async () => {
    const ac = new AbortController();
    const progress: SttProgress[] = [];
    const h = createSttTranscribeHandler({
      modelsDir: tempDir({ 'ggml-tiny.en.bin': 'tiny' }), threads: 2,
      onProgress: (p) => {
        progress.push(p);
        ac.abort();
      },
    });
    try {
      const err = await failure(h(ctx({ audio: inline(voiced(18)), chunkSeconds: 5 }, ac.signal)));
      expect([err.code, err.retryable]).toEqual(['JARVIS_WORKER_CANCELLED', false]);
      expect(err.message).toContain('after 1 of 4 chunks');
      expect(progress).toHaveLength(1);
    } finally {
      await h.dispose();
    }
  });

  it('a task cancelled while waiting behind another ends at once; the running one completes', async () => {
    const h = createSttTranscribeHandler({ modelsDir: tempDir({ 'ggml-tiny.en.bin': 'tiny' }), threads: 2 });
    try {
      const first = h(ctx({ audio: inline(voiced(9)), chunkSeconds: 5 }, new AbortController().signal, 'first'));
      const ac = new AbortController();
      const second = h(ctx({ audio: inline(voiced(10)) }, ac.signal, 'second'));
      let firstDone = false;
      void first.then(() => (firstDone = true));
      ac.abort();
      const err = await failure(second);
      expect(err.code).toBe('JARVIS_WORKER_CANCELLED');
      expect(err.message).toContain('while waiting');
      expect(firstDone).toBe(false);
      expect(((await first) as SttTranscribeResult).chunks).toBe(2);
    } finally {
      await h.dispose();
    }
  });
});
