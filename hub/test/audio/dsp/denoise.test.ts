import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandDenoiser, DenoiseWorker, denoiseUtterance, loadCommandDenoiser } from '../../../src/audio/dsp/denoise.js';
import { getAudioFixture } from '../../../../tests/fixtures/audio/index.js';

let worker: DenoiseWorker | undefined;
afterEach(async () => {
  await worker?.close();
  worker = undefined;
});

/** Speech over pink noise, as float samples at 16 kHz. */
function noisySpeech(seconds: number): Float32Array {
  const speech = getAudioFixture('noise.babble').samples;
  const pink = getAudioFixture('noise.pink').samples;
  const out = new Float32Array(seconds * 16000);
  for (let i = 0; i < out.length; i++) out[i] = ((speech[i % speech.length] as number) * 0.5 + (pink[(i * 7) % pink.length] as number) * 0.2) / 32768;
  return out;
}

const energy = (x: Float32Array): number => x.reduce((s, v) => s + v * v, 0);

describe('denoising passive utterances', () => {
  it('the thread gives the same samples as the same chain on the calling thread, same length, less noise', async () => {
    const pcm = noisySpeech(2);
    const here = await denoiseUtterance(pcm);
    worker = new DenoiseWorker();
    const there = await worker.denoise(pcm);
    expect(there.length).toBe(pcm.length);
    expect(Array.from(there)).toEqual(Array.from(here));
    // RNNoise takes noise out: the output has less energy than the input (it is not a copy).
    expect(energy(there)).toBeLessThan(energy(pcm) * 0.9);
  });

  it('answers in the order asked, and the caller keeps its own samples', async () => {
    worker = new DenoiseWorker();
    const a = noisySpeech(1);
    const b = noisySpeech(2);
    const copyA = Float32Array.from(a);
    const order: string[] = [];
    await Promise.all([worker.denoise(a).then(() => order.push('a')), worker.denoise(b).then(() => order.push('b'))]);
    expect(order).toEqual(['a', 'b']);
    expect(Array.from(a)).toEqual(Array.from(copyA));
    expect(worker.backlog).toBe(0);
  });

  it('keeps the event loop free while it works: the longest stall is a fraction of the same work done here', async () => {
    const pcm = noisySpeech(20);
    const stall = async (work: () => Promise<unknown>): Promise<number> => {
      const h = monitorEventLoopDelay({ resolution: 5 });
      h.enable();
      await new Promise((r) => setTimeout(r, 30)); // the histogram's timer is running
      await work();
      // The histogram records a stall when its timer finally runs: let it, before reading.
      await new Promise((r) => setTimeout(r, 30));
      h.disable();
      return h.max / 1e6;
    };
    worker = new DenoiseWorker();
    await worker.denoise(noisySpeech(1)); // thread started and its modules loaded
    const onThread = await stall(() => worker!.denoise(pcm));
    const onLoop = await stall(() => denoiseUtterance(pcm));
    expect(onLoop).toBeGreaterThan(200);
    expect(onThread).toBeLessThan(onLoop / 4);
  }, 60_000);

  it('bad input and a closed thread give coded errors; pending work is not left hanging', async () => {
    worker = new DenoiseWorker();
    await expect(worker.denoise(new Int16Array(160) as unknown as Float32Array)).rejects.toMatchObject({ code: 'JARVIS_AUDIO_BAD_FRAME' });
    await expect(denoiseUtterance([0, 0] as unknown as Float32Array)).rejects.toMatchObject({ code: 'JARVIS_AUDIO_BAD_FRAME' });
    const pending = expect(worker.denoise(noisySpeech(5))).rejects.toMatchObject({ code: 'JARVIS_AUDIO_DENOISE_FAILED' });
    await worker.close();
    await pending;
    await expect(worker.denoise(noisySpeech(1))).rejects.toMatchObject({ code: 'JARVIS_AUDIO_DENOISE_FAILED' });
  });
});

describe('denoising a command as it arrives (what the grammar hears with an adapted model)', () => {
  /** Joins what a denoiser handed out for `pcm` cut at `cuts`. */
  function piecewise(denoiser: CommandDenoiser, pcm: Float32Array, cuts: readonly number[]): Float32Array {
    const parts: Float32Array[] = [];
    let from = 0;
    for (const to of [...cuts, pcm.length]) {
      parts.push(denoiser.push(pcm.subarray(from, to)));
      from = to;
    }
    parts.push(denoiser.end());
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  it('gives sample for sample what denoiseUtterance gives for the whole command, however the audio is cut', async () => {
    const pcm = noisySpeech(2).subarray(0, 2 * 16000 - 37);
    const whole = await denoiseUtterance(pcm);
    const make = await loadCommandDenoiser();
    for (const cuts of [[], [1, 2, 3], [159, 160, 161, 4000], [333, 1000, 1001, 20_000, 31_900]]) {
      const got = piecewise(make(), pcm, cuts);
      expect(got.length).toBe(pcm.length);
      expect(Array.from(got)).toEqual(Array.from(whole));
    }
    // It denoises: not the input back.
    expect(energy(whole)).toBeLessThan(energy(pcm) * 0.9);
  });

  it('hands out only final samples while the command goes on: the output trails the input by the chain\'s delay', async () => {
    const d = await CommandDenoiser.create();
    const pcm = noisySpeech(1);
    const first = d.push(pcm.subarray(0, 8000));
    expect(d.lagSamples).toBeGreaterThan(0);
    expect(first.length).toBe(8000 - d.lagSamples);
    const second = d.push(pcm.subarray(8000));
    const rest = d.end();
    expect(first.length + second.length + rest.length).toBe(pcm.length);
    // An empty command is an empty answer.
    const empty = await CommandDenoiser.create();
    expect(empty.end().length).toBe(0);
  });

  it('bad input and use after the end are coded errors; close() twice is safe', async () => {
    const d = await CommandDenoiser.create();
    expect(() => d.push(new Int16Array(160) as unknown as Float32Array)).toThrow(expect.objectContaining({ code: 'JARVIS_AUDIO_BAD_FRAME' }));
    d.push(new Float32Array(500));
    d.end();
    expect(() => d.push(new Float32Array(160))).toThrow(expect.objectContaining({ code: 'JARVIS_AUDIO_NOT_READY' }));
    expect(() => d.end()).toThrow(expect.objectContaining({ code: 'JARVIS_AUDIO_NOT_READY' }));
    d.close();
    d.close();
  });
});
