import type { HubPart } from '../main.js';
import { commandRoutes } from '../api/command-routes.js';
import { hubServices } from './services.js';

/**
 * The text-command part: `POST /api/v1/commands`, `POST /api/v1/transcripts` and
 * `POST /api/v1/transcripts/forget`, over the shared services the other parts filled in. It has no
 * lifecycle of its own.
 */
export const commandsPart: HubPart = {
  name: 'commands',
  create(ctx) {
    ctx.api.addRoutes(commandRoutes(hubServices(ctx), (id) => ctx.registry.byTextId(id) !== undefined));
    return undefined;
  },
};
