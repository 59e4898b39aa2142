/** Shared set-up of the Wyoming tests: real recogniser, real wake detector, log capture. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../src/core/logger.js';
import { GrammarEngine } from '../../src/stt/grammar/grammar-engine.js';
import { namesFromRegistry } from '../../src/stt/grammar/slots.js';
import { commandGrammar } from '../../src/stt/command-grammar.js';
import { enrollWithEspeak } from '../../src/audio/wake/enroll.js';
import { WakeModels, dtwWakeModel } from '../../src/wyoming/wake-backends.js';
import type { WyomingSttBackend } from '../../src/wyoming/backends.js';
import { fixtureHome } from '../home-assistant/helpers.js';

/** A logger whose lines tests can read. */
export function captureLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, sink) as unknown as Logger, lines };
}

/** The hub's command recogniser (PocketSphinx on the router's command language, the fixture home's names) as a Wyoming STT backend. */
export async function grammarStt(): Promise<{ stt: WyomingSttBackend; stop(): Promise<void> }> {
  const grammar = new GrammarEngine({ ...commandGrammar(), names: namesFromRegistry(fixtureHome()) });
  await grammar.start();
  return {
    stt: {
      models: () => [{ name: 'command-grammar', description: 'Jarvis command recogniser', version: '1', attribution: { name: 'CMU PocketSphinx', url: 'https://github.com/cmusphinx/pocketsphinx' }, installed: true, languages: ['en'] }],
      async transcribe(pcm) {
        const t = await grammar.transcribe(pcm);
        return { text: t.text, engine: t.engine };
      },
    },
    stop: () => grammar.stop(),
  };
}

/** "hey jarvis" from espeak-ng voices as the DTW wake model. */
export async function heyJarvis(): Promise<WakeModels> {
  const templates = await enrollWithEspeak('hey jarvis', ['en-us', 'en-gb', 'en-us+f3', 'en-gb-scotland']);
  return new WakeModels([dtwWakeModel({ name: 'hey_jarvis', phrase: 'hey jarvis' }, templates)]);
}

/** Concatenates float clips with `gapMs` of silence between and after. */
export function joinClips(clips: Float32Array[], gapMs: number): Float32Array {
  const gap = Math.round(gapMs * 16);
  const total = clips.reduce((n, c) => n + c.length + gap, gap);
  const out = new Float32Array(total);
  let at = gap;
  for (const c of clips) {
    out.set(c, at);
    at += c.length + gap;
  }
  return out;
}
