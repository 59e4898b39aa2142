import { parseArgs } from 'node:util';
import type { CliCommand, CliIO } from '../cli/index.js';
import { ObserverError } from './errors.js';
import { loadLearnedReader } from './learned-reader.js';
import type { Extractor } from './observer.js';
import { observeTranscript, parseTranscript } from './transcript.js';

const EXTRACTORS = ['clauses', 'learned', 'rules'] as const;
interface ReadSettings {
  extractor: Extractor;
  weightsPath?: string;
}
import { assertTimeZone, localIsoDate, parseInstant } from './zoned-time.js';

const HELP = `Usage: jarvis observe [--now ISO] [--tz ZONE] [--jsonl] [--extractor NAME] [--weights PATH]

Reads a transcript on stdin and prints the to-dos the observer would write down.

Without --jsonl: stdin is lines "SPEAKER: text" (USER is the wearer); prints {"todos":[...]} with
text, due (ISO date or null), dueAt (ISO time when a time of day was said), kind and evidence.
With --jsonl: each stdin line is {"id","transcript","reference_time"}; each output line is
{"id","todos":[{"text","due"}]}.

  --now ISO    when the transcript was said (default: now; in --jsonl, for lines without reference_time)
  --tz ZONE    IANA time zone for due dates (default: JARVIS_TZ, TZ, or the system zone)
  --jsonl      read and write JSON lines
  --extractor NAME  clauses (default: the clause reader), learned (the clause reader with the learned
               stage) or rules (the older string rules)
  --weights PATH    the learned stage's weights file (needed by it; none is shipped: make one with
                    npx tsx scripts/train-todo-classifier.ts --out PATH; implies --extractor learned)
  --help       show this text

Malformed lines give an error line with a code (JARVIS_OBSERVER_BAD_LINE, _BAD_JSON, _BAD_RECORD,
_BAD_TIME) and the rest is still processed; the exit code is then 1. Bad flags exit with 2, and so
does a missing or malformed weights file with --extractor learned (JARVIS_OBSERVER_BAD_WEIGHTS).`;

function write(stream: NodeJS.WritableStream, line: string): void {
  stream.write(`${line}\n`);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function errorLine(code: string, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...extra, error: { code, message } });
}

/** `jarvis observe`: runs the observer over a written transcript (for trying rules and for evaluation). */
export const observeCommand: CliCommand = {
  path: ['observe'],
  summary: 'print the to-dos the observer hears in a transcript on stdin',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    let values: { now?: string; tz?: string; jsonl?: boolean; help?: boolean; extractor?: string; weights?: string };
    try {
      ({ values } = parseArgs({
        args: argv,
        strict: true,
        allowPositionals: false,
        options: { now: { type: 'string' }, tz: { type: 'string' }, jsonl: { type: 'boolean' }, help: { type: 'boolean' }, extractor: { type: 'string' }, weights: { type: 'string' } },
      }));
    } catch (err) {
      write(io.stderr, `jarvis observe: ${err instanceof Error ? err.message : String(err)} (JARVIS_CLI_BAD_ARGS)\n${HELP}`);
      return 2;
    }
    if (values.help) {
      write(io.stdout, HELP);
      return 0;
    }
    const timeZone = values.tz ?? io.env.JARVIS_TZ ?? io.env.TZ ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    const extractor = values.extractor ?? (values.weights !== undefined ? 'learned' : 'clauses');
    if (!(EXTRACTORS as readonly string[]).includes(extractor)) {
      write(io.stderr, `jarvis observe: --extractor must be one of ${EXTRACTORS.join(', ')} (JARVIS_CLI_BAD_ARGS)\n${HELP}`);
      return 2;
    }
    const read: ReadSettings = { extractor: extractor as Extractor, ...(values.weights !== undefined ? { weightsPath: values.weights } : {}) };
    let now: number;
    try {
      assertTimeZone(timeZone);
      // A learned stage asked for on the command line must load: no silent fallback here.
      if (read.extractor === 'learned') loadLearnedReader(read.weightsPath);
      now = values.now === undefined ? Date.now() : parseInstant(values.now, '--now');
    } catch (err) {
      const e = err as ObserverError;
      write(io.stderr, `jarvis observe: ${e.message} (${e.code})`);
      return 2;
    }
    const input = await readAll(io.stdin);
    return values.jsonl ? runJsonl(input, now, timeZone, io, read) : runPlain(input, now, timeZone, io, read);
  },
};

async function runPlain(input: string, now: number, timeZone: string, io: CliIO, read: ReadSettings): Promise<number> {
  const { lines, errors } = parseTranscript(input);
  for (const e of errors) write(io.stderr, errorLine(e.code, e.message, { line: e.line }));
  const todos = await observeTranscript(lines, { now, timeZone, ...read });
  const out = todos.map((t) => ({
    text: t.text, due: t.dueDate, dueAt: t.dueAt === null ? null : new Date(t.dueAt).toISOString(), kind: t.kind,
    speaker: t.speaker, evidence: t.snippet,
  }));
  write(io.stdout, JSON.stringify({ todos: out }, null, 2));
  return errors.length > 0 ? 1 : 0;
}

async function runJsonl(input: string, now: number, timeZone: string, io: CliIO, read: ReadSettings): Promise<number> {
  let failed = 0;
  const rows = input.split(/\r?\n/);
  for (const [i, raw] of rows.entries()) {
    if (raw.trim() === '') continue;
    const where = { line: i + 1 };
    let record: unknown;
    try {
      record = JSON.parse(raw);
    } catch {
      write(io.stdout, errorLine('JARVIS_OBSERVER_BAD_JSON', `line ${i + 1} is not valid JSON`, { id: null, ...where }));
      failed++;
      continue;
    }
    const r = record as { id?: unknown; transcript?: unknown; reference_time?: unknown };
    const id = typeof r?.id === 'string' || typeof r?.id === 'number' ? r.id : null;
    const problem =
      typeof record !== 'object' || record === null || Array.isArray(record) ? 'is not an object'
        : id === null ? 'has no string or number "id"'
          : typeof r.transcript !== 'string' ? 'has no string "transcript"'
            : r.reference_time !== undefined && r.reference_time !== null && typeof r.reference_time !== 'string' ? '"reference_time" is not a string'
              : null;
    if (problem) {
      write(io.stdout, errorLine('JARVIS_OBSERVER_BAD_RECORD', `line ${i + 1} ${problem}`, { id, ...where }));
      failed++;
      continue;
    }
    try {
      const at = typeof r.reference_time === 'string' ? parseInstant(r.reference_time, 'reference_time') : now;
      const { lines, errors } = parseTranscript(r.transcript as string);
      if (errors.length > 0) {
        write(io.stdout, errorLine(errors[0]!.code, `record ${id}: ${errors[0]!.message}`, { id, ...where }));
        failed++;
        continue;
      }
      const todos = await observeTranscript(lines, { now: at, timeZone, ...read });
      write(io.stdout, JSON.stringify({ id, todos: todos.map((t) => ({ text: t.text, due: t.dueDate ?? (t.dueAt === null ? null : localIsoDate(t.dueAt, timeZone)) })) }));
    } catch (err) {
      const code = err instanceof ObserverError ? err.code : 'JARVIS_OBSERVER_BAD_RECORD';
      write(io.stdout, errorLine(code, err instanceof Error ? err.message : String(err), { id, ...where }));
      failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}
