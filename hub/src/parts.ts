import type { HubPart } from './main.js';

/**
 * The optional parts of the hub (tasks, home-assistant, router, observer, stt, ...), started after the
 * device plane and before the HTTP API (so they can add routes), in this order; stopped in reverse.
 * Add a part with one import and one entry.
 */
export const hubParts: readonly HubPart[] = [];
