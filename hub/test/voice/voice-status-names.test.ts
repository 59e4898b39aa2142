import { describe, expect, it } from 'vitest';
import { namesFromRegistry } from '../../src/stt/grammar/slots.js';
import { NAMES_COUNTED, VoicePipeline, type SpeechLike } from '../../src/voice/voice-pipeline.js';
import { fixtureHome } from '../home-assistant/helpers.js';

// Issue 18 finding 5: /api/v1/voice promised the names the grammar knows but gave counts that disagreed with the
// registry's without saying why. It now lists the names and says what each count counts.

const speech: SpeechLike = {
  name: 'speech',
  off: {},
  start: async () => {},
  stop: async () => {},
  command: () => Promise.reject(new Error('unused')),
  passive: () => Promise.reject(new Error('unused')),
  setNames: async () => {},
};

describe('voice status names', () => {
  it('lists every spoken name (aliases included) and explains the counts', async () => {
    const home = fixtureHome();
    const names = namesFromRegistry(home);
    const pipeline = new VoicePipeline({
      frontEnd: { wake: { enabled: false } },
      speech,
      engine: 'auto',
      passive: false,
      subscribeAudio: () => () => {},
      subscribeMute: () => () => {},
      subscribeDeviceEvents: () => () => {},
      isMuted: () => false,
      handleCommand: () => Promise.reject(new Error('unused')),
      publishTranscript: () => {},
      hasTranscriptListeners: () => false,
      names: { current: () => names, subscribe: () => () => {} },
      onEvent: () => {},
    });
    await pipeline.start();
    try {
      await pipeline.namesSettled();
      const s = pipeline.status();
      expect(s.knownNames.areas).toEqual(expect.arrayContaining(home.areas.map((a) => a.name)));
      expect(s.knownNames.floors).toEqual(expect.arrayContaining(home.floors.map((f) => f.name)));
      const alias = home.entities.find((e) => e.aliases.length > 0 && e.exposed !== false);
      expect(alias).toBeDefined();
      expect(s.knownNames.entities).toContain(alias!.aliases[0]);
      expect(s.names).toEqual({ entities: s.knownNames.entities.length, areas: s.knownNames.areas.length, floors: s.knownNames.floors.length });
      expect(s.namesCounted).toBe(NAMES_COUNTED);
      expect(s.namesCounted).toMatch(/alias/);
    } finally {
      await pipeline.stop();
    }
  });
});
