import { openDatabase, type Db } from '../../src/store/database.js';
import { migration0020 } from '../../src/store/migrations/0020-todos.js';
import { TodosRepository } from '../../src/store/todos-repository.js';
import type { HaTodoGateway, HaTodoItem } from '../../src/observer/ha-sync.js';

/** A fresh in-memory database with the to-do tables only. */
export function todoDb(): { db: Db; repository: TodosRepository } {
  const db = openDatabase(':memory:', { migrations: [migration0020] });
  return { db, repository: new TodosRepository(db) };
}

/** A controllable wall clock. */
export class FakeClock {
  constructor(public now: number) {}
  readonly read = (): number => this.now;
  advance(ms: number): number {
    this.now += ms;
    return this.now;
  }
}

/**
 * An in-process Home Assistant to-do list with HA's semantics for add/update/remove/list. It records
 * every call and can be told to fail: `loseNextAddReply` applies the add and then throws (a reply lost
 * on the way back), `failNext` throws before doing anything.
 */
export class FakeHaTodoList implements HaTodoGateway {
  items: HaTodoItem[] = [];
  calls: { domain: string; service: string; data?: Record<string, unknown>; target?: unknown }[] = [];
  lists = 0;
  loseNextAddReply = false;
  failNext = 0;
  supportsDescription = true;
  private next = 1;

  async callService(domain: string, service: string, data: Record<string, unknown> = {}, target?: { entity_id: string | string[] }): Promise<unknown> {
    this.calls.push({ domain, service, data, target });
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('home assistant unavailable');
    }
    if (domain !== 'todo') throw new Error(`unexpected domain ${domain}`);
    if (service === 'add_item') {
      this.items.push({
        uid: `uid-${this.next++}`, summary: String(data.item), status: 'needs_action',
        description: this.supportsDescription ? (data.description as string | undefined) ?? null : null,
        due: (data.due_date as string | undefined) ?? (data.due_datetime as string | undefined) ?? null,
      });
      if (this.loseNextAddReply) {
        this.loseNextAddReply = false;
        throw new Error('connection lost before the reply');
      }
      return null;
    }
    const item = this.items.find((i) => i.uid === data.item || i.summary === data.item);
    if (!item) throw new Error(`no item ${String(data.item)}`);
    if (service === 'update_item') {
      if (typeof data.rename === 'string') item.summary = data.rename;
      if (data.status === 'completed' || data.status === 'needs_action') item.status = data.status;
      if (typeof data.due_date === 'string') item.due = data.due_date;
      return null;
    }
    if (service === 'remove_item') {
      this.items = this.items.filter((i) => i !== item);
      return null;
    }
    throw new Error(`unexpected service ${service}`);
  }

  async listTodoItems(_entityId: string): Promise<HaTodoItem[]> {
    this.lists++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('home assistant unavailable');
    }
    return this.items.map((i) => ({ ...i }));
  }
}
