import { ThreadCalls } from '../../core/index.js';
import { DspChain } from './chain.js';
import { AudioError } from './errors.js';
import { loadResampler, ResampleStage } from './resample-stage.js';
import { loadRnnoise, RNNOISE_RATE, RnnoiseStage } from './rnnoise-stage.js';
import { chainDelayMs } from '../segmenter/pipeline-delay.js';

/**
 * Denoises a whole 16 kHz utterance: 16 → 48 kHz, RNNoise, 48 → 16 kHz, in 10 ms frames, with the chain's
 * delay taken off so the output lines up sample for sample with the input (same length).
 */
export async function denoiseUtterance(pcm: Float32Array): Promise<Float32Array> {
  if (!(pcm instanceof Float32Array)) throw new AudioError('JARVIS_AUDIO_BAD_FRAME', 'denoise takes the utterance as a Float32Array of 16 kHz samples');
  await loadResampler();
  const chain = new DspChain(16000, [new ResampleStage(16000, RNNOISE_RATE), new RnnoiseStage(await loadRnnoise()), new ResampleStage(RNNOISE_RATE, 16000)]);
  try {
    const delay = Math.round(chainDelayMs(chain) * 16);
    const frames = Math.ceil((pcm.length + delay) / 160);
    const out = new Float32Array(frames * 160);
    for (let k = 0; k < frames; k++) {
      const input = new Float32Array(160);
      input.set(pcm.subarray(k * 160, Math.min(pcm.length, (k + 1) * 160)));
      out.set(chain.processFrame({ sampleRate: 16000, samples: input, ts: 0, flags: 0, rawDb: 0 }).samples, k * 160);
    }
    return out.slice(delay, delay + pcm.length);
  } finally {
    chain.close();
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
