import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ApiError } from './errors.js';
import { docs, parseWith } from './route-docs.js';
import { LoginLimiter, setSessionCookie, type SessionStore } from './session.js';

/** The dashboard's build folder (`dashboard/dist/web` of the `@jarvis/dashboard` workspace), or undefined. */
export function defaultDashboardDir(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('@jarvis/dashboard/package.json');
    return join(dirname(pkg), 'dist', 'web');
  } catch {
    return undefined;
  }
}

/**
 * What the browser may load and talk to: this origin only (no CDN, no outside fetch), no framing. Inline
 * styles are allowed for the level meters and waterfall widths set from script.
 */
export const DASHBOARD_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

function securityHeaders(reply: FastifyReply, path: string): void {
  reply.header('content-security-policy', DASHBOARD_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  // index.html names the hashed assets: always ask for it again; the assets themselves never change.
  reply.header('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable');
}

/** Options of {@link dashboardRoutes}. */
export interface DashboardRoutesOptions {
  /** The built dashboard (index.html and assets/); when it is missing `/` says how to build it. */
  dashboardDir: string | undefined;
  sessions: SessionStore;
  /** Resolves an API token to its name (the same check as the bearer token). */
  verifyToken: (token: string) => Promise<string | undefined>;
  limiter?: LoginLimiter;
}

const loginBody = z.strictObject({ token: z.string().trim().min(1, 'must not be empty').max(512) });

/**
 * The routes outside the bearer-token scope: the API's OpenAPI document (`/api/openapi.json`, made by
 * @fastify/swagger from every route registered after it), the login that turns the admin token into a session
 * cookie (`POST /api/v1/session`), and the dashboard's static files at `/`.
 */
export function dashboardRoutes(options: DashboardRoutesOptions): FastifyPluginAsync {
  const limiter = options.limiter ?? new LoginLimiter();
  const plugin = async (app: FastifyInstance): Promise<void> => {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Jarvis hub API',
          version: 'v1',
          description:
            'The hub\'s HTTP API. Authenticate with `Authorization: Bearer <token>` (the admin token from the hub\'s first start), or with the dashboard\'s session cookie from `POST /api/v1/session`; a write with the cookie must send the session\'s CSRF token in `x-csrf-token`. Every error is `{"error": {"code", "message"}}` with a stable code (hub/ERRORS.md). Live events: `GET /api/v1/events` (server-sent events).',
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer' },
            session: { type: 'apiKey', in: 'cookie', name: 'jarvis_session' },
          },
        },
        security: [{ bearer: [] }, { session: [] }],
      },
    });
    // Registered after swagger so it documents itself too; public: the document holds no secret.
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

    app.post(
      '/api/v1/session',
      docs({ summary: 'Log in: trade an API token for a session cookie (HttpOnly, SameSite=Strict) and a CSRF token', tags: ['session'], body: loginBody }),
      async (req, reply) => {
        limiter.check(req.ip);
        const { token } = parseWith(loginBody, req.body, 'body');
        const name = await options.verifyToken(token);
        if (!name) {
          limiter.fail(req.ip);
          throw new ApiError(401, 'JARVIS_API_UNAUTHORIZED', 'invalid token');
        }
        limiter.succeed(req.ip);
        const { id, session } = options.sessions.create(name);
        setSessionCookie(reply, id, options.sessions.ttlMs, req.protocol === 'https');
        reply.header('cache-control', 'no-store');
        return { name: session.name, csrfToken: session.csrfToken, expiresAt: new Date(session.expiresAt).toISOString() };
      },
    );

    const dir = options.dashboardDir;
    if (dir && existsSync(join(dir, 'index.html'))) {
      await app.register(fastifyStatic, {
        root: dir,
        prefix: '/',
        index: 'index.html',
        wildcard: false,
        decorateReply: false,
        schemaHide: true,
        setHeaders: securityHeaders,
      });
    } else {
      app.get('/', { schema: { hide: true } }, async (_req, reply) =>
        reply
          .status(503)
          .type('text/plain; charset=utf-8')
          .send(`The dashboard is not built${dir ? ` (no ${join(dir, 'index.html')})` : ''}. Run \`npm run build\` in the Jarvis checkout, then reload. The API is at /api/v1 (see /api/openapi.json).\n`),
      );
    }
  };
  // Not encapsulated (what fastify-plugin does): @fastify/swagger's route hook must sit on the root instance to
  // see the /api/v1 routes registered after this plugin.
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}
