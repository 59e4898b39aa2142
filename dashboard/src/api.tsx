/**
 * The dashboard's only way to the hub: the public `/api/v1` API with the session cookie the browser holds
 * (HttpOnly, so script never sees it) and the CSRF token the session endpoint hands out, sent on every write.
 * The admin token is sent once, to log in, and kept nowhere.
 */

/** An API error in the hub's shape `{ error: { code, message } }`. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** The logged-in session as the hub describes it. */
export interface Session {
  name: string;
  csrfToken: string;
  expiresAt: string;
}

let csrfToken: string | undefined;
const unauthorizedListeners = new Set<() => void>();

/** Called whenever the hub answers 401 (the session expired or was never there). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Calls `/api/v1{path}`; resolves the JSON body or rejects with an {@link ApiFailure}. */
export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const data = await parse(res);
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (res.status === 401 && path !== '/session') for (const l of unauthorizedListeners) l();
    throw new ApiFailure(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? res.statusText);
  }
  return data as T;
}

/** Logs in with the admin token; the hub answers with an HttpOnly session cookie and a CSRF token. */
export async function login(token: string): Promise<Session> {
  const s = await api<Session>('POST', '/session', { token });
  csrfToken = s.csrfToken;
  return s;
}

/** The current session, from the cookie the browser already holds; undefined when there is none. */
export async function currentSession(): Promise<Session | undefined> {
  try {
    const s = await api<Session>('GET', '/session');
    csrfToken = s.csrfToken;
    return s;
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 401) return undefined;
    throw err;
  }
}

/** Ends the session on the hub (the cookie is cleared there). */
export async function logout(): Promise<void> {
  try {
    await api('DELETE', '/session');
  } finally {
    csrfToken = undefined;
  }
}

/** A live event from `GET /api/v1/events` (server-sent events). */
export interface LiveEvent {
  type: string;
  data: unknown;
}

const LIVE_TYPES = ['hello', 'device-level', 'device-stats', 'device', 'run', 'mute', 'todo', 'task', 'worker', 'model'] as const;

/** Subscribes to the hub's live events; returns the function that closes the stream. */
export function live(onEvent: (e: LiveEvent) => void, onState?: (open: boolean) => void): () => void {
  const source = new EventSource('/api/v1/events', { withCredentials: true });
  const handler = (type: string) => (e: MessageEvent<string>) => {
    try {
      onEvent({ type, data: JSON.parse(e.data) as unknown });
    } catch {
      /* a malformed event is skipped; the next one carries the current state again */
    }
  };
  for (const t of LIVE_TYPES) source.addEventListener(t, handler(t) as EventListener);
  source.onopen = () => onState?.(true);
  source.onerror = () => onState?.(false);
  return () => source.close();
}
