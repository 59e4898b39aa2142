import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/database.js';
import { todoRoutes } from '../../src/api/observer-routes.js';
import { TodoService } from '../../src/observer/todo-service.js';
import { FakeClock, todoDb } from '../observer/helpers.js';

let db: Db | undefined;
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  db?.close();
});

async function setup() {
  const t = todoDb();
  db = t.db;
  const clock = new FakeClock(Date.parse('2025-03-12T13:15:00Z'));
  const todos = new TodoService({ repository: t.repository, clock: clock.read, requireApproval: true });
  const from = { deviceId: '0000002a', speaker: 'USER', saidAt: clock.now };
  const a = (await todos.capture({ text: 'call the plumber', due: null, kind: 'task', evidence: "I'll call the plumber" }, from))!.todo;
  const b = (await todos.capture({ text: 'eggs', due: null, kind: 'item', evidence: "we're out of eggs" }, from))!.todo;
  app = Fastify();
  await app.register(todoRoutes(todos), { prefix: '/api/v1' });
  return { app, a, b };
}

describe('/api/v1/todos', () => {
  it('lists, accepts, edits, completes and dismisses', async () => {
    const { app, a, b } = await setup();
    const list = await app.inject({ method: 'GET', url: '/api/v1/todos?status=suggested' });
    expect(list.statusCode).toBe(200);
    expect(list.json().todos.map((t: { text: string }) => t.text)).toEqual(['eggs', 'call the plumber']);
    expect(list.json().todos[1]).toMatchObject({ id: a.id, status: 'suggested', heard: { deviceId: '0000002a', snippet: "I'll call the plumber" } });

    expect((await app.inject({ method: 'POST', url: `/api/v1/todos/${a.id}/accept` })).json()).toMatchObject({ status: 'open' });
    const edited = await app.inject({ method: 'PATCH', url: `/api/v1/todos/${a.id}`, payload: { text: 'call the plumber about the sink', due: '2025-03-14' } });
    expect(edited.json()).toMatchObject({ text: 'call the plumber about the sink', due: '2025-03-14' });
    expect((await app.inject({ method: 'POST', url: `/api/v1/todos/${a.id}/complete` })).json()).toMatchObject({ status: 'done' });
    expect((await app.inject({ method: 'POST', url: `/api/v1/todos/${b.id}/dismiss` })).json()).toMatchObject({ status: 'dismissed' });
    expect((await app.inject({ method: 'GET', url: `/api/v1/todos/${b.id}` })).json()).toMatchObject({ status: 'dismissed' });
    expect((await app.inject({ method: 'GET', url: '/api/v1/todos?status=open,suggested' })).json().todos).toEqual([]);
  });

  it('answers bad input with 4xx and a stable code', async () => {
    const { app, a, b } = await setup();
    await app.inject({ method: 'POST', url: `/api/v1/todos/${b.id}/dismiss` });
    const cases: [string, string, unknown, number, string][] = [
      ['GET', '/api/v1/todos/999', undefined, 404, 'JARVIS_TODO_NOT_FOUND'],
      ['GET', '/api/v1/todos/abc', undefined, 400, 'JARVIS_TODO_BAD_REQUEST'],
      ['GET', '/api/v1/todos/-1', undefined, 400, 'JARVIS_TODO_BAD_REQUEST'],
      ['GET', '/api/v1/todos?status=lost', undefined, 400, 'JARVIS_TODO_BAD_REQUEST'],
      ['GET', '/api/v1/todos?limit=0', undefined, 400, 'JARVIS_TODO_BAD_REQUEST'],
      ['GET', '/api/v1/todos?colour=red', undefined, 400, 'JARVIS_TODO_BAD_REQUEST'],
      ['PATCH', `/api/v1/todos/${a.id}`, {}, 400, 'JARVIS_TODO_BAD_REQUEST'],
      ['PATCH', `/api/v1/todos/${a.id}`, { due: '14/03/2025' }, 400, 'JARVIS_TODO_BAD_REQUEST'],
      ['PATCH', `/api/v1/todos/${a.id}`, { text: '   ' }, 400, 'JARVIS_TODO_BAD_REQUEST'],
      ['PATCH', `/api/v1/todos/${a.id}`, { text: 'x'.repeat(201) }, 400, 'JARVIS_TODO_BAD_REQUEST'],
      ['PATCH', `/api/v1/todos/${a.id}`, { text: 'ok', owner: 'me' }, 400, 'JARVIS_TODO_BAD_REQUEST'],
      ['PATCH', `/api/v1/todos/${a.id}`, 'not json', 400, 'JARVIS_TODO_BAD_REQUEST'],
      ['PATCH', `/api/v1/todos/${b.id}`, { text: 'eggs and ham' }, 409, 'JARVIS_TODO_BAD_TRANSITION'],
      ['POST', `/api/v1/todos/${b.id}/accept`, undefined, 409, 'JARVIS_TODO_BAD_TRANSITION'],
      ['POST', '/api/v1/todos/999/complete', undefined, 404, 'JARVIS_TODO_NOT_FOUND'],
    ];
    for (const [method, url, payload, status, code] of cases) {
      const res = await app.inject({
        method: method as 'GET', url,
        ...(payload === undefined ? {} : typeof payload === 'string' ? { payload, headers: { 'content-type': 'application/json' } } : { payload: payload as object }),
      });
      expect({ method, url, status: res.statusCode, code: res.json().error?.code }).toEqual({ method, url, status, code });
    }
  });
});
