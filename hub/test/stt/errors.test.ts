/**
 * Native addon errors become SttErrors by their `code` property (set by the PocketSphinx addon), with the
 * message parse kept only for an addon built before it set `code`.
 */
import { describe, expect, it } from 'vitest';
import { SttError, fromNativeError } from '../../src/stt/errors.js';
import { DEFAULT_SPHINX_MODEL } from '../../src/stt/grammar/grammar-engine.js';
import { loadAddon } from '../../src/stt/native.js';

/** An error as a native addon throws it: a message and, from the current build, a `code`. */
function nativeError(message: string, code?: string): Error {
  const err = new Error(message);
  if (code !== undefined) Object.assign(err, { code });
  return err;
}

describe('fromNativeError', () => {
  it('takes the code from err.code and does not repeat it in the message', () => {
    const raw = nativeError("JARVIS_STT_NO_SEARCH: no search named 'second'", 'JARVIS_STT_NO_SEARCH');
    const err = fromNativeError(raw, 'JARVIS_STT_DECODE_FAILED');
    expect(err).toBeInstanceOf(SttError);
    expect(err).toMatchObject({ code: 'JARVIS_STT_NO_SEARCH', message: "JARVIS_STT_NO_SEARCH: no search named 'second'", fault: 'internal' });
    expect(err.cause).toBe(raw);
  });

  it('trusts err.code over whatever the message says', () => {
    const err = fromNativeError(nativeError('JARVIS_STT_DECODE_FAILED: words', 'JARVIS_STT_BAD_GRAMMAR'), 'JARVIS_STT_ENGINE_INIT');
    expect(err.code).toBe('JARVIS_STT_BAD_GRAMMAR');
    expect(err.message).toBe('JARVIS_STT_BAD_GRAMMAR: JARVIS_STT_DECODE_FAILED: words');
  });

  it('falls back to the code in front of the message for an addon built before it set err.code', () => {
    const err = fromNativeError(nativeError('JARVIS_STT_BAD_PRONUNCIATION: pocketsphinx rejected the phones for \'x\': Q'), 'JARVIS_STT_BAD_GRAMMAR');
    expect(err).toMatchObject({ code: 'JARVIS_STT_BAD_PRONUNCIATION', message: "JARVIS_STT_BAD_PRONUNCIATION: pocketsphinx rejected the phones for 'x': Q" });
  });

  it('gives the fallback code to an error without a known code (a system code, an unknown JARVIS code, a non-Error)', () => {
    expect(fromNativeError(nativeError('open failed', 'ENOENT'), 'JARVIS_STT_ENGINE_INIT')).toMatchObject({ code: 'JARVIS_STT_ENGINE_INIT', message: 'JARVIS_STT_ENGINE_INIT: open failed' });
    expect(fromNativeError(nativeError('JARVIS_STT_NOT_A_CODE: x', 'JARVIS_STT_NOT_A_CODE'), 'JARVIS_STT_DECODE_FAILED').code).toBe('JARVIS_STT_DECODE_FAILED');
    expect(fromNativeError('a string', 'JARVIS_STT_DECODE_FAILED')).toMatchObject({ code: 'JARVIS_STT_DECODE_FAILED', message: 'JARVIS_STT_DECODE_FAILED: a string' });
  });

  it('passes an SttError through unchanged', () => {
    const err = new SttError('JARVIS_STT_BAD_AUDIO', 'NaN in the samples');
    expect(fromNativeError(err, 'JARVIS_STT_DECODE_FAILED')).toBe(err);
  });
});

describe('the PocketSphinx addon sets err.code', () => {
  type Fsg = { states: number; start: number; final: number; words: string[]; arcs: Int32Array; probs: Float64Array };
  type Decoder = { setFsg(name: string, fsg: Fsg): void; decode(search: string, pcm: Int16Array, fresh?: unknown): Promise<unknown>; free(): void; lookupWord(w: string): string | null };
  const args = ['-hmm', `${DEFAULT_SPHINX_MODEL}/en-us`, '-dict', `${DEFAULT_SPHINX_MODEL}/cmudict-en-us.dict`, '-logfn', '/dev/null'];

  /** What `fn` threw, with its own code and the code fromNativeError reads. */
  function thrown(fn: () => unknown): { code: unknown; message: string; read: string } {
    try {
      fn();
    } catch (err) {
      return { code: (err as { code?: unknown }).code, message: (err as Error).message, read: fromNativeError(err, 'JARVIS_STT_DECODE_FAILED').code };
    }
    throw new Error('expected a throw');
  }

  it('on thrown errors (arguments, grammar, closed decoder) and on a rejected decode', async () => {
    const addon = loadAddon<{ Decoder: new (args: unknown) => Decoder }>('pocketsphinx');
    expect(thrown(() => new addon.Decoder('not an array'))).toEqual({ code: 'JARVIS_STT_BAD_ARGUMENT', message: expect.stringMatching(/^JARVIS_STT_BAD_ARGUMENT: /), read: 'JARVIS_STT_BAD_ARGUMENT' });
    const d = new addon.Decoder(args);
    try {
      const empty = { states: 0, start: 0, final: 0, words: [], arcs: new Int32Array(0), probs: new Float64Array(0) };
      expect(thrown(() => d.setFsg('bad', empty))).toEqual({ code: 'JARVIS_STT_BAD_GRAMMAR', message: expect.stringMatching(/^JARVIS_STT_BAD_GRAMMAR: /), read: 'JARVIS_STT_BAD_GRAMMAR' });
      expect(thrown(() => d.decode('x', new Int16Array(10), 'yes'))).toMatchObject({ code: 'JARVIS_STT_BAD_ARGUMENT', read: 'JARVIS_STT_BAD_ARGUMENT' });
      // The decode runs on the thread pool: its error is built back on the main thread, with the code.
      const rejected = await d.decode('no-such-search', new Int16Array(1600), true).then(() => undefined, (err: unknown) => err);
      expect(rejected).toMatchObject({ code: 'JARVIS_STT_NO_SEARCH', message: "JARVIS_STT_NO_SEARCH: no search named 'no-such-search'" });
      expect(fromNativeError(rejected, 'JARVIS_STT_DECODE_FAILED')).toMatchObject({ code: 'JARVIS_STT_NO_SEARCH', message: "JARVIS_STT_NO_SEARCH: no search named 'no-such-search'" });
    } finally {
      d.free();
    }
    expect(thrown(() => d.lookupWord('door'))).toMatchObject({ code: 'JARVIS_STT_ENGINE_CLOSED', read: 'JARVIS_STT_ENGINE_CLOSED' });
  });
});
