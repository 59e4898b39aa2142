import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { formatJoinToken, isProtocolError, parseJoinToken, type JoinToken } from '@jarvis/protocol';
import type { JoinTokenRecord, WorkersRepository } from '../store/index.js';
import { TaskError } from './errors.js';

/** Options of {@link JoinTokens.create}. */
export interface CreateTokenOptions {
  /** Lifetime in ms (default one hour). */
  ttlMs?: number;
  /** How many enrollments it admits (default 1). */
  uses?: number;
  /** Labels every worker enrolled with it carries (`zone=attic`). */
  labels?: Record<string, string>;
}

/** A freshly created token: the text is shown once and never stored. */
export interface CreatedToken {
  token: string;
  record: JoinTokenRecord;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Parses a token for the hub, turning format errors into JARVIS_TOKEN_MALFORMED. */
export function parseTokenOrThrow(text: string): JoinToken {
  try {
    return parseJoinToken(text);
  } catch (err) {
    if (isProtocolError(err)) throw new TaskError('JARVIS_TOKEN_MALFORMED', err.message, [`token: ${err.message}`]);
    throw err;
  }
}

/**
 * Join tokens: create (secret returned once, stored as SHA-256 — the secret has 256 random bits, so a
 * slow hash would add nothing), list, revoke, and redeem during enrollment.
 */
export class JoinTokens {
  constructor(
    private readonly repo: WorkersRepository,
    private readonly caFingerprint: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a token and returns its text (shown once). */
  create(options: CreateTokenOptions = {}): CreatedToken {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('hex');
    const now = this.now();
    const record: JoinTokenRecord = {
      id,
      secretHash: sha256(secret),
      labels: options.labels ?? {},
      maxUses: options.uses ?? 1,
      uses: 0,
      expiresAt: now + (options.ttlMs ?? 3_600_000),
      createdAt: now,
      revokedAt: null,
    };
    this.repo.insertToken(record);
    return { token: formatJoinToken({ caFingerprint: this.caFingerprint, id, secret }), record };
  }

  /** Every token, newest first (no secrets). */
  list(): JoinTokenRecord[] {
    return this.repo.listTokens();
  }

  /** Revokes a token by id; throws JARVIS_TOKEN_NOT_FOUND when there is none to revoke. */
  revoke(id: string): void {
    if (!this.repo.revokeToken(id, this.now())) {
      const t = this.repo.getToken(id);
      if (!t) throw new TaskError('JARVIS_TOKEN_NOT_FOUND', `no join token ${id}`);
    }
  }

  /**
   * Checks a presented token and counts one use. Must run inside the enrollment transaction so the
   * use and the new worker row commit together. Unknown id and wrong secret give the same error.
   */
  redeem(text: string): JoinTokenRecord {
    const parsed = parseTokenOrThrow(text);
    if (parsed.caFingerprint !== this.caFingerprint) {
      throw new TaskError('JARVIS_TOKEN_WRONG_HUB', 'the token was issued by another hub (CA fingerprint differs)');
    }
    const record = this.repo.getToken(parsed.id);
    const presented = Buffer.from(sha256(parsed.secret), 'hex');
    const stored = Buffer.from(record?.secretHash ?? sha256('x'), 'hex');
    if (!record || !timingSafeEqual(presented, stored)) throw new TaskError('JARVIS_TOKEN_INVALID', 'join token is not valid');
    const now = this.now();
    if (record.revokedAt !== null) throw new TaskError('JARVIS_TOKEN_REVOKED', `join token ${record.id} was revoked`);
    if (record.expiresAt <= now) throw new TaskError('JARVIS_TOKEN_EXPIRED', `join token ${record.id} expired at ${new Date(record.expiresAt).toISOString()}`);
    if (!this.repo.consumeToken(record.id, now)) throw new TaskError('JARVIS_TOKEN_EXHAUSTED', `join token ${record.id} has no uses left`);
    return record;
  }
}
