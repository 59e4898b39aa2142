import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { MemoryError, type Fact, type MemoryService } from '../memory/index.js';

const idParams = z.object({ id: z.string().regex(/^[1-9]\d{0,15}$/, 'id must be a positive integer') });
const listQuery = z.object({ person: z.union([z.literal('household'), z.string().regex(/^[1-9]\d{0,15}$/, "person is a person id or 'household'")]).optional() }).strict();
const personBody = z.object({ name: z.string().trim().min(1).max(100) }).strict();
const ownerBody = z.object({ personId: z.union([z.number().int().positive(), z.null()]) }).strict();
const deviceParams = z.object({ deviceId: z.string().regex(/^[0-9a-f]{8}$/, 'must be 8 lowercase hex digits') });

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue && issue.path.length > 0 ? `${what}.${issue.path.join('.')}` : what;
  throw new MemoryError('JARVIS_MEMORY_BAD_ARGUMENT', `${path}: ${issue?.message ?? 'invalid'}`);
}

/** The JSON shape of a fact in the API, with the wordings a correction replaced (`history`). */
export function factJson(f: Fact): Record<string, unknown> {
  return { id: f.id, text: f.text, personId: f.personId, scope: f.personId === null ? 'household' : 'person', heard: { deviceId: f.deviceId, area: f.area, at: new Date(f.saidAt).toISOString() }, replaces: f.replaces,
    // What the fact said before it was corrected, oldest first (still found by those words).
    history: f.superseded.map((w) => ({ text: w.text, heard: { deviceId: w.deviceId, at: new Date(w.saidAt).toISOString() } })) };
}

function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.status(status).send({ error: { code, message } });
}

/**
 * Memory routes (under `/api/v1`): `GET /memory/facts[?person=<id>|household]`, `DELETE /memory/facts/:id`,
 * `GET /people`, `POST /people {name}`, `PUT /devices/:deviceId/owner {personId|null}` (null: the household's).
 * Errors are `{error: {code, message}}` with JARVIS_MEMORY_* codes (400 bad input, 404 no such fact or device).
 */
export function memoryRoutes(memory: MemoryService): FastifyPluginAsync {
  return async (app) => {
    app.setErrorHandler((err: FastifyError | MemoryError, _req, reply) => {
      if (err instanceof MemoryError) return sendError(reply, err.code === 'JARVIS_MEMORY_NOT_FOUND' ? 404 : 400, err.code, err.message);
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) return sendError(reply, 500, 'JARVIS_API_INTERNAL', 'internal error');
      return sendError(reply, status, 'JARVIS_MEMORY_BAD_ARGUMENT', err.message);
    });
    app.get('/memory/facts', async (req) => {
      const q = parse(listQuery, req.query, 'query');
      const facts = q.person === undefined ? memory.list() : memory.list({ personId: q.person === 'household' ? null : Number(q.person) });
      return { embedder: memory.embedder.id, facts: facts.map(factJson) };
    });
    app.delete('/memory/facts/:id', async (req) => {
      const { id } = parse(idParams, req.params, 'params');
      if (!memory.delete(Number(id))) throw new MemoryError('JARVIS_MEMORY_NOT_FOUND', `no fact ${id}`);
      return { deleted: Number(id) };
    });
    app.get('/people', async () => ({ people: memory.people() }));
    app.post('/people', async (req, reply) => {
      const body = parse(personBody, req.body, 'body');
      const id = memory.person(body.name);
      return reply.status(201).send({ id, name: body.name });
    });
    app.put('/devices/:deviceId/owner', async (req) => {
      const { deviceId } = parse(deviceParams, req.params, 'params');
      const body = parse(ownerBody, req.body, 'body');
      if (body.personId !== null && !memory.people().some((p) => p.id === body.personId)) throw new MemoryError('JARVIS_MEMORY_NOT_FOUND', `no person ${body.personId}`);
      memory.setDeviceOwner(deviceId, body.personId);
      return { deviceId, personId: body.personId };
    });
  };
}
