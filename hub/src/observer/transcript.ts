import { silentLogger, type Logger } from '../core/index.js';
import { migration0020, openDatabase, TodosRepository, type TodoRecord } from '../store/index.js';
import { ObserverError } from './errors.js';
import type { UtteranceReader } from './learned-reader.js';
import { Observer, type Extractor } from './observer.js';
import { RollingBuffer } from './rolling-buffer.js';
import { TodoService } from './todo-service.js';
import { assertTimeZone } from './zoned-time.js';

/** One line of a written transcript. */
export interface TranscriptLine {
  speaker: string;
  text: string;
}

/** A line that could not be read, with its 1-based number. */
export interface TranscriptLineError {
  line: number;
  code: 'JARVIS_OBSERVER_BAD_LINE';
  message: string;
}

/** Reads `SPEAKER: text` lines; blank lines are skipped, malformed ones reported and skipped. */
export function parseTranscript(text: string): { lines: TranscriptLine[]; errors: TranscriptLineError[] } {
  const lines: TranscriptLine[] = [];
  const errors: TranscriptLineError[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    const m = /^\s*([A-Za-z][\w .'-]{0,39}?)\s*:\s*(.*\S)\s*$/.exec(raw);
    if (!m) {
      errors.push({ line: i + 1, code: 'JARVIS_OBSERVER_BAD_LINE', message: `line ${i + 1} is not "SPEAKER: text": ${JSON.stringify(raw.slice(0, 60))}` });
      return;
    }
    lines.push({ speaker: m[1]!.trim(), text: m[2]! });
  });
  return { lines, errors };
}

/** Settings of {@link observeTranscript}. */
export interface ObserveTranscriptOptions {
  /** When the first line was said (ms since epoch). */
  now: number;
  timeZone: string;
  /** Seconds between the starts of consecutive lines; default 3. */
  lineSpacingS?: number;
  /** Which extractor reads the lines (default: the learned stage when `weightsPath` is given, else the clause reader). */
  extractor?: Extractor;
  /** The learned stage's weights file (default: the committed one). */
  weightsPath?: string;
  /** A reader that replaces the extractor (training and replay). */
  reader?: UtteranceReader;
  logger?: Logger;
}

/**
 * Runs a written transcript through the real observer (rolling buffer, rules, de-duplication in a
 * throw-away in-memory database, corrections and cancellations) and returns the to-dos it keeps. Used by
 * `jarvis observe`, the evaluation test and the benchmark.
 */
export async function observeTranscript(lines: readonly TranscriptLine[], options: ObserveTranscriptOptions): Promise<TodoRecord[]> {
  assertTimeZone(options.timeZone);
  if (!Number.isFinite(options.now)) throw new ObserverError('JARVIS_OBSERVER_BAD_TIME', 'now is not a valid time');
  const db = openDatabase(':memory:', { migrations: [migration0020] });
  try {
    const spacing = (options.lineSpacingS ?? 3) * 1000;
    let clock = options.now;
    const buffer = new RollingBuffer({ clock: () => clock, windowMs: Math.max(5 * 60_000, lines.length * spacing + 60_000) });
    const todos = new TodoService({ repository: new TodosRepository(db), clock: () => clock, logger: silentLogger() });
    const observer = new Observer({
      timeZone: options.timeZone, buffer, todos, clock: () => clock,
      ...(options.extractor ? { extractor: options.extractor } : {}),
      ...(options.weightsPath ? { weightsPath: options.weightsPath } : {}),
      ...(options.reader ? { reader: options.reader } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    for (const [i, line] of lines.entries()) {
      const startedAt = options.now + i * spacing;
      clock = startedAt + spacing - 500;
      observer.ingest({ deviceId: '00000000', speaker: line.speaker, text: line.text, startedAt, endedAt: clock });
      await observer.whenIdle();
    }
    return todos.list({ statuses: ['suggested', 'open'], limit: 1000 }).reverse();
  } finally {
    db.close();
  }
}
