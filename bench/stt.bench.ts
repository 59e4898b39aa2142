/**
 * Speech-to-text figures: whisper.cpp latency per model, utterance length and encoder window (2 threads),
 * the fast build against smart-whisper's plain build on the same clip, and the grammar recogniser per
 * command utterance. The whisper test models have real shapes but no weights, so the cost is real and
 * the text is empty.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { distribution, type Benchmark } from './lib.js';
import { WhisperEngine, audioContextFor } from '../hub/src/stt/whisper-engine.js';
import { whisperAddonPath } from '@jarvis/whisper';
import { GrammarEngine, DEFAULT_SPHINX_MODEL, ROUTER_GRAMMAR_MARGINS } from '../hub/src/stt/grammar/grammar-engine.js';
import { commandTemplates, expansionRules } from '../hub/src/language/templates.js';
import { MORE_CHITCHAT_PHRASES, MORE_COMMAND_PHRASES, ROUTER_COMMAND_PHRASES, SMALL_HOME, noisySpeech, sameCommand, type NoiseKind } from '../hub/test/stt/grammar/noise.js';
import { KIND_TARGETS } from '../hub/src/voice/voice-pipeline.js';
import { Tier0Router } from '../hub/src/router/tier0.js';
import { namesFromRegistry } from '../hub/src/stt/grammar/slots.js';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { CHITCHAT_PHRASES, COMMAND_PHRASES, haveSpeechTools, loadPcm, speak } from '../hub/test/stt/fixtures.js';
import { sharedModel } from '../tests/helpers/shared-models.js';

const MODELS: Record<string, string> = {
  'tiny.en': sharedModel('for-tests-ggml-tiny.en.bin'),
  'base.en': sharedModel('for-tests-ggml-base.en.bin'),
};
const REPS = Number(process.env['JARVIS_BENCH_STT_REPS'] ?? 3);

/** Speech-like audio (a voiced tone with a syllable-rate envelope and a little noise), so the non-speech gate lets it through. */
function voiced(seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * 16000));
  let seed = 7;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out[i] = 0.3 * Math.sin((2 * Math.PI * 150 * i) / 16000) * (0.5 + 0.5 * Math.sin((2 * Math.PI * 4 * i) / 16000)) + (seed / 2 ** 31 - 0.5) * 0.01;
  }
  return out;
}

interface RawAddon {
  WhisperModel: { load(path: string, gpu: boolean): Promise<{ handle: unknown; free(): Promise<void> }> };
  transcribe(h: unknown, pcm: Float32Array, p: Record<string, unknown>, done: (r: unknown) => void, progress: () => void): void;
}

/** Median ms of `reps` whisper passes through one compiled addon, with the engine's parameters. */
async function rawPassMs(addonFile: string, model: string, pcm: Float32Array, reps: number): Promise<number[]> {
  process.env['NODE_ENV'] = 'production';
  const addon = createRequire(import.meta.url)(addonFile) as RawAddon;
  const m = await addon.WhisperModel.load(model, false);
  const params = { language: 'en', n_threads: 2, strategy: 0, format: 'detail', no_context: true, suppress_blank: true, suppress_non_speech_tokens: true, temperature: 0, temperature_inc: 0, audio_ctx: audioContextFor(pcm.length) };
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await new Promise((r) => addon.transcribe(m.handle, pcm, params, r, () => undefined));
    out.push(performance.now() - t0);
  }
  await m.free();
  return out;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'stt.whisper_ms',
    async run(emit) {
      for (const [model, path] of Object.entries(MODELS)) {
        if (!existsSync(path)) { process.stderr.write(`stt.whisper_ms: ${path} is absent, ${model} skipped\n`); continue; }
        const engine = new WhisperEngine({ modelPath: path, threads: 2 });
        await engine.start();
        await engine.transcribeWith(voiced(2), {}, true); // warm-up: first pass allocates buffers
        for (const seconds of [2, 10]) {
          const pcm = voiced(seconds);
          for (const window of ['trimmed', 'full'] as const) {
            const samples: number[] = [];
            for (let i = 0; i < REPS; i++) samples.push((await engine.transcribeWith(pcm, {}, window === 'trimmed')).timings.decodeMs);
            emit(distribution(`stt.whisper_ms{model=${model}}`, 'ms', samples, { model, audio_s: seconds, window, threads: 2, audio_ctx: window === 'trimmed' ? audioContextFor(pcm.length) : 1500 }));
          }
        }
        await engine.stop();
      }
    },
  },
  {
    name: 'stt.whisper_build_speedup',
    async run(emit) {
      const plain = fileURLToPath(new URL('../node_modules/smart-whisper/build/Release/smart-whisper.node', import.meta.url));
      const fast = whisperAddonPath();
      const model = MODELS['tiny.en']!;
      if (!existsSync(plain) || !existsSync(fast) || !existsSync(model)) {
        process.stderr.write(`stt.whisper_build_speedup: needs ${plain}, ${fast} and ${model}\n`);
        return;
      }
      const pcm = voiced(2);
      await rawPassMs(fast, model, pcm, 1);
      const fastMs = (await rawPassMs(fast, model, pcm, REPS)).sort((a, b) => a - b);
      const plainMs = (await rawPassMs(plain, model, pcm, REPS)).sort((a, b) => a - b);
      const median = (xs: number[]): number => xs[Math.floor(xs.length / 2)]!;
      emit({
        name: 'stt.whisper_build_speedup', value: Math.round((median(plainMs) / median(fastMs)) * 100) / 100, unit: 'x',
        model: 'tiny.en', audio_s: 2, window: 'trimmed', threads: 2, fast_ms: Math.round(median(fastMs)), plain_ms: Math.round(median(plainMs)), n: REPS,
      });
    },
  },
  {
    name: 'stt.grammar_ms',
    async run(emit) {
      if (!existsSync(`${DEFAULT_SPHINX_MODEL}/en-us/mdef`) || !haveSpeechTools()) {
        process.stderr.write('stt.grammar_ms: needs pocketsphinx-en-us, espeak-ng and sox\n');
        return;
      }
      const names = namesFromRegistry(loadRegistrySnapshot(fileURLToPath(new URL('../tests/fixtures/registry/home.json', import.meta.url))));
      const clips = COMMAND_PHRASES.map((p) => loadPcm(speak(p)));
      const loads: number[] = [];
      const per: number[] = [];
      for (let rep = 0; rep < REPS; rep++) {
        const t0 = performance.now();
        const engine = new GrammarEngine({ names });
        await engine.start();
        loads.push(performance.now() - t0);
        for (const pcm of clips) per.push((await engine.transcribe(pcm)).timings.decodeMs);
        await engine.stop();
      }
      emit(distribution('stt.grammar_ms', 'ms', per, { what: 'per command utterance (grammar + phone-loop pass)', grammar: 'fixture home', utterances: clips.length }));
      emit(distribution('stt.grammar_load_ms', 'ms', loads, { what: 'decoder init + grammar compile (fixture home)' }));
    },
  },
  {
    name: 'stt.grammar_accuracy',
    async run(emit) {
      if (!existsSync(`${DEFAULT_SPHINX_MODEL}/en-us/mdef`) || !haveSpeechTools()) {
        process.stderr.write('stt.grammar_accuracy: needs pocketsphinx-en-us, espeak-ng and sox\n');
        return;
      }
      // Every command and chit-chat fixture, padded like a hub segment (300 ms each side), clean and in
      // white, pink and babble noise. accept = commands accepted as what was said; wrong = accepted as
      // something else; false_accept = chit-chat accepted as a command. The small grammar compares text (up
      // to articles); the router grammar compares what tier 0 would do (intent, numbers, targets) from the
      // kitchen, so "kitchen light" for "kitchen lights" is no error but "fifteen" for "fifty" is.
      const chitchat = [...CHITCHAT_PHRASES, ...MORE_CHITCHAT_PHRASES];
      const snapshot = loadRegistrySnapshot(fileURLToPath(new URL('../tests/fixtures/registry/home.json', import.meta.url)));
      const names = namesFromRegistry(snapshot);
      const router = new Tier0Router(snapshot);
      const action = (text: string): string => {
        const d = router.route(text, { area: 'Kitchen' });
        const { name: _name, area: _area, domain: _domain, ...rest } = d.slots as Record<string, unknown>;
        return JSON.stringify([d.intent, rest, d.targets]);
      };
      const grammars = [
        {
          grammar: 'small home, default templates', commands: [...COMMAND_PHRASES, ...MORE_COMMAND_PHRASES] as string[], same: sameCommand,
          conditions: [['clean', null], ...(['white', 'pink', 'babble'] as const).flatMap((k) => [20, 10, 5].map((snr) => [k, snr] as [NoiseKind, number]))] as [NoiseKind | 'clean', number | null][],
          create: () => new GrammarEngine({ names: SMALL_HOME }),
        },
        {
          // As the hub runs it: the router's templates, the home's names plus bare kind words ("the lights").
          grammar: 'fixture home, router templates', commands: [...ROUTER_COMMAND_PHRASES] as string[], same: (text: string, spoken: string) => action(text) === action(spoken),
          conditions: [['clean', null], ['pink', 20], ['pink', 15], ['pink', 10], ['white', 20], ['white', 10], ['babble', 20], ['babble', 10]] as [NoiseKind | 'clean', number | null][],
          create: () => new GrammarEngine({ names: { ...names, entities: [...names.entities, ...KIND_TARGETS] }, templates: commandTemplates, rules: expansionRules, minMargin: ROUTER_GRAMMAR_MARGINS }),
        },
      ];
      // JARVIS_BENCH_GRAMMAR=small|router runs one of the two.
      const only = process.env['JARVIS_BENCH_GRAMMAR'];
      for (const { grammar, commands, same, conditions, create } of grammars.filter((g) => !only || g.grammar.includes(only))) {
        const engine = create();
        await engine.start();
        for (const [noise, snr] of conditions) {
          let accept = 0;
          let wrong = 0;
          let falseAccept = 0;
          for (const phrase of commands) {
            const t = await engine.transcribe(noisySpeech(phrase, noise === 'clean' ? 'white' : noise, snr));
            if (t.text !== '') { if (same(t.text, phrase)) accept++; else wrong++; }
          }
          for (const phrase of chitchat) if ((await engine.transcribe(noisySpeech(phrase, noise === 'clean' ? 'white' : noise, snr))).text !== '') falseAccept++;
          emit({
            name: 'stt.grammar_accuracy', value: Math.round((accept / commands.length) * 1000) / 1000, unit: 'ratio', grammar, noise, snr,
            accept: `${accept}/${commands.length}`, wrong, false_accept: `${falseAccept}/${chitchat.length}`,
          });
        }
        await engine.stop();
      }
    },
  },
];
