import { existsSync } from 'node:fs';
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { DEFAULT_SPHINX_MODEL, GrammarEngine, ROUTER_GRAMMAR_MARGINS, marginThreshold } from '../../../src/stt/grammar/grammar-engine.js';
import { commandTemplates, expansionRules } from '../../../src/router/templates.js';
import { namesFromRegistry, type GrammarNames } from '../../../src/stt/grammar/slots.js';
import { loadRegistrySnapshot } from '../../../src/home-assistant/registry-snapshot.js';
import { describeSttEngine } from '../engine-suite.js';
import { CHITCHAT_PHRASES, COMMAND_PHRASES, haveSpeechTools, loadPcm, speak, withNoise } from '../fixtures.js';

const haveModel = existsSync(`${DEFAULT_SPHINX_MODEL}/en-us/mdef`);
const tools = haveSpeechTools();
if (!haveModel) console.warn(`grammar tests skipped: ${DEFAULT_SPHINX_MODEL} is absent (Debian package pocketsphinx-en-us)`);
if (!tools) console.warn('grammar speech tests skipped: espeak-ng or sox is not installed');

/** A small household: the names the command fixtures use, plus one word the dictionary lacks. */
const SMALL_HOME: GrammarNames = {
  entities: ['Kitchen Light', 'Bedroom Light', 'Bathroom Fan', 'Living Room Ceiling', 'Garage Door', 'Nanoleaf'],
  areas: ['Office', 'Kitchen', 'Bedroom'],
  floors: [],
};
/** Optional words (`<the>`) and rule alternatives (`<what_is>`) may differ without changing the command. */
const core = (s: string): string => s.replace(/\bwhats\b/g, 'what is').split(' ').filter((w) => !['the', 'my', 'our'].includes(w)).join(' ');

describe('marginThreshold', () => {
  it('is the clean threshold above 40 dB, the noisy one below 10 dB, linear between', () => {
    const t = { clean: 0, noisy: -9 };
    expect(marginThreshold(80, t)).toBe(0);
    expect(marginThreshold(3, t)).toBe(-9);
    expect(marginThreshold(25, t)).toBeCloseTo(-4.5);
  });
});

describe.skipIf(!haveModel)('GrammarEngine (PocketSphinx in-process)', () => {
  describeSttEngine('grammar', {
    create: () => new GrammarEngine({ names: SMALL_HOME }),
    ...(tools ? { speech: () => ({ pcm: loadPcm(speak('open the garage door')), text: 'open the garage door' }) } : {}),
  });

  describe.skipIf(!tools)('with espeak-ng fixtures', () => {
    let engine: GrammarEngine;
    beforeAll(async () => {
      engine = new GrammarEngine({ names: SMALL_HOME });
      await engine.start();
    });
    afterAll(() => engine.stop());

    it('pronounces words missing from the dictionary with espeak-ng', () => {
      expect(engine.report?.pronounced['nanoleaf']).toMatch(/^N AE N OW L IY F$/);
      expect(engine.report?.unknownWords).toEqual([]);
    });

    it('recognises clean commands exactly (up to optional words) and accepts no wrong text', async () => {
      let exact = 0;
      for (const phrase of COMMAND_PHRASES) {
        const t = await engine.transcribe(loadPcm(speak(phrase)));
        if (t.text !== '') {
          expect(core(t.text)).toBe(core(phrase));
          exact++;
        }
      }
      // Measured: 6 of 7; "what is the temperature in the office" scores under the clean threshold and goes to whisper.
      expect(exact).toBeGreaterThanOrEqual(6);
    });

    it('at 5 dB SNR accepts only exact commands (precision first)', async () => {
      let exact = 0;
      for (const phrase of COMMAND_PHRASES) {
        const t = await engine.transcribe(loadPcm(withNoise(speak(phrase), 5)));
        if (t.text !== '') {
          expect(core(t.text)).toBe(core(phrase));
          exact++;
        }
      }
      // Measured with this repeatable noise: 3 of 7 accepted, all exact; the rest fall back to whisper.
      expect(exact).toBeGreaterThanOrEqual(3);
    });

    it('rejects chit-chat, clean and at 5 dB, instead of forcing it into a command', async () => {
      for (const phrase of CHITCHAT_PHRASES) {
        for (const file of [speak(phrase), withNoise(speak(phrase), 5)]) {
          const t = await engine.transcribe(loadPcm(file));
          expect({ file, text: t.text }).toEqual({ file, text: '' });
          expect(t.rejected).toBe('out-of-grammar');
        }
      }
    });

    it('rebuilds the grammar when the names change', async () => {
      const pcm = loadPcm(speak('turn on the kitchen light'));
      expect((await engine.transcribe(pcm)).text).toBe('turn on the kitchen light');
      const report = await engine.setNames({ entities: ['Porch Light'], areas: [], floors: [] });
      expect(report.unknownWords).toEqual([]);
      expect((await engine.transcribe(pcm)).text).not.toBe('turn on the kitchen light');
      await engine.setNames(SMALL_HOME);
    });
  });

  it.skipIf(!tools)('compiles the fixture home (every name and alias) and recognises a clean command in it', async () => {
    const names = namesFromRegistry(loadRegistrySnapshot(new URL('../../../../tests/fixtures/registry/home.json', import.meta.url).pathname));
    const engine = new GrammarEngine({ names });
    await engine.start();
    try {
      expect(engine.report?.unknownWords).toEqual([]);
      expect((await engine.transcribe(loadPcm(speak('turn off the bedroom light')))).text).toBe('turn off the bedroom light');
    } finally {
      await engine.stop();
    }
  });

  it.skipIf(!tools)('with the router\'s templates × the fixture home: clean commands recognised, nothing wrong accepted, chit-chat rejected', async () => {
    const names = namesFromRegistry(loadRegistrySnapshot(new URL('../../../../tests/fixtures/registry/home.json', import.meta.url).pathname));
    const engine = new GrammarEngine({ names, templates: commandTemplates, rules: expansionRules, minMargin: ROUTER_GRAMMAR_MARGINS });
    await engine.start();
    try {
      expect(engine.report?.sentences).toBeGreaterThan(50);
      let clean = 0;
      for (const phrase of COMMAND_PHRASES) {
        const t = await engine.transcribe(loadPcm(speak(phrase)));
        if (t.text !== '') { expect(core(t.text)).toBe(core(phrase)); clean++; }
        const noisy = await engine.transcribe(loadPcm(withNoise(speak(phrase), 5)));
        if (noisy.text !== '') expect(core(noisy.text)).toBe(core(phrase));
      }
      // Measured: 6 of 7 ("what is the temperature in the office" is not a router phrase as spoken).
      expect(clean).toBeGreaterThanOrEqual(5);
      for (const phrase of CHITCHAT_PHRASES) {
        expect((await engine.transcribe(loadPcm(speak(phrase)))).text).toBe('');
        expect((await engine.transcribe(loadPcm(withNoise(speak(phrase), 5)))).text).toBe('');
      }
    } finally {
      await engine.stop();
    }
  }, 120_000); // 24 decodes against the large grammar; slow only when the shared cores are busy

  it('reports a missing acoustic model with JARVIS_STT_ENGINE_INIT', async () => {
    const engine = new GrammarEngine({ modelDir: '/nonexistent' });
    await expect(engine.start()).rejects.toMatchObject({ code: 'JARVIS_STT_ENGINE_INIT' });
  });
});
