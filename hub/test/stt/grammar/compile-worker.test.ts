/**
 * Grammar compilation off the main thread (issue 14): `compileGrammar` is seconds of JavaScript, and on the event loop
 * it stalled audio ingest on every registry change. The compile thread gives the same grammar, the same coded error for
 * a bad template, and the event loop keeps running while the engine rebuilds.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GrammarCompiler } from '../../../src/stt/grammar/compile-worker.js';
import { DEFAULT_SPHINX_MODEL, GrammarEngine, grammarSource } from '../../../src/stt/grammar/grammar-engine.js';
import { namesFromRegistry, type GrammarNames } from '../../../src/stt/grammar/slots.js';
import { commandGrammar } from '../../../src/stt/command-grammar.js';
import { compileGrammar, TemplateError } from '../../../src/language/index.js';
import { loadRegistrySnapshot } from '../../../src/home-assistant/registry-snapshot.js';
import { KIND_TARGETS } from '../../../src/voice/voice-pipeline.js';
import { SttError } from '../../../src/stt/errors.js';

const haveModel = existsSync(`${DEFAULT_SPHINX_MODEL}/en-us/mdef`);
const home = namesFromRegistry(loadRegistrySnapshot(new URL('../../../../tests/fixtures/registry/home.json', import.meta.url).pathname));
const names: GrammarNames = { ...home, entities: [...home.entities, ...KIND_TARGETS] };

describe('GrammarCompiler (worker thread)', () => {
  it('compiles the same grammar as compileGrammar, and rejects a bad template with the language part\'s coded error', async () => {
    const compiler = new GrammarCompiler();
    try {
      const source = grammarSource(commandGrammar(), names);
      const [there, here] = [await compiler.compile(source), compileGrammar(source)];
      expect(compiler.offThread).toBe(true);
      expect(there.fsg).toEqual(here.fsg);
      expect([...there.words].sort()).toEqual([...here.words].sort());
      expect(there.sentences).toBe(here.sentences);
      const bad = compiler.compile({ ...source, templates: [{ sentences: ['turn (on|off the {target}'] }] });
      await expect(bad).rejects.toBeInstanceOf(TemplateError);
      await expect(bad).rejects.toMatchObject({ code: 'JARVIS_STT_BAD_GRAMMAR', message: expect.not.stringMatching(/JARVIS_STT_BAD_GRAMMAR: JARVIS_STT_BAD_GRAMMAR/) });
    } finally {
      await compiler.close();
    }
  }, 60_000);
});

/** The longest the event loop went without running a 5 ms timer while `work` ran. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  try {
    await work();
    worst = Math.max(worst, performance.now() - last);
  } finally {
    clearInterval(timer);
  }
  return worst;
}

describe('compiling the hub\'s speech grammar', () => {
  it('on the thread, the event loop keeps running: its longest stall is a small part of the compile', async () => {
    const source = grammarSource(commandGrammar(), names);
    const compiler = new GrammarCompiler();
    try {
      await compiler.compile(source); // the thread's start and module loading
      // Three compiles in a row, so the work stays well over the 300 ms the check needs on a fast idle box too (one
      // compile took 298 ms there: the precondition, not the thread, failed).
      const started = performance.now();
      const stall = await longestStall(async () => {
        for (let i = 0; i < 3; i++) await compiler.compile(source);
      });
      const took = performance.now() - started;
      const inlineStarted = performance.now();
      for (let i = 0; i < 3; i++) compileGrammar(source);
      const inline = performance.now() - inlineStarted;
      // Measured: a compile takes ~0.3–1.5 s either way; the loop's longest stall on the thread is tens of ms
      // (receiving the automaton), inline it is the whole work.
      expect(inline).toBeGreaterThan(300);
      expect(stall).toBeLessThan(Math.min(took, inline) / 3);
    } finally {
      await compiler.close();
    }
  }, 120_000);
});

describe.skipIf(!haveModel)('GrammarEngine rebuild', () => {
  it('keeps the event loop running while it rebuilds: a third of the inline compile\'s stall at most', async () => {
    const smaller: GrammarNames = { ...names, entities: names.entities.slice(0, -3) };
    const stalls: Record<string, number> = {};
    for (const offThread of [true, false]) {
      const engine = new GrammarEngine({ names, ...commandGrammar(), compileOffThread: offThread });
      await engine.start();
      try {
        await engine.setNames(smaller);
        stalls[offThread ? 'thread' : 'inline'] = await longestStall(() => engine.setNames(names));
        process.stderr.write(`rebuild, compile ${offThread ? 'on the thread' : 'inline'}: longest event-loop stall ${Math.round(stalls[offThread ? 'thread' : 'inline']!)} ms\n`);
        expect(engine.report?.states).toBeGreaterThan(1000);
      } finally {
        await engine.stop();
      }
    }
    // Inline the loop stands still for the compile (~1 s); on the thread, with the search built on the thread pool
    // (loadFsg), only short pieces remain (the dictionary look-ups, receiving the automaton, the walker).
    expect(stalls['thread']! * 3).toBeLessThan(stalls['inline']!);
  }, 180_000);

  it('a template the compiler rejects fails the start with the engine\'s JARVIS_STT_BAD_GRAMMAR, as the inline compile did', async () => {
    const engine = new GrammarEngine({ names: { entities: ['Lamp'], areas: [], floors: [] }, templates: [{ sentences: ['turn (on|off the {target}'] }] });
    try {
      await expect(engine.start()).rejects.toSatisfy((err: unknown) => err instanceof SttError && err.code === 'JARVIS_STT_BAD_GRAMMAR');
    } finally {
      await engine.stop();
    }
  }, 60_000);
});
