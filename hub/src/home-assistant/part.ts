import { hubServices } from '../voice/services.js';
import { forFacility } from '../core/logger.js';
import type { HubPart } from '../main.js';
import { HomeAssistantComponent } from './component.js';

/**
 * The Home Assistant part: the websocket client (registries, live states, service calls) and the allowlist
 * from the `homeAssistant` config section. Without a URL and token it logs once that HA control is off and
 * how to turn it on; the hub runs on without it. `GET /api/v1/home-assistant` shows the connection state.
 */
export const homeAssistantPart: HubPart = {
  name: 'home-assistant',
  create(ctx) {
    const ha = new HomeAssistantComponent(ctx.config.homeAssistant, forFacility(ctx.logger, 'hub:home-assistant'));
    hubServices(ctx).homeAssistant = ha;
    ctx.api.addRoutes(async (app) => {
      app.get('/home-assistant', async () => ha.status());
    });
    return ha;
  },
};
