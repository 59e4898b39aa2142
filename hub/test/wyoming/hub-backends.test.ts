/**
 * The hub's speech service as Wyoming's STT backend: what the command grammar hears (config stt.commandAudio), and
 * that whisper always gets the utterance as sent.
 */
import { describe, expect, it } from 'vitest';
import { denoiseUtterance } from '../../src/audio/index.js';
import type { RaceResult, Transcript } from '../../src/stt/index.js';
import { speechSttBackend, type WyomingSpeech } from '../../src/wyoming/hub-backends.js';

const transcript = (text: string, engine: 'grammar' | 'whisper'): Transcript => ({ text, confidence: 1, segments: [], engine, timings: { audioMs: 0, decodeMs: 0 } } as unknown as Transcript);

/** A speech service that records what each engine was given: the grammar's answer wins when there is one. */
function recordingSpeech(): WyomingSpeech & { whisperHeard: Float32Array[]; grammarHeard: Float32Array[] } {
  const whisperHeard: Float32Array[] = [];
  const grammarHeard: Float32Array[] = [];
  return {
    whisperHeard,
    grammarHeard,
    async command(pcm, _options, grammarResult): Promise<RaceResult> {
      whisperHeard.push(pcm);
      if (grammarResult) {
        const g = await grammarResult.catch(() => undefined);
        if (g) return { transcript: g, winner: 'grammar', grammar: g };
      } else {
        grammarHeard.push(pcm);
      }
      return { transcript: transcript('from whisper', 'whisper'), winner: 'whisper' };
    },
    async probe(pcm) {
      grammarHeard.push(pcm);
      return { transcript: transcript('turn on the kitchen lights', 'grammar') };
    },
  };
}

/** Speech-like noise: a 220 Hz tone under white noise, 1 s at 16 kHz. */
function noisyTone(): Float32Array {
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  return Float32Array.from({ length: 16000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / 16000) + 0.2 * rnd());
}

const whisperModel = { name: 'tiny.en', path: '/nonexistent/ggml-tiny.en.bin' };

describe('Wyoming STT through the speech service', () => {
  it('with grammarAudio denoised, the grammar hears RNNoise output of the utterance (from a fresh state) and whisper the audio as sent', async () => {
    const speech = recordingSpeech();
    const stt = speechSttBackend(speech, { grammar: true, whisperModel, grammarAudio: 'denoised' });
    const pcm = noisyTone();
    const copy = pcm.slice();
    try {
      expect(await stt.transcribe(pcm, {})).toEqual({ text: 'turn on the kitchen lights', engine: 'grammar' });
      expect(speech.whisperHeard).toEqual([copy]);
      expect(speech.grammarHeard).toHaveLength(1);
      expect(speech.grammarHeard[0]).toEqual(await denoiseUtterance(copy));
      expect(speech.grammarHeard[0]).not.toEqual(copy);
    } finally {
      await stt.close?.();
    }
  });

  it('with grammarAudio raw (or unset) both engines hear the audio as sent', async () => {
    for (const grammarAudio of ['raw', undefined] as const) {
      const speech = recordingSpeech();
      const stt = speechSttBackend(speech, { grammar: true, whisperModel, ...(grammarAudio ? { grammarAudio } : {}) });
      const pcm = noisyTone();
      expect(await stt.transcribe(pcm, {})).toEqual({ text: 'from whisper', engine: 'whisper' });
      expect(speech.grammarHeard).toEqual([pcm]);
      expect(speech.whisperHeard).toEqual([pcm]);
      await stt.close?.();
    }
  });

  it('lists the grammar and the whisper model, the whisper model not installed when its file is absent', () => {
    const stt = speechSttBackend(recordingSpeech(), { grammar: true, whisperModel, grammarAudio: 'denoised' });
    expect(stt.models().map((m) => [m.name, m.installed])).toEqual([['jarvis-command-grammar', true], ['tiny.en', false]]);
  });
});
