import type { FastifyPluginAsync } from 'fastify';
import { ApiError } from './errors.js';
import { docs } from './route-docs.js';
import { clearSessionCookie, type SessionStore } from './session.js';

/**
 * `GET /api/v1/session` (who is logged in, and the CSRF token for writes; the browser calls it on load) and
 * `DELETE /api/v1/session` (log out). The login itself is public: see `dashboardRoutes`.
 */
export function sessionRoutes(sessions: SessionStore): FastifyPluginAsync {
  return async (app) => {
    app.get('/session', docs({ summary: 'The current dashboard session and its CSRF token', tags: ['session'] }), async (req, reply) => {
      const s = req.dashboardSession;
      if (!s) throw new ApiError(401, 'JARVIS_API_UNAUTHORIZED', 'no dashboard session (this request used a bearer token)');
      reply.header('cache-control', 'no-store');
      return { name: s.session.name, csrfToken: s.session.csrfToken, expiresAt: new Date(s.session.expiresAt).toISOString() };
    });
    app.delete('/session', docs({ summary: 'Log out: end the dashboard session', tags: ['session'] }), async (req, reply) => {
      const s = req.dashboardSession;
      if (s) sessions.delete(s.id);
      clearSessionCookie(reply);
      return reply.status(204).send();
    });
  };
}
