/**
 * The grammar recogniser decoding an utterance while it is spoken (issue 14's hot path): the binding's startUtt /
 * feed / endUtt / abortUtt with their coded errors, and GrammarEngine.stream on top (order, determinism, the bounded
 * decoder pairs, abort).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPHINX_MODEL, GrammarEngine } from '../../../src/stt/grammar/grammar-engine.js';
import type { Transcript } from '../../../src/stt/engine.js';
import { floatToInt16 } from '../../../src/stt/audio.js';
import { loadAddon } from '../../../src/stt/native.js';
import { haveSpeechTools, loadPcm, speak } from '../fixtures.js';

const haveModel = existsSync(`${DEFAULT_SPHINX_MODEL}/en-us/mdef`);
const tools = haveSpeechTools();

const SMALL_HOME = { entities: ['Kitchen Light', 'Bedroom Light', 'Garage Door'], areas: ['Kitchen', 'Bedroom'], floors: [] };

interface Result { hyp: string | null; score: number; frames: number; segments: unknown[] }
interface Decoder {
  setJsgf(name: string, jsgf: string): void;
  decode(search: string, pcm: Int16Array, fresh?: boolean): Promise<Result>;
  startUtt(search: string, fresh?: boolean, cmnPrior?: unknown): Promise<void>;
  feed(pcm: unknown): Promise<void>;
  endUtt(tail?: unknown, nbest?: number): Promise<Result>;
  abortUtt(): Promise<void>;
  cmnMean(): Float32Array | null;
  cepMean(pcm: unknown): Float32Array | null;
  free(): void;
}

/** The code of what `f` throws (synchronously). */
function codeOf(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return (err as { code?: unknown }).code;
  }
  return 'no throw';
}

/** What an engine answer is made of, for comparing two answers. */
const gist = (t: Transcript): unknown => ({ text: t.text, candidate: t.candidate, margin: t.margin, wordMargin: t.wordMargin, alternative: t.alternative, cmnShift: t.cmnShift });

describe.skipIf(!haveModel || !tools)('the binding\'s fed utterances', () => {
  let d: Decoder;
  let pcm: Int16Array;
  beforeAll(() => {
    const addon = loadAddon<{ Decoder: new (args: string[]) => Decoder }>('pocketsphinx');
    d = new addon.Decoder(['-hmm', `${DEFAULT_SPHINX_MODEL}/en-us`, '-dict', `${DEFAULT_SPHINX_MODEL}/cmudict-en-us.dict`, '-logfn', '/dev/null', '-lw', '2', '-bestpath', 'no']);
    d.setJsgf('g', '#JSGF V1.0;\ngrammar g;\npublic <c> = (open | close) the garage door;\n');
    pcm = floatToInt16(loadPcm(speak('open the garage door')));
  });
  afterAll(() => d?.free());

  it('refuses malformed calls with coded errors: no utterance, one already open, wrong sample format, a call while another runs', async () => {
    expect(codeOf(() => d.feed(new Int16Array(1600)))).toBe('JARVIS_STT_NO_UTTERANCE');
    expect(codeOf(() => d.endUtt())).toBe('JARVIS_STT_NO_UTTERANCE');
    expect(codeOf(() => d.startUtt('g', true, new Float32Array(3)))).toBe('JARVIS_STT_BAD_ARGUMENT');
    await d.startUtt('g', true);
    expect(codeOf(() => d.startUtt('g'))).toBe('JARVIS_STT_UTTERANCE_OPEN');
    expect(codeOf(() => d.decode('g', pcm))).toBe('JARVIS_STT_UTTERANCE_OPEN');
    expect(codeOf(() => d.setJsgf('h', '#JSGF V1.0;\ngrammar h;\npublic <c> = open;\n'))).not.toBe('no throw');
    expect(codeOf(() => d.feed(new Float32Array(1600)))).toBe('JARVIS_STT_BAD_ARGUMENT');
    expect(codeOf(() => d.feed([1, 2, 3]))).toBe('JARVIS_STT_BAD_ARGUMENT');
    const first = d.feed(pcm.subarray(0, 16000));
    expect(codeOf(() => d.feed(pcm.subarray(16000)))).toBe('JARVIS_STT_DECODER_BUSY');
    expect(codeOf(() => d.endUtt())).toBe('JARVIS_STT_DECODER_BUSY');
    await first;
    const result = await d.endUtt(pcm.subarray(16000));
    expect(result.hyp).toBe('open the garage door');
    // After the end the utterance is closed: feeding it, or ending it again, is refused.
    expect(codeOf(() => d.feed(pcm))).toBe('JARVIS_STT_NO_UTTERANCE');
    expect(codeOf(() => d.endUtt())).toBe('JARVIS_STT_NO_UTTERANCE');
    // A start on a search that does not exist rejects on the pool, coded, and leaves no utterance open.
    await expect(d.startUtt('nope')).rejects.toMatchObject({ code: 'JARVIS_STT_NO_SEARCH' });
    expect(codeOf(() => d.feed(pcm))).toBe('JARVIS_STT_NO_UTTERANCE');
  });

  it('an aborted utterance leaves nothing behind: the next one decodes as if it had never been fed', async () => {
    const own = d.cepMean(pcm)!;
    await d.startUtt('g', true, own);
    const reference = await d.endUtt(pcm);
    // Half an utterance fed, then abandoned (a mute); the next utterance does not restart the stream (fresh = false).
    await d.startUtt('g', true, own);
    await d.feed(pcm.subarray(0, 24000));
    await d.abortUtt();
    await d.startUtt('g', false, own);
    expect(await d.endUtt(pcm)).toEqual(reference);
    // Without an open utterance abortUtt does nothing.
    await expect(d.abortUtt()).resolves.toBeUndefined();
  });

  it('cepMean is the mean batch CMN takes: the same as the decoder\'s after a whole-utterance decode', async () => {
    await d.decode('g', pcm, true);
    const batch = Array.from(d.cmnMean()!);
    const own = Array.from(d.cepMean(pcm)!);
    expect(own).toHaveLength(13);
    for (let i = 0; i < 13; i++) expect(own[i]).toBeCloseTo(batch[i]!, 1);
    expect(codeOf(() => d.cepMean(new Float32Array(10)))).toBe('JARVIS_STT_BAD_ARGUMENT');
  });
});

describe.skipIf(!haveModel || !tools)('GrammarEngine.stream', () => {
  let engine: GrammarEngine;
  let pcm: Float32Array;
  beforeAll(async () => {
    // Fresh decoder state: each utterance's result depends on its audio alone, so two ways of feeding it can be compared.
    engine = new GrammarEngine({ names: SMALL_HOME, decoderState: 'fresh', streamRedo: 'never' });
    await engine.start();
    pcm = loadPcm(speak('open the garage door'));
    // The first utterance on a new decoder pair is scored a little differently from later ones (pocketsphinx's first use).
    const s = engine.stream();
    s.push(pcm);
    await s.end();
  }, 60_000);
  afterAll(async () => engine?.stop());

  const fedInPieces = async (sizes: (i: number) => number): Promise<Transcript> => {
    const s = engine.stream();
    for (let at = 0, i = 0; at < pcm.length; i++) {
      const n = sizes(i);
      s.push(pcm.subarray(at, at + n));
      at += n;
    }
    return s.end();
  };

  it('gives the same answer however the audio was cut, fed piece by piece as fast as it comes or all at once', async () => {
    const once = await fedInPieces(() => pcm.length);
    expect(once.text).toBe('open the garage door');
    expect(once.decodedAs).toBe('stream');
    expect(gist(await fedInPieces(() => 320))).toEqual(gist(once));
    expect(gist(await fedInPieces((i) => 1 + ((i * 7919) % 2400)))).toEqual(gist(once));
    // Pieces pushed while earlier ones are still on the pool (a real-time feed): the same again.
    const s = engine.stream();
    for (let at = 0; at < pcm.length; at += 3200) {
      s.push(pcm.subarray(at, at + 3200));
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(gist(await s.end())).toEqual(gist(once));
  });

  it('feeds in order: the same pieces in another order are other audio, and another answer', async () => {
    const once = await fedInPieces(() => pcm.length);
    const s = engine.stream();
    const half = Math.floor(pcm.length / 2 / 1600) * 1600;
    s.push(pcm.subarray(half));
    s.push(pcm.subarray(0, half));
    expect(gist(await s.end())).not.toEqual(gist(once));
  });

  it('refuses audio after the end and audio that is not float PCM, with coded errors', async () => {
    const s = engine.stream();
    expect(codeOf(() => s.push(new Int16Array(100) as unknown as Float32Array))).toBe('JARVIS_STT_BAD_AUDIO');
    expect(codeOf(() => s.push(Float32Array.of(0, Number.NaN)))).toBe('JARVIS_STT_BAD_AUDIO');
    s.push(pcm);
    await s.end();
    expect(codeOf(() => s.push(pcm))).toBe('JARVIS_STT_NO_UTTERANCE');
    await expect(s.end()).rejects.toMatchObject({ code: 'JARVIS_STT_ENGINE_CLOSED' });
  });

  it('one utterance per decoder pair: a second stream while the pair is leased is decoded whole at its end, to the same text', async () => {
    const before = engine.streamStats;
    const a = engine.stream();
    const b = engine.stream();
    a.push(pcm);
    b.push(pcm);
    const [ta, tb] = await Promise.all([a.end(), b.end()]);
    expect(ta.text).toBe('open the garage door');
    expect(tb.text).toBe('open the garage door');
    expect(ta.decodedAs).toBe('stream');
    expect(engine.streamStats.streamed - before.streamed).toBe(1);
    expect(engine.streamStats.buffered - before.buffered).toBe(1);
    // Once released, the pair streams again.
    const c = engine.stream();
    c.push(pcm);
    expect((await c.end()).decodedAs).toBe('stream');
  });

  it('an aborted stream keeps nothing: the pair is free at once and the next answer is what it would have been', async () => {
    const reference = await fedInPieces(() => pcm.length);
    const s = engine.stream();
    s.push(pcm.subarray(0, 24000));
    await new Promise((r) => setTimeout(r, 50));
    s.abort();
    s.push(pcm);
    expect(() => s.abort()).not.toThrow();
    const after = await fedInPieces(() => pcm.length);
    expect(after.decodedAs).toBe('stream');
    expect(gist(after)).toEqual(gist(reference));
    expect(engine.streamStats.aborted).toBeGreaterThanOrEqual(1);
  });
});

describe.skipIf(!haveModel || !tools)('GrammarEngine.stream: the whole decode when the streamed answer does not stand', () => {
  let pcm: Float32Array;
  beforeAll(() => {
    pcm = loadPcm(speak('open the garage door'));
  });

  /** An engine, its transcribe calls (started and settled), stopped after `body`. */
  async function withEngine(options: ConstructorParameters<typeof GrammarEngine>[0], body: (engine: GrammarEngine, calls: Array<{ settled: boolean }>) => Promise<void>): Promise<void> {
    // Every hearing accepted (thresholds off): what decides here is the caller's bar alone.
    const off = { clean: -Infinity, noisy: -Infinity, wordClean: -Infinity, wordNoisy: -Infinity };
    const engine = new GrammarEngine({ names: SMALL_HOME, decoderState: 'fresh', minMargin: off, ...options });
    await engine.start();
    const calls: Array<{ settled: boolean }> = [];
    const transcribe = engine.transcribe.bind(engine);
    engine.transcribe = (p, o) => {
      const call = { settled: false };
      calls.push(call);
      const out = transcribe(p, o);
      out.then(() => { call.settled = true; }, () => { call.settled = true; });
      return out;
    };
    try {
      await body(engine, calls);
    } finally {
      await engine.stop();
    }
  }

  for (const streamWhole of ['concurrent', 'after'] as const) {
    it(`streamWhole ${streamWhole}: an answer the caller's bar refuses is the whole decode's, exactly; one it takes stands, and settled() covers the cancelled whole decode`, async () => {
      await withEngine({ streamWhole }, async (engine, calls) => {
        const reference = await engine.transcribe(pcm);
        expect(reference.text).toBe('open the garage door');
        calls.length = 0;
        const refused: Transcript[] = [];
        const s = engine.stream({ stands: (t) => { refused.push(t); return false; } });
        s.push(pcm);
        const redone = await s.end();
        // The bar was asked about the streamed answer (the engine accepted it), and the whole decode answered.
        expect(refused.map((t) => t.text)).toEqual(['open the garage door']);
        expect(redone.decodedAs).toBe('whole');
        expect(gist({ ...redone, cmnShift: undefined })).toEqual(gist({ ...reference, cmnShift: undefined }));
        expect(engine.streamStats.redone).toBe(1);
        expect(calls).toHaveLength(1);

        const kept = engine.stream({ stands: () => true });
        kept.push(pcm);
        const stood = await kept.end();
        expect(stood.decodedAs).toBe('stream');
        expect(stood.text).toBe('open the garage door');
        // `concurrent` began a whole decode at the end and cancelled it; `after` never began one.
        expect(calls).toHaveLength(streamWhole === 'concurrent' ? 2 : 1);
        await kept.settled();
        expect(calls.every((c) => c.settled)).toBe(true);
        expect(engine.streamStats.redone).toBe(1);
      });
    }, 60_000);
  }

  it('a grammar rebuild while a command is being streamed waits for it: the command is decoded on the grammar it began on, the next one on the new grammar', async () => {
    await withEngine({}, async (engine) => {
      const porch = loadPcm(speak('turn on the porch light'));
      const s = engine.stream({ stands: () => true });
      const half = Math.floor(pcm.length / 2);
      s.push(pcm.subarray(0, half));
      expect(engine.inGrammar('turn on the porch light')).toBe(false);
      const rebuild = engine.setNames({ ...SMALL_HOME, entities: [...SMALL_HOME.entities, 'Porch Light'] });
      await new Promise((r) => setTimeout(r, 50));
      s.push(pcm.subarray(half));
      const t = await s.end();
      expect(t.text).toBe('open the garage door');
      expect(t.decodedAs).toBe('stream');
      expect((await rebuild).unknownWords).toEqual([]);
      expect(engine.inGrammar('turn on the porch light')).toBe(true);
      const next = engine.stream({ stands: () => true });
      next.push(porch);
      expect((await next.end()).text).toBe('turn on the porch light');
    });
  }, 60_000);

  it('a grammar rebuild queued while a command whose answer is redone is streamed: the redo waits for the rebuild and still answers', async () => {
    await withEngine({}, async (engine) => {
      const s = engine.stream({ stands: () => false });
      s.push(pcm);
      const rebuild = engine.setNames({ ...SMALL_HOME, entities: [...SMALL_HOME.entities, 'Porch Light'] });
      const t = await s.end();
      expect(t.decodedAs).toBe('whole');
      expect(t.text).toBe('open the garage door');
      await rebuild;
      await s.settled();
    });
  }, 60_000);

  it('an aborted stream settles once its abandoned utterance is off the pair, and leaves no whole decode behind', async () => {
    await withEngine({}, async (engine, calls) => {
      const s = engine.stream({ stands: () => false });
      s.push(pcm.subarray(0, 24000));
      await new Promise((r) => setTimeout(r, 50));
      s.abort();
      await s.settled();
      expect(calls).toHaveLength(0);
      expect(engine.streamStats.aborted).toBe(1);
      const next = engine.stream({ stands: () => true });
      next.push(pcm);
      expect((await next.end()).decodedAs).toBe('stream');
    });
  }, 60_000);
});
