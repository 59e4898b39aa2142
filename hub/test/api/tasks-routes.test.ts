import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/store/database.js';
import { SqliteTaskQueue } from '../../src/tasks/queue.js';
import { taskRoutesFor } from '../../src/api/tasks-routes.js';

let db: Db;
let app: FastifyInstance;
let queue: SqliteTaskQueue;
beforeEach(async () => {
  db = openDatabase(':memory:');
  queue = new SqliteTaskQueue(db);
  app = Fastify();
  await app.register(taskRoutesFor(queue), { prefix: '/api/v1' });
});
afterEach(async () => {
  await app.close();
  db.close();
});

describe('/api/v1/tasks', () => {
  it('submits, lists, shows and cancels', async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/tasks', payload: { type: 'echo', payload: { a: 1 }, priority: 2 } });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { task: { id: string; state: string } }).task.id;
    expect((await app.inject({ url: '/api/v1/tasks?state=queued' })).json()).toMatchObject({ tasks: [{ id, type: 'echo', priority: 2, payload: { a: 1 } }] });
    expect((await app.inject({ url: `/api/v1/tasks/${id}` })).json()).toMatchObject({ task: { id, state: 'queued' } });
    expect((await app.inject({ method: 'POST', url: `/api/v1/tasks/${id}/cancel` })).json()).toMatchObject({ task: { state: 'cancelled' } });
  });

  it('answers bad input with 4xx JSON errors and stable codes', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/v1/tasks', payload: { type: 'NO', maxAttempts: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'JARVIS_TASK_BAD_REQUEST' } });
    expect((bad.json() as { error: { details: string[] } }).error.details.join()).toContain('maxAttempts');
    const notJson = await app.inject({ method: 'POST', url: '/api/v1/tasks', headers: { 'content-type': 'application/json' }, payload: '{nope' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json()).toMatchObject({ error: { code: 'JARVIS_TASK_BAD_REQUEST' } });
    const arr = await app.inject({ method: 'POST', url: '/api/v1/tasks', payload: [1] });
    expect(arr.statusCode).toBe(400);
    expect((await app.inject({ url: '/api/v1/tasks?state=nope&limit=0' })).json()).toMatchObject({ error: { code: 'JARVIS_TASK_BAD_REQUEST', details: [expect.stringContaining('state'), expect.stringContaining('limit')] } });
    const missing = await app.inject({ url: '/api/v1/tasks/unknown' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'JARVIS_TASK_NOT_FOUND' } });
    const t = queue.enqueue({ type: 'echo' });
    queue.cancel(t.id);
    const twice = await app.inject({ method: 'POST', url: `/api/v1/tasks/${t.id}/cancel` });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ error: { code: 'JARVIS_TASK_NOT_CANCELLABLE' } });
  });
});
