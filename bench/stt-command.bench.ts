/**
 * `stt.command_accuracy`: the command recogniser as the hub runs it (PocketSphinx on the router's templates ×
 * the home's names, the hub's thresholds, audio as the segmenter hands it over) on the spoken matrix of the
 * voice split's TEST half: test-b's sentences in home-b, spoken by voices never tuned on
 * (tests/fixtures/voice/matrix.ts). Every sentence once clean and once in a random noise condition.
 *
 * A command is right when tier 0, given the recognised text and the annotated device area, takes the
 * annotated action (intent + key slots, bench/language-eval.ts). Reported per condition and per SNR:
 * right, declined (left to whisper), opposite and wrong-target actions, other wrong actions, chit-chat
 * accepted, and the text ceiling (how many of the same sentences tier 0 gets right from the true text).
 * Open-vocabulary commands (list items, media queries, broadcasts, timer names) are reported apart.
 *
 * JARVIS_BENCH_STT_SIDE=tune runs the tuning half instead (labelled tuned_on: true; not a result).
 * JARVIS_BENCH_STT_EVERY=n keeps every n-th sentence (default 1).
 * JARVIS_BENCH_STT_GRAMMAR=before runs the grammar as it was before issue 14's tuning (no second opinion, any target
 * for any template, the router's rule spellings and articles) for a before/after on the same audio.
 * JARVIS_BENCH_STT_ACOUSTIC=DIR decodes with the adapted acoustic model in DIR (scripts/adapt-acoustic-model.ts --out DIR;
 * JARVIS_BENCH_STT_ACOUSTIC_USE=mllr|map picks one of its fits); the figures' `data` names it.
 * What the recogniser hears is what the hub's voice pipeline hands it for the same model (`commandAudioSource`, config
 * `stt.commandAudio`, default `auto`): RNNoise's output with an adapted model, the raw audio with CMU's. The denoised audio is
 * made by the hub's own function (`denoiseUtterance`: a fresh RNNoise state at the command's first sample, sample for
 * sample what the pipeline's `CommandDenoiser` feeds a streamed command and its denoise thread a command decoded whole).
 * JARVIS_BENCH_STT_COMMAND_AUDIO=raw|denoised|auto overrides it as the config key would (JARVIS_BENCH_STT_DENOISE=1|0, the
 * older switch, still means denoised|raw); `data` says which, and the decode times leave the denoising out. The hearing
 * policy bands by the SNR estimate of the raw audio (`UtteranceRecord.snrEstimate`), as the pipeline does.
 */
import { existsSync } from 'node:fs';
import { denoiseUtterance } from '../hub/src/audio/dsp/denoise.js';
import { DEFAULT_SPHINX_MODEL, GrammarEngine } from '../hub/src/stt/grammar/grammar-engine.js';
import { commandGrammar } from '../hub/src/stt/command-grammar.js';
import { commandAudioSource, KIND_TARGETS } from '../hub/src/voice/voice-pipeline.js';
import { namesFromRegistry } from '../hub/src/stt/grammar/slots.js';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { fixtureToolsAvailable } from '../tests/fixtures/audio/index.js';
import { sideSources, type Side } from '../tests/fixtures/voice/matrix.js';
import { runMatrix, saveRecords, tally, type UtteranceRecord } from './stt-command-eval.js';
import { distribution, type Benchmark, type Figure } from './lib.js';
import { policyFigures } from './hearing-policy.js';
import { BASE_ACOUSTIC_MODEL, acousticGrammarOptions, readAdaptation, type AdaptationMethod } from '../hub/src/stt/acoustic/adapted-model.js';

const ratio = (a: number, b: number): number => (b === 0 ? 0 : Math.round((a / b) * 10_000) / 10_000);

function figure(side: Side, condition: string, records: readonly UtteranceRecord[], vocabulary: 'closed' | 'open'): Figure {
  const t = tally(records);
  const wrong = t.opposite + t.wrongTarget + t.wrongOther;
  return {
    name: 'stt.command_accuracy', value: ratio(t.right, t.commands), unit: 'ratio', side, tuned_on: side === 'tune', condition, vocabulary,
    right: `${t.right}/${t.commands}`, declined: t.declined, accepted: t.accepted,
    wrong_among_accepted: ratio(wrong, t.accepted), opposite_or_wrong_target_among_accepted: ratio(t.opposite + t.wrongTarget, t.accepted),
    opposite: t.opposite, wrong_target: t.wrongTarget, wrong_other: t.wrongOther,
    chitchat_accepted: `${t.chitchatAccepted}/${t.chitchat}`, chitchat_accepted_ratio: ratio(t.chitchatAccepted, t.chitchat),
    text_ceiling: `${t.textRight}/${t.commands}`,
    // The recogniser's ceiling: commands whose text is a sentence of the grammar it searched at all.
    in_grammar: `${t.inGrammar}/${t.commands}`,
  };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'stt.command_accuracy',
    async run(emit) {
      if (!existsSync(`${DEFAULT_SPHINX_MODEL}/en-us/mdef`) || !fixtureToolsAvailable()) {
        process.stderr.write('stt.command_accuracy: needs pocketsphinx-en-us, espeak-ng and sox\n');
        return;
      }
      const side = (process.env['JARVIS_BENCH_STT_SIDE'] === 'tune' ? 'tune' : 'test') as Side;
      const names = namesFromRegistry(loadRegistrySnapshot(sideSources(side).home));
      // As main.ts and the voice pipeline build it: the command grammar, the home's names and bare kind words; the
      // annotated device area is handed over as the pipeline hands the device's (per-area grammars are off by default).
      const before = process.env['JARVIS_BENCH_STT_GRAMMAR'] === 'before';
      const acousticDir = process.env['JARVIS_BENCH_STT_ACOUSTIC'];
      const acoustic = acousticDir ? readAdaptation(acousticDir, process.env['JARVIS_BENCH_STT_ACOUSTIC_USE'] as AdaptationMethod | undefined) : BASE_ACOUSTIC_MODEL;
      if (!acoustic) throw new Error(`JARVIS_BENCH_STT_ACOUSTIC=${acousticDir} holds no usable adaptation`);
      const legacy = process.env['JARVIS_BENCH_STT_DENOISE'];
      const setting = process.env['JARVIS_BENCH_STT_COMMAND_AUDIO'] ?? (legacy === '1' ? 'denoised' : legacy === '0' ? 'raw' : 'auto');
      if (setting !== 'auto' && setting !== 'raw' && setting !== 'denoised') throw new Error(`JARVIS_BENCH_STT_COMMAND_AUDIO=${setting}: expected auto, raw or denoised`);
      const denoise = commandAudioSource(setting, acoustic.adapted) === 'denoised';
      const engine = new GrammarEngine({
        ...acousticGrammarOptions(acoustic),
        names: { ...names, entities: [...names.entities, ...KIND_TARGETS] }, ...commandGrammar({ speech: !before }),
        ...(before ? { domainTargets: false, secondOpinion: false, targetForms: {} } : {}),
      });
      await engine.start();
      let records: UtteranceRecord[];
      try {
        const started = performance.now();
        records = await runMatrix(side, { transcribe: async (pcm, context) => engine.transcribe(denoise ? await denoiseUtterance(pcm) : pcm, context), inGrammar: (text) => engine.inGrammar(text) }, {
          every: Number(process.env['JARVIS_BENCH_STT_EVERY'] ?? 1),
          noisyPerSentence: 1,
          onProgress: (done, total) => { if (done % 100 === 0) process.stderr.write(`stt.command_accuracy: ${done}/${total} (${Math.round((performance.now() - started) / 1000)} s)\n`); },
        });
      } finally {
        await engine.stop();
      }
      process.stderr.write(`stt.command_accuracy: records in ${saveRecords(`bench-${side}${before ? '-before' : ''}${acoustic.adapted ? `-ac${acousticDir!.split('/').filter(Boolean).pop()}${process.env['JARVIS_BENCH_STT_ACOUSTIC_USE'] ?? ''}` : ''}${denoise ? '-dn' : ''}`, records)}\n`);
      const data = `${before ? 'grammar before issue-14 tuning; ' : ''}${denoise ? 'recogniser fed the RNNoise output (fresh state per command, as the hub); ' : 'recogniser fed the raw audio; '}${acoustic.adapted ? `acoustic model ${acoustic.label}; ` : ''}${sideSources(side).sentences.replace(/.*tests\/fixtures\//, '')} in ${sideSources(side).home.replace(/.*tests\/fixtures\//, '')}, voices of the ${side} half of tests/fixtures/voice/split.json`;
      const closed = records.filter((r) => !r.openVocabulary);
      const groups: Array<[string, (r: UtteranceRecord) => boolean]> = [
        ['all', () => true],
        ['clean', (r) => r.noise === 'clean'],
        ...[20, 10, 5, 0].map((snr): [string, (r: UtteranceRecord) => boolean] => [`${snr}dB`, (r) => r.snrDb === snr]),
        ...['pink', 'brown', 'babble', 'white'].flatMap((n) => [20, 10, 5, 0].map((snr): [string, (r: UtteranceRecord) => boolean] => [`${n}${snr}`, (r) => r.noise === n && r.snrDb === snr])),
      ];
      for (const [condition, keep] of groups) emit({ ...figure(side, condition, closed.filter(keep), 'closed'), data });
      // The same records with the hub's hearing policy (act when sure, ask "Did you say …?" when unsure, drop the rest).
      for (const f of policyFigures(side, groups, records, data)) emit(f);
      const open = records.filter((r) => r.openVocabulary);
      for (const [condition, keep] of groups.slice(0, 2)) emit({ ...figure(side, condition, open.filter(keep), 'open'), data });
      emit(distribution('stt.command_decode_ms', 'ms', records.map((r) => r.decodeMs), { side, what: 'grammar + phone-loop pass per utterance of the matrix', data }));
    },
  },
];
