import WebSocket from 'ws';
import { ERR_CANNOT_CONNECT, ERR_INVALID_AUTH, type Auth, type ConnectionOptions, type HaWebSocket } from 'home-assistant-js-websocket';

/** Options of {@link createWsSocketFactory}. */
export interface WsSocketFactoryOptions {
  /** Called before each attempt; resolving false aborts (the client was stopped). */
  shouldContinue(): boolean;
  /** Delay before attempt `n` (0-based) after a failure; the factory keeps trying until it connects or is stopped. */
  backoffMs(attempt: number): number;
  /** Told about each failed attempt, for the visible connection state and logs. */
  onAttemptFailed?(attempt: number, reason: string): void;
  connectTimeoutMs?: number;
}

/**
 * A `createSocket` for home-assistant-js-websocket that uses `ws` (Node 20 has no global WebSocket) and runs the
 * auth phase like the library's own, retrying with the caller's backoff until it connects. Invalid auth is
 * final: it rejects with the library's `ERR_INVALID_AUTH`, which the library reports as `reconnect-error`.
 */
export function createWsSocketFactory(options: WsSocketFactoryOptions): (connOptions: ConnectionOptions) => Promise<HaWebSocket> {
  return async (connOptions) => {
    const auth = connOptions.auth as Auth;
    for (let attempt = 0; ; attempt++) {
      if (!options.shouldContinue()) throw ERR_CANNOT_CONNECT;
      try {
        return await attemptOnce(auth.wsUrl, auth.accessToken, options.connectTimeoutMs ?? 10_000);
      } catch (err) {
        if (err === ERR_INVALID_AUTH) throw err;
        options.onAttemptFailed?.(attempt, err instanceof Error ? err.message : String(err));
        await new Promise((r) => setTimeout(r, options.backoffMs(attempt)));
      }
    }
  };
}

function attemptOnce(url: string, token: string, timeoutMs: number): Promise<HaWebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`no answer from ${url} within ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (err) => fail(err));
    socket.on('close', () => fail(new Error(`${url} closed the connection during the auth phase`)));
    socket.on('message', (data) => {
      let msg: { type?: string; ha_version?: string; message?: string };
      try {
        msg = JSON.parse(data.toString()) as typeof msg;
      } catch {
        fail(new Error(`${url} sent something other than JSON during the auth phase`));
        return;
      }
      if (msg.type === 'auth_required') socket.send(JSON.stringify({ type: 'auth', access_token: token }));
      else if (msg.type === 'auth_invalid') fail(ERR_INVALID_AUTH);
      else if (msg.type === 'auth_ok') {
        settled = true;
        clearTimeout(timer);
        socket.removeAllListeners();
        const ha = socket as unknown as HaWebSocket;
        ha.haVersion = msg.ha_version ?? '0.0.0';
        // Same as the library: announce message coalescing on versions that support it.
        socket.send(JSON.stringify({ type: 'supported_features', id: 1, features: { coalesce_messages: 1 } }));
        resolve(ha);
      }
    });
  });
}
