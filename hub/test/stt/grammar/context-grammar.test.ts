/**
 * Issue 14's context for the command grammar: one grammar per area (the speaking device's area first, the whole
 * home when it declines), targets limited to a template's domains, and the second opinion (the best path decoded
 * again against only itself and its one-word neighbours). Real PocketSphinx on espeak-ng speech.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SPHINX_MODEL, GrammarEngine, grammarSource } from '../../../src/stt/grammar/grammar-engine.js';
import { areaGrammarNames, domainTargets, findArea, kindDomains, namesFromRegistry, type GrammarNames } from '../../../src/stt/grammar/slots.js';
import { commandGrammar } from '../../../src/stt/command-grammar.js';
import { compileGrammar } from '../../../src/language/compile-grammar.js';
import { FsgWalker, sentencesFsg } from '../../../src/language/fsg.js';
import { loadRegistrySnapshot } from '../../../src/home-assistant/registry-snapshot.js';
import { KIND_TARGETS } from '../../../src/voice/voice-pipeline.js';
import { loadAddon } from '../../../src/stt/native.js';
import { haveSpeechTools, loadPcm, speak } from '../fixtures.js';

const haveModel = existsSync(`${DEFAULT_SPHINX_MODEL}/en-us/mdef`);
const tools = haveSpeechTools();
const home = namesFromRegistry(loadRegistrySnapshot(new URL('../../../../tests/fixtures/registry/home.json', import.meta.url).pathname));
/** As the voice pipeline hands them over: the home's names plus the bare kind words. */
const names: GrammarNames = { ...home, entities: [...home.entities, ...KIND_TARGETS] };

describe('area and domain names', () => {
  it('says where each entity is and what domain it has', () => {
    const living = findArea(home.placed, 'living_room');
    expect(living?.entities).toEqual(expect.arrayContaining(['Christmas Tree', 'Living Room TV', 'tv']));
    expect(findArea(home.placed, 'Living Room')).toBe(living);
    expect(findArea(home.placed, 'nowhere')).toBeUndefined();
    expect(home.domains?.['Christmas Tree']).toEqual(['switch']);
    expect(home.domains?.['kitchen radio']).toEqual(['media_player']);
  });

  it('an area grammar keeps its own devices, the unplaced ones, kinds and every place, and drops devices placed elsewhere', () => {
    const bedroom = areaGrammarNames(names, findArea(home.placed, 'bedroom')!);
    expect(bedroom.entities).toEqual(expect.arrayContaining(['Bedside Lamp', 'Porch Light', 'outside light', 'the lights']));
    expect(bedroom.entities).not.toContain('Christmas Tree');
    expect(bedroom.areas).toEqual(names.areas);
  });

  it('a template for some domains gets only their targets: no "set the front door to fifty"', () => {
    expect(kindDomains('the lights')).toEqual(['light']);
    expect(kindDomains('kitchen')).toBeUndefined();
    const lights = domainTargets(names, ['light']);
    expect(lights).toEqual(expect.arrayContaining(['Bedside Lamp', 'lights', 'the lights', 'Kitchen lights', 'Kitchen']));
    expect(lights).not.toContain('Front Door');
    expect(lights).not.toContain('Kitchen fan');
    const holds = (w: FsgWalker, s: string): boolean => w.continues(s.split(' ')) !== undefined;
    const now = new FsgWalker(compileGrammar(grammarSource(commandGrammar(), names)).fsg);
    expect(holds(now, 'set the bedside lamp to fifty percent')).toBe(true);
    expect(holds(now, 'set the front door to fifty percent')).toBe(false);
    expect(holds(now, 'lock the front door')).toBe(true);
    // Without the domains the router's grammar did hold it.
    const before = new FsgWalker(compileGrammar(grammarSource({ ...commandGrammar(), domainTargets: false }, names)).fsg);
    expect(holds(before, 'set the front door to fifty percent')).toBe(true);
  });

  it('neighbours are the grammar\'s sentences one word away', () => {
    const fsg = sentencesFsg(['start the vacuum', 'stop the vacuum', 'start the mower', 'stop the vacuum now'].map((s) => s.split(' ')));
    const walker = new FsgWalker(fsg);
    expect(walker.neighbours('start the vacuum'.split(' ')).map((w) => w.join(' ')).sort()).toEqual(['start the mower', 'stop the vacuum']);
    expect(walker.neighbours('start the vacuum'.split(' '), 1)).toHaveLength(1);
  });
});

describe.skipIf(!haveModel || !tools)('GrammarEngine with area grammars and the second opinion (PocketSphinx)', () => {
  let engine: GrammarEngine;
  beforeAll(async () => {
    // Recognition, not the thresholds, is under test here.
    const off = { clean: -Infinity, noisy: -Infinity, wordClean: -Infinity, wordNoisy: -Infinity };
    // Two areas keep the start short (each area grammar is one more compile); the rest of the home is unplaced.
    const two = { ...names, placed: home.placed!.filter((a) => a.id === 'living_room' || a.id === 'bedroom') };
    engine = new GrammarEngine({ names: two, ...commandGrammar(), minMargin: off, areaGrammars: true });
    await engine.start();
  }, 120_000);
  afterAll(() => engine.stop());

  it('builds one grammar per area, each smaller than the whole home\'s', () => {
    const report = engine.report!;
    expect(Object.keys(report.areaStates ?? {}).sort()).toEqual(['bedroom', 'living_room']);
    for (const states of Object.values(report.areaStates!)) expect(states).toBeLessThan(report.states);
  });

  it('decodes a device\'s speech against its own area first, and falls back to the whole home for a device elsewhere', async () => {
    const pcm = loadPcm(speak('turn on the christmas tree'));
    const here = await engine.transcribe(pcm, { area: 'Living Room' });
    expect(here.grammar).toBe('area');
    expect(here.text).toBe('turn on the christmas tree');
    // The bedroom's grammar has no Christmas Tree: its best path fails the second opinion or the thresholds,
    // or is some other command — either way the whole home is asked and hears it.
    const elsewhere = await engine.transcribe(pcm, { area: 'bedroom' });
    const unknownArea = await engine.transcribe(pcm, { area: 'kitchen' });
    expect(unknownArea.grammar).toBe('home');
    expect(unknownArea.text).toBe('turn on the christmas tree');
    if (elsewhere.grammar === 'area') expect(elsewhere.text).not.toContain('christmas');
    else expect(elsewhere.text).toBe('turn on the christmas tree');
  }, 60_000);

  it('the second opinion keeps a clean command, and a grammar of the sentence and its neighbours picks what was said', async () => {
    const t = await engine.transcribe(loadPcm(speak('turn off the bedside lamp')), { area: 'bedroom' });
    expect(t.text).toBe('turn off the bedside lamp');
    expect(t.alternative).toBeUndefined();
    // The mechanism itself: start against stop, with only the two sentences to choose from.
    type D = { setFsg(n: string, f: unknown): void; decode(s: string, pcm: Int16Array): Promise<{ hyp: string | null }>; free(): void };
    const addon = loadAddon<{ Decoder: new (args: string[]) => D }>('pocketsphinx');
    const d = new addon.Decoder(['-hmm', `${DEFAULT_SPHINX_MODEL}/en-us`, '-dict', `${DEFAULT_SPHINX_MODEL}/cmudict-en-us.dict`, '-logfn', '/dev/null', '-lw', '2']);
    try {
      d.setFsg('pair', sentencesFsg([['start', 'the', 'vacuum'], ['stop', 'the', 'vacuum']]));
      for (const said of ['start the vacuum', 'stop the vacuum']) {
        const pcm = loadPcm(speak(said));
        const int16 = Int16Array.from(pcm, (x) => Math.max(-32768, Math.min(32767, Math.round(x * 32768))));
        expect((await d.decode('pair', int16)).hyp).toBe(said);
      }
    } finally {
      d.free();
    }
  }, 60_000);
});
