import type { Logger } from '../core/index.js';
import type { TodoRecord, TodosRepository } from '../store/index.js';

/** The one Home Assistant call the observer makes: a service call (the router's HA client provides it). */
export interface HaServiceCaller {
  callService(domain: string, service: string, data?: Record<string, unknown>, target?: { entity_id: string | string[] }): Promise<unknown>;
}

/** An item of a Home Assistant to-do list, as the `todo/item/list` websocket command returns it. */
export interface HaTodoItem {
  uid: string;
  summary: string;
  status: 'needs_action' | 'completed';
  description?: string | null;
  due?: string | null;
}

/** Reads a to-do list (`{type: 'todo/item/list', entity_id}` over the websocket). */
export interface HaTodoLister {
  listTodoItems(entityId: string): Promise<HaTodoItem[]>;
}

/** What the observer needs from Home Assistant. */
export type HaTodoGateway = HaServiceCaller & HaTodoLister;

/** The marker written into an item's description so a retry finds the item it already made. */
export function syncMarker(todo: Pick<TodoRecord, 'id' | 'createdAt'>): string {
  return `jarvis-todo:${todo.id}:${todo.createdAt.toString(36)}`;
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 200);
}

/**
 * Puts open to-dos on a Home Assistant to-do list with `todo.add_item`, idempotently: before adding,
 * it looks for the item it may have added on an earlier attempt (by the marker in the description,
 * then by the uid it remembered, then by the same open summary); after adding it reads the list back
 * to remember the item's uid. A retry after a lost reply therefore never makes a second item.
 */
export class HaTodoSync {
  constructor(
    private readonly gateway: HaTodoGateway,
    private readonly entityId: string,
    private readonly repository: TodosRepository,
    private readonly logger: Logger,
  ) {}

  /** Syncs one to-do; records the outcome on it and returns whether it is on the list. Never throws. */
  async push(todo: TodoRecord): Promise<boolean> {
    const marker = syncMarker(todo);
    try {
      let item = this.find(await this.gateway.listTodoItems(this.entityId), todo, marker);
      if (!item) {
        const data: Record<string, unknown> = { item: todo.text, description: marker };
        if (todo.dueAt !== null) data.due_datetime = new Date(todo.dueAt).toISOString();
        else if (todo.dueDate !== null) data.due_date = todo.dueDate;
        await this.gateway.callService('todo', 'add_item', data, { entity_id: this.entityId });
        item = this.find(await this.gateway.listTodoItems(this.entityId), todo, marker);
      }
      this.repository.setHaState(todo.id, 'synced', { uid: item?.uid ?? null, attempted: true });
      return true;
    } catch (err) {
      this.repository.setHaState(todo.id, 'failed', { error: errorText(err), attempted: true });
      this.logger.warn({ todo: todo.id, err: errorText(err) }, 'home assistant to-do sync failed; will retry');
      return false;
    }
  }

  /** Mirrors a completion, rename, due change or removal onto the HA item, when there is one. Never throws. */
  async mirror(todo: TodoRecord, change: 'update' | 'remove'): Promise<void> {
    if (todo.haState !== 'synced' || !todo.haUid) return;
    try {
      if (change === 'remove') {
        await this.gateway.callService('todo', 'remove_item', { item: todo.haUid }, { entity_id: this.entityId });
        return;
      }
      const data: Record<string, unknown> = { item: todo.haUid, rename: todo.text, status: todo.status === 'done' ? 'completed' : 'needs_action' };
      if (todo.dueDate !== null) data.due_date = todo.dueDate;
      await this.gateway.callService('todo', 'update_item', data, { entity_id: this.entityId });
    } catch (err) {
      this.logger.warn({ todo: todo.id, err: errorText(err) }, `home assistant to-do ${change} failed`);
    }
  }

  private find(items: readonly HaTodoItem[], todo: TodoRecord, marker: string): HaTodoItem | undefined {
    return (
      items.find((i) => typeof i.description === 'string' && i.description.includes(marker)) ??
      (todo.haUid ? items.find((i) => i.uid === todo.haUid) : undefined) ??
      items.find((i) => i.status === 'needs_action' && i.summary.trim().toLowerCase() === todo.text.trim().toLowerCase())
    );
  }
}
