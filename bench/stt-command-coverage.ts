/**
 * Which commands of the TUNE half are sentences of the speech grammar at all (never the test half): a command that
 * is not cannot be recognised right whatever the thresholds. No audio, no decoder: the grammar is compiled as the
 * engine compiles it (`grammarSource` of the speech `commandGrammar` × the tune home's names and kind words) and the
 * annotated text walked through its automaton. For each command outside it, a hint of why: whether it is a sentence
 * with any target for any template (`domains`), with the loose `weak` templates (`weak`), and how far it gets.
 *
 *   JARVIS_TUNE_EVERY=6 npx tsx bench/stt-command-coverage.ts        # the sentences the tune bench speaks
 *   JARVIS_TUNE_EVERY=1 npx tsx bench/stt-command-coverage.ts        # every tune-a sentence
 *
 * `JARVIS_TUNE_SPEECH=0`, `JARVIS_TUNE_DOMAINS=0`, `JARVIS_TUNE_POLITE=0`, `JARVIS_TUNE_HEY=1`, `JARVIS_TUNE_ONOFF=…`, `JARVIS_TUNE_FORMS=…` as in bench/stt-command-tune.ts.
 */
import { compileGrammar } from '../hub/src/language/compile-grammar.js';
import { FsgWalker } from '../hub/src/language/fsg.js';
import { commandTemplates } from '../hub/src/language/templates.js';
import { spokenWords } from '../hub/src/language/words.js';
import { grammarSource } from '../hub/src/stt/grammar/grammar-engine.js';
import { commandGrammar, type SpeechOnOff } from '../hub/src/stt/command-grammar.js';
import { namesFromRegistry, type TargetForms } from '../hub/src/stt/grammar/slots.js';
import { KIND_TARGETS } from '../hub/src/voice/voice-pipeline.js';
import { loadRegistrySnapshot } from '../hub/src/home-assistant/registry-snapshot.js';
import { commandMatrix, sideSources } from '../tests/fixtures/voice/matrix.js';

const every = Number(process.env['JARVIS_TUNE_EVERY'] ?? 6);
const speech = process.env['JARVIS_TUNE_SPEECH'] !== '0';
const domains = process.env['JARVIS_TUNE_DOMAINS'] !== '0';
const polite = process.env['JARVIS_TUNE_POLITE'] !== '0';
const hey = process.env['JARVIS_TUNE_HEY'] === '1';
// Unset: the shipped default (DEFAULT_SPEECH_ON_OFF); `off`, `names` or `places` to pick.
const onOffEnv = process.env['JARVIS_TUNE_ONOFF'];
const onOff = (onOffEnv === undefined ? undefined : ['names', 'places'].includes(onOffEnv) ? onOffEnv : false) as SpeechOnOff | undefined;
const formsEnv = process.env['JARVIS_TUNE_FORMS'];
const grammarOptions = commandGrammar({ speech, polite, hey, ...(onOff === undefined ? {} : { onOff }) });
const targetForms: TargetForms = formsEnv === undefined ? (grammarOptions.targetForms ?? {}) : Object.fromEntries(formsEnv.split(',').filter(Boolean).map((f) => [f, true]));

const registry = namesFromRegistry(loadRegistrySnapshot(sideSources('tune').home));
const names = { ...registry, entities: [...registry.entities, ...KIND_TARGETS] };
const shipped = { ...grammarOptions, targetForms };
const t0 = performance.now();
const main = compileGrammar(grammarSource({ ...shipped, domainTargets: domains }, names));
const compileMs = Math.round(performance.now() - t0);
const anyTarget = new FsgWalker(compileGrammar(grammarSource({ ...shipped, domainTargets: false }, names)).fsg);
const withWeak = new FsgWalker(compileGrammar(grammarSource({ ...shipped, templates: commandTemplates.map((t) => ({ ...t, sentences: t.sentences.map((x) => (polite ? `[<polite_before>] (${x}) [<polite_after>]` : x)) })), domainTargets: domains }, names)).fsg);
const walker = new FsgWalker(main.fsg);

/** How many leading words are the start of some sentence. */
function prefix(w: FsgWalker, words: readonly string[], start: number): number {
  let at = new Set([start]);
  for (let i = 0; i < words.length; i++) {
    const to = new Set<number>();
    for (const s of at) for (const t of w.arcsFrom(s).get(words[i]!) ?? []) to.add(t);
    if (to.size === 0) return i;
    at = to;
  }
  return words.length;
}

// One entry per sentence (the clean item), closed-vocabulary commands only.
const items = commandMatrix('tune', { every, noisyPerSentence: 0 }).filter((it) => it.sentence.intent !== null && !it.openVocabulary);
let inside = 0;
const misses: string[] = [];
for (const it of items) {
  const words = spokenWords(it.sentence.text);
  if (walker.continues(words) !== undefined) { inside++; continue; }
  const hints = [anyTarget.continues(words) !== undefined ? 'domains' : '', withWeak.continues(words) !== undefined ? 'weak' : ''].filter(Boolean);
  const n = prefix(walker, words, main.fsg.start);
  misses.push(`${it.sentence.intent}\t${hints.join(',') || '-'}\t${words.slice(0, n).join(' ')} ‖ ${words.slice(n).join(' ')}`);
}
process.stdout.write(`tune-a every ${every}${speech ? '' : ' router spellings'}${domains ? '' : ' any target'}${polite ? ' polite' : ''}${hey ? ' hey' : ''}${onOff ? ` on/off ${onOff}` : ''} forms ${JSON.stringify(targetForms)}: in grammar ${inside}/${items.length} closed-vocabulary commands; grammar ${main.sentences} sentences, ${main.fsg.states} states, ${main.skipped.length} skipped, compiled in ${compileMs} ms\n`);
for (const m of misses.sort()) process.stdout.write(`${m}\n`);
