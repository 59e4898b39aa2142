import type { FastifyError, FastifyPluginAsync } from 'fastify';
import { TASK_STATES, type TaskState } from '../store/index.js';
import { TaskError, type TaskErrorCode, type TaskQueue, type TaskRecord } from '../tasks/index.js';
import { ApiError } from './errors.js';

/** Options of {@link taskRoutes}. */
export interface TaskRoutesOptions {
  queue: TaskQueue;
}

const STATUS: Partial<Record<TaskErrorCode, number>> = {
  JARVIS_TASK_BAD_REQUEST: 400,
  JARVIS_TASK_NOT_FOUND: 404,
  JARVIS_TASK_NOT_CANCELLABLE: 409,
  JARVIS_TASK_IDEMPOTENCY_CONFLICT: 409,
};

/** The API's view of a task: ISO times, no lease internals beyond the owner. */
export function taskView(t: TaskRecord): Record<string, unknown> {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: t.id, type: t.type, state: t.state, priority: t.priority, requires: t.requires, idempotencyKey: t.idempotencyKey,
    attempts: t.attempts, maxAttempts: t.maxAttempts, payload: t.payload, result: t.result, error: t.error, errors: t.errors,
    worker: t.leaseOwner, leaseExpiresAt: iso(t.leaseExpiresAt), cancelRequested: t.cancelRequested,
    createdAt: iso(t.createdAt), updatedAt: iso(t.updatedAt), settledAt: iso(t.settledAt),
  };
}

const badRequest = (details: string[]): TaskError => new TaskError('JARVIS_TASK_BAD_REQUEST', 'invalid request', details);

/**
 * `/tasks` routes for the HTTP API (register under `/api/v1`): list, get, submit, cancel. Errors are
 * `{ error: { code, message, details? } }` with stable codes; auth is the API server's job.
 */
export const taskRoutes: FastifyPluginAsync<TaskRoutesOptions> = async (app, { queue }) => {
  app.setErrorHandler((err: FastifyError | TaskError, _req, reply) => {
    if (err instanceof TaskError) {
      return reply.status(STATUS[err.code] ?? 400).send({ error: { code: err.code, message: err.message, ...(err.details.length ? { details: err.details } : {}) } });
    }
    // The API's own errors (the 401 of the auth hook) keep their status and code: a 401 here said
    // JARVIS_TASK_BAD_REQUEST before.
    if (err instanceof ApiError) return reply.status(err.statusCode).send({ error: { code: err.code, message: err.message } });
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      app.log.error({ err }, 'task route failed');
      return reply.status(500).send({ error: { code: 'JARVIS_API_INTERNAL', message: 'internal error' } });
    }
    // fastify's own 4xx (bad JSON body, wrong content type) keep their status with our code shape.
    const code = status === 415 ? 'JARVIS_API_UNSUPPORTED_MEDIA_TYPE' : status === 413 ? 'JARVIS_API_PAYLOAD_TOO_LARGE' : 'JARVIS_TASK_BAD_REQUEST';
    return reply.status(status).send({ error: { code, message: err.message } });
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/tasks', async (req) => {
    const { state, type, limit } = req.query;
    const details: string[] = [];
    if (state !== undefined && !TASK_STATES.includes(state as TaskState)) details.push(`state: must be one of ${TASK_STATES.join(', ')}`);
    const n = limit === undefined ? 50 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 1000) details.push('limit: must be an integer 1..1000');
    if (details.length) throw badRequest(details);
    return { tasks: queue.list({ state: state as TaskState | undefined, type, limit: n }).map(taskView) };
  });

  app.get<{ Params: { id: string } }>('/tasks/:id', async (req) => {
    const t = queue.get(req.params.id);
    if (!t) throw new TaskError('JARVIS_TASK_NOT_FOUND', `no task ${req.params.id}`);
    return { task: taskView(t) };
  });

  app.post('/tasks', async (req, reply) => {
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) throw badRequest(['(root): must be a JSON object']);
    const t = queue.enqueue(req.body as Parameters<TaskQueue['enqueue']>[0]);
    return reply.status(201).send({ task: taskView(t) });
  });

  app.post<{ Params: { id: string } }>('/tasks/:id/cancel', async (req) => ({ task: taskView(queue.cancel(req.params.id)) }));
};

/** The routes bound to a queue as a self-contained plugin, for `ApiServer.addRoutes(taskRoutesFor(queue), '/api/v1')`. */
export function taskRoutesFor(queue: TaskQueue): FastifyPluginAsync {
  return async (app) => {
    await app.register(taskRoutes, { queue });
  };
}
