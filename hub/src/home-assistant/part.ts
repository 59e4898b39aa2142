import { hubServices } from '../commands/services.js';
import { forFacility } from '../core/logger.js';
import type { HubPart } from '../main.js';
import { HomeAssistantComponent } from './component.js';

/**
 * The Home Assistant part: the websocket client (registries, live states, service calls) and the allowlist
 * from the `homeAssistant` config section. Without a URL and token it logs once that HA control is off and
 * how to turn it on; the hub runs on without it.
 */
export const homeAssistantPart: HubPart = {
  name: 'home-assistant',
  create(ctx) {
    const ha = new HomeAssistantComponent(ctx.config.homeAssistant, forFacility(ctx.logger, 'hub:home-assistant'));
    hubServices(ctx).homeAssistant = ha;
    return ha;
  },
};
