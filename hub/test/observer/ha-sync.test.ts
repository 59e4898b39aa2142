import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { Db } from '../../src/store/database.js';
import { HaTodoSync, syncMarker } from '../../src/observer/ha-sync.js';
import { TodoService } from '../../src/observer/todo-service.js';
import { FakeClock, FakeHaTodoList, todoDb } from './helpers.js';

const T0 = Date.parse('2025-03-12T13:15:00Z');
let db: Db | undefined;
afterEach(() => db?.close());

function setup(options: { requireApproval?: boolean } = {}) {
  const t = todoDb();
  db = t.db;
  const ha = new FakeHaTodoList();
  const clock = new FakeClock(T0);
  const notices: [string, string][] = [];
  const todos = new TodoService({
    repository: t.repository, clock: clock.read, settleMs: 10_000, ha: new HaTodoSync(ha, 'todo.shopping', t.repository, silentLogger()),
    notify: (d, text) => void notices.push([d, text]), ...options,
  });
  const capture = (text: string, due: string | null = null) =>
    todos.capture({ text, due: due ? { date: due, at: null } : null, kind: 'task', evidence: `I need to ${text}` }, { deviceId: '0000002a', speaker: 'USER', saidAt: clock.now });
  return { ha, clock, todos, notices, capture, repository: t.repository };
}

describe('Home Assistant to-do sync', () => {
  it('waits for the settle time, then adds the item once and tells the device', async () => {
    const { ha, clock, todos, notices, capture } = setup();
    const made = (await capture('call the plumber', '2025-03-13'))!.todo;
    await todos.flushSettled();
    expect(ha.items).toHaveLength(0);
    clock.advance(10_000);
    await todos.flushSettled();
    await todos.flushSettled();
    expect(ha.items).toEqual([{ uid: 'uid-1', summary: 'call the plumber', status: 'needs_action', description: syncMarker(made), due: '2025-03-13' }]);
    expect(ha.calls.filter((c) => c.service === 'add_item')).toHaveLength(1);
    expect(ha.calls[0]!.target).toEqual({ entity_id: 'todo.shopping' });
    expect(todos.get(made.id)).toMatchObject({ haState: 'synced', haUid: 'uid-1' });
    expect(notices).toEqual([['0000002a', 'Added to your list: call the plumber, due 2025-03-13.']]);
  });

  it('a retry after a lost reply finds the item it made instead of adding a second one', async () => {
    const { ha, clock, todos, capture } = setup();
    const made = (await capture('buy stamps'))!.todo;
    clock.advance(10_000);
    ha.loseNextAddReply = true;
    await todos.flushSettled();
    expect(todos.get(made.id)).toMatchObject({ haState: 'failed', haAttempts: 1 });
    await todos.syncPending();
    expect(ha.items).toHaveLength(1);
    expect(ha.calls.filter((c) => c.service === 'add_item')).toHaveLength(1);
    expect(todos.get(made.id)).toMatchObject({ haState: 'synced', haUid: 'uid-1', haAttempts: 2 });
  });

  it('without descriptions on the list, a retry matches the open item by its summary', async () => {
    const { ha, clock, todos, capture } = setup();
    ha.supportsDescription = false;
    await capture('buy stamps');
    clock.advance(10_000);
    ha.loseNextAddReply = true;
    await todos.flushSettled();
    await todos.syncPending();
    await todos.syncPending();
    expect(ha.items).toHaveLength(1);
  });

  it('keeps failing to-dos for a later retry while HA is down', async () => {
    const { ha, clock, todos, capture } = setup();
    const made = (await capture('renew the passport'))!.todo;
    clock.advance(10_000);
    ha.failNext = 3;
    await todos.flushSettled();
    await todos.syncPending();
    await todos.syncPending();
    expect(todos.get(made.id)).toMatchObject({ haState: 'failed', haError: 'home assistant unavailable' });
    await todos.syncPending();
    expect(todos.get(made.id).haState).toBe('synced');
    expect(ha.items).toHaveLength(1);
  });

  it('suggested to-dos reach HA only when accepted; completion and dismissal are mirrored', async () => {
    const { ha, clock, todos, notices, capture } = setup({ requireApproval: true });
    const a = (await capture('book the dentist'))!.todo;
    const b = (await capture('fix the fence'))!.todo;
    clock.advance(10_000);
    await todos.flushSettled();
    expect(ha.items).toHaveLength(0);
    expect(notices.map((n) => n[1])).toContain('Suggested to-do: book the dentist.');
    await todos.accept(a.id);
    await todos.accept(b.id);
    expect(ha.items.map((i) => i.summary)).toEqual(['book the dentist', 'fix the fence']);
    await todos.complete(a.id);
    await todos.dismiss(b.id);
    expect(ha.items).toEqual([expect.objectContaining({ summary: 'book the dentist', status: 'completed' })]);
  });
});
