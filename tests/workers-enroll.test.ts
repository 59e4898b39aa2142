import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { call, createWorkerClient, enroll, hubCredentials, loadIdentity, saveIdentity, WorkerError } from '@jarvis/worker';
import { formatJoinToken } from '@jarvis/protocol';
import { CertificateAuthority } from '../hub/src/tasks/ca.js';
import { startTestHub, tempDir, type TestHub } from './workers-helpers.js';

let hub: TestHub;
const cleanups: (() => void)[] = [];
beforeEach(async () => {
  hub = await startTestHub();
});
afterEach(async () => {
  await hub.close();
  for (const c of cleanups.splice(0)) c();
});

async function enrollError(token: string, address = hub.address): Promise<WorkerError> {
  const err = await enroll({ hub: address, token, name: 'test' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkerError);
  return err as WorkerError;
}

describe('worker enrollment [GRPC-5.2]', () => {
  it('succeeds once with a fresh token and yields a working mTLS identity', async () => {
    const { token } = hub.tasks.tokens.create({ labels: { zone: 'attic' } });
    const id = await enroll({ hub: hub.address, token, name: 'nuc' });
    expect(id.workerId).toMatch(/^[0-9a-f]{16}$/);
    expect(id.labels).toEqual({ zone: 'attic' });
    expect(id.caFingerprint).toBe(hub.tasks.caFingerprint);
    const stored = hub.tasks.workers.getWorker(id.workerId);
    expect(stored?.name).toBe('nuc');
    expect(hub.tasks.tokens.list()[0]?.uses).toBe(1);

    // The identity survives a save/load round trip and can pull.
    const state = tempDir('jarvis-worker-');
    cleanups.push(state.remove);
    await saveIdentity(state.dir, id);
    const loaded = await loadIdentity(state.dir);
    const client = createWorkerClient(hub.address, hubCredentials(loaded.caPem, { keyPem: loaded.keyPem, certChainPem: loaded.certChainPem }));
    const res = await call(client, 'Pull', { capacity: 1, taskTypes: ['echo'], waitMs: 0 }, 5_000);
    expect(res.tasks).toEqual([]);
    client.close();

    const again = await enrollError(token);
    expect(again.code).toBe('JARVIS_WORKER_ENROLL_REFUSED');
    expect(again.message).toContain('JARVIS_TOKEN_EXHAUSTED');
  });

  it('allows exactly --uses enrollments', async () => {
    const { token } = hub.tasks.tokens.create({ uses: 2 });
    await enroll({ hub: hub.address, token });
    await enroll({ hub: hub.address, token });
    expect((await enrollError(token)).message).toContain('JARVIS_TOKEN_EXHAUSTED');
    expect(hub.tasks.workers.listWorkers()).toHaveLength(2);
  });

  it('fails with an expired token', async () => {
    const { token } = hub.tasks.tokens.create({ ttlMs: -1 });
    expect((await enrollError(token)).message).toContain('JARVIS_TOKEN_EXPIRED');
    expect(hub.tasks.workers.listWorkers()).toHaveLength(0);
  });

  it('fails with a revoked token', async () => {
    const { token, record } = hub.tasks.tokens.create();
    hub.tasks.tokens.revoke(record.id);
    expect((await enrollError(token)).message).toContain('JARVIS_TOKEN_REVOKED');
  });

  it('fails with a forged token (right fingerprint, unknown id or wrong secret)', async () => {
    const { record } = hub.tasks.tokens.create();
    const forgedSecret = formatJoinToken({ caFingerprint: hub.tasks.caFingerprint, id: record.id, secret: 'ab'.repeat(32) });
    expect((await enrollError(forgedSecret)).message).toContain('JARVIS_TOKEN_INVALID');
    const forgedId = formatJoinToken({ caFingerprint: hub.tasks.caFingerprint, id: '0123456789abcdef', secret: 'cd'.repeat(32) });
    expect((await enrollError(forgedId)).message).toContain('JARVIS_TOKEN_INVALID');
    expect(hub.tasks.tokens.list()[0]?.uses).toBe(0);
  });

  it('refuses, before sending the token, a hub whose CA does not match the fingerprint', async () => {
    const other = await CertificateAuthority.create('someone else');
    const { record } = hub.tasks.tokens.create();
    // A valid secret for this hub, but pinned to another CA: the worker must stop at the TLS check.
    const token = formatJoinToken({ caFingerprint: other.fingerprint, id: record.id, secret: 'ef'.repeat(32) });
    const err = await enrollError(token);
    expect(err.code).toBe('JARVIS_WORKER_FINGERPRINT_MISMATCH');
    expect(hub.tasks.tokens.list()[0]?.uses).toBe(0);
  });

  it('rejects a malformed token locally and an unreachable hub clearly', async () => {
    expect((await enrollError('jvt1.nothex')).code).toBe('JARVIS_WORKER_BAD_TOKEN');
    const { token } = hub.tasks.tokens.create();
    expect((await enrollError(token, '127.0.0.1:1')).code).toBe('JARVIS_WORKER_HUB_UNREACHABLE');
    expect((await enrollError(token, 'no-port')).code).toBe('JARVIS_WORKER_BAD_ARGS');
  });
});

describe('mTLS on worker calls [GRPC-5.3]', () => {
  it('a client without a certificate cannot pull', async () => {
    const client = createWorkerClient(hub.address, hubCredentials((await CertificateAuthority.loadOrCreate(`${hub.dir}/tasks`)).certPem));
    const err = (await call(client, 'Pull', { capacity: 1, waitMs: 0 }, 5_000).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(err.details).toContain('JARVIS_WORKER_UNAUTHENTICATED');
    client.close();
  });

  it('a certificate from another CA is refused', async () => {
    const { token } = hub.tasks.tokens.create();
    const id = await enroll({ hub: hub.address, token });
    const rogueCa = await CertificateAuthority.create('rogue');
    const rogue = await rogueCa.issueServerCert();
    const client = createWorkerClient(hub.address, hubCredentials(id.caPem, { keyPem: rogue.keyPem, certChainPem: rogue.certPem }));
    const err = (await call(client, 'Pull', { capacity: 1, waitMs: 0 }, 5_000).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.UNAUTHENTICATED);
    client.close();
  });

  it('a revoked worker is refused at once', async () => {
    const { token } = hub.tasks.tokens.create();
    const id = await enroll({ hub: hub.address, token });
    const client = createWorkerClient(hub.address, hubCredentials(id.caPem, { keyPem: id.keyPem, certChainPem: id.certChainPem }));
    await call(client, 'Pull', { capacity: 1, waitMs: 0 }, 5_000);
    expect(hub.tasks.workers.revokeWorker(id.workerId, Date.now())).toBe(true);
    const err = (await call(client, 'Pull', { capacity: 1, waitMs: 0 }, 5_000).catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(err.details).toContain('JARVIS_WORKER_REVOKED');
    client.close();
  });
});
