import { silentLogger, type Logger } from '../core/index.js';
import type { TodoRecord } from '../store/index.js';
import { ObserverError } from './errors.js';
import { readUtterance } from './clause-reader.js';
import { loadLearnedReader, type UtteranceReader } from './learned-reader.js';
import { analyseUtterance, type ExtractOptions, type ExtractedTodo, type Finding, type Utterance } from './extract.js';
import { contentTokens } from './normalise.js';
import type { RollingBuffer, TranscriptSegment, TranscriptVerdict } from './rolling-buffer.js';
import type { TodoService } from './todo-service.js';

/**
 * An optional language model that confirms or extracts to-dos (JSON-schema output, see
 * {@link TODO_LLM_SCHEMA}). Given what the rules found it may drop, reword or add to-dos; when it
 * returns null or throws, the rules' result stands.
 */
export interface TodoLlm {
  review(input: { utterance: string; speaker: string | null; context: readonly string[]; saidAt: string; candidates: readonly ExtractedTodo[] }): Promise<{ todos: { text: string; due: string | null }[] } | null>;
}

/** JSON schema the {@link TodoLlm} output is constrained to. */
export const TODO_LLM_SCHEMA = {
  type: 'object',
  properties: {
    todos: {
      type: 'array',
      items: {
        type: 'object',
        properties: { text: { type: 'string' }, due: { type: ['string', 'null'], pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
        required: ['text', 'due'],
      },
    },
  },
  required: ['todos'],
} as const;

/** The extractors an observer can read with. */
export type Extractor = 'learned' | 'clauses' | 'rules';

/** Settings of {@link Observer}. */
export interface ObserverOptions extends Omit<ExtractOptions, 'timeZone'> {
  /** The hub's IANA time zone: due dates are calendar dates there. */
  timeZone: string;
  buffer: RollingBuffer;
  todos: TodoService;
  /** How long after a to-do is made a correction or cancellation may still change it (ms); default 2 minutes. */
  correctionWindowMs?: number;
  llm?: TodoLlm | null;
  /**
   * Which extractor reads utterances: `learned` (the clause reader with the learned stage of
   * `learned-reader.ts`; the default when `weightsPath` is given: trained on the reader's outputs over fresh
   * text it gained F1 on three locked thirds and lost on none, see tests/fixtures/observer/README.md),
   * `clauses` (the clause reader alone; the default without weights) or `rules` (the older string rules).
   * When the learned stage's weights are missing or malformed the observer logs JARVIS_OBSERVER_BAD_WEIGHTS
   * and reads with the clause reader alone.
   */
  extractor?: Extractor;
  /** The learned stage's weights file (none is shipped: see TRAIN_WEIGHTS_COMMAND in learned-reader.ts). */
  weightsPath?: string;
  /** A reader that replaces the extractor (training and replay). */
  reader?: UtteranceReader;
  clock?: () => number;
  logger?: Logger;
}

/** Counters for metrics and tests. */
export interface ObserverStats {
  segments: number;
  rejected: number;
  captured: number;
  duplicates: number;
  corrections: number;
  cancellations: number;
  purgedTodos: number;
  errors: number;
}

interface MadeTodo {
  id: number;
  deviceId: string;
  madeAt: number;
  text: string;
}

/**
 * Reads passive transcripts at low priority and keeps the to-do list: each segment goes into the
 * rolling buffer and onto a queue that is drained one segment per event-loop turn (`setImmediate`),
 * so a command on the hot path never waits behind it. Each segment is analysed with the device's
 * window before it; its findings create to-dos, or correct and cancel the ones just made.
 */
export class Observer {
  private readonly queue: TranscriptSegment[] = [];
  private draining = false;
  private idleWaiters: (() => void)[] = [];
  private recent: MadeTodo[] = [];
  private readonly clock: () => number;
  private readonly logger: Logger;
  private readonly correctionWindowMs: number;
  private readonly read: UtteranceReader;
  readonly stats: ObserverStats = { segments: 0, rejected: 0, captured: 0, duplicates: 0, corrections: 0, cancellations: 0, purgedTodos: 0, errors: 0 };

  constructor(private readonly options: ObserverOptions) {
    this.clock = options.clock ?? Date.now;
    this.logger = options.logger ?? silentLogger();
    this.correctionWindowMs = options.correctionWindowMs ?? 120_000;
    this.read = options.reader ?? this.chooseReader(options.extractor ?? (options.weightsPath !== undefined ? 'learned' : 'clauses'));
  }

  private chooseReader(extractor: Extractor): UtteranceReader {
    if (extractor === 'rules') return analyseUtterance;
    if (extractor === 'clauses') return readUtterance;
    try {
      return loadLearnedReader(this.options.weightsPath);
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'JARVIS_OBSERVER_BAD_WEIGHTS';
      this.logger.warn({ code, err: err instanceof Error ? err.message : String(err) }, 'learned to-do stage unavailable; reading with the clause reader alone');
      return readUtterance;
    }
  }

  /** Takes a transcript segment; returns false when the buffer refused it (muted, forgotten, too old). */
  ingest(segment: TranscriptSegment): boolean {
    return this.offer(segment).observed;
  }

  /**
   * Takes a transcript segment and says whether it was kept, or why not (muted, a stretch that was muted
   * or forgotten, too old, a duplicate, no words). Throws JARVIS_OBSERVER_BAD_SEGMENT for a malformed one.
   */
  offer(segment: TranscriptSegment): TranscriptVerdict {
    const verdict = this.options.buffer.admit(segment);
    if (!verdict.observed) {
      this.stats.rejected++;
      this.logger.debug({ deviceId: segment.deviceId, reason: verdict.reason }, 'transcript not kept');
      return verdict;
    }
    this.queue.push({ ...segment });
    this.schedule();
    return verdict;
  }

  /** Resolves when every queued segment has been processed. */
  whenIdle(): Promise<void> {
    if (!this.draining && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Applies a mute transition: the buffer drops the device's last seconds, queued work from them is
   * dropped, and to-dos heard in that stretch are deleted (the user muted because of what was said).
   */
  async muteTransition(deviceId: string, muted: boolean, at: number): Promise<{ segments: number; todos: number }> {
    const stretch = this.options.buffer.muteTransition(deviceId, muted, at);
    if (!muted) return { segments: 0, todos: 0 };
    const dropped = this.dropQueued((s) => s.deviceId === deviceId);
    const todos = await this.purgeTodos(deviceId, stretch.from, Number.MAX_SAFE_INTEGER);
    this.logger.info({ deviceId, segments: stretch.removed + dropped, todos }, 'mute: purged recent transcripts');
    return { segments: stretch.removed + dropped, todos };
  }

  /**
   * "Forget the last N minutes" for one device or all: clears the buffer and queue of that stretch and
   * deletes the to-dos heard in it. For the API route and the spoken command.
   */
  async forget(minutes: number, deviceId?: string): Promise<{ segments: number; todos: number }> {
    if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60) {
      throw new ObserverError('JARVIS_OBSERVER_BAD_ARGUMENT', `forget needs 0 < minutes <= 1440, got ${minutes}`);
    }
    const stretch = this.options.buffer.forget(minutes * 60_000, deviceId);
    const dropped = this.dropQueued((s) => deviceId === undefined || s.deviceId === deviceId);
    const todos = await this.purgeTodos(deviceId ?? null, stretch.from, Number.MAX_SAFE_INTEGER);
    this.logger.info({ deviceId: deviceId ?? 'all', minutes, segments: stretch.removed + dropped, todos }, 'forgot recent transcripts');
    return { segments: stretch.removed + dropped, todos };
  }

  private dropQueued(match: (s: TranscriptSegment) => boolean): number {
    let dropped = 0;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const s = this.queue[i]!;
      if (match(s) && this.options.buffer.isPurged(s)) {
        this.queue.splice(i, 1);
        dropped++;
      }
    }
    return dropped;
  }

  private async purgeTodos(deviceId: string | null, from: number, to: number): Promise<number> {
    const repo = this.options.todos;
    let n = 0;
    const removed = new Set<number>();
    for (const todo of repo.heardBetween(deviceId, from, to)) {
      if (todo.status !== 'suggested' && todo.status !== 'open') continue;
      if (await repo.remove(todo.id)) {
        n++;
        removed.add(todo.id);
      }
    }
    this.recent = this.recent.filter((r) => !removed.has(r.id));
    this.stats.purgedTodos += n;
    return n;
  }

  private schedule(): void {
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => void this.drainOne());
  }

  private async drainOne(): Promise<void> {
    const segment = this.queue.shift();
    if (segment) {
      try {
        await this.process(segment);
      } catch (err) {
        this.stats.errors++;
        this.logger.error({ err: err instanceof Error ? err.message : String(err), deviceId: segment.deviceId }, 'observer failed on a segment');
      }
    }
    if (this.queue.length > 0) {
      // One segment per turn: whatever else is waiting on the event loop goes first.
      setImmediate(() => void this.drainOne());
      return;
    }
    this.draining = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async process(segment: TranscriptSegment): Promise<void> {
    if (this.options.buffer.isPurged(segment)) return;
    this.stats.segments++;
    const window = this.options.buffer.window(segment.deviceId);
    const at = indexOf(window, segment);
    const previous: Utterance[] = (at >= 0 ? window.slice(0, at) : window.filter((s) => s.endedAt <= segment.startedAt))
      .map((s) => ({ text: s.text, saidAt: s.startedAt, ...(s.speaker !== undefined ? { speaker: s.speaker } : {}) }));
    const current: Utterance = { text: segment.text, saidAt: segment.startedAt, ...(segment.speaker !== undefined ? { speaker: segment.speaker } : {}) };
    let findings = this.read(current, previous, this.options);
    if (this.options.llm) findings = await this.review(findings, current, previous);
    for (const finding of findings) await this.apply(finding, segment);
  }

  private async review(findings: Finding[], current: Utterance, previous: readonly Utterance[]): Promise<Finding[]> {
    const candidates = findings.flatMap((f) => (f.type === 'todo' ? [f.todo] : []));
    try {
      const verdict = await this.options.llm!.review({
        utterance: current.text, speaker: current.speaker ?? null, context: previous.slice(-6).map((p) => `${p.speaker ?? '?'}: ${p.text}`),
        saidAt: new Date(current.saidAt).toISOString(), candidates,
      });
      if (!verdict) return findings;
      const others = findings.filter((f) => f.type !== 'todo');
      const todos: Finding[] = verdict.todos
        .filter((t) => typeof t.text === 'string' && t.text.trim() !== '')
        .map((t) => ({
          type: 'todo',
          todo: { text: t.text, due: t.due && /^\d{4}-\d{2}-\d{2}$/.test(t.due) ? { date: t.due, at: null } : null, kind: 'task', evidence: current.text },
        }));
      return [...todos, ...others];
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'llm review failed; keeping the rules\' result');
      return findings;
    }
  }

  private recentFor(deviceId: string): MadeTodo[] {
    const since = this.clock() - this.correctionWindowMs;
    this.recent = this.recent.filter((r) => r.madeAt >= since);
    return this.recent.filter((r) => r.deviceId === deviceId);
  }

  private async apply(finding: Finding, segment: TranscriptSegment): Promise<void> {
    const todos = this.options.todos;
    if (finding.type === 'todo') {
      const result = await todos.capture(finding.todo, { deviceId: segment.deviceId, speaker: segment.speaker ?? null, saidAt: segment.startedAt });
      if (!result) return;
      if (result.duplicate) this.stats.duplicates++;
      else this.stats.captured++;
      this.recent.push({ id: result.todo.id, deviceId: segment.deviceId, madeAt: this.clock(), text: result.todo.text });
      return;
    }
    const recent = this.recentFor(segment.deviceId);
    if (finding.type === 'correction') {
      const named = finding.target ? contentTokens(finding.target) : [];
      const target = named.length === 0 ? recent.at(-1) : [...recent].reverse().find((r) => contentTokens(r.text).some((t) => named.includes(t)));
      if (!target) return;
      const current = await this.find(target.id);
      if (!current) return;
      const change: { due?: typeof finding.due; text?: string } = {};
      if (finding.due) change.due = finding.due;
      if (finding.replacement && current.kind === 'item') change.text = finding.replacement;
      if (Object.keys(change).length === 0) return;
      await todos.correct(target.id, change);
      this.stats.corrections++;
      return;
    }
    const wanted = finding.target ? contentTokens(finding.target) : [];
    const target = wanted.length === 0
      ? recent.at(-1)
      : [...recent].reverse().find((r) => contentTokens(r.text).some((t) => wanted.includes(t)));
    if (!target) return;
    if (await todos.remove(target.id)) this.stats.cancellations++;
    this.recent = this.recent.filter((r) => r.id !== target.id);
  }

  private async find(id: number): Promise<TodoRecord | undefined> {
    try {
      return this.options.todos.get(id);
    } catch {
      return undefined;
    }
  }
}

function indexOf(window: readonly TranscriptSegment[], segment: TranscriptSegment): number {
  return window.findIndex((s) => s.startedAt === segment.startedAt && s.endedAt === segment.endedAt && s.text === segment.text);
}
