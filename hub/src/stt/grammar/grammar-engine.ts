import type { Component } from '../../core/component.js';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import { assertPcm, estimateSnrDb, floatToInt16 } from '../audio.js';
import type { StreamOptions, SttEngine, Transcript, TranscribeOptions, TranscriptStream } from '../engine.js';
import { SttError, fromNativeError } from '../errors.js';
import { loadAddon } from '../native.js';
import { SerialQueue } from '../serial-queue.js';
import { compileGrammar, type CompiledGrammar, type GrammarSource } from './compile.js';
import { espeakPronouncer, type Pronouncer } from './pronounce.js';
import { slotPhrases, type GrammarNames } from './slots.js';
import { defaultExpansionRules, defaultTemplates, type GrammarTemplate } from './templates.js';

interface DecodeResult { hyp: string | null; score: number; frames: number }
interface NativeDecoder {
  setJsgf(name: string, jsgf: string): void;
  lookupWord(word: string): string | null;
  addWord(word: string, phones: string): void;
  decode(search: string, pcm: Int16Array): Promise<DecodeResult>;
  free(): void;
}
interface PocketsphinxAddon { Decoder: new (args: string[]) => NativeDecoder }

/** Debian's pocketsphinx-en-us acoustic model and dictionary. */
export const DEFAULT_SPHINX_MODEL = '/usr/share/pocketsphinx/model/en-us';

/** The CMU phone set; each phone becomes a one-phone "word" of the garbage loop. */
const PHONES = 'AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH'.split(' ');

/**
 * Margins for the router's own templates (`hub/src/router/templates.ts`, 77 sentences × the fixture home):
 * a larger grammar costs more per frame, so every margin is lower. Measured with espeak-ng: clean commands
 * −6.1…+0.3, clean chit-chat ≤ −11.4; at 5 dB the recognised commands are mostly wrong (one wrong at −4.8),
 * so noisy input is left to whisper.
 */
export const ROUTER_GRAMMAR_MARGINS = { clean: -9, noisy: 0 } as const;

/** Options of the grammar recogniser. */
export interface GrammarEngineOptions {
  /** Directory with `en-us/` (acoustic model) and `cmudict-en-us.dict`. */
  modelDir?: string;
  templates?: readonly GrammarTemplate[];
  rules?: Readonly<Record<string, string>>;
  names?: GrammarNames;
  /**
   * Minimum per-frame log-score margin of the best command over a free phone loop, for clean audio
   * (estimated SNR ≥ 40 dB) and noisy audio (≤ 10 dB), interpolated between; noise lowers every margin.
   * Measured here with espeak-ng fixtures (small home): clean commands +3.9…+11 (one −3.0), clean
   * chit-chat ≤ −2.8; at 5 dB (estimated ~11 dB) correct commands −3.9…−9.0, wrong ones −9.1 and −13,
   * chit-chat ≤ −12.6. Defaults 0 and −8.5 favour precision: a rejected command falls back to whisper.
   */
  minMargin?: { clean: number; noisy: number };
  pronouncer?: Pronouncer;
  /** Extra pocketsphinx arguments (`['-lw', '2']`). */
  decoderArgs?: readonly string[];
  logger?: Logger;
}

/** What changed when the grammar was rebuilt. */
export interface GrammarBuildReport {
  sentences: number;
  words: number;
  /** Words the dictionary lacked that got a pronunciation (word → phones). */
  pronounced: Record<string, string>;
  /** Words with no pronunciation; phrases with them cannot be recognised. */
  unknownWords: string[];
  skipped: CompiledGrammar['skipped'];
}

/**
 * PocketSphinx constrained to the user's commands (a JSGF grammar of templates × names). An utterance is
 * decoded twice — against the grammar and against a free phone loop — and accepted only when the grammar
 * path scores close to the free one, so out-of-grammar speech is rejected instead of forced into a command.
 */
export class GrammarEngine implements SttEngine, Component {
  readonly name = 'grammar' as const;
  private decoder: NativeDecoder | undefined;
  private readonly queue = new SerialQueue();
  private readonly log: Logger;
  private names: GrammarNames;
  private lastReport: GrammarBuildReport | undefined;

  constructor(private readonly options: GrammarEngineOptions = {}) {
    this.log = options.logger ?? silentLogger();
    this.names = options.names ?? { entities: [], areas: [], floors: [] };
  }

  async start(): Promise<void> {
    if (this.decoder) return;
    const addon = loadAddon<PocketsphinxAddon>('pocketsphinx');
    const dir = this.options.modelDir ?? DEFAULT_SPHINX_MODEL;
    let decoder: NativeDecoder;
    try {
      decoder = new addon.Decoder(['-hmm', `${dir}/en-us`, '-dict', `${dir}/cmudict-en-us.dict`, '-logfn', '/dev/null', ...(this.options.decoderArgs ?? [])]);
    } catch (err) {
      throw new SttError('JARVIS_STT_ENGINE_INIT', `pocketsphinx could not load ${dir} (Debian package pocketsphinx-en-us): ${(err as Error).message}`, { cause: err });
    }
    for (const p of PHONES) decoder.addWord(`gbg_${p.toLowerCase()}`, p);
    decoder.setJsgf('loop', `#JSGF V1.0;\ngrammar loop;\npublic <loop> = ( ${PHONES.map((p) => `gbg_${p.toLowerCase()}`).join(' | ')} )+;\n`);
    this.decoder = decoder;
    this.rebuild(this.names);
  }

  async stop(): Promise<void> {
    const decoder = this.decoder;
    if (!decoder) return;
    this.decoder = undefined;
    await this.queue.run(async () => decoder.free());
  }

  /** The report of the last grammar build (words pronounced, words unknown, sentences skipped). */
  get report(): GrammarBuildReport | undefined {
    return this.lastReport;
  }

  /** Recompiles the grammar for new names (the registry changed); pending utterances finish on the old one. */
  setNames(names: GrammarNames): Promise<GrammarBuildReport> {
    this.names = names;
    return this.queue.run(async () => this.rebuild(names));
  }

  private rebuild(names: GrammarNames): GrammarBuildReport {
    const decoder = this.decoder;
    if (!decoder) throw new SttError('JARVIS_STT_ENGINE_CLOSED', 'grammar engine is not started');
    const source: GrammarSource = {
      templates: this.options.templates ?? defaultTemplates,
      rules: this.options.rules ?? defaultExpansionRules,
      slots: slotPhrases(names),
    };
    let compiled = compileGrammar(source);
    const pronounce = this.options.pronouncer ?? espeakPronouncer;
    const pronounced: Record<string, string> = {};
    const unknown: string[] = [];
    for (const word of compiled.words) {
      if (decoder.lookupWord(word) !== null) continue;
      const phones = pronounce(word);
      if (phones === null) { unknown.push(word); continue; }
      try {
        decoder.addWord(word, phones);
        pronounced[word] = phones;
      } catch {
        unknown.push(word);
      }
    }
    if (unknown.length > 0) {
      // Names with unpronounceable words are left out rather than failing the whole grammar.
      const bad = new Set(unknown);
      const ok = (phrase: string): boolean => !phrase.split(/\s+/).some((w) => bad.has(w.toLowerCase()));
      source.slots = Object.fromEntries(Object.entries(source.slots).map(([k, v]) => [k, v.filter(ok)]));
      compiled = compileGrammar(source);
      this.log.warn({ unknownWords: unknown }, 'words without a pronunciation left out of the command grammar');
    }
    try {
      decoder.setJsgf('command', compiled.jsgf);

    } catch (err) {
      throw fromNativeError(err, 'JARVIS_STT_BAD_GRAMMAR');
    }
    const sentences = compiled.jsgf.split('\n').find((l) => l.startsWith('public'))?.split(') | (').length ?? 0;
    this.lastReport = { sentences, words: compiled.words.size, pronounced, unknownWords: unknown, skipped: compiled.skipped };
    return this.lastReport;
  }

  async transcribe(pcm16k: Float32Array, options: TranscribeOptions = {}): Promise<Transcript> {
    assertPcm(pcm16k);
    const queued = performance.now();
    const pcm = floatToInt16(pcm16k);
    return this.queue.run(async () => {
      options.signal?.throwIfAborted();
      const decoder = this.decoder;
      if (!decoder) throw new SttError('JARVIS_STT_ENGINE_CLOSED', 'grammar engine is not started');
      const started = performance.now();
      let command: DecodeResult;
      let loop: DecodeResult;
      try {
        command = await decoder.decode('command', pcm);
        loop = command.hyp ? await decoder.decode('loop', pcm) : command;
      } catch (err) {
        throw fromNativeError(err, 'JARVIS_STT_DECODE_FAILED');
      }
      const decodeMs = performance.now() - started;
      const timings = { queueMs: started - queued, decodeMs, totalMs: performance.now() - queued };
      const margin = command.hyp && command.frames > 0 ? (command.score - loop.score) / command.frames : -Infinity;
      const minMargin = marginThreshold(estimateSnrDb(pcm16k), this.options.minMargin ?? { clean: 0, noisy: -8.5 });
      const text = command.hyp?.trim() ?? '';
      if (text === '' || margin < minMargin) {
        return { text: '', confidence: 0, segments: [], engine: 'grammar', timings, rejected: 'out-of-grammar', ...(Number.isFinite(margin) ? { margin } : {}) };
      }
      // Maps the margin onto 0.5..1: at the threshold a result is a coin toss, 8 above it is certain.
      const confidence = Math.min(1, 0.5 + (margin - minMargin) / 16);
      const endMs = (pcm.length / 16);
      return { text, confidence, segments: [{ text, startMs: 0, endMs, confidence }], engine: 'grammar', timings, margin };
    });
  }

  stream(options: StreamOptions = {}): TranscriptStream {
    // A grammar result is only meaningful for the whole utterance: buffer, decode once at the end.
    const chunks: Float32Array[] = [];
    let closed = false;
    return {
      push: (samples) => { if (!closed) { assertPcm(samples); chunks.push(samples); } },
      end: async () => {
        if (closed) throw new SttError('JARVIS_STT_ENGINE_CLOSED', 'stream already ended');
        closed = true;
        const all = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
        let at = 0;
        for (const c of chunks) { all.set(c, at); at += c.length; }
        const t = await this.transcribe(all, options);
        options.onPartial?.({ committed: t.text, tentative: '' });
        return t;
      },
      abort: () => { closed = true; chunks.length = 0; },
    };
  }
}

/** The acceptance threshold for an utterance of estimated SNR `snrDb`: linear between 10 dB (noisy) and 40 dB (clean). */
export function marginThreshold(snrDb: number, t: { clean: number; noisy: number }): number {
  const x = Math.min(1, Math.max(0, (snrDb - 10) / 30));
  return t.noisy + (t.clean - t.noisy) * x;
}
