import { existsSync, readFileSync } from 'node:fs';
import { whisperBuildSummary } from '@jarvis/whisper';
import { basename } from 'node:path';
import { CliError, parseFlags, reportCliError, type CliCommand } from '../cli/index.js';
import { loadRegistrySnapshot } from '../home-assistant/index.js';
import { loadConfig } from '../config/index.js';
import { DEFAULT_WHISPER_MODEL } from '../config/index.js';
import { findModel, loadCatalogue } from './models/catalogue.js';
import { modelPath, modelsDir } from './models/store.js';
import type { SttEngine, Transcript } from './engine.js';
import { SttError } from './errors.js';
import { GrammarEngine } from './grammar/grammar-engine.js';
import { commandGrammar } from './command-grammar.js';
import { namesFromRegistry, type GrammarNames } from './grammar/slots.js';
import { raceCommand } from './racer.js';
import { toSttRate, decodeWav } from './wav.js';
import { WhisperEngine } from './whisper-engine.js';

const ENGINES = ['whisper', 'grammar', 'auto'] as const;
type EngineChoice = (typeof ENGINES)[number];

const HELP = `Usage: jarvis transcribe FILE.wav... [--engine whisper|grammar|auto] [--registry FILE] [--json]
                         [--model NAME|PATH] [--threads N]

Transcribes WAV files (16-bit PCM, any rate, mono or stereo) the way the hub hears them. The models
load once for all files.

Options:
  --engine E       whisper (default), grammar (PocketSphinx constrained to the command grammar), or
                   auto (both race: a confident grammar result wins, else whisper's text)
  --registry FILE  registry snapshot (jarvis ha snapshot) whose entity, area and floor names build
                   the grammar and whisper's prompt
  --json           one JSON line per file, in input order: {file, text, confidence, engine, ms};
                   empty text when rejected; {file, error} for a file that cannot be read
  --model M        whisper model: a catalogue name (default ${DEFAULT_WHISPER_MODEL}, as the hub) or a path to a ggml file
  --threads N      whisper threads (default 2)

Models live in $JARVIS_DATA_DIR/models; \`jarvis models pull base.en\` fetches the default.
`;

/** The whisper build this CLI transcribes with (whisper.cpp release, SIMD flags, threading). */
function whisperBuildLine(): string {
  try {
    return `whisper build: ${whisperBuildSummary()}`;
  } catch (err) {
    return `whisper build: none (${(err as Error).message})`;
  }
}

function resolveWhisperModel(spec: string, env: NodeJS.ProcessEnv): { path: string; name: string } {
  if (spec.includes('/') || spec.endsWith('.bin')) return { path: spec, name: basename(spec) };
  const config = loadConfig({ env });
  const entry = findModel(loadCatalogue(config.modelCatalogue), spec);
  return { path: modelPath(modelsDir(config.dataDir), entry), name: entry.name };
}

function loadNames(file: string | undefined): GrammarNames {
  if (!file) return { entities: [], areas: [], floors: [] };
  if (!existsSync(file)) throw new SttError('JARVIS_STT_BAD_REGISTRY', `registry snapshot ${file} does not exist`);
  try {
    return namesFromRegistry(loadRegistrySnapshot(file));
  } catch (err) {
    throw new SttError('JARVIS_STT_BAD_REGISTRY', (err as Error).message, { cause: err });
  }
}

/** `jarvis transcribe`: what the hub hears in WAV files, with either engine or both racing. */
export const transcribeCommand: CliCommand = {
  path: ['transcribe'],
  summary: 'transcribe WAV files with whisper, the command grammar, or both',
  get help() {
    return `${HELP}\n${whisperBuildLine()}\n`;
  },
  async run(argv, io) {
    const engines: SttEngine[] = [];
    try {
      const { values, positionals } = parseFlags(argv, {
        engine: { type: 'string' }, registry: { type: 'string' }, json: { type: 'boolean' }, model: { type: 'string' }, threads: { type: 'string' },
      }, true);
      const choice = (values.engine ?? 'whisper') as EngineChoice;
      if (!ENGINES.includes(choice)) throw new CliError('JARVIS_CLI_BAD_FLAG', `--engine must be one of ${ENGINES.join(', ')}, not "${values.engine}"`);
      const threads = values.threads === undefined ? 2 : Number(values.threads);
      if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new CliError('JARVIS_CLI_BAD_FLAG', `--threads must be a whole number 1..64, not "${values.threads}"`);
      if (positionals.length === 0) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', 'name at least one WAV file (jarvis transcribe --help)');
      const names = loadNames(values.registry);
      const vocabulary = [...names.entities, ...names.areas, ...names.floors];
      let whisper: WhisperEngine | undefined;
      let grammar: GrammarEngine | undefined;
      if (choice !== 'grammar') {
        const model = resolveWhisperModel(values.model ?? DEFAULT_WHISPER_MODEL, io.env);
        whisper = new WhisperEngine({ modelPath: model.path, modelName: model.name, threads, vocabulary });
        engines.push(whisper);
      }
      if (choice !== 'whisper') {
        // The router's templates: what the grammar accepts is exactly what tier 0 understands.
        grammar = new GrammarEngine({ names, ...commandGrammar() });
        engines.push(grammar);
      }
      for (const e of engines) await e.start();
      let failed = 0;
      for (const file of positionals) {
        const t0 = performance.now();
        let result: Transcript;
        try {
          const pcm = toSttRate(decodeWav(readFileSync(file)));
          if (grammar && whisper) result = (await raceCommand(pcm, { grammar, whisper: (p, o) => whisper.transcribe(p, o) })).transcript;
          else result = await (grammar ?? whisper)!.transcribe(pcm);
        } catch (err) {
          failed++;
          const code = err instanceof SttError ? err.code : (err as NodeJS.ErrnoException).code ?? 'JARVIS_STT_BAD_WAV';
          const message = err instanceof Error ? err.message : String(err);
          if (values.json) io.stdout.write(`${JSON.stringify({ file, error: { code, message } })}\n`);
          else io.stderr.write(`jarvis transcribe: ${file}: ${message}\n`);
          continue;
        }
        const ms = Math.round(performance.now() - t0);
        if (values.json) io.stdout.write(`${JSON.stringify({ file, text: result.text, confidence: Number(result.confidence.toFixed(3)), engine: result.engine, ms })}\n`);
        else io.stdout.write(`${file}: ${result.text === '' ? `(nothing${result.rejected ? `: ${result.rejected}` : ''})` : result.text}   [${result.engine}, ${result.confidence.toFixed(2)}, ${ms} ms]\n`);
      }
      return failed > 0 ? 1 : 0;
    } catch (err) {
      if (err instanceof SttError) {
        io.stderr.write(`jarvis transcribe: ${err.message}\n`);
        // An unknown model name is a usage error; a missing file or engine is a state the user fixes.
        return err.code === 'JARVIS_MODEL_UNKNOWN' ? 2 : 1;
      }
      return reportCliError(err, io, 'transcribe');
    } finally {
      for (const e of engines) await e.stop();
    }
  },
};
