import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

/** Name of the dashboard's session cookie (HttpOnly, SameSite=Strict, Path=/). */
export const SESSION_COOKIE = 'jarvis_session';
/** Header a cookie-authenticated write must carry, holding the session's CSRF token. */
export const CSRF_HEADER = 'x-csrf-token';

/** A logged-in browser: who it is (the API token's name), its CSRF token and when it ends. */
export interface DashboardSession {
  name: string;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

/** Options of {@link SessionStore}. */
export interface SessionStoreOptions {
  /** How long a session lasts from login (default 12 h). */
  ttlMs?: number;
  /** Sessions kept at most; the oldest goes first (default 200). */
  maxSessions?: number;
  now?: () => number;
}

const digest = (id: string): string => createHash('sha256').update(id).digest('hex');

/**
 * Dashboard sessions, in memory (a hub restart logs browsers out). The map is keyed by a digest of the
 * cookie value, so it holds nothing a memory dump could replay; the CSRF token is a separate random value.
 */
export class SessionStore {
  private readonly sessions = new Map<string, DashboardSession>();
  readonly ttlMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;

  constructor(options: SessionStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 12 * 3_600_000;
    this.maxSessions = options.maxSessions ?? 200;
    this.now = options.now ?? Date.now;
  }

  /** Opens a session for the token named `name`; returns the cookie value (shown to no one but the browser). */
  create(name: string): { id: string; session: DashboardSession } {
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    const session: DashboardSession = { name, csrfToken: randomBytes(32).toString('base64url'), createdAt: now, expiresAt: now + this.ttlMs };
    if (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    this.sessions.set(digest(id), session);
    return { id, session };
  }

  /** The live session of a cookie value, or undefined (unknown or expired; an expired one is dropped). */
  get(id: string): DashboardSession | undefined {
    const key = digest(id);
    const s = this.sessions.get(key);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    return s;
  }

  delete(id: string): void {
    this.sessions.delete(digest(id));
  }

  get size(): number {
    return this.sessions.size;
  }
}

/** The session cookie's value in a `Cookie` header, or undefined. */
export function sessionIdFrom(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(eq + 1).trim();
    return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
  }
  return undefined;
}

/** Sets the session cookie: HttpOnly (script never reads it), SameSite=Strict, Secure over HTTPS. */
export function setSessionCookie(reply: FastifyReply, id: string, maxAgeMs: number, secure: boolean): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure ? '; Secure' : ''}`);
}

/** Clears the session cookie in the browser. */
export function clearSessionCookie(reply: FastifyReply): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `host[:port]` of a URL with its default port dropped, or undefined for something that is not a URL. */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Authenticates a request by its session cookie for the API server: the token name, or undefined without a
 * session. A write (any method but GET/HEAD/OPTIONS) must also carry the session's CSRF token in
 * `x-csrf-token`, and a request from another origin is refused: `JARVIS_API_CSRF` (403).
 */
export function sessionAuthenticator(store: SessionStore): (req: FastifyRequest) => string | undefined {
  return (req) => {
    const id = sessionIdFrom(req.headers.cookie);
    if (!id) return undefined;
    const session = store.get(id);
    if (!session) return undefined;
    const origin = req.headers.origin;
    if (typeof origin === 'string' && origin !== 'null' && hostOf(origin) !== hostOf(`http://${req.headers.host ?? ''}`)) {
      throw new ApiError(403, 'JARVIS_API_CSRF', `a request from origin ${origin} may not use the dashboard session`);
    }
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameToken(sent, session.csrfToken)) {
        throw new ApiError(403, 'JARVIS_API_CSRF', `a write with the session cookie needs the session's CSRF token in ${CSRF_HEADER}`);
      }
    }
    req.dashboardSession = { id, session };
    return session.name;
  };
}

/**
 * Failed logins per client address: after `max` failures within `windowMs` the address must wait
 * (`JARVIS_API_TOO_MANY_ATTEMPTS`, 429). Scrypt already makes each guess slow; this bounds how many.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max = 10,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws while the address is over its budget. */
  check(address: string): void {
    const recent = this.recent(address);
    if (recent.length >= this.max) {
      const waitS = Math.ceil((recent[0]! + this.windowMs - this.now()) / 1000);
      throw new ApiError(429, 'JARVIS_API_TOO_MANY_ATTEMPTS', `too many failed logins from ${address}; try again in ${waitS} s`);
    }
  }

  fail(address: string): void {
    const recent = this.recent(address);
    recent.push(this.now());
    this.failures.set(address, recent);
    if (this.failures.size > 1000) this.failures.delete(this.failures.keys().next().value!);
  }

  succeed(address: string): void {
    this.failures.delete(address);
  }

  private recent(address: string): number[] {
    const cutoff = this.now() - this.windowMs;
    return (this.failures.get(address) ?? []).filter((t) => t > cutoff);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The dashboard session a request authenticated with (cookie), if any. */
    dashboardSession?: { id: string; session: DashboardSession };
  }
}
