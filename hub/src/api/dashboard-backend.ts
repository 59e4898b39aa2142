import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { JarvisConfig } from '../config/index.js';
import type { HubParts, HubPorts } from '../hub-parts.js';
import { buildBundle } from '../cli/index.js';
import { defaultPublicHost } from '../core/index.js';
import { loadCatalogue, pullModel, modelStatus } from '../stt/index.js';
import type { VoiceEvent } from '../voice/index.js';
import { dashboardRoutes, defaultDashboardDir } from './dashboard-routes.js';
import { deviceAdminRoutes } from './device-admin-routes.js';
import { eventsRoutes } from './events-routes.js';
import { LiveEvents } from './live-events.js';
import { muteAuditRoutes } from './mute-audit-routes.js';
import { sessionRoutes } from './session-routes.js';
import type { SessionStore } from './session.js';
import { systemRoutes, type FeatureState } from './system-routes.js';
import { runJson } from './voice-routes.js';
import { workersRoutes } from './workers-routes.js';
import { ApiError } from './errors.js';

/** Options of {@link dashboardBackend}. */
export interface DashboardBackendOptions {
  config: JarvisConfig;
  ports: HubPorts;
  /**
   * The hub's parts as `startHub` fills them. The dashboard shows every part, so it reads them when a request
   * comes (parts built after the API exist by then); an off part is undefined and its page says so.
   */
  parts: HubParts;
  sessions: SessionStore;
  verifyToken: (token: string) => Promise<string | undefined>;
  /** The built dashboard; default the `@jarvis/dashboard` workspace's `dist/web`. */
  dashboardDir?: string;
  /** Link-stats sampling period (default 5 s). */
  statsIntervalMs?: number;
  startedAt?: number;
}

/** The live events component plus the sink the voice pipeline feeds (a `run` event per change of a run). */
export interface DashboardBackend {
  live: LiveEvents;
  onVoiceEvent: (event: VoiceEvent) => void;
}

const HUB_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** Which features run, why not, and the setting or command that turns each on. */
export function hubFeatures(config: JarvisConfig, parts: HubParts): FeatureState[] {
  const f = (id: string, name: string, on: boolean, reason: string, enable: string | null): FeatureState => ({ id, name, on, reason, enable });
  const ha = parts.homeAssistant?.status();
  const voice = parts.voice?.pipeline.status();
  const llm = parts.llm?.status;
  const todoEntity = config.observer.todoEntity;
  return [
    f('home-assistant', 'Home Assistant control', ha?.state === 'connected', ha?.configured ? `connection ${ha.state} (${ha.url ?? ''})` : 'no Home Assistant URL and token are set', 'set home_assistant.url and home_assistant.token (JARVIS_HOME_ASSISTANT_URL, JARVIS_HOME_ASSISTANT_TOKEN)'),
    f('whisper', 'Speech-to-text (whisper.cpp)', voice?.whisper === 'on', voice ? (voice.whisper === 'on' ? `model ${config.stt.whisperModel}` : voice.whisper) : 'the voice pipeline is not running', `jarvis models pull ${config.stt.whisperModel}`),
    f('grammar', 'Fast command recogniser (PocketSphinx grammar)', voice?.grammar === 'on', voice ? (voice.grammar === 'on' ? 'commands the grammar knows skip whisper' : voice.grammar) : 'the voice pipeline is not running', config.stt.engine === 'whisper' ? 'JARVIS_STT_ENGINE=auto' : 'apt install pocketsphinx-en-us, then restart the hub'),
    f('wake', 'Hub wake phrase', config.audio.wake, config.audio.wake ? `"${config.audio.wakePhrase}"; PTT and device wake work too` : 'audio.wake is false: only PTT, buttons and device wake start a command', 'JARVIS_AUDIO_WAKE=true'),
    f('llm', 'Local LLM (router tier 1, to-do review)', llm?.state === 'ready', llm ? llm.message : 'llm.enabled is false (JARVIS_LLM_ENABLED)', llm ? `jarvis models pull ${config.llm.model}` : `JARVIS_LLM_ENABLED=true and jarvis models pull ${config.llm.model}`),
    f('observer', 'To-do capture from passive speech', parts.observer !== undefined && (voice?.passive ?? false), parts.observer ? (voice?.passive ? `the rolling buffer keeps ${Math.round(config.observer.windowMs / 60_000)} min` : 'passive transcription is off (stt.passive)') : 'the observer is not running', 'JARVIS_STT_PASSIVE=true'),
    f('todo-review', 'Review to-dos before they are added', config.observer.requireApproval, config.observer.requireApproval ? 'new to-dos wait in the review queue' : 'new to-dos go straight to the open list', 'JARVIS_OBSERVER_REQUIRE_APPROVAL=true'),
    f('todo-sync', 'To-dos on a Home Assistant list', todoEntity !== undefined && ha?.configured === true, todoEntity ? (ha?.configured ? `synced to ${todoEntity}` : `${todoEntity} is set but Home Assistant is off`) : 'observer.todoEntity is not set: to-dos stay in Jarvis', 'JARVIS_OBSERVER_TODO_ENTITY=todo.shopping_list'),
    f('workers', 'Worker nodes (cold path)', parts.tasks !== undefined, parts.tasks ? `${parts.tasks.workers.listWorkers().filter((w) => w.revokedAt === null).length} enrolled; gRPC on port ${String(parts.tasks.port)}` : 'the tasks part is not running', null),
  ];
}

/**
 * Everything the dashboard needs from the hub, mounted on its API: the public login and static files and the
 * OpenAPI document, the session routes, device administration, the mute audit, workers and join tokens,
 * dead-letter retry, system/models/errors, the rolling buffer, and the live events. Returns the live events
 * (a component to start and stop) and the sink the voice pipeline calls on every run event.
 */
export function dashboardBackend(o: DashboardBackendOptions): DashboardBackend {
  const { parts, config, ports } = o;
  const { api, devices, registry, gate, ingest, mqtt } = parts;
  const startedAt = o.startedAt ?? Date.now();
  const live = new LiveEvents({
    deviceIds: () => registry.list().map((d) => d.deviceId),
    streamStats: (id) => ingest.statsFor(id),
    levels: () => parts.voice?.pipeline.frontEnd.levels() ?? new Map(),
    subscriptions: [
      (emit) => gate.onMute((t) => emit('mute', { deviceId: t.deviceId, muted: t.muted, source: t.source, at: t.at })),
      (emit) => registry.onChange(() => emit('device', { changed: true })),
    ],
    watch: {
      // Online state and each mute input apart: a hardware mute under a software one changes no transition.
      device: () =>
        registry
          .list()
          .map((d) => {
            const m = gate.inputs(d.deviceId);
            return `${d.deviceId}:${mqtt.stateOf(d.deviceId).online ? 1 : 0}:${m.mqtt ? 1 : 0}${m.frame ? 1 : 0}${gate.softwareMuted(d.deviceId) ? 1 : 0}`;
          })
          .join(','),
      todo: () => {
        const list = parts.observer?.todos.list({ limit: 1 }) ?? [];
        return list.map((t) => `${t.id}:${t.updatedAt}:${t.status}:${t.haState}`).join(',') + `#${parts.observer?.todos.list({ limit: 1000 }).length ?? 0}`;
      },
      task: () => {
        const c = parts.tasks?.queue.counts();
        const newest = parts.tasks?.queue.list({ limit: 1 })[0];
        return `${JSON.stringify(c ?? {})}:${newest?.id ?? ''}:${newest?.updatedAt ?? ''}`;
      },
      worker: () => (parts.tasks?.workers.listWorkers() ?? []).map((w) => `${w.id}:${w.lastSeenAt ?? 0}:${w.revokedAt ?? 0}`).join(','),
    },
    ...(o.statsIntervalMs !== undefined ? { statsIntervalMs: o.statsIntervalMs } : {}),
  });

  const dashboardDir = o.dashboardDir ?? defaultDashboardDir();
  api.addPublicRoutes(dashboardRoutes({ dashboardDir, sessions: o.sessions, verifyToken: o.verifyToken }));
  api.addRoutes(sessionRoutes(o.sessions));
  api.addRoutes(eventsRoutes(live));
  api.addRoutes(
    deviceAdminRoutes({
      find: (id) => registry.byTextId(id) ?? devices.find(id),
      byName: (name) => {
        const d = devices.find(name);
        return d && d.name === name ? d : undefined;
      },
      add: (input) => devices.add(input),
      update: (id, change) => devices.update(id, change),
      rotateKey: (id) => devices.rotateKey(id),
      remove: (id) => devices.remove(id),
      refresh: () => void registry.refresh(true),
      bundle: (device, credentials) => buildBundle(config, device, credentials),
      setSoftwareMute: (deviceId, muted, actor) => {
        devices.setSoftwareMuteState(deviceId, muted);
        gate.setSoftwareMuted(deviceId, muted, actor);
      },
      muteState: (deviceId) => {
        const inputs = gate.inputs(deviceId);
        return { muted: gate.isMuted(deviceId), hardware: inputs.mqtt || inputs.frame, software: gate.softwareMuted(deviceId) };
      },
    }),
  );
  api.addRoutes(
    muteAuditRoutes({
      rows: (deviceId) => devices.muteAudit(deviceId),
      deviceName: (id) => registry.byTextId(id)?.name,
    }),
  );
  api.addRoutes(
    workersRoutes({
      workers: () => parts.tasks?.workers.listWorkers() ?? [],
      getWorker: (id) => parts.tasks?.workers.getWorker(id),
      revokeWorker: (id) => parts.tasks?.workers.revokeWorker(id, Date.now()) ?? false,
      tokens: () => parts.tasks?.tokens.list() ?? [],
      createToken: (options) => {
        if (!parts.tasks) throw new ApiError(503, 'JARVIS_API_UNAVAILABLE', 'the tasks part is not running');
        return parts.tasks.tokens.create({ ttlMs: options.ttlMs, uses: options.uses, labels: options.labels });
      },
      revokeToken: (id) => {
        const t = parts.tasks?.tokens.list().find((x) => x.id === id);
        if (!t) return false;
        parts.tasks!.tokens.revoke(id);
        return true;
      },
      retryDead: (id) => parts.tasks?.queue.retryDead(id),
      getTask: (id) => parts.tasks?.queue.get(id),
      // The address the worker certificate names (see the tasks part in main.ts).
      enrollAddress: () => `${config.publicHost ?? defaultPublicHost()}:${String(ports.grpc ?? config.grpc.port)}`,
    }),
  );
  api.addRoutes(
    systemRoutes({
      version: HUB_VERSION,
      startedAt,
      features: () => hubFeatures(config, parts),
      homeAssistant: () => {
        const s = parts.homeAssistant?.status();
        return s ? { configured: s.configured, state: s.state, url: s.url, entities: s.configured ? s.entities : null } : { configured: false, state: 'off', url: null, entities: null };
      },
      buffer: () => parts.observer?.bufferStats(),
      catalogue: () => loadCatalogue(config.modelCatalogue),
      modelsDir: join(config.dataDir, 'models'),
      modelStatus,
      pullModel,
      errorsFile: new URL('../../ERRORS.md', import.meta.url),
    }),
  );

  return {
    live,
    onVoiceEvent: (event) => {
      const run = parts.voice?.runs.get(event.runId);
      if (run) live.broadcast('run', { run: runJson(run) });
    },
  };
}
