import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GrammarEngine, DEFAULT_SPHINX_MODEL } from '../../src/stt/grammar/grammar-engine.js';
import { raceCommand } from '../../src/stt/racer.js';
import { SttScheduler } from '../../src/stt/scheduler.js';
import { WhisperEngine } from '../../src/stt/whisper-engine.js';
import { haveSpeechTools, loadPcm, speak } from './fixtures.js';
import { sharedModel } from '../../../tests/helpers/shared-models.js';

const MODEL = sharedModel('for-tests-ggml-tiny.en.bin');
const ready = existsSync(MODEL) && existsSync(`${DEFAULT_SPHINX_MODEL}/en-us/mdef`) && haveSpeechTools();
if (!ready) console.warn(`racer tests skipped: needs ${MODEL}, ${DEFAULT_SPHINX_MODEL}, espeak-ng and sox`);

describe.skipIf(!ready)('raceCommand with both real engines', () => {
  const grammar = new GrammarEngine({ names: { entities: ['Kitchen Light', 'Garage Door'], areas: ['Office'], floors: [] } });
  const whisper = new WhisperEngine({ modelPath: MODEL, threads: 2 });
  const scheduler = new SttScheduler((pcm, o) => whisper.transcribe(pcm, o));
  beforeAll(async () => {
    await Promise.all([grammar.start(), whisper.start(), scheduler.start()]);
  });
  afterAll(async () => {
    await scheduler.stop();
    await Promise.all([grammar.stop(), whisper.stop()]);
  });

  it('a confident in-grammar command wins at once', async () => {
    const r = await raceCommand(loadPcm(speak('turn on the kitchen light')), { grammar, whisper: (p, o) => scheduler.command(p, o) });
    expect(r.winner).toBe('grammar');
    expect(r.transcript.text).toBe('turn on the kitchen light');
    expect(r.transcript.confidence).toBeGreaterThanOrEqual(0.5);
  });

  it('out-of-grammar speech goes to whisper (empty text with the weightless test model)', async () => {
    const r = await raceCommand(loadPcm(speak('remind me to call my sister after work')), { grammar, whisper: (p, o) => scheduler.command(p, o) });
    expect(r.winner).toBe('whisper');
    expect(r.grammar?.rejected).toBe('out-of-grammar');
    expect(r.transcript.engine).toBe('whisper');
    expect(r.transcript.text).toBe('');
  });

  it('grammar-first (the default) never starts whisper when the grammar wins; race starts both', async () => {
    const pcm = loadPcm(speak('turn on the kitchen light'));
    let calls = 0;
    const counted = (p: Float32Array, o: Parameters<typeof scheduler.command>[1]): ReturnType<typeof scheduler.command> => { calls++; return scheduler.command(p, o); };
    const first = await raceCommand(pcm, { grammar, whisper: counted });
    expect(first.winner).toBe('grammar');
    expect(calls).toBe(0);
    const raced = await raceCommand(pcm, { grammar, whisper: counted, strategy: 'race' });
    expect(raced.winner).toBe('grammar');
    expect(calls).toBe(1);
  });

  it('grammar-first starts whisper once the grammar declines', async () => {
    let calls = 0;
    const r = await raceCommand(loadPcm(speak('remind me to call my sister after work')), { grammar, whisper: (p, o) => { calls++; return scheduler.command(p, o); } });
    expect(r.winner).toBe('whisper');
    expect(calls).toBe(1);
  });

  it('a grammar engine that fails does not fail the race', async () => {
    const stopped = new GrammarEngine();
    const r = await raceCommand(loadPcm(speak('open the garage door')), { grammar: stopped, whisper: (p, o) => scheduler.command(p, o) });
    expect(r.winner).toBe('whisper');
    expect(r.grammar).toBeUndefined();
  });
});
