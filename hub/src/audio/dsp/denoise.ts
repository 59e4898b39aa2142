import { ThreadCalls } from '../../core/index.js';
import { DspChain } from './chain.js';
import { AudioError } from './errors.js';
import { loadResampler, ResampleStage } from './resample-stage.js';
import { loadRnnoise, RNNOISE_RATE, RnnoiseStage } from './rnnoise-stage.js';
import { chainDelayMs } from '../segmenter/pipeline-delay.js';

type RnnoiseModule = Awaited<ReturnType<typeof loadRnnoise>>;

const FRAME = 160;

/**
 * RNNoise over one command's 16 kHz audio as it arrives, from a fresh RNNoise state at its first sample: 16 → 48 kHz,
 * RNNoise, 48 → 16 kHz in 10 ms frames, the chain's delay taken off. `push` returns the denoised samples that are
 * final so far (lined up with the input, so they lag it by the chain's delay), `end` the rest, zero-padded past the
 * input as {@link denoiseUtterance} does: what all the calls return, joined, is sample for sample
 * `denoiseUtterance(all the input)` however the input was cut. The grammar recogniser hears this when the adapted
 * acoustic model is active (hub/src/stt/README.md): a streamed command and a command decoded whole then hear the
 * same audio, in either VAD lane of the front end and in the benchmarks. Needs `loadDsp()` to have resolved.
 * One per command; `end()` or `close()` frees its RNNoise state.
 */
export class CommandDenoiser {
  private readonly chain: DspChain;
  private readonly delay: number;
  private readonly frame = new Float32Array(FRAME);
  private frameLen = 0;
  /** Input samples taken, chain output samples still to skip (its delay), denoised samples handed out. */
  private input = 0;
  private skip: number;
  private emitted = 0;
  private closed = false;

  constructor(rnnoise: RnnoiseModule) {
    this.chain = new DspChain(16000, [new ResampleStage(16000, RNNOISE_RATE), new RnnoiseStage(rnnoise), new ResampleStage(RNNOISE_RATE, 16000)]);
    this.delay = Math.round(chainDelayMs(this.chain) * 16);
    this.skip = this.delay;
  }

  /** Loads the DSP modules if needed and makes one. */
  static async create(): Promise<CommandDenoiser> {
    await loadResampler();
    return new CommandDenoiser(await loadRnnoise());
  }

  /** The chain's delay, samples: how far the output returned by `push` trails the input. */
  get lagSamples(): number {
    return this.delay;
  }

  /** Takes more of the command; returns the denoised samples now final (possibly none). */
  push(pcm: Float32Array): Float32Array {
    if (!(pcm instanceof Float32Array)) throw new AudioError('JARVIS_AUDIO_BAD_FRAME', 'the command denoiser takes 16 kHz audio as a Float32Array');
    if (this.closed) throw new AudioError('JARVIS_AUDIO_NOT_READY', 'the command denoiser was used after end() or close()');
    const out: Float32Array[] = [];
    let i = 0;
    while (i < pcm.length) {
      const take = Math.min(FRAME - this.frameLen, pcm.length - i);
      this.frame.set(pcm.subarray(i, i + take), this.frameLen);
      this.frameLen += take;
      i += take;
      if (this.frameLen === FRAME) this.process(out);
    }
    this.input += pcm.length;
    return this.collect(out, Infinity);
  }

  /** The command ended: the rest of the denoised audio (the total handed out equals the input's length); frees the state. */
  end(): Float32Array {
    if (this.closed) throw new AudioError('JARVIS_AUDIO_NOT_READY', 'the command denoiser was used after end() or close()');
    const out: Float32Array[] = [];
    // The last partial frame and then silence, until the chain has given out every input sample (as denoiseUtterance).
    if (this.frameLen > 0) this.process(out);
    while (this.emitted + out.reduce((n, f) => n + f.length, 0) < this.input) this.process(out);
    const rest = this.collect(out, this.input - this.emitted);
    this.close();
    return rest;
  }

  /** Frees the RNNoise state (safe to call twice; `end()` calls it). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.chain.close();
  }

  /** Runs the frame buffer (zero-padded when short) through the chain; keeps what is past the delay. */
  private process(out: Float32Array[]): void {
    if (this.frameLen < FRAME) this.frame.fill(0, this.frameLen);
    this.frameLen = 0;
    const done = this.chain.processFrame({ sampleRate: 16000, samples: this.frame.slice(), ts: 0, flags: 0, rawDb: 0 }).samples;
    const drop = Math.min(this.skip, done.length);
    this.skip -= drop;
    if (drop < done.length) out.push(drop === 0 ? done : done.subarray(drop));
  }

  private collect(out: Float32Array[], most: number): Float32Array {
    const total = Math.min(most, out.reduce((n, f) => n + f.length, 0));
    const joined = new Float32Array(total);
    let at = 0;
    for (const f of out) {
      if (at >= total) break;
      const part = f.subarray(0, total - at);
      joined.set(part, at);
      at += part.length;
    }
    this.emitted += total;
    return joined;
  }
}

/** Loads the DSP modules once and returns a maker of {@link CommandDenoiser}s that needs no more waiting. */
export async function loadCommandDenoiser(): Promise<() => CommandDenoiser> {
  await loadResampler();
  const rnnoise = await loadRnnoise();
  return () => new CommandDenoiser(rnnoise);
}

/**
 * Denoises a whole 16 kHz utterance: 16 → 48 kHz, RNNoise, 48 → 16 kHz, in 10 ms frames, with the chain's
 * delay taken off so the output lines up sample for sample with the input (same length). The same as a
 * {@link CommandDenoiser} given the utterance in one piece.
 */
export async function denoiseUtterance(pcm: Float32Array): Promise<Float32Array> {
  if (!(pcm instanceof Float32Array)) throw new AudioError('JARVIS_AUDIO_BAD_FRAME', 'denoise takes the utterance as a Float32Array of 16 kHz samples');
  const denoiser = await CommandDenoiser.create();
  try {
    const head = denoiser.push(pcm);
    const tail = denoiser.end();
    const out = new Float32Array(pcm.length);
    out.set(head);
    out.set(tail, head.length);
    return out;
  } finally {
    denoiser.close();
  }
}

/**
 * {@link denoiseUtterance} on a worker thread. RNNoise at 48 kHz costs a few hundred microseconds per 10 ms
 * frame, so a passive utterance of a few seconds blocked the event loop — and every device's audio with it —
 * for 100–300 ms when it ran on the main thread (the cause of the front end falling behind at ~20 devices).
 * Utterances are denoised in the order given; the thread starts on first use and is one per front end.
 */
export class DenoiseWorker {
  private closed = false;
  private readonly thread = new ThreadCalls<Float32Array, Float32Array>({
    callerUrl: import.meta.url,
    entry: 'denoise-thread',
    name: 'jarvis-denoise',
    failure: (f) => new AudioError('JARVIS_AUDIO_DENOISE_FAILED', `denoising an utterance failed: ${f.message}`),
    gone: (why, unanswered) => {
      for (const call of unanswered) call.reject(new AudioError('JARVIS_AUDIO_DENOISE_FAILED', why));
    },
  });

  /** Resolves to the denoised utterance; rejects with a coded error when the thread failed or was closed. */
  denoise(pcm: Float32Array): Promise<Float32Array> {
    if (!(pcm instanceof Float32Array)) return Promise.reject(new AudioError('JARVIS_AUDIO_BAD_FRAME', 'denoise takes the utterance as a Float32Array of 16 kHz samples'));
    if (this.closed) return Promise.reject(new AudioError('JARVIS_AUDIO_DENOISE_FAILED', 'the denoise thread was closed'));
    // A copy goes over (the caller keeps its utterance); the result comes back transferred.
    return this.thread.call(pcm);
  }

  /** Utterances still being denoised. */
  get backlog(): number {
    return this.thread.backlog;
  }

  /** Stops the thread; utterances still pending are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    await this.thread.close('the denoise thread was closed');
  }
}
