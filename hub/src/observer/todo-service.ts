import { silentLogger, type Logger } from '../core/index.js';
import { TODO_STATUSES, type TodoRecord, type TodosRepository, type TodoStatus } from '../store/index.js';
import type { DueDate } from './due-date.js';
import { HashedNgramEmbedder, type TextEmbedder } from './embedding.js';
import { ObserverError } from './errors.js';
import type { ExtractedTodo } from './extract.js';
import type { HaTodoSync } from './ha-sync.js';
import { contentTokens, dedupKey, jaccard, tidyTodoText } from './normalise.js';

/** Tells a device something short; the hub wires it to the device's `cmd/say`. */
export type Notify = (deviceId: string, text: string) => void | Promise<void>;

/** Where a captured to-do came from. */
export interface Provenance {
  deviceId: string | null;
  speaker: string | null;
  saidAt: number;
}

/** Settings of {@link TodoService}. */
export interface TodoServiceOptions {
  repository: TodosRepository;
  embedder?: TextEmbedder;
  /** New to-dos wait in `suggested` for the user's approval (true) or go straight to `open` (false). */
  requireApproval?: boolean;
  /** Home Assistant list sync; none when HA is not configured. */
  ha?: HaTodoSync | null;
  notify?: Notify | null;
  /**
   * How long a new to-do waits before the device is told and HA gets it (ms), so that a correction or
   * cancellation said right after lands first. Default 20 s.
   */
  settleMs?: number;
  /** Largest cosine distance at which two to-dos are the same (0 = identical); default 0.3. */
  maxDuplicateDistance?: number;
  clock?: () => number;
  logger?: Logger;
}

/** Result of {@link TodoService.capture}. */
export interface CaptureResult {
  todo: TodoRecord;
  /** True when it matched a to-do already on the list (which is returned instead). */
  duplicate: boolean;
}

/** Statuses a newly heard to-do is compared against for duplicates. */
const LIVE: readonly TodoStatus[] = ['suggested', 'open'];
/** Longest to-do text accepted from the API (characters). */
export const MAX_TODO_TEXT = 200;

/**
 * The to-do list: capture with de-duplication (normalised key, then sqlite-vec nearest neighbours),
 * user actions (accept, edit, complete, dismiss), Home Assistant sync and the short device notice.
 */
export class TodoService {
  private readonly repository: TodosRepository;
  private readonly embedder: TextEmbedder;
  private readonly requireApproval: boolean;
  private readonly ha: HaTodoSync | null;
  private readonly notifyDevice: Notify | null;
  private readonly settleMs: number;
  private readonly maxDistance: number;
  private readonly clock: () => number;
  private readonly logger: Logger;

  constructor(options: TodoServiceOptions) {
    this.repository = options.repository;
    this.embedder = options.embedder ?? new HashedNgramEmbedder();
    this.requireApproval = options.requireApproval ?? false;
    this.ha = options.ha ?? null;
    this.notifyDevice = options.notify ?? null;
    this.settleMs = options.settleMs ?? 20_000;
    this.maxDistance = options.maxDuplicateDistance ?? 0.3;
    this.clock = options.clock ?? Date.now;
    this.logger = options.logger ?? silentLogger();
  }

  /** Stores a heard to-do, or counts one more mention of the same to-do already on the list. */
  async capture(found: Pick<ExtractedTodo, 'text' | 'due' | 'kind' | 'evidence'>, from: Provenance): Promise<CaptureResult | null> {
    const text = tidyTodoText(found.text).slice(0, MAX_TODO_TEXT);
    const key = dedupKey(text);
    if (key === '') return null;
    const embedding = await this.embedder.embed(text);
    const same = await this.findDuplicate(text, key, embedding);
    if (same) {
      this.repository.recordMention(same.id, from.saidAt);
      if (same.dueDate === null && found.due) this.repository.update(same.id, { dueDate: found.due.date, dueAt: found.due.at }, this.clock());
      return { todo: this.repository.get(same.id)!, duplicate: true };
    }
    const todo = this.repository.insert({
      text, dedupKey: key, kind: found.kind, status: this.requireApproval ? 'suggested' : 'open',
      dueDate: found.due?.date ?? null, dueAt: found.due?.at ?? null, deviceId: from.deviceId, speaker: from.speaker,
      saidAt: from.saidAt, snippet: found.evidence, embedding, embedderId: this.embedder.id, haState: 'none', now: this.clock(),
    });
    this.logger.info({ todo: todo.id, status: todo.status }, 'to-do captured');
    return { todo, duplicate: false };
  }

  /** The stored to-do most like `text`, if it is close enough to be the same. */
  async findDuplicate(text: string, key: string = dedupKey(text), embedding?: Float32Array): Promise<TodoRecord | undefined> {
    const exact = this.repository.findByKey(key, LIVE);
    if (exact) return exact;
    const vector = embedding ?? (await this.embedder.embed(text));
    const tokens = contentTokens(text);
    for (const hit of this.repository.nearest(vector, this.embedder.id, LIVE, 3)) {
      if (hit.distance > this.maxDistance) break;
      const other = this.repository.get(hit.id);
      // The vector says "close"; the words must agree too, so "call mom" never swallows "call dad".
      if (other && jaccard(tokens, contentTokens(other.text)) >= 0.5) return other;
    }
    return undefined;
  }

  /** Changes what a just-made to-do says or when it is due (a spoken correction). */
  async correct(id: number, change: { due?: DueDate | null; text?: string }): Promise<TodoRecord | undefined> {
    const patch: Parameters<TodosRepository['update']>[1] = {};
    if (change.due !== undefined) {
      patch.dueDate = change.due?.date ?? null;
      patch.dueAt = change.due?.at ?? null;
    }
    if (change.text !== undefined) {
      patch.text = tidyTodoText(change.text).slice(0, MAX_TODO_TEXT);
      patch.dedupKey = dedupKey(patch.text);
      patch.embedding = await this.embedder.embed(patch.text);
    }
    const todo = this.repository.update(id, patch, this.clock());
    if (todo) await this.ha?.mirror(todo, 'update');
    return todo;
  }

  /** Deletes a to-do entirely (a spoken cancellation, a mute or a forget); mirrors it to HA. */
  async remove(id: number): Promise<boolean> {
    const todo = this.repository.get(id);
    if (!todo) return false;
    this.repository.remove(id);
    await this.ha?.mirror(todo, 'remove');
    return true;
  }

  /**
   * Announces to-dos whose settle time has passed and hands open ones to Home Assistant, then retries
   * earlier failed syncs. Called by the observer's timer.
   */
  async flushSettled(): Promise<void> {
    const now = this.clock();
    for (const todo of this.repository.list({ statuses: LIVE, limit: 200 })) {
      if (todo.notifiedAt !== null || todo.createdAt > now - this.settleMs) continue;
      this.repository.markNotified(todo.id, now);
      if (todo.status === 'open' && this.ha) this.repository.setHaState(todo.id, 'pending');
      if (todo.deviceId && this.notifyDevice) {
        try {
          await this.notifyDevice(todo.deviceId, noticeFor(todo));
        } catch (err) {
          this.logger.warn({ todo: todo.id, err: err instanceof Error ? err.message : String(err) }, 'device notice failed');
        }
      }
    }
    await this.syncPending();
  }

  /** Pushes pending and failed to-dos to Home Assistant. */
  async syncPending(): Promise<void> {
    if (!this.ha) return;
    for (const todo of this.repository.pendingSync()) {
      if (todo.status !== 'open') {
        this.repository.setHaState(todo.id, 'none');
        continue;
      }
      await this.ha.push(todo);
    }
  }

  /** To-dos heard from a device (or any, for null) between two times. */
  heardBetween(deviceId: string | null, from: number, to: number): TodoRecord[] {
    return this.repository.saidBetween(deviceId, from, to);
  }

  /** To-dos, newest first; throws JARVIS_TODO_BAD_REQUEST for an unknown status. */
  list(options: { statuses?: readonly string[]; limit?: number; offset?: number } = {}): TodoRecord[] {
    for (const s of options.statuses ?? []) {
      if (!(TODO_STATUSES as readonly string[]).includes(s)) throw new ObserverError('JARVIS_TODO_BAD_REQUEST', `unknown status "${s}"`);
    }
    return this.repository.list(options as { statuses?: readonly TodoStatus[] });
  }

  /** One to-do; throws JARVIS_TODO_NOT_FOUND (404). */
  get(id: number): TodoRecord {
    const todo = this.repository.get(id);
    if (!todo) throw new ObserverError('JARVIS_TODO_NOT_FOUND', `no to-do ${id}`, 404);
    return todo;
  }

  /** Moves a suggested to-do onto the list and syncs it. */
  async accept(id: number): Promise<TodoRecord> {
    const todo = this.transition(id, ['suggested'], 'open');
    if (this.ha) {
      this.repository.setHaState(id, 'pending');
      await this.ha.push(this.get(id));
    }
    return this.get(todo.id);
  }

  /** Marks a to-do done. */
  async complete(id: number): Promise<TodoRecord> {
    const todo = this.transition(id, ['suggested', 'open'], 'done');
    await this.ha?.mirror(todo, 'update');
    return todo;
  }

  /** Dismisses a to-do (kept, so the same words are recognised, but off the list). */
  async dismiss(id: number): Promise<TodoRecord> {
    const todo = this.transition(id, ['suggested', 'open'], 'dismissed');
    await this.ha?.mirror({ ...todo, status: 'open' }, 'remove');
    return todo;
  }

  /** Edits text and/or due date of a to-do that is not dismissed. */
  async edit(id: number, change: { text?: string; dueDate?: string | null }): Promise<TodoRecord> {
    const current = this.get(id);
    if (current.status === 'dismissed') throw new ObserverError('JARVIS_TODO_BAD_TRANSITION', `to-do ${id} is dismissed`, 409);
    const due = change.dueDate === undefined ? undefined : change.dueDate === null ? null : { date: change.dueDate, at: null };
    const text = change.text;
    if (text !== undefined && (tidyTodoText(text) === '' || dedupKey(text) === '')) {
      throw new ObserverError('JARVIS_TODO_BAD_REQUEST', 'text must contain at least one word');
    }
    return (await this.correct(id, { ...(due !== undefined ? { due } : {}), ...(text !== undefined ? { text } : {}) }))!;
  }

  private transition(id: number, from: readonly TodoStatus[], to: TodoStatus): TodoRecord {
    const current = this.get(id);
    if (!from.includes(current.status)) {
      throw new ObserverError('JARVIS_TODO_BAD_TRANSITION', `to-do ${id} is ${current.status}; cannot become ${to}`, 409);
    }
    return this.repository.update(id, { status: to }, this.clock())!;
  }
}

/** The short sentence a device says about a new to-do. */
export function noticeFor(todo: Pick<TodoRecord, 'text' | 'dueDate' | 'status'>): string {
  const due = todo.dueDate ? `, due ${todo.dueDate}` : '';
  return todo.status === 'suggested' ? `Suggested to-do: ${todo.text}${due}.` : `Added to your list: ${todo.text}${due}.`;
}
