import { commandsPart } from './voice/commands-part.js';
import { homeAssistantPart } from './home-assistant/part.js';
import type { HubPart } from './main.js';
import { observerPart } from './observer/part.js';
import { voicePart } from './voice/part.js';
import { routerPart } from './router/part.js';
import { tasksPart } from './tasks/part.js';

/**
 * The optional parts of the hub (tasks, home-assistant, router, observer, stt, ...), started after the
 * device plane and before the HTTP API (so they can add routes), in this order; stopped in reverse.
 * Add a part with one import and one entry. A part finds the ones before it through `hubServices(ctx)`.
 */
export const hubParts: readonly HubPart[] = [tasksPart, homeAssistantPart, routerPart, observerPart, voicePart, commandsPart];
