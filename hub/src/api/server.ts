import { createHash } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyPluginAsync, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { type Component, type Logger, InternalError } from '../core/index.js';
import { ApiError } from './errors.js';

/** A route plugin mounted under `/api/v1`, behind bearer-token auth. */
export type ApiRoutes = FastifyPluginAsync;

/** Construction parameters of {@link ApiServer}. */
export interface ApiServerOptions {
  host: string;
  port: number;
  logger: Logger;
  metrics: Registry;
  /** Resolves a bearer token to its name, or undefined when it is not valid. */
  verifyToken: (token: string) => Promise<string | undefined>;
  /**
   * Who may read `/metrics` (issue 15, weak point 6: it lists every device id, which is also its MQTT
   * username, and who is muted): `token` (default) needs the bearer token like the API, `loopback` serves
   * requests from 127.0.0.0/8 and ::1 without one (a Prometheus on the same host), `public` serves anyone.
   */
  metricsAccess?: MetricsAccess;
  /** Deprecated: `true` is `metricsAccess: 'public'`. */
  publicMetrics?: boolean;
  /**
   * Authenticates a request that has no bearer token (the dashboard's session cookie): the token name, or
   * undefined; may throw an ApiError (a write without its CSRF token).
   */
  sessionAuth?: (req: FastifyRequest) => string | undefined;
  /** Readiness checks by name; `/readyz` fails while any returns false. */
  readiness?: Record<string, () => boolean>;
}

function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

/** Who may read `/metrics` without a bearer token. */
export type MetricsAccess = 'token' | 'loopback' | 'public';

/** Deepest JSON nesting a request body may have; deeper bodies are refused before parsing (400, not a stack overflow). */
export const MAX_JSON_DEPTH = 64;

/** The nesting depth of JSON text, in one pass that skips strings; stops counting once over `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

const isLoopback = (address: string | undefined): boolean =>
  address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));

/**
 * The HTTP API (fastify 5): `/healthz`, `/readyz`, `/metrics`, and `/api/v1/*` behind a bearer token.
 * Other parts add their routes with {@link ApiServer.addRoutes} before `start()`; every error leaves as
 * `{ error: { code, message } }` with a stable code.
 */
export class ApiServer implements Component {
  readonly name = 'api';
  private app: FastifyInstance | undefined;
  private readonly routes: { plugin: ApiRoutes; prefix: string }[] = [];
  private readonly publicRoutes: FastifyPluginAsync[] = [];
  private readonly readiness: Record<string, () => boolean>;
  private readonly tokenCache = new Map<string, string>();
  private boundPort: number | undefined;
  /** Failed logins per address since the last audit line (one info line per address per 10 s). */
  private readonly failedLogins = new Map<string, { count: number; loggedAt: number }>();

  constructor(private readonly options: ApiServerOptions) {
    this.readiness = { ...(options.readiness ?? {}) };
  }

  /** The bound port (after `start()`). */
  get port(): number {
    if (this.boundPort === undefined) throw new InternalError('JARVIS_INTERNAL_NOT_STARTED', 'api is not started');
    return this.boundPort;
  }

  /** Adds routes under `/api/v1` + `prefix` (e.g. `/tasks`); must be called before `start()`. */
  addRoutes(plugin: ApiRoutes, prefix = ''): void {
    if (this.app) throw new InternalError('JARVIS_INTERNAL_INVARIANT', 'api routes must be added before the api starts');
    this.routes.push({ plugin, prefix });
  }

  /**
   * Adds routes outside `/api/v1`'s token check (the dashboard's files, its login, the OpenAPI document);
   * registered before the API routes, so a documentation plugin among them sees every route.
   */
  addPublicRoutes(plugin: FastifyPluginAsync): void {
    if (this.app) throw new InternalError('JARVIS_INTERNAL_INVARIANT', 'api routes must be added before the api starts');
    this.publicRoutes.push(plugin);
  }

  /** Adds a readiness check shown in `/readyz`. */
  addReadiness(name: string, check: () => boolean): void {
    this.readiness[name] = check;
  }

  /** The fastify instance, for `inject()` in tests (after `start()`, or after `build()`). */
  get fastify(): FastifyInstance {
    if (!this.app) throw new InternalError('JARVIS_INTERNAL_NOT_STARTED', 'api is not built');
    return this.app;
  }

  /** Builds the fastify instance with every route, without listening. */
  async build(): Promise<FastifyInstance> {
    if (this.app) return this.app;
    const app: FastifyInstance = Fastify({
      loggerInstance: this.options.logger as FastifyBaseLogger,
      logController: new LogController({ disableRequestLogging: true }),
      forceCloseConnections: true,
      bodyLimit: 1024 * 1024,
      // Errors fastify raises before routing (FST_ERR_BAD_URL, ...) skip the error handler: same shape here.
      frameworkErrors: (err, _req, reply) => {
        const status = (err as FastifyError).statusCode ?? 400;
        void (reply as unknown as { status(n: number): { send(body: unknown): unknown } }).status(status).send(errorBody(status === 404 ? 'JARVIS_API_NOT_FOUND' : 'JARVIS_API_BAD_REQUEST', err.message));
      },
    });
    // JSON nested thousands deep made the routes' validators overflow the stack (500); refuse it as bad input.
    const parseJson = app.getDefaultJsonParser('error', 'error');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      const text = body as string;
      if (jsonDepth(text) > MAX_JSON_DEPTH) return done(new ApiError(400, 'JARVIS_API_BAD_REQUEST', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
      parseJson(req, text, done);
    });
    app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
      if (err instanceof ApiError) return reply.status(err.statusCode).send(errorBody(err.code, err.message));
      const status = err.statusCode ?? 500;
      if (status >= 500) {
        req.log.error({ err }, 'api request failed');
        return reply.status(500).send(errorBody('JARVIS_API_INTERNAL', 'internal error'));
      }
      const code =
        err.validation ? 'JARVIS_API_BAD_REQUEST'
        : status === 415 ? 'JARVIS_API_UNSUPPORTED_MEDIA_TYPE'
        : status === 413 ? 'JARVIS_API_PAYLOAD_TOO_LARGE'
        : status === 404 ? 'JARVIS_API_NOT_FOUND'
        : 'JARVIS_API_BAD_REQUEST';
      return reply.status(status).send(errorBody(code, err.message));
    });
    app.setNotFoundHandler((req, reply) =>
      reply.status(404).send(errorBody('JARVIS_API_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`)),
    );

    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_req, reply) => {
      const checks = Object.fromEntries(Object.entries(this.readiness).map(([n, c]) => [n, safe(c)]));
      const ready = Object.values(checks).every(Boolean);
      return reply.status(ready ? 200 : 503).send(ready ? { status: 'ready', checks } : { ...errorBody('JARVIS_API_NOT_READY', 'not ready'), checks });
    });
    const metricsAccess: MetricsAccess = this.options.metricsAccess ?? (this.options.publicMetrics ? 'public' : 'token');
    app.get('/metrics', async (req, reply) => {
      // The socket's address, never X-Forwarded-For: a header cannot make a remote scraper local.
      const free = metricsAccess === 'public' || (metricsAccess === 'loopback' && isLoopback(req.socket.remoteAddress));
      if (!free) await this.authenticate(req);
      return reply.header('content-type', this.options.metrics.contentType).send(await this.options.metrics.metrics());
    });

    for (const plugin of this.publicRoutes) await app.register(plugin);
    await app.register(
      async (scope) => {
        scope.addHook('onRequest', async (req) => {
          req.tokenName = await this.authenticate(req);
        });
        for (const { plugin, prefix } of this.routes) await scope.register(plugin, { prefix });
      },
      { prefix: '/api/v1' },
    );
    this.app = app;
    return app;
  }

  async start(): Promise<void> {
    if (this.boundPort !== undefined) return;
    const app = await this.build();
    await app.listen({ host: this.options.host, port: this.options.port });
    const address = app.server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : this.options.port;
    this.options.logger.info({ port: this.boundPort, host: this.options.host }, 'http api listening');
  }

  async stop(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    this.boundPort = undefined;
    if (app) await app.close();
  }

  private auditFailedLogin(req: FastifyRequest): void {
    auditFailedLoginOf(this.failedLogins, this.options.logger, req);
  }

  /** Resolves the request's bearer token to its name or throws `JARVIS_API_UNAUTHORIZED`. */
  private async authenticate(req: FastifyRequest): Promise<string> {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) {
      const bySession = this.options.sessionAuth?.(req);
      if (bySession) return bySession;
      throw new ApiError(401, 'JARVIS_API_UNAUTHORIZED', 'missing bearer token (Authorization: Bearer <token>) or dashboard session');
    }
    const token = match[1];
    // scrypt costs ~50 ms; remember tokens already proven, keyed by a digest so the map holds no secret.
    const digest = createHash('sha256').update(token).digest('hex');
    const cached = this.tokenCache.get(digest);
    if (cached) return cached;
    const name = await this.options.verifyToken(token);
    if (!name) {
      this.auditFailedLogin(req);
      throw new ApiError(401, 'JARVIS_API_UNAUTHORIZED', 'invalid bearer token');
    }
    if (this.tokenCache.size > 100) this.tokenCache.clear();
    this.tokenCache.set(digest, name);
    return name;
  }
}

/** Logged at info (audit): the first failed login of an address, then at most one line per 10 s with the count. */
function auditFailedLoginOf(failures: Map<string, { count: number; loggedAt: number }>, logger: Logger, req: FastifyRequest): void {
  const peer = req.socket.remoteAddress ?? 'unknown';
  const now = Date.now();
  const entry = failures.get(peer) ?? { count: 0, loggedAt: 0 };
  entry.count++;
  failures.set(peer, entry);
  if (now - entry.loggedAt < 10_000) return;
  logger.info({ peer, failures: entry.count, url: req.url.split('?')[0], code: 'JARVIS_API_UNAUTHORIZED' }, `failed API login from ${peer}`);
  entry.count = 0;
  entry.loggedAt = now;
  if (failures.size > 10_000) failures.clear();
}

function safe(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Name of the API token the request authenticated with. */
    tokenName?: string;
  }
}
