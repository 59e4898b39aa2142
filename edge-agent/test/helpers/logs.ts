import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** A debug logger whose JSON lines are kept for assertions. */
export function capturingLogger(): { logger: Logger; lines: string[]; entries: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
  return { logger, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** A writable that keeps what was written. */
export function sink(): { stream: Writable; text: () => string } {
  const parts: string[] = [];
  return { stream: new Writable({ write: (c, _e, cb) => (parts.push(String(c)), cb()) }), text: () => parts.join('') };
}
