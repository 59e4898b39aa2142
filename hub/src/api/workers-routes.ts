import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { JoinTokenRecord, WorkerRecord } from '../store/index.js';
import type { TaskRecord } from '../tasks/index.js';
import { ApiError } from './errors.js';
import { docs, parseWith } from './route-docs.js';
import { taskView } from './tasks-routes.js';

/** What the worker routes read and change. */
export interface WorkersDeps {
  workers(): WorkerRecord[];
  getWorker(id: string): WorkerRecord | undefined;
  revokeWorker(id: string): boolean;
  tokens(): JoinTokenRecord[];
  createToken(options: { ttlMs: number; uses: number; labels: Record<string, string> }): { token: string; record: JoinTokenRecord };
  /** Revokes a token; false when there is no such token. */
  revokeToken(id: string): boolean;
  /** Puts a dead-lettered task back in the queue with fresh attempts; undefined when there is no such task. */
  retryDead(id: string): TaskRecord | undefined;
  getTask(id: string): TaskRecord | undefined;
  /** `host:port` workers enroll against (the address the hub's certificate names). */
  enrollAddress(): string;
  /** A worker not heard from for this long is shown offline (default 60 s). */
  offlineAfterMs?: number;
  now?: () => number;
}

const tokenBody = z.strictObject({
  ttlMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
  uses: z.number().int().min(1).max(100).default(1),
  labels: z.record(z.string().regex(/^[a-z][a-z0-9_.-]{0,31}$/, 'label names are lowercase'), z.string().max(64)).default({}),
});
const hexId = (what: string, len: number) => z.strictObject({ id: z.string().regex(new RegExp(`^[0-9a-f]{${len}}$`), `${what} is ${len} lowercase hex digits`) });
const workerParams = hexId('a worker id', 16);
const tokenParams = hexId('a token id', 16);
const taskParams = z.strictObject({ id: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'is not a task id') });

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function capabilitiesJson(caps: unknown): Record<string, unknown> {
  return caps !== null && typeof caps === 'object' && !Array.isArray(caps) ? (caps as Record<string, unknown>) : {};
}

/**
 * The one command to copy on a new worker: the token goes in on standard input (a here-document), never on
 * the command line where `ps` and shell history of other users would see it.
 */
export function enrollCommand(address: string, token: string): string {
  return `jarvis-worker enroll --hub ${address} --token-file - <<'END_OF_TOKEN'\n${token}\nEND_OF_TOKEN`;
}

/**
 * Worker management under `/api/v1`: `GET /workers`, `DELETE /workers/:id` (revoke), `GET /workers/tokens`,
 * `POST /workers/tokens {ttlMinutes?, uses?, labels?}` (the token and the enroll command, shown once),
 * `DELETE /workers/tokens/:id`, and `POST /tasks/:id/retry` for a dead-lettered task.
 */
export function workersRoutes(deps: WorkersDeps): FastifyPluginAsync {
  const now = deps.now ?? Date.now;
  const offlineAfter = deps.offlineAfterMs ?? 60_000;
  const workerJson = (w: WorkerRecord): Record<string, unknown> => ({
    id: w.id, name: w.name, labels: w.labels, capabilities: capabilitiesJson(w.capabilities),
    online: w.revokedAt === null && w.lastSeenAt !== null && now() - w.lastSeenAt < offlineAfter,
    revoked: w.revokedAt !== null, lastSeenAt: iso(w.lastSeenAt), enrolledAt: iso(w.enrolledAt), certificateNotAfter: iso(w.certNotAfter),
  });
  const tokenJson = (t: JoinTokenRecord): Record<string, unknown> => ({
    id: t.id, labels: t.labels, uses: t.uses, maxUses: t.maxUses, createdAt: iso(t.createdAt), expiresAt: iso(t.expiresAt), revoked: t.revokedAt !== null,
    usable: t.revokedAt === null && t.uses < t.maxUses && t.expiresAt > now(),
  });
  return async (app) => {
    app.get('/workers', docs({ summary: 'Enrolled workers: capabilities, hardware, version, last heartbeat', tags: ['workers'] }), async () => ({ workers: deps.workers().map(workerJson) }));

    app.delete('/workers/:id', docs({ summary: 'Revoke a worker (its certificate no longer works)', tags: ['workers'], params: workerParams }), async (req, reply) => {
      const { id } = parseWith(workerParams, req.params, 'params');
      if (!deps.getWorker(id)) throw new ApiError(404, 'JARVIS_API_NOT_FOUND', `no worker ${id}`);
      deps.revokeWorker(id);
      return reply.status(204).send();
    });

    app.get('/workers/tokens', docs({ summary: 'Join tokens (no secrets)', tags: ['workers'] }), async () => ({ tokens: deps.tokens().map(tokenJson) }));

    app.post('/workers/tokens', docs({ summary: 'Create a join token; the answer holds the token and the enroll command, shown once', tags: ['workers'], body: tokenBody }), async (req, reply) => {
      const body = parseWith(tokenBody, req.body, 'body');
      const { token, record } = deps.createToken({ ttlMs: body.ttlMinutes * 60_000, uses: body.uses, labels: body.labels });
      reply.header('cache-control', 'no-store');
      return reply.status(201).send({ ...tokenJson(record), token, hub: deps.enrollAddress(), command: enrollCommand(deps.enrollAddress(), token) });
    });

    app.delete('/workers/tokens/:id', docs({ summary: 'Revoke a join token', tags: ['workers'], params: tokenParams }), async (req, reply) => {
      const { id } = parseWith(tokenParams, req.params, 'params');
      if (!deps.revokeToken(id)) throw new ApiError(404, 'JARVIS_API_NOT_FOUND', `no join token ${id}`);
      return reply.status(204).send();
    });

    app.post('/tasks/:id/retry', docs({ summary: 'Retry a dead-lettered task: back to the queue with fresh attempts', tags: ['tasks'], params: taskParams }), async (req) => {
      const { id } = parseWith(taskParams, req.params, 'params');
      const task = deps.getTask(id);
      if (!task) throw new ApiError(404, 'JARVIS_API_NOT_FOUND', `no task ${id}`);
      if (task.state !== 'dead') throw new ApiError(409, 'JARVIS_API_CONFLICT', `task ${id} is ${task.state}; only a dead-lettered task can be retried`);
      const retried = deps.retryDead(id);
      if (!retried) throw new ApiError(409, 'JARVIS_API_CONFLICT', `task ${id} is no longer dead-lettered`);
      return { task: taskView(retried) };
    });
  };
}
