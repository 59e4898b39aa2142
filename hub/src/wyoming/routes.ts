/**
 * `GET /api/v1/wyoming` (server port, allowlist, counters; the satellites with state, area, mute,
 * metrics and last run) and `POST /api/v1/wyoming/satellites/:name/mute {"muted": bool}` (a mute set
 * in Jarvis: pause-satellite and the gate, audited with source `api`, [WY-4.4]).
 */
import { type ApiRoutes, ApiError } from '../api/index.js';
import type { WyomingPart } from './component.js';

/** The Wyoming part's API routes. */
export function wyomingRoutes(part: WyomingPart): ApiRoutes {
  return async (app) => {
    app.get('/wyoming', async () => {
      const server = part.server;
      return {
        server: server ? { port: server.port, stats: { ...server.stats } } : null,
        satellites: part.satellites(),
      };
    });
    app.post<{ Params: { name: string }; Body: unknown }>('/wyoming/satellites/:name/mute', async (req) => {
      const body = req.body as { muted?: unknown } | null;
      if (typeof body !== 'object' || body === null || typeof body.muted !== 'boolean' || Object.keys(body).length !== 1) {
        throw new ApiError(400, 'JARVIS_API_BAD_REQUEST', 'body must be {"muted": true|false}');
      }
      if (!part.setMuted(req.params.name, body.muted, 'api')) throw new ApiError(404, 'JARVIS_API_NOT_FOUND', `no satellite ${JSON.stringify(req.params.name)}`);
      return { satellite: part.satellites().find((s) => s.name === req.params.name) };
    });
  };
}
