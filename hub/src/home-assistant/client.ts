import { z } from 'zod';
import { EventEmitter } from 'node:events';
import {
  callService as haCallService,
  createConnection,
  createLongLivedTokenAuth,
  ERR_CONNECTION_LOST,
  ERR_INVALID_AUTH,
  subscribeEntities,
  type Connection,
  type HassEntities,
  type HassEntity,
  type HassServiceTarget,
  type UnsubscribeFunc,
} from 'home-assistant-js-websocket';
import { silentLogger, type Logger } from '../core/index.js';
import { HomeAssistantError } from './errors.js';
import { buildRegistrySnapshot, fetchLiveRegistry, type LiveRegistry } from './live-registry.js';
import type { RegistrySnapshot } from './registry-snapshot.js';
import { createWsSocketFactory } from './ws-socket.js';

/** The connection's visible state (CONVENTIONS.md 10); every transition is logged and emitted as `state`. */
export type HaConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'auth_failed' | 'stopped';

/** What {@link HomeAssistantClient.converse} sends: HA's `conversation/process` fields. */
export interface ConversationRequest {
  text: string;
  language: string;
  /** Always explicit, so HA's default agent setting cannot route the text somewhere unexpected (or back to Jarvis). */
  agentId: string;
  /** Home Assistant's device id of the speaking device, when Jarvis knows it (HA uses it for area context). */
  deviceId?: string | undefined;
  conversationId?: string | undefined;
}

/** HA's answer, from `ConversationResult.as_dict()`. */
export interface ConversationReply {
  speech: string;
  responseType: 'action_done' | 'query_answer' | 'error';
  /** For `error`: HA's code (`no_intent_match`, `no_valid_targets`, `failed_to_handle`, `unknown`). */
  errorCode?: string;
  /** Entity ids HA acted on (`data.success`). */
  success: string[];
  conversationId: string | undefined;
}

const conversationResultSchema = z.object({
  response: z.object({
    speech: z.object({ plain: z.object({ speech: z.string() }).optional() }).passthrough().nullable().optional(),
    response_type: z.enum(['action_done', 'query_answer', 'error']),
    data: z.object({ code: z.string().optional(), success: z.array(z.object({ id: z.string().nullable().optional() }).passthrough()).optional() }).passthrough().optional(),
  }).passthrough(),
  conversation_id: z.string().nullable().optional(),
}).passthrough();

/** Validates HA's `conversation/process` result; throws JARVIS_HA_BAD_RESPONSE naming what was wrong. */
export function parseConversationResult(raw: unknown): ConversationReply {
  const r = conversationResultSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new HomeAssistantError('JARVIS_HA_BAD_RESPONSE', `conversation/process result: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  const res = r.data.response;
  return {
    speech: res.speech?.plain?.speech ?? '',
    responseType: res.response_type,
    ...(res.data?.code ? { errorCode: res.data.code } : {}),
    success: (res.data?.success ?? []).map((t) => t.id).filter((id): id is string => typeof id === 'string'),
    conversationId: r.data.conversation_id ?? undefined,
  };
}

/** Options of {@link HomeAssistantClient}. */
export interface HomeAssistantClientOptions {
  /** Base URL of Home Assistant, e.g. `http://homeassistant.local:8123`. */
  url: string;
  /** A long-lived access token. */
  token: string;
  /** A command that could not be sent for this long is dropped, never executed late (default 5000). */
  staleAfterMs?: number;
  /** First retry delay; doubles per failure up to `backoffMaxMs`, with ±20 % jitter (default 500). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  connectTimeoutMs?: number;
  logger?: Logger;
  /** Wall clock in ms, injectable for tests. */
  now?: () => number;
}

/** Where a service call goes: Home Assistant's `target` (entity, area, floor or device ids). */
export type ServiceTarget = HassServiceTarget;

/** What Home Assistant answered to a service call. */
export interface ServiceCallResult {
  context: { id: string; parent_id: string | null; user_id: string | null };
  response?: unknown;
}

/** One item of a Home Assistant to-do list, as `todo/item/list` returns it. */
export interface TodoListItem {
  uid: string;
  summary: string;
  status: 'needs_action' | 'completed';
  description?: string | null;
  due?: string | null;
}

/** Options of one service call. */
export interface CallServiceOptions {
  /** When the command was issued (ms); defaults to now. Staleness counts from here. */
  issuedAt?: number;
  /** Ask HA for the service's response data (`todo.get_items`, ...). */
  returnResponse?: boolean;
}

/** Anything that can call a Home Assistant service: the client, or a fake in a unit test of a caller. */
export interface ServiceCaller {
  callService(domain: string, service: string, data?: Record<string, unknown>, target?: ServiceTarget, options?: CallServiceOptions): Promise<ServiceCallResult>;
}

interface PendingCall {
  domain: string;
  service: string;
  data: Record<string, unknown> | undefined;
  target: ServiceTarget | undefined;
  issuedAt: number;
  returnResponse: boolean;
  resolve(result: ServiceCallResult): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

const REGISTRY_EVENTS = ['area_registry_updated', 'floor_registry_updated', 'device_registry_updated', 'entity_registry_updated'];

/**
 * Home Assistant over its websocket API (home-assistant-js-websocket on `ws`): keeps registries and live states
 * cached, calls services, reconnects with capped exponential backoff, and drops commands that went stale while the
 * connection was down.
 */
export class HomeAssistantClient extends EventEmitter implements ServiceCaller {
  private conn: Connection | undefined;
  private connecting: Promise<void> | undefined;
  private current: HaConnectionState = 'idle';
  private entities: HassEntities = {};
  private live: LiveRegistry | undefined;
  private cachedSnapshot: RegistrySnapshot | undefined;
  private readonly pending = new Set<PendingCall>();
  private unsubs: Array<UnsubscribeFunc | Promise<UnsubscribeFunc>> = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;
  private readonly now: () => number;
  private stopping = false;

  constructor(private readonly options: HomeAssistantClientOptions) {
    super();
    this.log = options.logger ?? silentLogger();
    this.now = options.now ?? Date.now;
  }

  /** The connection state right now. */
  get state(): HaConnectionState {
    return this.current;
  }

  /** Live states by entity id (kept current by `subscribe_entities`). */
  get states(): HassEntities {
    return this.entities;
  }

  /** The current state of one entity. */
  getState(entityId: string): HassEntity | undefined {
    return this.entities[entityId];
  }

  /** Registries joined with live states; undefined until the first registry fetch. */
  snapshot(): RegistrySnapshot | undefined {
    if (!this.cachedSnapshot && this.live) this.cachedSnapshot = buildRegistrySnapshot(this.live, this.entities);
    return this.cachedSnapshot;
  }

  /** Starts connecting in the background; resolves at once. Use {@link waitUntilConnected} to wait. */
  async start(): Promise<void> {
    if (this.connecting || this.conn) return;
    this.stopping = false;
    this.setState('connecting');
    this.connecting = this.connect().finally(() => {
      this.connecting = undefined;
    });
  }

  /** Resolves once connected with registries loaded; rejects after `timeoutMs` or if the token is refused. */
  waitUntilConnected(timeoutMs = 10_000): Promise<void> {
    if (this.current === 'connected' && this.live) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('ready', onReady);
        this.off('state', onState);
        reject(new HomeAssistantError('JARVIS_HA_CANNOT_CONNECT', `not connected to ${this.options.url} within ${timeoutMs} ms (state ${this.current})`));
      }, timeoutMs);
      const onReady = (): void => {
        clearTimeout(timer);
        this.off('state', onState);
        resolve();
      };
      const onState = (s: HaConnectionState): void => {
        if (s !== 'auth_failed' && s !== 'stopped') return;
        clearTimeout(timer);
        this.off('ready', onReady);
        this.off('state', onState);
        reject(new HomeAssistantError(s === 'auth_failed' ? 'JARVIS_HA_AUTH_INVALID' : 'JARVIS_HA_NOT_CONNECTED', `Home Assistant connection ${s}`));
      };
      this.once('ready', onReady);
      this.on('state', onState);
    });
  }

  async stop(): Promise<void> {
    if (this.current === 'stopped' || this.current === 'idle') return;
    this.stopping = true;
    clearTimeout(this.refreshTimer);
    for (const p of this.pending) {
      clearTimeout(p.timer);
      p.reject(new HomeAssistantError('JARVIS_HA_NOT_CONNECTED', `${p.domain}.${p.service} dropped: the Home Assistant client stopped`));
    }
    this.pending.clear();
    // Closing the connection ends every subscription; unsubscribing first would only add round trips.
    this.unsubs = [];
    this.conn?.close();
    this.conn = undefined;
    await this.connecting?.catch(() => undefined);
    this.setState('stopped');
  }

  /**
   * Calls a service. If the connection is down the call waits for it, but only until `staleAfterMs` after it was
   * issued; then it is rejected with JARVIS_HA_STALE_COMMAND and never sent.
   */
  callService(domain: string, service: string, data?: Record<string, unknown>, target?: ServiceTarget, options: CallServiceOptions = {}): Promise<ServiceCallResult> {
    const issuedAt = options.issuedAt ?? this.now();
    const staleAfter = this.options.staleAfterMs ?? 5000;
    if (this.current === 'idle' || this.current === 'stopped' || this.current === 'auth_failed') {
      return Promise.reject(new HomeAssistantError('JARVIS_HA_NOT_CONNECTED', `${domain}.${service} not sent: Home Assistant client is ${this.current}`));
    }
    const age = this.now() - issuedAt;
    if (age > staleAfter) return Promise.reject(this.staleError(domain, service, age));
    return new Promise((resolve, reject) => {
      const call: PendingCall = {
        domain, service, data, target, issuedAt, returnResponse: options.returnResponse ?? false, resolve, reject,
        timer: setTimeout(() => {
          this.pending.delete(call);
          reject(this.staleError(domain, service, this.now() - issuedAt));
        }, Math.max(0, staleAfter - age)),
      };
      this.pending.add(call);
      if (this.conn?.connected) this.send(call);
    });
  }

  /**
   * The items of a to-do list entity (the websocket command `todo/item/list`), for the observer's idempotent sync.
   * Unlike service calls it is not queued while disconnected: a read is simply retried by its caller.
   */
  async listTodoItems(entityId: string): Promise<TodoListItem[]> {
    const conn = this.conn;
    if (!conn?.connected) throw new HomeAssistantError('JARVIS_HA_NOT_CONNECTED', `todo/item/list ${entityId} not sent: Home Assistant client is ${this.current}`);
    try {
      const reply = await conn.sendMessagePromise<{ items?: TodoListItem[] }>({ type: 'todo/item/list', entity_id: entityId });
      return Array.isArray(reply?.items) ? reply.items : [];
    } catch (err) {
      const e = err as { code?: number | string; message?: string };
      throw new HomeAssistantError('JARVIS_HA_SERVICE_FAILED', `todo/item/list ${entityId} failed: ${e?.message ?? String(err)}`, typeof e?.code === 'string' ? e.code : undefined);
    }
  }

  /**
   * Sends text to one of Home Assistant's conversation agents (websocket `conversation/process`) and returns its
   * answer. Not queued while disconnected: a command that cannot reach HA now is not sent late.
   */
  async converse(request: ConversationRequest): Promise<ConversationReply> {
    const conn = this.conn;
    if (!conn?.connected) throw new HomeAssistantError('JARVIS_HA_NOT_CONNECTED', `conversation/process not sent: Home Assistant client is ${this.current}`);
    let raw: unknown;
    try {
      raw = await conn.sendMessagePromise({
        type: 'conversation/process', text: request.text, language: request.language, agent_id: request.agentId,
        ...(request.deviceId ? { device_id: request.deviceId } : {}),
        ...(request.conversationId ? { conversation_id: request.conversationId } : {}),
      });
    } catch (err) {
      const e = err as { code?: number | string; message?: string };
      throw new HomeAssistantError('JARVIS_HA_CONVERSATION_FAILED', `conversation/process (agent ${request.agentId}) failed: ${e?.message ?? String(err)}`, typeof e?.code === 'string' ? e.code : undefined);
    }
    return parseConversationResult(raw);
  }

  private staleError(domain: string, service: string, ageMs: number): HomeAssistantError {
    this.log.warn({ domain, service, ageMs }, 'dropping a stale Home Assistant command');
    return new HomeAssistantError('JARVIS_HA_STALE_COMMAND', `${domain}.${service} dropped: issued ${Math.round(ageMs)} ms ago, over the ${this.options.staleAfterMs ?? 5000} ms limit, while Home Assistant was unreachable`);
  }

  private send(call: PendingCall): void {
    const staleAfter = this.options.staleAfterMs ?? 5000;
    const age = this.now() - call.issuedAt;
    if (age > staleAfter) {
      this.pending.delete(call);
      clearTimeout(call.timer);
      call.reject(this.staleError(call.domain, call.service, age));
      return;
    }
    const conn = this.conn;
    if (!conn) return;
    this.pending.delete(call);
    clearTimeout(call.timer);
    haCallService(conn, call.domain, call.service, call.data, call.target, call.returnResponse || undefined).then(
      (result) => call.resolve(result as ServiceCallResult),
      (err: unknown) => {
        if (err === ERR_CONNECTION_LOST) {
          // Thrown before the message left: safe to wait for the connection again, within the stale limit.
          call.timer = setTimeout(() => {
            this.pending.delete(call);
            call.reject(this.staleError(call.domain, call.service, this.now() - call.issuedAt));
          }, Math.max(0, staleAfter - (this.now() - call.issuedAt)));
          this.pending.add(call);
          return;
        }
        const e = err as { code?: number | string; message?: string; error?: { code?: number | string; message?: string } };
        if (e && (e.code === ERR_CONNECTION_LOST || e.error?.code === ERR_CONNECTION_LOST)) {
          call.reject(new HomeAssistantError('JARVIS_HA_CONNECTION_LOST', `${call.domain}.${call.service}: connection lost while the call was in flight; not retried (it may have run)`));
          return;
        }
        call.reject(new HomeAssistantError('JARVIS_HA_SERVICE_FAILED', `${call.domain}.${call.service} failed: ${e?.message ?? String(err)}`, typeof e?.code === 'string' ? e.code : undefined));
      },
    );
  }

  private backoffMs(attempt: number): number {
    const initial = this.options.backoffInitialMs ?? 500;
    const max = this.options.backoffMaxMs ?? 30_000;
    const base = Math.min(max, initial * 2 ** Math.min(attempt, 20));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private async connect(): Promise<void> {
    const createSocket = createWsSocketFactory({
      shouldContinue: () => !this.stopping,
      backoffMs: (n) => this.backoffMs(n),
      onAttemptFailed: (n, reason) => {
        this.log.warn({ attempt: n + 1, reason }, 'Home Assistant connection attempt failed');
        if (this.current === 'connected') this.setState('reconnecting');
      },
      ...(this.options.connectTimeoutMs !== undefined ? { connectTimeoutMs: this.options.connectTimeoutMs } : {}),
    });
    let conn: Connection;
    try {
      conn = await createConnection({ auth: createLongLivedTokenAuth(this.options.url, this.options.token), createSocket });
    } catch (err) {
      if (err === ERR_INVALID_AUTH) {
        this.log.error({ url: this.options.url }, 'Home Assistant refused the access token');
        this.setState('auth_failed');
      } else if (!this.stopping) {
        this.log.error({ err }, 'Home Assistant connection failed');
      }
      return;
    }
    if (this.stopping) {
      conn.close();
      return;
    }
    this.conn = conn;
    conn.addEventListener('ready', () => void this.onReady());
    conn.addEventListener('disconnected', () => {
      if (!this.stopping) this.setState('reconnecting');
    });
    conn.addEventListener('reconnect-error', () => {
      this.log.error({ url: this.options.url }, 'Home Assistant refused the access token on reconnect');
      this.setState('auth_failed');
    });
    this.unsubs.push(subscribeEntities(conn, (entities) => {
      this.entities = entities;
      this.cachedSnapshot = undefined;
      this.emit('entities', entities);
    }));
    for (const type of REGISTRY_EVENTS) this.unsubs.push(conn.subscribeEvents(() => this.scheduleRefresh(), type));
    await this.onReady();
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refreshRegistry(), 250);
  }

  private async refreshRegistry(): Promise<boolean> {
    const conn = this.conn;
    if (!conn) return false;
    try {
      this.live = await fetchLiveRegistry(conn);
      this.cachedSnapshot = undefined;
      this.emit('registry', this.snapshot());
      return true;
    } catch (err) {
      this.log.warn({ err }, 'could not load Home Assistant registries; will retry on the next reconnect');
      return false;
    }
  }

  private async onReady(): Promise<void> {
    if (this.stopping) return;
    this.setState('connected');
    // Waiting commands go first: they are the ones with a deadline.
    for (const call of [...this.pending]) this.send(call);
    if (await this.refreshRegistry()) this.emit('ready');
  }

  private setState(next: HaConnectionState): void {
    if (next === this.current) return;
    this.log.info({ from: this.current, to: next, url: this.options.url }, 'Home Assistant connection state');
    this.current = next;
    this.emit('state', next);
  }
}
