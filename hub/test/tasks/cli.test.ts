import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseJoinToken } from '@jarvis/protocol';
import type { CliCommand } from '../../src/cli/types.js';
import { openDatabase } from '../../src/store/database.js';
import { CertificateAuthority } from '../../src/tasks/ca.js';
import { parseDuration, taskCommands } from '../../src/tasks/cli.js';
import { SqliteTaskQueue } from '../../src/tasks/queue.js';
import { captureIO } from '../../../tests/helpers/capture-io.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jarvis-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(words: string, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const cmd = taskCommands.find((c: CliCommand) => c.path.join(' ') === words)!;
  const io = captureIO({ JARVIS_DATA_DIR: dir });
  const code = await cmd.run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('jarvis token|worker|task', () => {
  it('token create embeds the CA fingerprint; list shows no secret; revoke works', async () => {
    const created = await run('token create', ['--ttl', '2h', '--uses', '3', '--label', 'zone=attic', '--json']);
    expect(created.code).toBe(0);
    const body = JSON.parse(created.out) as { token: string; id: string; uses: number };
    const ca = await CertificateAuthority.loadOrCreate(join(dir, 'tasks'));
    expect(parseJoinToken(body.token)).toMatchObject({ caFingerprint: ca.fingerprint, id: body.id });
    const listed = await run('token list', ['--json']);
    expect(listed.out).not.toContain(parseJoinToken(body.token).secret);
    expect(JSON.parse(listed.out)).toMatchObject([{ id: body.id, maxUses: 3, labels: { zone: 'attic' } }]);
    expect((await run('token revoke', [body.id])).code).toBe(0);
    expect((await run('token revoke', ['0000000000000000'])).err).toContain('JARVIS_TOKEN_NOT_FOUND');
  });

  it('token list shows a used-up token as used, not active (issue 15)', async () => {
    const created = JSON.parse((await run('token create', ['--uses', '1', '--json'])).out) as { id: string };
    const fresh = JSON.parse((await run('token create', ['--json'])).out) as { id: string };
    const db = openDatabase(join(dir, 'jarvis.db'));
    db.prepare('UPDATE join_tokens SET uses = max_uses WHERE id = ?').run(created.id);
    db.close();
    const text = (await run('token list', [])).out;
    expect(text).toMatch(new RegExp(`${created.id}  uses 1/1 .* used `));
    expect(text).toMatch(new RegExp(`${fresh.id} .* active `));
    const listed = JSON.parse((await run('token list', ['--json'])).out) as { id: string; status: string }[];
    expect(Object.fromEntries(listed.map((t) => [t.id, t.status]))).toEqual({ [created.id]: 'used', [fresh.id]: 'active' });
  });

  it('task submit, list, show, cancel', async () => {
    const sub = await run('task submit', ['--type', 'echo', '--payload', '{"a":1}', '--json']);
    expect(sub.code).toBe(0);
    const id = (JSON.parse(sub.out) as { id: string }).id;
    expect((await run('task list', [])).out).toContain(id);
    expect(JSON.parse((await run('task show', [id, '--json'])).out)).toMatchObject({ id, payload: { a: 1 }, state: 'queued' });
    expect((await run('task cancel', [id])).out).toContain('cancelled');
    const db = openDatabase(join(dir, 'jarvis.db'));
    expect(new SqliteTaskQueue(db).get(id)?.state).toBe('cancelled');
    db.close();
  });

  it('task submit --wait returns when the task settles', async () => {
    const waiting = run('task submit', ['--type', 'echo', '--payload', '7', '--wait', '--json']);
    const db = openDatabase(join(dir, 'jarvis.db'));
    const q = new SqliteTaskQueue(db);
    let lease;
    while (!(lease = q.lease('w', { capacity: 1, types: [], tags: [] })[0])) await new Promise((r) => setTimeout(r, 20));
    q.complete('w', lease.task.id, lease.leaseId, 7);
    const r = await waiting;
    db.close();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ state: 'succeeded', result: 7 });
  });

  it('bad flags exit 2 with a coded error; bad input exits 1 with the field', async () => {
    expect((await run('task submit', ['--bogus'])).code).toBe(2);
    expect((await run('task submit', ['--payload', '1'])).err).toContain('--type is required');
    expect((await run('task submit', ['--type', 'echo', '--payload', '{'])).code).toBe(2);
    expect((await run('token create', ['--ttl', 'soon'])).err).toContain('JARVIS_CLI_BAD_ARGS');
    expect((await run('token create', ['--label', 'novalue'])).code).toBe(2);
    expect((await run('task list', ['--state', 'weird'])).code).toBe(2);
    expect((await run('task show', [])).code).toBe(2);
    const bad = await run('task submit', ['--type', 'Bad!']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('JARVIS_TASK_BAD_REQUEST');
    expect(bad.err).toContain('type:');
    expect((await run('task show', ['nope'])).err).toContain('JARVIS_TASK_NOT_FOUND');
    expect((await run('worker revoke', ['nope'])).err).toContain('JARVIS_WORKER_NOT_FOUND');
    expect((await run('task list', ['--help'])).out).toContain('Usage: jarvis task list');
    expect(parseDuration('15m')).toBe(900_000);
  });
});
