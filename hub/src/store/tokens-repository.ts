import { hashSecret, randomSecret, verifySecret } from '../core/index.js';
import type { Db } from './database.js';

/** Bearer tokens of the HTTP API (migration 3): created once, stored hashed, verified per request. */
export class TokensRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  has(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM api_tokens WHERE name = ?').get(name) !== undefined;
  }

  /** Creates a token named `name` and returns it in clear, the only time it exists outside the caller. */
  create(name: string): string {
    const token = `jv_${randomSecret(32)}`;
    this.db
      .prepare('INSERT INTO api_tokens (name, prefix, hash, created_at) VALUES (?, ?, ?, ?)')
      .run(name, token.slice(0, 11), hashSecret(token), this.now());
    return token;
  }

  /** The name of the token, or undefined when it matches none. */
  async verify(token: string): Promise<string | undefined> {
    const rows = this.db.prepare('SELECT name, hash FROM api_tokens WHERE prefix = ?').all(token.slice(0, 11)) as { name: string; hash: string }[];
    for (const row of rows) if (await verifySecret(token, row.hash)) return row.name;
    return undefined;
  }
}
