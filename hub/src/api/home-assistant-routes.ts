import type { ApiRoutes } from './server.js';

/** `GET /api/v1/home-assistant`: whether HA is configured, the connection state and the entity counts. */
export function homeAssistantRoutes(status: () => unknown): ApiRoutes {
  return async (app) => {
    app.get('/home-assistant', async () => status());
  };
}
