import type { Db } from './database.js';

/** How a cold reply ended: read out, or why it was not. */
export type ColdReplyOutcome = 'spoken' | 'too_old' | 'device_gone' | 'task_gone';

/** One device waiting for the result of a task it asked for. */
export interface ColdReplyRecord {
  taskId: string;
  deviceId: string;
  createdAt: number;
  reportedAt: number | null;
  outcome: ColdReplyOutcome | null;
}

interface Row {
  task_id: string;
  device_id: string;
  created_at: number;
  reported_at: number | null;
  outcome: ColdReplyOutcome | null;
}

const toRecord = (r: Row): ColdReplyRecord => ({ taskId: r.task_id, deviceId: r.device_id, createdAt: r.created_at, reportedAt: r.reported_at, outcome: r.outcome });

/** Cold replies (migration 30): which device waits for which task, and whether it has been told. */
export class ColdRepliesRepository {
  constructor(private readonly db: Db) {}

  /** Records that `deviceId` waits for `taskId` (a second call for the same task changes nothing). */
  add(taskId: string, deviceId: string, at: number): void {
    this.db.prepare('INSERT OR IGNORE INTO cold_replies (task_id, device_id, created_at) VALUES (?, ?, ?)').run(taskId, deviceId, at);
  }

  /** The reply row of a task, if a device waits for it. */
  get(taskId: string): ColdReplyRecord | undefined {
    const row = this.db.prepare('SELECT * FROM cold_replies WHERE task_id = ?').get(taskId) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Replies not reported yet, oldest first. */
  pending(limit = 500): ColdReplyRecord[] {
    return (this.db.prepare('SELECT * FROM cold_replies WHERE reported_at IS NULL ORDER BY created_at LIMIT ?').all(limit) as Row[]).map(toRecord);
  }

  /** Marks a reply reported; false when someone already did (so only one caller speaks it). */
  claim(taskId: string, at: number, outcome: ColdReplyOutcome): boolean {
    return this.db.prepare('UPDATE cold_replies SET reported_at = ?, outcome = ? WHERE task_id = ? AND reported_at IS NULL').run(at, outcome, taskId).changes === 1;
  }

  /** Undoes a claim whose message could not be sent, so the next sweep tries again. */
  release(taskId: string): void {
    this.db.prepare('UPDATE cold_replies SET reported_at = NULL, outcome = NULL WHERE task_id = ?').run(taskId);
  }
}
