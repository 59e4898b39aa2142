import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { z } from 'zod';
import { domainOf, type RegistrySnapshot } from '@jarvis/protocol';
import { compressState, diffStates, newContextId, type CompressedDiff, type CompressedState, type HaContext, type HaState } from './state.js';
import { SERVICES, SimulatedServiceError, describeServices, type EntityView, type TodoItem } from './services.js';
import { DEFAULT_AGENT_IDS, simulatedAgent, type ConversationResultBody, type ReceivedConversation, type SimulatedSentence } from './conversation.js';

/** The little of a pino-style logger the simulator uses (the hub passes its own; default silent). */
export interface SimulatorLogger {
  info(obj: object, msg: string): void;
  warn(msg: string): void;
}

const SILENT: SimulatorLogger = { info: () => {}, warn: () => {} };

/** The Home Assistant version the simulator announces (recent enough for `subscribe_entities` and coalescing). */
export const SIMULATED_HA_VERSION = '2025.1.0';

/** Options of {@link HomeAssistantSimulator}. */
export interface HomeAssistantSimulatorOptions {
  snapshot: RegistrySnapshot;
  /** The long-lived access token clients must present. */
  token: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  logger?: SimulatorLogger;
  /** Wall clock, injectable for tests. */
  now?: () => Date;
  /** Sentences the simulated conversation agent understands besides "turn on/off <name>" (custom sentences). */
  sentences?: readonly SimulatedSentence[];
  /** Extra conversation agent ids that exist (e.g. an LLM agent), answered like the default one. */
  agentIds?: readonly string[];
}

/** One `call_service` the simulator received, with the entities it resolved the target to. */
export interface ReceivedServiceCall {
  domain: string;
  service: string;
  serviceData: Record<string, unknown>;
  target: Record<string, unknown> | undefined;
  entityIds: string[];
  /** Simulator wall-clock time, ms since epoch. */
  at: number;
  /** Websocket message id of the call. */
  id: number;
}

type Subscription = { kind: 'events'; eventType: string | undefined } | { kind: 'entities'; entityIds: Set<string> | undefined };

interface Client {
  socket: WebSocket;
  authed: boolean;
  lastId: number;
  subscriptions: Map<number, Subscription>;
}

type Json = Record<string, unknown>;

const NO_REPLY = Symbol('no-reply');

/** Home Assistant's own error codes of a WebSocket result (`{success: false, error: {code, message}}`). */
type HaResultCode = 'invalid_format' | 'not_found' | 'service_validation_error' | 'unknown_command' | 'unknown_error';

/**
 * A WebSocket command the simulated HA answers with an error result, coded as HA codes it. Not the hub's
 * CommandError (a text command the hub cannot take): this is the far side of the HA connection.
 */
class HaResultError extends Error {
  override readonly name = 'HaResultError';
  constructor(
    readonly code: HaResultCode,
    message: string,
  ) {
    super(message);
  }
}

const targetValue = z.union([z.string(), z.array(z.string())]);
const targetSchema = z.object({
  entity_id: targetValue.optional(),
  area_id: targetValue.optional(),
  floor_id: targetValue.optional(),
  device_id: targetValue.optional(),
  label_id: targetValue.optional(),
});
const commandSchemas: Record<string, z.ZodObject> = {
  call_service: z.object({
    domain: z.string(),
    service: z.string(),
    service_data: z.record(z.string(), z.unknown()).optional(),
    target: targetSchema.optional(),
    return_response: z.boolean().optional(),
  }),
  subscribe_events: z.object({ event_type: z.string().optional() }),
  unsubscribe_events: z.object({ subscription: z.number().int() }),
  subscribe_entities: z.object({ entity_ids: z.array(z.string()).optional() }),
  'config/entity_registry/get_entries': z.object({ entity_ids: z.array(z.string()) }),
  'todo/item/list': z.object({ entity_id: z.string() }),
  // homeassistant/components/conversation/http.py websocket_process (device_id since 2024.x).
  'conversation/process': z.object({
    text: z.string({ error: 'expected str' }),
    conversation_id: z.union([z.string(), z.null()]).optional(),
    language: z.string().optional(),
    agent_id: z.string().regex(/^[a-zA-Z0-9_.]+$/, { error: 'invalid agent ID' }).optional(),
    device_id: z.union([z.string(), z.null()]).optional(),
    satellite_id: z.union([z.string(), z.null()]).optional(),
  }),
  supported_features: z.object({ features: z.record(z.string(), z.number()) }),
};

function formatIssue(issue: z.core.$ZodIssue): string {
  const key = issue.path.map((p) => `['${String(p)}']`).join('');
  if (issue.code === 'invalid_type' && issue.input === undefined) return `required key not provided @ data${key}`;
  if (issue.code === 'unrecognized_keys') return `extra keys not allowed @ data['${issue.keys[0] ?? ''}']`;
  return `${issue.message} for dictionary value @ data${key}`;
}

const asList = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * A Home Assistant stand-in that speaks HA's real websocket API (auth phase, ids, results, events, registries,
 * `subscribe_entities` compressed diffs, `call_service` that changes state) over a real `ws` server, loaded from a
 * registry snapshot. Used by tests, benchmarks and `jarvis-ha-sim`.
 */
export class HomeAssistantSimulator {
  readonly name = 'ha-simulator';
  /** Every `call_service` received, oldest first (tests read this). */
  readonly serviceCalls: ReceivedServiceCall[] = [];
  /** Every `conversation/process` received, oldest first. */
  readonly conversations: ReceivedConversation[] = [];
  private conversationCounter = 0;
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly clients = new Set<Client>();
  private states = new Map<string, HaState>();
  private todos = new Map<string, TodoItem[]>();
  private refusing = false;
  private readonly log: SimulatorLogger;
  private readonly now: () => Date;

  constructor(private readonly options: HomeAssistantSimulatorOptions) {
    this.log = options.logger ?? SILENT;
    this.now = options.now ?? (() => new Date());
  }

  /** `http://host:port` to give clients (home-assistant-js-websocket appends `/api/websocket`). */
  get url(): string {
    const addr = this.server?.address() as AddressInfo | null | undefined;
    if (!addr) throw new Error('simulator is not listening');
    return `http://${this.options.host ?? '127.0.0.1'}:${addr.port}`;
  }

  /** Number of sockets currently open. */
  get connectionCount(): number {
    return this.clients.size;
  }

  async start(): Promise<void> {
    if (this.server) return;
    this.loadSnapshot();
    const server = createServer((req, res) => {
      // HA answers plain HTTP on /api/ with 401 without a token; enough for a reachability probe.
      res.writeHead(req.url === '/api/' ? 401 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: req.url === '/api/' ? 'Unauthorized' : 'Not found' }));
    });
    const wss = new WebSocketServer({ server, path: '/api/websocket' });
    wss.on('connection', (socket) => this.accept(socket));
    // ws re-emits the server's errors; the listen promise below reports them, so unhandled they would crash the process.
    wss.on('error', () => {});
    this.server = server;
    this.wss = wss;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      this.server = undefined;
      this.wss = undefined;
      wss.close();
      throw err;
    }
    this.log.info({ url: this.url }, 'Home Assistant simulator listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const c of this.clients) c.socket.terminate();
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss!.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Simulates an outage: every open socket is dropped and, while `refuse` is true, new ones are closed at once. */
  dropConnections(refuse = false): void {
    this.refusing = refuse;
    for (const c of this.clients) c.socket.terminate();
    this.clients.clear();
  }

  /** Ends an outage started with `dropConnections(true)`. */
  acceptConnections(): void {
    this.refusing = false;
  }

  /** The current state of an entity, as `get_states` would return it. */
  getState(entityId: string): HaState | undefined {
    return this.states.get(entityId);
  }

  /** The items of a to-do list entity. */
  getTodoItems(entityId: string): TodoItem[] {
    return [...(this.todos.get(entityId) ?? [])];
  }

  /** Changes an entity as a device would (fires `state_changed`); removes it when `state` is null. */
  setState(entityId: string, state: string | null, attributes?: Record<string, unknown>): void {
    const ctx: HaContext = { id: newContextId(this.now().getTime()), parent_id: null, user_id: null };
    if (state === null) this.removeEntity(entityId, ctx);
    else this.writeState(entityId, state, attributes ?? this.states.get(entityId)?.attributes ?? {}, ctx);
  }

  private loadSnapshot(): void {
    this.states = new Map();
    this.todos = new Map();
    const ts = this.now().toISOString();
    for (const e of this.options.snapshot.entities) {
      const attributes: Record<string, unknown> = { friendly_name: e.name, ...e.attributes };
      if (e.device_class && attributes['device_class'] === undefined) attributes['device_class'] = e.device_class;
      this.states.set(e.entity_id, {
        entity_id: e.entity_id,
        state: e.state,
        attributes,
        last_changed: ts,
        last_reported: ts,
        last_updated: ts,
        context: { id: newContextId(), parent_id: null, user_id: null },
      });
      if (domainOf(e.entity_id) === 'todo') this.todos.set(e.entity_id, []);
    }
  }

  private accept(socket: WebSocket): void {
    if (this.refusing) {
      socket.terminate();
      return;
    }
    const client: Client = { socket, authed: false, lastId: 0, subscriptions: new Map() };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('error', () => this.clients.delete(client));
    socket.on('message', (data) => this.onMessage(client, data));
    this.send(client, { type: 'auth_required', ha_version: SIMULATED_HA_VERSION });
  }

  private send(client: Client, message: unknown): void {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify(message));
  }

  private onMessage(client: Client, data: RawData): void {
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      // Home Assistant drops a connection that sends something other than JSON.
      this.log.warn('Received invalid JSON; closing the connection');
      client.socket.close(1008, 'Received invalid JSON.');
      return;
    }
    if (!client.authed) return this.onAuth(client, msg);
    for (const m of Array.isArray(msg) ? msg : [msg]) this.onCommand(client, m);
  }

  private onAuth(client: Client, msg: unknown): void {
    const m = msg as Json | null;
    if (!m || typeof m !== 'object' || m['type'] !== 'auth' || typeof m['access_token'] !== 'string') {
      this.send(client, { type: 'auth_invalid', message: 'Auth message incorrectly formatted: expected auth with access_token' });
      client.socket.close();
      return;
    }
    if (m['access_token'] !== this.options.token) {
      this.send(client, { type: 'auth_invalid', message: 'Invalid access token or password' });
      client.socket.close();
      return;
    }
    client.authed = true;
    this.send(client, { type: 'auth_ok', ha_version: SIMULATED_HA_VERSION });
  }

  private onCommand(client: Client, msg: unknown): void {
    const m = msg as Json | null;
    const id = m && typeof m === 'object' ? m['id'] : undefined;
    if (!m || typeof m !== 'object' || typeof id !== 'number' || !Number.isInteger(id) || id < 0 || typeof m['type'] !== 'string' || m['type'] === '') {
      this.send(client, { id: typeof id === 'number' ? id : 0, type: 'result', success: false, error: { code: 'invalid_format', message: 'Message incorrectly formatted.' } });
      return;
    }
    if (id <= client.lastId) {
      this.send(client, { id, type: 'result', success: false, error: { code: 'id_reuse', message: 'Identifier values have to increase.' } });
      return;
    }
    client.lastId = id;
    const type = m['type'];
    try {
      const schema = commandSchemas[type];
      let body: Json = m;
      if (schema) {
        const { id: _id, type: _type, ...rest } = m;
        const parsed = schema.strict().safeParse(rest);
        if (!parsed.success) throw new HaResultError('invalid_format', formatIssue(parsed.error.issues[0]!));
        body = parsed.data as Json;
      }
      if (type === 'ping') {
        this.send(client, { id, type: 'pong' });
        return;
      }
      const result = this.handle(client, id, type, body);
      if (result !== NO_REPLY) this.send(client, { id, type: 'result', success: true, result: result ?? null });
    } catch (err) {
      const code = err instanceof HaResultError || err instanceof SimulatedServiceError ? err.code : 'unknown_error';
      this.send(client, { id, type: 'result', success: false, error: { code, message: (err as Error).message } });
    }
  }

  private handle(client: Client, id: number, type: string, body: Json): unknown {
    const snap = this.options.snapshot;
    switch (type) {
      case 'supported_features':
        return null;
      case 'auth/current_user':
        return { id: 'jarvis-simulator-user', name: 'Jarvis', is_owner: true, is_admin: true, credentials: [], mfa_modules: [] };
      case 'get_states':
        return [...this.states.values()];
      case 'get_config':
        return this.config();
      case 'get_services':
        return describeServices();
      case 'subscribe_events':
        client.subscriptions.set(id, { kind: 'events', eventType: body['event_type'] as string | undefined });
        return null;
      case 'unsubscribe_events': {
        const sub = body['subscription'] as number;
        if (!client.subscriptions.delete(sub)) throw new HaResultError('not_found', 'Subscription not found.');
        return null;
      }
      case 'subscribe_entities': {
        const ids = body['entity_ids'] as string[] | undefined;
        client.subscriptions.set(id, { kind: 'entities', entityIds: ids ? new Set(ids) : undefined });
        // HA answers the subscription first, then sends every current state in one `a` event.
        this.send(client, { id, type: 'result', success: true, result: null });
        const added: Record<string, CompressedState> = {};
        for (const s of this.states.values()) if (!ids || ids.includes(s.entity_id)) added[s.entity_id] = compressState(s);
        this.send(client, { id, type: 'event', event: { a: added } });
        return NO_REPLY;
      }
      case 'config/floor_registry/list':
        return snap.floors.map((f) => ({ aliases: f.aliases, created_at: 0, floor_id: f.floor_id, icon: null, level: f.level, modified_at: 0, name: f.name }));
      case 'config/area_registry/list':
        return snap.areas.map((a) => ({
          aliases: a.aliases, area_id: a.area_id, floor_id: a.floor_id, humidity_entity_id: null, icon: null, labels: [], name: a.name,
          picture: null, temperature_entity_id: null, created_at: 0, modified_at: 0,
        }));
      case 'config/device_registry/list':
        return (snap.devices ?? []).map((d) => ({
          area_id: d.area_id, configuration_url: null, config_entries: ['sim'], connections: [], created_at: 0, disabled_by: null, entry_type: null,
          hw_version: null, id: d.id, identifiers: [['sim', d.id]], labels: [], manufacturer: d.manufacturer, model: d.model, model_id: null,
          modified_at: 0, name_by_user: null, name: d.name, primary_config_entry: 'sim', serial_number: null, sw_version: null, via_device_id: null,
        }));
      case 'config/entity_registry/list':
        return snap.entities.map((e) => this.registryEntry(e.entity_id, false));
      case 'config/entity_registry/get_entries': {
        const out: Record<string, unknown> = {};
        for (const eid of body['entity_ids'] as string[]) out[eid] = this.registryEntry(eid, true) ?? null;
        return out;
      }
      case 'homeassistant/expose_entity/list': {
        const exposed: Record<string, { conversation: boolean }> = {};
        for (const e of snap.entities) if (e.exposed !== undefined) exposed[e.entity_id] = { conversation: e.exposed };
        return { exposed_entities: exposed };
      }
      case 'todo/item/list': {
        const eid = body['entity_id'] as string;
        const items = this.todos.get(eid);
        if (!items) throw new HaResultError('not_found', 'Entity not found');
        return { items: items.map((i) => ({ ...i })) };
      }
      case 'call_service':
        return this.callService(id, body);
      case 'conversation/process':
        return this.converse(id, body);
      default:
        throw new HaResultError('unknown_command', `Unknown command '${type}'.`);
    }
  }

  private registryEntry(entityId: string, extended: boolean): Json | undefined {
    const e = this.options.snapshot.entities.find((x) => x.entity_id === entityId);
    if (!e) return undefined;
    const entry: Json = {
      area_id: e.device_id ? (e.area_id === this.deviceArea(e.device_id) ? null : e.area_id) : e.area_id,
      categories: {}, config_entry_id: 'sim', created_at: 0, device_id: e.device_id ?? null, disabled_by: null, entity_category: null,
      entity_id: e.entity_id, has_entity_name: false, hidden_by: null, icon: null, id: `reg_${e.entity_id}`, labels: [], modified_at: 0,
      name: e.name, options: {}, original_name: e.name, platform: 'simulator', translation_key: null, unique_id: e.entity_id,
    };
    if (extended) {
      entry['aliases'] = e.aliases;
      entry['capabilities'] = null;
      entry['device_class'] = null;
      entry['original_device_class'] = e.device_class ?? null;
      entry['original_icon'] = null;
      entry['options'] = e.exposed === undefined ? {} : { conversation: { should_expose: e.exposed } };
    }
    return entry;
  }

  private deviceArea(deviceId: string): string | null {
    return this.options.snapshot.devices?.find((d) => d.id === deviceId)?.area_id ?? null;
  }

  private config(): Json {
    const components = [...new Set([...this.states.keys()].map(domainOf))].concat(['websocket_api', 'conversation', 'homeassistant']);
    return {
      latitude: 51.5, longitude: -0.12, elevation: 10, radius: 100, location_name: 'Simulated Home', time_zone: 'Europe/London',
      unit_system: { length: 'km', accumulated_precipitation: 'mm', area: 'm²', mass: 'g', pressure: 'Pa', temperature: '°C', volume: 'L', wind_speed: 'm/s' },
      components, config_dir: '/config', allowlist_external_dirs: [], allowlist_external_urls: [], version: SIMULATED_HA_VERSION,
      config_source: 'storage', recovery_mode: false, safe_mode: false, state: 'RUNNING', external_url: null, internal_url: null,
      currency: 'EUR', country: 'GB', language: 'en', debug: false,
    };
  }

  private resolveTarget(domain: string, target: Json | undefined, data: Json): string[] {
    const snap = this.options.snapshot;
    const ids = new Set<string>([...asList(target?.['entity_id'] as string | string[] | undefined), ...asList(data['entity_id'] as string | string[] | undefined)]);
    const areas = new Set(asList(target?.['area_id'] as string | string[] | undefined));
    for (const floor of asList(target?.['floor_id'] as string | string[] | undefined)) {
      for (const a of snap.areas) if (a.floor_id === floor) areas.add(a.area_id);
    }
    const devices = new Set(asList(target?.['device_id'] as string | string[] | undefined));
    for (const e of snap.entities) {
      if ((e.area_id !== null && areas.has(e.area_id)) || (e.device_id && devices.has(e.device_id))) {
        if (domain === 'homeassistant' || domainOf(e.entity_id) === domain) ids.add(e.entity_id);
      }
    }
    if (ids.has('all')) {
      ids.delete('all');
      for (const eid of this.states.keys()) if (domain === 'homeassistant' || domainOf(eid) === domain) ids.add(eid);
    }
    return [...ids];
  }

  /** HA's `conversation/process`: the agent's answer as `ConversationResult.as_dict()`; an unknown agent is HA's ValueError. */
  private converse(id: number, body: Json): ConversationResultBody {
    const agentId = body['agent_id'] as string | undefined;
    const request: ReceivedConversation = { text: body['text'] as string, language: body['language'] as string | undefined, agentId, deviceId: body['device_id'] as string | null | undefined, conversationId: body['conversation_id'] as string | null | undefined };
    this.conversations.push(request);
    if (agentId !== undefined && !DEFAULT_AGENT_IDS.includes(agentId) && !(this.options.agentIds ?? []).includes(agentId)) {
      throw new HaResultError('unknown_error', 'Unknown error');
    }
    const outcome = simulatedAgent(request.text, this.options.snapshot, this.options.sentences ?? []);
    const success: Array<{ name: string; type: 'entity'; id: string }> = [];
    if (outcome.call) {
      this.callService(id, { domain: outcome.call.domain, service: outcome.call.service, target: { entity_id: outcome.call.entityId } });
      success.push({ name: outcome.call.name, type: 'entity', id: outcome.call.entityId });
    }
    const language = request.language ?? 'en';
    return {
      response: {
        speech: { plain: { speech: outcome.speech, extra_data: null } },
        card: {},
        language,
        response_type: outcome.type,
        data: outcome.type === 'error' ? { code: outcome.errorCode ?? 'unknown' } : { targets: [], success, failed: [] },
      },
      conversation_id: request.conversationId ?? `01SIMCONV${String(++this.conversationCounter).padStart(17, '0')}`,
      continue_conversation: false,
    };
  }

  private callService(id: number, body: Json): unknown {
    const domain = body['domain'] as string;
    const service = body['service'] as string;
    const def = SERVICES[domain]?.[service];
    if (!def) throw new HaResultError('not_found', `Service ${domain}.${service} not found.`);
    const rawData = { ...((body['service_data'] as Json | undefined) ?? {}) };
    const target = body['target'] as Json | undefined;
    const entityIds = this.resolveTarget(domain, target, rawData);
    const { entity_id: _e, area_id: _a, device_id: _d, floor_id: _f, ...fields } = rawData;
    const parsed = def.fields.strict().safeParse(fields);
    if (!parsed.success) throw new HaResultError('invalid_format', formatIssue(parsed.error.issues[0]!));
    if (body['return_response'] === true && !def.response) {
      throw new HaResultError('service_validation_error', `An action which does not return responses can't be called with return_response set`);
    }
    if (def.response && body['return_response'] !== true) {
      throw new HaResultError('service_validation_error', `The action requires responses and must be called with return_response set`);
    }
    const now = this.now();
    this.serviceCalls.push({ domain, service, serviceData: rawData, target, entityIds, at: now.getTime(), id });
    const context: HaContext = { id: newContextId(now.getTime()), parent_id: null, user_id: 'jarvis-simulator-user' };
    this.fireEvent('call_service', { domain, service, service_data: rawData }, context);
    const views: EntityView[] = [];
    for (const eid of entityIds) {
      const current = this.states.get(eid);
      // Home Assistant ignores targets it does not know (it only logs a warning).
      if (!current) continue;
      if (domain !== 'homeassistant' && domainOf(eid) !== domain) continue;
      const view: EntityView = { entityId: eid, state: current.state, attributes: current.attributes };
      const todo = this.todos.get(eid);
      if (todo) view.todo = todo;
      views.push(view);
    }
    // Validate every entity before changing any, so one bad target leaves the others as they were.
    const changes = views.map((v) => {
      const copy: EntityView = { ...v, attributes: { ...v.attributes } };
      if (v.todo) copy.todo = v.todo.map((i) => ({ ...i }));
      return { view: copy, change: def.apply(copy, parsed.data as Json, now) };
    });
    let response: unknown = null;
    if (def.response) {
      const per: Record<string, unknown> = {};
      for (const v of views) per[v.entityId] = def.response(v, parsed.data as Json);
      response = per;
    }
    for (const { view, change } of changes) {
      if (view.todo) this.todos.set(view.entityId, view.todo);
      if (change) this.writeState(view.entityId, change.state, change.attributes, context);
    }
    return { context, response };
  }

  private writeState(entityId: string, state: string, attributes: Record<string, unknown>, context: HaContext): void {
    const old = this.states.get(entityId);
    const ts = this.now().toISOString();
    if (old && old.state === state && JSON.stringify(old.attributes) === JSON.stringify(attributes)) return;
    const next: HaState = {
      entity_id: entityId,
      state,
      attributes,
      last_changed: old && old.state === state ? old.last_changed : ts,
      last_reported: ts,
      last_updated: ts,
      context,
    };
    this.states.set(entityId, next);
    this.fireEvent('state_changed', { entity_id: entityId, old_state: old ?? null, new_state: next }, context);
    for (const c of this.clients) {
      for (const [subId, sub] of c.subscriptions) {
        if (sub.kind !== 'entities' || (sub.entityIds && !sub.entityIds.has(entityId))) continue;
        const event = old ? { c: { [entityId]: diffStates(old, next) } as Record<string, CompressedDiff> } : { a: { [entityId]: compressState(next) } };
        this.send(c, { id: subId, type: 'event', event });
      }
    }
  }

  private removeEntity(entityId: string, context: HaContext): void {
    const old = this.states.get(entityId);
    if (!old) return;
    this.states.delete(entityId);
    this.fireEvent('state_changed', { entity_id: entityId, old_state: old, new_state: null }, context);
    for (const c of this.clients) {
      for (const [subId, sub] of c.subscriptions) {
        if (sub.kind === 'entities' && (!sub.entityIds || sub.entityIds.has(entityId))) this.send(c, { id: subId, type: 'event', event: { r: [entityId] } });
      }
    }
  }

  private fireEvent(eventType: string, data: Json, context: HaContext): void {
    const event = { event_type: eventType, data, origin: 'LOCAL', time_fired: this.now().toISOString(), context };
    for (const c of this.clients) {
      for (const [subId, sub] of c.subscriptions) {
        if (sub.kind === 'events' && (sub.eventType === undefined || sub.eventType === eventType)) this.send(c, { id: subId, type: 'event', event });
      }
    }
  }
}
