import type { Db } from './database.js';

/** A join token as stored: never the secret, only its SHA-256. */
export interface JoinTokenRecord {
  id: string;
  secretHash: string;
  labels: Record<string, string>;
  maxUses: number;
  uses: number;
  expiresAt: number;
  createdAt: number;
  revokedAt: number | null;
}

/** An enrolled worker. */
export interface WorkerRecord {
  id: string;
  name: string;
  tokenId: string | null;
  labels: Record<string, string>;
  capabilities: unknown;
  certFingerprint: string;
  certNotAfter: number;
  enrolledAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
}

interface TokenRow { id: string; secret_hash: string; labels: string; max_uses: number; uses: number; expires_at: number; created_at: number; revoked_at: number | null }
interface WorkerRow { id: string; name: string; token_id: string | null; labels: string; capabilities: string; cert_fingerprint: string; cert_not_after: number; enrolled_at: number; last_seen_at: number | null; revoked_at: number | null }

const toToken = (r: TokenRow): JoinTokenRecord => ({
  id: r.id, secretHash: r.secret_hash, labels: JSON.parse(r.labels) as Record<string, string>, maxUses: r.max_uses,
  uses: r.uses, expiresAt: r.expires_at, createdAt: r.created_at, revokedAt: r.revoked_at,
});
const toWorker = (r: WorkerRow): WorkerRecord => ({
  id: r.id, name: r.name, tokenId: r.token_id, labels: JSON.parse(r.labels) as Record<string, string>,
  capabilities: JSON.parse(r.capabilities) as unknown, certFingerprint: r.cert_fingerprint, certNotAfter: r.cert_not_after,
  enrolledAt: r.enrolled_at, lastSeenAt: r.last_seen_at, revokedAt: r.revoked_at,
});

/** SQL for `join_tokens` and `workers`. */
export class WorkersRepository {
  private byId: ReturnType<Db['prepare']> | undefined;

  constructor(readonly db: Db) {}

  /** Stores a new token. */
  insertToken(t: Omit<JoinTokenRecord, 'uses' | 'revokedAt'>): void {
    this.db
      .prepare(`INSERT INTO join_tokens (id, secret_hash, labels, max_uses, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(t.id, t.secretHash, JSON.stringify(t.labels), t.maxUses, t.expiresAt, t.createdAt);
  }

  /** A token by id, or undefined. */
  getToken(id: string): JoinTokenRecord | undefined {
    const r = this.db.prepare('SELECT * FROM join_tokens WHERE id = ?').get(id) as TokenRow | undefined;
    return r && toToken(r);
  }

  /** Every token, newest first. */
  listTokens(): JoinTokenRecord[] {
    return (this.db.prepare('SELECT * FROM join_tokens ORDER BY created_at DESC, id').all() as TokenRow[]).map(toToken);
  }

  /** Counts one use if the token is still usable at `now`; false otherwise (atomic, so two enrollments cannot share a last use). */
  consumeToken(id: string, now: number): boolean {
    return (
      this.db
        .prepare(`UPDATE join_tokens SET uses = uses + 1 WHERE id = ? AND uses < max_uses AND revoked_at IS NULL AND expires_at > ?`)
        .run(id, now).changes === 1
    );
  }

  /** Revokes a token; false when there is no such token or it was already revoked. */
  revokeToken(id: string, now: number): boolean {
    return this.db.prepare('UPDATE join_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes === 1;
  }

  /** Stores a newly enrolled worker. */
  insertWorker(w: Omit<WorkerRecord, 'lastSeenAt' | 'revokedAt'>): void {
    this.db
      .prepare(
        `INSERT INTO workers (id, name, token_id, labels, capabilities, cert_fingerprint, cert_not_after, enrolled_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(w.id, w.name, w.tokenId, JSON.stringify(w.labels), JSON.stringify(w.capabilities), w.certFingerprint, w.certNotAfter, w.enrolledAt);
  }

  /** A worker by id, or undefined. */
  getWorker(id: string): WorkerRecord | undefined {
    // Looked up on every worker call (revocation must bite at once), so the statement is kept.
    this.byId ??= this.db.prepare('SELECT * FROM workers WHERE id = ?');
    const r = this.byId.get(id) as WorkerRow | undefined;
    return r && toWorker(r);
  }

  /** Every worker, oldest first. */
  listWorkers(): WorkerRecord[] {
    return (this.db.prepare('SELECT * FROM workers ORDER BY enrolled_at, id').all() as WorkerRow[]).map(toWorker);
  }

  /** Records the latest capabilities and contact time. */
  touchWorker(id: string, capabilities: unknown, now: number): void {
    this.db.prepare('UPDATE workers SET capabilities = ?, last_seen_at = ? WHERE id = ?').run(JSON.stringify(capabilities), now, id);
  }

  /** Revokes a worker; false when there is no such worker or it was already revoked. */
  /**
   * Revokes a worker and, in the same transaction, ends every lease it holds (they expire now, so the
   * queue's reaper hands the tasks back as for any lapsed lease): a revoked identity keeps no work.
   */
  revokeWorker(id: string, now: number): boolean {
    return this.db.transaction(() => {
      const revoked = this.db.prepare('UPDATE workers SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes === 1;
      if (revoked) this.db.prepare(`UPDATE tasks SET lease_expires_at = ? WHERE lease_owner = ? AND state = 'leased'`).run(now, id);
      return revoked;
    })();
  }
}
