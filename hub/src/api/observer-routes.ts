import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { TodoRecord } from '../store/index.js';
import { ObserverError, MAX_TODO_TEXT, type TodoService } from '../observer/index.js';

const idParams = z.object({ id: z.string().regex(/^[1-9]\d{0,15}$/, 'id must be a positive integer') });
const listQuery = z.object({
  status: z.string().regex(/^[a-z]+(?:,[a-z]+)*$/, 'status is a comma-separated list').optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
}).strict();
const editBody = z.object({
  text: z.string().trim().min(1).max(MAX_TODO_TEXT).optional(),
  due: z.union([z.iso.date(), z.null()]).optional(),
}).strict().refine((b) => b.text !== undefined || b.due !== undefined, 'give text and/or due');

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${what}.${issue.path.join('.')}` : what;
  throw new ObserverError('JARVIS_TODO_BAD_REQUEST', `${path}: ${issue?.message ?? 'invalid'}`);
}

/** The JSON shape of a to-do in the API. */
export function todoJson(t: TodoRecord): Record<string, unknown> {
  return {
    id: t.id, text: t.text, kind: t.kind, status: t.status, due: t.dueDate, dueAt: t.dueAt === null ? null : new Date(t.dueAt).toISOString(),
    heard: { deviceId: t.deviceId, speaker: t.speaker, at: new Date(t.saidAt).toISOString(), snippet: t.snippet, mentions: t.mentions },
    homeAssistant: { state: t.haState, uid: t.haUid, error: t.haError },
    createdAt: new Date(t.createdAt).toISOString(), updatedAt: new Date(t.updatedAt).toISOString(),
  };
}

function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.status(status).send({ error: { code, message } });
}

/**
 * `/todos` routes for the API (mounted under `/api/v1`): `GET /todos[?status=open,suggested]`,
 * `GET /todos/:id`, `PATCH /todos/:id` `{text?, due?}`, `POST /todos/:id/accept|complete|dismiss`.
 * Errors are `{error: {code, message}}` with JARVIS_TODO_* codes.
 */
export function todoRoutes(service: TodoService): FastifyPluginAsync {
  return async (app) => {
    app.setErrorHandler((err: FastifyError | ObserverError, _req, reply) => {
      if (err instanceof ObserverError) return sendError(reply, err.statusCode, err.code, err.message);
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) return sendError(reply, 500, 'JARVIS_API_INTERNAL', 'internal error');
      return sendError(reply, status, 'JARVIS_TODO_BAD_REQUEST', err.message);
    });

    app.get('/todos', async (req) => {
      const q = parse(listQuery, req.query, 'query');
      const todos = service.list({ ...(q.status ? { statuses: q.status.split(',') } : {}), ...(q.limit ? { limit: q.limit } : {}), ...(q.offset ? { offset: q.offset } : {}) });
      return { todos: todos.map(todoJson) };
    });
    app.get('/todos/:id', async (req) => {
      const { id } = parse(idParams, req.params, 'params');
      return todoJson(service.get(Number(id)));
    });
    app.patch('/todos/:id', async (req) => {
      const { id } = parse(idParams, req.params, 'params');
      const body = parse(editBody, req.body ?? {}, 'body');
      return todoJson(await service.edit(Number(id), { ...(body.text !== undefined ? { text: body.text } : {}), ...(body.due !== undefined ? { dueDate: body.due } : {}) }));
    });
    for (const action of ['accept', 'complete', 'dismiss'] as const) {
      app.post(`/todos/:id/${action}`, async (req) => {
        const { id } = parse(idParams, req.params, 'params');
        return todoJson(await service[action](Number(id)));
      });
    }
  };
}
