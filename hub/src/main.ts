import { createRequire } from 'node:module';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { commandRoutes } from './api/command-routes.js';
import { repliesRoutes } from './api/replies-routes.js';
import { dashboardBackend } from './api/dashboard-backend.js';
import { devicesRoutes } from './api/devices-routes.js';
import { homeAssistantRoutes } from './api/home-assistant-routes.js';
import { todoRoutes } from './api/observer-routes.js';
import { ApiServer } from './api/server.js';
import { SessionStore, sessionAuthenticator } from './api/session.js';
import { taskRoutesFor } from './api/tasks-routes.js';
import { voiceRoutes } from './api/voice-routes.js';
import { MuteGate } from './audio/mute-gate.js';
import { registerIngestMetrics } from './audio/ingest-metrics.js';
import { UdpIngest } from './audio/udp-ingest.js';
import type { JarvisConfig } from './config/schema.js';
import { subscription } from './core/component.js';
import { Lifecycle } from './core/lifecycle.js';
import { forFacility, type Logger } from './core/logger.js';
import { defaultPublicHost } from './core/public-host.js';
import { loadOrCreateMasterKey, randomSecret, SecretBox, writePrivateFile } from './core/secrets.js';
import { HomeAssistantComponent } from './home-assistant/component.js';
import { haTodoSink } from './home-assistant/todo-sink.js';
import { llmModelFile } from './llm/model-path.js';
import { LlmRuntime } from './llm/runtime.js';
import { DeviceRegistry } from './mqtt/device-registry.js';
import { MqttDevicePlane } from './mqtt/device-plane.js';
import { EmbeddedBroker } from './mqtt/embedded-broker.js';
import { registerMqttMetrics } from './mqtt/metrics.js';
import { DEFAULT_EXPORT_LIMITS } from './mqtt/mosquitto-export.js';
import { MosquittoSync } from './mqtt/mosquitto-sync.js';
import { ObserverComponent } from './observer/component.js';
import { forgetCommand } from './observer/forget-command.js';
import { MemoryComponent, memoryCommand } from './memory/index.js';
import { memoryRoutes } from './api/memory-routes.js';
import { createTodoLlm } from './observer/todo-llm.js';
import { ColdReplies } from './router/cold-replies.js';
import { CommandRouter } from './router/command-router.js';
import { HaConversationFallback } from './home-assistant/conversation-agent.js';
import { registerRouterMetrics } from './router/metrics.js';
import { TimerAnnouncer } from './router/timer-announcer.js';
import { createTier1Router } from './router/tier1-llm.js';
import { openDatabase } from './store/database.js';
import { DevicesRepository } from './store/devices-repository.js';
import { TokensRepository } from './store/tokens-repository.js';
import { UdpStreamsRepository } from './store/udp-streams-repository.js';
import { commandGrammar } from './stt/command-grammar.js';
import { SpeechService } from './stt/speech-service.js';
import { activeAcousticModel, acousticGrammarOptions, adaptationProblem } from './stt/acoustic/adapted-model.js';
import { whisperModelFile } from './stt/whisper-model-file.js';
import { TasksComponent } from './tasks/component.js';
import { CommandService } from './voice/command-service.js';
import { homeNames } from './voice/home-names.js';
import { registerVoiceMetrics } from './voice/metrics.js';
import { OutcomeMetrics } from './voice/outcome-metrics.js';
import { VoiceRunStore } from './voice/run-store.js';
import { TranscriptBus } from './voice/transcripts.js';
import { commandAudioSource, VoicePipeline } from './voice/voice-pipeline.js';
import { WyomingPart } from './wyoming/component.js';
import { enrolledWakeBackend, speechSttBackend } from './wyoming/hub-backends.js';
import { wyomingRoutes } from './wyoming/routes.js';
import { RUNTIME_FILE, type HubParts, type HubPorts, type Say } from './hub-parts.js';
import { registerWyomingMetrics } from './wyoming/metrics.js';

export { RUNTIME_FILE, type HubParts, type HubPorts, type Say } from './hub-parts.js';

/** A running hub. */
export interface Hub {
  config: JarvisConfig;
  ports: HubPorts;
  parts: HubParts;
  /** Where the admin token was written on first start (undefined when it already existed). */
  adminTokenFile: string | undefined;
  /** Stops every component in reverse start order; safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startHub}. */
export interface StartHubOptions {
  /** `device-plane`: only the store, devices, MQTT, UDP and the API (tests of the device plane). Default `all`. */
  only?: 'device-plane' | 'all';
  /** Shows the admin token once on first start (the CLI writes it to stderr). */
  announce?: (text: string) => void;
}

/** The hub package's version (Wyoming `info`). */
const HUB_VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;


function loopbackFor(host: string): string {
  return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
}

/**
 * The composition root (DESIGN.md §3). Builds every part from the validated config with exactly what it uses,
 * in data-flow order: store → device plane (registry, mute gate, MQTT, UDP) → tasks → Home Assistant → LLM →
 * router → observer → voice (commands, transcripts, pipeline) → HTTP API. Each is started as it is built and
 * stopped in reverse; a part that is off is undefined with a log line saying why. A failure while starting
 * stops what already started and rethrows.
 */
export async function startHub(config: JarvisConfig, logger: Logger, options: StartHubOptions = {}): Promise<Hub> {
  const log = (facility: string): Logger => forFacility(logger, facility);
  const life = new Lifecycle(log('hub:main'));
  const ports: HubPorts = { http: 0, udp: 0, mqtt: undefined, grpc: undefined, wyoming: undefined };
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const runtimeFile = join(config.dataDir, RUNTIME_FILE);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    rmSync(runtimeFile, { force: true });
    await life.stopAll();
    logger.info('jarvis hub stopped');
  };
  /** Logs why an optional part is off and returns undefined for it. */
  const off = (facility: string, reason: string): undefined => void log(facility).info(reason);

  try {
    // ── store: the database, the secret box, the hub's metrics registry ─────────────────────────────────
    const box = new SecretBox(loadOrCreateMasterKey(join(config.dataDir, 'secret.key')));
    const db = openDatabase(join(config.dataDir, 'jarvis.db'));
    await life.start({ name: 'store', start: async () => {}, stop: async () => void db.close() });
    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics, prefix: 'jarvis_process_' });
    const devices = new DevicesRepository(db, box);

    // ── device registry ────────────────────────────────────────────────────────────────────────────────
    const registry = await life.start(new DeviceRegistry(db, devices, log('hub:devices')));

    // ── mute gate: every transition audited; restored from the retained MQTT states ─────────────────────
    const muteLog = log('hub:mute');
    const gate = new MuteGate(
      (t) => {
        devices.addMuteAudit(t.deviceId, t.muted, t.source, t.at, t.actor);
        muteLog.info({ device: t.deviceId, muted: t.muted, source: t.source, ...(t.actor ? { actor: t.actor } : {}) }, t.muted ? 'device muted' : 'device unmuted');
      },
      Date.now,
      (err) => muteLog.error({ err }, 'mute listener failed'),
    );
    const restoredMute = devices.mqttMuteStates();
    gate.restore(restoredMute);
    gate.restoreSoftware(devices.softwareMuteStates());

    // ── MQTT: the embedded broker (unless mqtt.url names an external one) and the device plane ──────────
    let mqttUrl: string;
    let mqttUser: string | undefined;
    let mqttPassword: string | undefined;
    let broker: EmbeddedBroker | undefined;
    const mqttMetrics = registerMqttMetrics(metrics);
    if (config.mqtt.url) {
      mqttUrl = config.mqtt.url;
      mqttUser = config.mqtt.username;
      mqttPassword = config.mqtt.password;
    } else {
      mqttUser = 'jarvis-hub';
      mqttPassword = randomSecret(32);
      broker = await life.start(
        new EmbeddedBroker({
          host: config.host,
          port: config.mqtt.port,
          verifyDeviceLogin: (u, p) => devices.verifyMqttLogin(u, p),
          hubCredentials: { username: mqttUser, password: mqttPassword },
          limits: config.mqtt.limits,
          loginLimits: config.mqtt.limits,
          logger: log('hub:mqtt-broker'),
          metrics: mqttMetrics,
        }),
      );
      ports.mqtt = broker.port;
      mqttUrl = `mqtt://${loopbackFor(config.host)}:${broker.port}`;
    }

    const ingest = new UdpIngest({
      host: config.host,
      port: config.udp.port,
      receiveBufferBytes: config.udp.receiveBufferBytes,
      stream: config.ingest,
      keyFor: (id) => registry.keyFor(id),
      gate,
      streamGuard: new UdpStreamsRepository(db),
      logger: log('hub:udp'),
      metrics: registerIngestMetrics(metrics),
    });
    for (const [deviceId, muted] of restoredMute) ingest.publishMuteGauge(deviceId, muted);

    const mqtt = await life.start(
      new MqttDevicePlane({
        url: mqttUrl,
        username: mqttUser,
        password: mqttPassword,
        registry,
        gate,
        persistMute: (id, muted) => devices.setMqttMuteState(id, muted),
        restoreRetainedMute: broker ? restoredMute : undefined,
        udpLastHeard: (id) => ingest.statsFor(id)?.lastHeardAt,
        discoveryPrefix: config.mqtt.discoveryPrefix,
        logger: log('hub:mqtt'),
        metrics: mqttMetrics,
        waitForConnect: broker !== undefined,
      }),
    );
    // A removed device loses its broker session, stream state and mute state; a rotated one its session.
    await life.start(
      subscription('device-removal', () =>
        registry.onChange((changes) => {
          for (const d of changes.removed) {
            broker?.disconnectDevice(d.deviceId);
            ingest.forget(d.id);
            gate.forget(d.deviceId);
          }
          for (const d of changes.rotated) broker?.disconnectDevice(d.deviceId, d.credentialVersion);
        }),
      ),
    );

    // ── an external Mosquitto's password file and ACL, kept in step with the devices (mqtt.exportDir) ──
    if (config.mqtt.exportDir) {
      await life.start(
        new MosquittoSync({
          dir: config.mqtt.exportDir,
          reloadPidFile: config.mqtt.exportReloadPidFile,
          discoveryPrefix: config.mqtt.discoveryPrefix,
          limits: { ...DEFAULT_EXPORT_LIMITS, maxConnections: config.mqtt.limits.maxConnections },
          devices,
          registry,
          logger: log('hub:mqtt-export'),
        }),
      );
    }

    // ── UDP ingest: authenticated audio frames → per-device streams → the mute gate ─────────────────────
    await life.start(ingest);
    ports.udp = ingest.port;

    // ── the one `say` to devices, and what every part may ask about a device ────────────────────────────
    const say: Say = (deviceId, text) => mqtt.sendCommand(deviceId, 'cmd/say', { text });
    const deviceExists = (deviceId: string): boolean => registry.byTextId(deviceId) !== undefined;

    // ── HTTP API: built now so each part below can add its routes; started last ─────────────────────────
    const tokens = new TokensRepository(db);
    const sessions = new SessionStore();
    const api = new ApiServer({
      sessionAuth: sessionAuthenticator(sessions),
      host: config.host,
      port: config.http.port,
      logger: log('hub:api'),
      metrics,
      verifyToken: (t) => tokens.verify(t),
      publicMetrics: config.api.publicMetrics,
      metricsAccess: config.api.publicMetrics ? 'public' : config.api.metrics,
      readiness: { database: () => db.open, udp: () => ports.udp > 0 },
    });
    api.addRoutes(devicesRoutes({ registry, gate, streamStats: (id) => ingest.statsFor(id), mqttState: (id) => mqtt.stateOf(id) }));

    const parts: HubParts = {
      db, metrics, devices, registry, gate, ingest, mqtt, api,
      tasks: undefined, homeAssistant: undefined, llm: undefined, router: undefined, commands: undefined, transcripts: undefined, observer: undefined, voice: undefined, wyoming: undefined,
    };

    // ── dashboard at `/`: login, device admin, mute audit, workers, system, live events (parts read per request) ─
    const dashboard = dashboardBackend({ config, ports, parts, sessions, verifyToken: (t) => tokens.verify(t) });
    await life.start(dashboard.live);

    if (options.only !== 'device-plane') {
      // ── tasks: durable queue, CA, join tokens, worker gRPC server (the router's cold path) ────────────
      const tasks = await life.start(
        new TasksComponent({
          db,
          dataDir: config.dataDir,
          logger: log('hub:tasks'),
          host: config.host,
          port: config.grpc.port,
          // Workers enroll against the address written into their join command; the certificate must name it.
          serverNames: [config.publicHost ?? defaultPublicHost()],
        }),
      );
      ports.grpc = tasks.port;
      api.addRoutes(taskRoutesFor(tasks.queue));

      // ── Home Assistant: client, registry cache, allowlist (off without URL and token: it says how) ────
      const homeAssistant = await life.start(new HomeAssistantComponent(config.homeAssistant, log('hub:home-assistant')));
      const haClient = homeAssistant.client;
      api.addRoutes(homeAssistantRoutes(() => homeAssistant.status()));

      // ── local LLM runtime (router tier 1, to-do review); loads before the router takes commands ───────
      const llm = config.llm.enabled
        ? await life.start(new LlmRuntime({ ...llmModelFile(config.llm, config.dataDir, config.modelCatalogue), threads: config.llm.threads, logger: log('hub:llm') }))
        : off('hub:router', 'router tier 1 is off: llm.enabled is false (JARVIS_LLM_ENABLED)');

      // ── router: tier 0 → tier 1 → cold task; hot decisions executed on HA; timers ring on the device ──
      const routerLog = log('hub:router');
      const cold = new ColdReplies({
        db,
        queue: tasks.queue,
        say,
        deviceExists,
        deviceOnline: (id) => mqtt.stateOf(id).online,
        maxAgeMs: config.router.coldReplyMaxAgeMs,
        sweepMs: config.router.coldReplySweepMs,
        logger: routerLog,
      });
      const router = new CommandRouter({
        client: haClient,
        allowlist: homeAssistant.allowlist,
        tasks: cold,
        timeZone: config.time.zone,
        tier1: llm ? createTier1Router({ runtime: llm, budgetMs: config.llm.tier1BudgetMs, onFallThrough: (reason, detail) => routerLog.debug({ reason, detail }, 'tier 1 fell through') }) : undefined,
        tier1Ready: () => llm?.ready ?? false,
        onTier1: registerRouterMetrics(metrics),
        conversation: haClient && config.homeAssistant.conversation.enabled
          ? new HaConversationFallback({ client: haClient, agentId: config.homeAssistant.conversation.agentId, language: config.homeAssistant.conversation.language, allowlist: homeAssistant.allowlist, entities: () => haClient.snapshot()?.entities ?? [] })
          : undefined,
        logger: routerLog,
      });
      await life.start(router);
      await life.start(cold);
      api.addRoutes(repliesRoutes({ pendingReplies: () => cold.pendingReplies() }));
      await life.start(new TimerAnnouncer(router.timers, say, routerLog));

      // ── observer: passive transcripts → rolling buffer → to-dos; synced to HA only through a sink ─────
      const observerLog = log('hub:observer');
      const transcripts = new TranscriptBus(log('hub:commands'));
      const todoEntity = config.observer.todoEntity;
      if (todoEntity && !haClient) observerLog.info({ todoEntity }, 'to-dos stay in Jarvis: observer.todoEntity is set but Home Assistant control is off');
      const todoLlm = llm?.ready ? createTodoLlm({ runtime: llm, onSkip: (reason) => observerLog.debug({ reason }, 'LLM to-do review skipped') }) : null;
      if (todoLlm) observerLog.info('to-dos are reviewed by the local LLM');
      const observer = await life.start(
        new ObserverComponent({
          db,
          timeZone: config.time.zone,
          subscribeTranscripts: (listener) => transcripts.subscribe(listener),
          subscribeMute: (listener) => gate.onMute(listener),
          windowMs: config.observer.windowMs,
          muteTailMs: config.observer.muteTailMs,
          requireApproval: config.observer.requireApproval,
          settleMs: config.observer.settleMs,
          notify: say,
          homeAssistant: todoEntity && haClient ? { gateway: haTodoSink(haClient), entityId: todoEntity } : null,
          llm: todoLlm,
          ...(config.observer.todoWeights ? { weightsPath: config.observer.todoWeights } : {}),
          logger,
        }),
      );
      api.addRoutes(todoRoutes(observer.todos));

      // ── memory: facts people tell Jarvis; purged with a mute or "forget the last N minutes" like the buffer ─
      const memory = await life.start(new MemoryComponent({ db, subscribeMute: (l) => gate.onMute(l), muteTailMs: config.observer.muteTailMs, logger: log('hub:memory') }));
      api.addRoutes(memoryRoutes(memory.service));
      const forgetter = {
        forget: async (minutes: number, deviceId?: string) => {
          const forgotten = await observer.forget(minutes, deviceId);
          return { ...forgotten, facts: memory.forget(minutes, deviceId) };
        },
      };

      // ── commands in words (API and voice): "forget …" for the observer, else the router; reply by `say` ─
      const outcomes = await life.start(new OutcomeMetrics(metrics, (listener) => tasks.queue.onSettled(listener)));
      const commands = new CommandService({
        deviceArea: (deviceId) => registry.byTextId(deviceId)?.area,
        say,
        router,
        interceptors: [forgetCommand(forgetter), memoryCommand(memory.service)],
        observe: (ended) => outcomes.command(ended),
        understanding: () => ({
          llm: !llm ? 'off' : llm.ready ? 'on' : 'loading',
          haAgent: !haClient || !config.homeAssistant.conversation.enabled ? 'off' : haClient.state === 'connected' ? 'on' : 'not-connected',
        }),
        logger: log('hub:commands'),
      });
      api.addRoutes(
        commandRoutes({
          handleCommandText: (text, origin) => commands.handleCommandText(text, origin),
          publishTranscript: (segment) => transcripts.publish(segment),
          transcriptListeners: () => transcripts.size,
          forget: (minutes, deviceId) => forgetter.forget(minutes, deviceId),
          deviceExists,
          isMuted: (id) => gate.isMuted(id),
          unmutedAt: (id) => gate.unmutedAt(id),
        }),
      );

      // ── voice pipeline: gated audio → front end → speech-to-text → commands or passive transcripts ────
      const voiceLog = log('hub:voice');
      const whisper = whisperModelFile(config.stt, config.dataDir, config.modelCatalogue, voiceLog);
      const acoustic = activeAcousticModel(join(config.dataDir, 'models'));
      const unusable = adaptationProblem(join(config.dataDir, 'models'));
      if (unusable) voiceLog.warn({ code: 'JARVIS_ACOUSTIC_BAD_ADAPTATION', reason: unusable }, 'speech: the adapted acoustic model is not used (rerun npm run stt:adapt)');
      // The grammar hears RNNoise's output with an adapted model, the raw audio with CMU's (config stt.commandAudio).
      const grammarAudio = commandAudioSource(config.stt.commandAudio, acoustic.adapted);
      voiceLog.info({ acousticModel: acoustic.label, grammarAudio }, 'speech: acoustic model');
      const speech = new SpeechService({
        whisper: { modelPath: whisper.path, modelName: whisper.name, threads: config.stt.threads },
        // The router's own templates: what the grammar accepts is exactly what tier 0 understands.
        // With the acoustic model adapted to this household when present (scripts/adapt-acoustic-model.ts).
        ...(config.stt.engine === 'auto' ? { grammar: { ...commandGrammar(), ...acousticGrammarOptions(acoustic) } } : {}),
        minGrammarConfidence: config.stt.minGrammarConfidence,
        streamCommands: config.stt.streamCommands,
        logger: log('hub:stt'),
      });
      const runs = new VoiceRunStore();
      const voiceMetrics = registerVoiceMetrics(metrics);
      const { audio, stt } = config;
      const pipeline = new VoicePipeline({
        frontEnd: {
          segmenter: { hangoverMs: audio.hangoverMs, earlyEndPauseMs: audio.earlyEndPauseMs, preRollMs: audio.preRollMs, maxCommandMs: audio.maxCommandMs, noSpeechTimeoutMs: audio.noSpeechTimeoutMs },
          vad: audio.vad,
          wake: { enabled: audio.wake, phrase: audio.wakePhrase, engine: audio.wakeEngine, openWakeWord: { threshold: audio.wakeThreshold, triggerLevel: audio.wakeTriggerLevel, refractoryMs: audio.wakeRefractoryMs }, verifier: audio.wakeVerifier },
          modelsDir: join(config.dataDir, 'models'),
          preGateDb: audio.preGateDb,
          arbitrationWindowMs: audio.arbitrationWindowMs,
          logger: log('hub:audio'),
        },
        speech,
        grammarAudio,
        engine: stt.engine,
        whisperPrePass: stt.prePass,
        passive: stt.passive,
        subscribeAudio: (l) => ingest.onAudio(l),
        subscribeMute: (l) => gate.onMute(l),
        subscribeDeviceEvents: (l) => mqtt.onEvent(l),
        isMuted: (id) => gate.isMuted(id),
        handleCommand: (text, origin) => commands.handleCommandText(text, origin),
        publishTranscript: (segment) => transcripts.publish(segment),
        hasTranscriptListeners: () => transcripts.size > 0,
        deviceArea: (deviceId) => registry.byTextId(deviceId)?.area,
        names: homeNames(haClient),
        onEvent: (event) => {
          voiceMetrics.observe(event);
          runs.observe(event);
          dashboard.onVoiceEvent(event);
        },
        logger: voiceLog,
      });
      await life.start(pipeline);
      await life.start(subscription('voice-runs', () => registry.onChange((changes) => changes.removed.forEach((d) => runs.forgetDevice(d.deviceId)))));
      // The status says which acoustic model the grammar decodes with (adapted to the household, or CMU's own).
      api.addRoutes(voiceRoutes(runs, () => Object.assign(pipeline.status(), { acousticModel: acoustic.label })));

      // ── Wyoming: HA uses Jarvis's STT, wake and intents (server off unless configured); satellites join ──
      const wyomingLog = log('hub:wyoming');
      const wyomingRef: { part?: WyomingPart } = {};
      const wyomingMetrics = registerWyomingMetrics(metrics, () => wyomingRef.part);
      const wyoming = await life.start(
        (wyomingRef.part = new WyomingPart({
          config: config.wyoming,
          dataDir: config.dataDir,
          version: HUB_VERSION,
          logger: wyomingLog,
          stt: speechSttBackend(speech, { grammar: stt.engine === 'auto', whisperModel: whisper, grammarAudio }),
          wake: audio.wake ? enrolledWakeBackend(audio.wakePhrase, wyomingLog) : undefined,
          router,
          registry: () => haClient?.snapshot(),
          onMuteAudit: (a) => devices.addMuteAudit(`wyoming:${a.satellite}`, a.muted, 'api', a.at, a.source),
          onStt: wyomingMetrics.onStt,
        })),
      );
      ports.wyoming = wyoming.port;
      api.addRoutes(wyomingRoutes(wyoming));

      Object.assign(parts, { tasks, homeAssistant, llm, router, commands, transcripts, observer, voice: { pipeline, runs }, wyoming });
    }

    // ── HTTP API last: every route is in ────────────────────────────────────────────────────────────────
    await life.start(api);
    ports.http = api.port;

    let adminTokenFile: string | undefined;
    if (!tokens.has('admin')) {
      const token = tokens.create('admin');
      adminTokenFile = join(config.dataDir, 'admin-token');
      writePrivateFile(adminTokenFile, `${token}\n`);
      options.announce?.(`Admin API token (shown once, also written to ${adminTokenFile}):\n  ${token}\n`);
      logger.info({ file: adminTokenFile }, 'created the admin API token');
    }

    writeFileSync(runtimeFile, `${JSON.stringify({ pid: process.pid, ports, startedAt: new Date().toISOString() })}\n`, { mode: 0o600 });
    logger.info({ ports, dataDir: config.dataDir }, 'jarvis hub started');
    return { config, ports, parts, adminTokenFile, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
