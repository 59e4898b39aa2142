import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SpeechService } from '../../src/stt/speech-service.js';
import { DEFAULT_SPHINX_MODEL } from '../../src/stt/grammar/grammar-engine.js';
import { haveSpeechTools, loadPcm, speak } from './fixtures.js';

const haveGrammar = existsSync(`${DEFAULT_SPHINX_MODEL}/en-us/mdef`) && haveSpeechTools();

describe('SpeechService', () => {
  it.skipIf(!haveGrammar)('starts with whisper off (model missing, named pull command) and still answers commands from the grammar', async () => {
    const svc = new SpeechService({
      whisper: { modelPath: '/nonexistent/ggml-base.en.bin', modelName: 'base.en' },
      grammar: { names: { entities: ['Garage Door'], areas: [], floors: [] } },
    });
    await svc.start();
    await svc.start();
    try {
      expect(svc.off.whisper).toMatch(/jarvis models pull base\.en/);
      expect(svc.off.grammar).toBeUndefined();
      const r = await svc.command(loadPcm(speak('open the garage door')));
      expect(r).toMatchObject({ winner: 'grammar', transcript: { text: 'open the garage door' } });
      // Out-of-grammar speech needs whisper, which is off: the coded reason surfaces.
      await expect(svc.command(loadPcm(speak('the weather was lovely at the beach')))).rejects.toMatchObject({ code: 'JARVIS_STT_MODEL_MISSING' });
      await expect(svc.passive(new Float32Array(16000))).rejects.toMatchObject({ code: 'JARVIS_STT_MODEL_MISSING' });
      await svc.setNames({ entities: ['Porch Light'], areas: [], floors: [] });
    } finally {
      await svc.stop();
      await svc.stop();
    }
    expect(() => svc.passive(new Float32Array(10))).toThrow(/JARVIS_STT_ENGINE_CLOSED/);
  });

  it.skipIf(!haveGrammar)('offers a command stream only when stt.streamCommands is on, and hears a command fed to it in pieces', async () => {
    const names = { entities: ['Garage Door'], areas: [], floors: [] };
    const off = new SpeechService({ whisper: { modelPath: '/nonexistent/ggml-base.en.bin', modelName: 'base.en' }, grammar: { names } });
    const on = new SpeechService({ whisper: { modelPath: '/nonexistent/ggml-base.en.bin', modelName: 'base.en' }, grammar: { names }, streamCommands: true });
    await Promise.all([off.start(), on.start()]);
    try {
      expect(off.commandStream()).toBeUndefined();
      const stream = on.commandStream();
      expect(stream).toBeDefined();
      const pcm = loadPcm(speak('open the garage door'));
      for (let i = 0; i < pcm.length; i += 1600) stream!.push(pcm.subarray(i, Math.min(pcm.length, i + 1600)));
      const streamed = await stream!.end();
      expect(streamed.transcript.text).toBe('open the garage door');
    } finally {
      await Promise.all([off.stop(), on.stop()]);
    }
  });
});
