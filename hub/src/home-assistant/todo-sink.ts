import type { HomeAssistantClient } from './client.js';

/**
 * The observer's way into Home Assistant, built by the root: service calls and `todo/item/list` over the hub's
 * HA client, and nothing else of it.
 */
export function haTodoSink(client: HomeAssistantClient): Pick<HomeAssistantClient, 'callService' | 'listTodoItems'> {
  return {
    callService: (domain, service, data, target) => client.callService(domain, service, data, target),
    listTodoItems: (entityId) => client.listTodoItems(entityId),
  };
}
