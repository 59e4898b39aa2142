import { CliError, parseFlags, reportCliError, type CliCommand, type CliIO } from '../../cli/index.js';
import { loadConfig } from '../../config/index.js';
import { SttError } from '../errors.js';
import { findModel, loadCatalogue, type ModelEntry } from './catalogue.js';
import { progressBar, pullModel } from './download.js';
import { modelStatus, modelsDir, removeModel, verifyModel } from './store.js';

const ENV_HELP = `Environment:
  JARVIS_DATA_DIR          models live in $JARVIS_DATA_DIR/models (default ~/.local/share/jarvis/models)
  JARVIS_MODEL_CATALOGUE   a JSON array of extra or replacing catalogue entries
                           ({name, kind, file, url, size, sha256, licence, description})`;

/** Runs a models sub-command body, turning coded errors into one stderr line and an exit code. */
async function guarded(io: CliIO, command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof SttError) {
      io.stderr.write(`jarvis ${command}: ${err.message}\n`);
      return 1;
    }
    return reportCliError(err, io, command);
  }
}

/** The models directory and the catalogue in effect, from the config (`JARVIS_DATA_DIR`, `JARVIS_MODEL_CATALOGUE`, jarvis.yaml). */
function modelSettings(io: CliIO): { dir: string; catalogue: ModelEntry[] } {
  const config = loadConfig({ env: io.env });
  return { dir: modelsDir(config.dataDir), catalogue: loadCatalogue(config.modelCatalogue) };
}

function names(positionals: string[], catalogue: readonly ModelEntry[], command: string): ModelEntry[] {
  if (positionals.length === 0) throw new CliError('JARVIS_CLI_BAD_ARGUMENT', `name at least one model (jarvis ${command} --help)`);
  return positionals.map((n) => {
    try {
      return findModel(catalogue, n);
    } catch (err) {
      throw new CliError('JARVIS_CLI_BAD_ARGUMENT', (err as Error).message.replace(/^JARVIS_MODEL_UNKNOWN: /, ''));
    }
  });
}

/** `jarvis models list`: the catalogue and what is on disk. */
export const modelsListCommand: CliCommand = {
  path: ['models', 'list'],
  summary: 'list known models and which are downloaded',
  help: `Usage: jarvis models list [--json]

Lists every catalogue model (whisper ggml, GGUF) with its size, licence and whether it is in the
models directory.

Options:
  --json   one JSON object per model: {name, kind, file, size, licence, state, bytes, path}

${ENV_HELP}
`,
  async run(argv, io) {
    return guarded(io, 'models list', async () => {
      const { values } = parseFlags(argv, { json: { type: 'boolean' } }, false);
      const { dir, catalogue } = modelSettings(io);
      for (const entry of catalogue) {
        const s = modelStatus(dir, entry);
        if (values.json) {
          io.stdout.write(`${JSON.stringify({ name: entry.name, kind: entry.kind, file: entry.file, size: entry.size, licence: entry.licence, state: s.state, bytes: s.bytes, path: s.path })}\n`);
        } else {
          const mark = s.state === 'present' ? '*' : s.state === 'partial' ? '~' : ' ';
          io.stdout.write(`${mark} ${entry.name.padEnd(30)} ${entry.kind.padEnd(9)} ${(entry.size / 1e6).toFixed(1).padStart(7)} MB  ${entry.licence.padEnd(10)} ${s.state}\n`);
        }
      }
      if (!values.json) io.stdout.write(`\nmodels directory: ${dir}   (* present, ~ partial download)\n`);
      return 0;
    });
  },
};

/** `jarvis models pull NAME...`: download with progress, resume, hash check, atomic move. */
export const modelsPullCommand: CliCommand = {
  path: ['models', 'pull'],
  summary: 'download models (resumes, checks SHA-256)',
  help: `Usage: jarvis models pull NAME... [--force] [--quiet]

Downloads each model into the models directory: into NAME's file + ".part" first, resuming an
interrupted download with an HTTP range request, then checks the size and SHA-256 against the
catalogue and moves the file into place. A file that fails the check is deleted.

Options:
  --force   download again even when a verified copy is present
  --quiet   no progress bar

${ENV_HELP}
`,
  async run(argv, io) {
    return guarded(io, 'models pull', async () => {
      const { values, positionals } = parseFlags(argv, { force: { type: 'boolean' }, quiet: { type: 'boolean' } }, true);
      const { dir, catalogue } = modelSettings(io);
      const entries = names(positionals, catalogue, 'models pull');
      const tty = (io.stderr as NodeJS.WriteStream).isTTY === true;
      for (const entry of entries) {
        let lastTenth = -1;
        const result = await pullModel(dir, entry, {
          force: values.force === true,
          onProgress: (p) => {
            if (values.quiet) return;
            if (tty) io.stderr.write(`\r${entry.name} ${progressBar(p)}`);
            else {
              const tenth = Math.floor((10 * p.received) / p.total);
              if (tenth !== lastTenth) { lastTenth = tenth; io.stderr.write(`${entry.name} ${progressBar(p)}\n`); }
            }
          },
        });
        if (tty && !values.quiet) io.stderr.write('\n');
        io.stdout.write(`${entry.name}: ${result.outcome} ${result.path}\n`);
        // The model's own licence, which may not be the licence of the package it came in (DESIGN.md §6).
        io.stdout.write(`${entry.name}: licence ${entry.licence}${entry.kind === 'wake' && /NC/.test(entry.licence) ? ' (non-commercial use only; `audio.wakeEngine: enrolled` is the free alternative)' : ''}\n`);
      }
      return 0;
    });
  },
};

/** `jarvis models verify [NAME...]`: re-hash downloaded models. */
export const modelsVerifyCommand: CliCommand = {
  path: ['models', 'verify'],
  summary: 'check downloaded models against their SHA-256',
  help: `Usage: jarvis models verify [NAME...]

Checks the size and SHA-256 of each named model, or of every downloaded model when no name is given.
Exits 1 when any check fails.

${ENV_HELP}
`,
  async run(argv, io) {
    return guarded(io, 'models verify', async () => {
      const { positionals } = parseFlags(argv, {}, true);
      const { dir, catalogue } = modelSettings(io);
      const entries = positionals.length > 0 ? names(positionals, catalogue, 'models verify') : catalogue.filter((e) => modelStatus(dir, e).state !== 'absent' && modelStatus(dir, e).state !== 'partial');
      let failed = 0;
      for (const entry of entries) {
        try {
          await verifyModel(dir, entry);
          io.stdout.write(`${entry.name}: ok\n`);
        } catch (err) {
          if (!(err instanceof SttError)) throw err;
          failed++;
          io.stdout.write(`${entry.name}: FAILED ${err.message}\n`);
        }
      }
      if (entries.length === 0) io.stdout.write(`no models in ${dir}\n`);
      return failed > 0 ? 1 : 0;
    });
  },
};

/** `jarvis models rm NAME...`: delete models and partial downloads. */
export const modelsRmCommand: CliCommand = {
  path: ['models', 'rm'],
  summary: 'delete downloaded models',
  help: `Usage: jarvis models rm NAME...

Deletes each model and any partial download of it from the models directory.

${ENV_HELP}
`,
  async run(argv, io) {
    return guarded(io, 'models rm', async () => {
      const { positionals } = parseFlags(argv, {}, true);
      const { dir, catalogue } = modelSettings(io);
      for (const entry of names(positionals, catalogue, 'models rm')) {
        io.stdout.write(`${entry.name}: ${(await removeModel(dir, entry)) ? 'removed' : 'not present'}\n`);
      }
      return 0;
    });
  },
};

/** Every `jarvis models` command. */
export const modelsCommands: readonly CliCommand[] = [modelsListCommand, modelsPullCommand, modelsVerifyCommand, modelsRmCommand];
