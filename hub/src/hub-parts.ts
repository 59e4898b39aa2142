/**
 * The shapes of a running hub that the CLI, the dashboard's backend, tests and benchmarks read (ports, the
 * one `say`, the parts as `startHub` built them). Apart from main.ts so that reading them imports no
 * composition root (and no import cycle through it).
 */
import type { Registry } from 'prom-client';
import type { ApiServer } from './api/server.js';
import type { MuteGate } from './audio/mute-gate.js';
import type { UdpIngest } from './audio/udp-ingest.js';
import type { HomeAssistantComponent } from './home-assistant/component.js';
import type { LlmRuntime } from './llm/runtime.js';
import type { DeviceRegistry } from './mqtt/device-registry.js';
import type { MqttDevicePlane } from './mqtt/device-plane.js';
import type { ObserverComponent } from './observer/component.js';
import type { CommandRouter } from './router/command-router.js';
import type { Db } from './store/database.js';
import type { DevicesRepository } from './store/devices-repository.js';
import type { TasksComponent } from './tasks/component.js';
import type { CommandService } from './voice/command-service.js';
import type { VoiceRunStore } from './voice/run-store.js';
import type { TranscriptBus } from './voice/transcripts.js';
import type { VoicePipeline } from './voice/voice-pipeline.js';
import type { WyomingPart } from './wyoming/component.js';

/** The runtime file and the ports in it are a leaf of core/ (the CLI reads them without importing every part). */
export { RUNTIME_FILE, type HubPorts } from './core/index.js';

/** Speaks a sentence on a device (`cmd/say` over MQTT); rejects when MQTT could not take it. */
export type Say = (deviceId: string, text: string) => Promise<void>;

/**
 * The parts of a running hub, as `startHub` built them (for the CLI, tests and benchmarks; parts never get
 * this object: each was handed exactly what it uses). A part that is off is undefined.
 */
export interface HubParts {
  db: Db;
  /** The hub's Prometheus registry (`/metrics`). */
  metrics: Registry;
  devices: DevicesRepository;
  registry: DeviceRegistry;
  gate: MuteGate;
  ingest: UdpIngest;
  mqtt: MqttDevicePlane;
  api: ApiServer;
  tasks: TasksComponent | undefined;
  homeAssistant: HomeAssistantComponent | undefined;
  /** The local LLM runtime; undefined when `llm.enabled` is false. */
  llm: LlmRuntime | undefined;
  router: CommandRouter | undefined;
  /** Commands in words (API and voice): routed, executed, answered on the device. */
  commands: CommandService | undefined;
  /** Passive transcripts: the voice pipeline and the API publish, the observer subscribes. */
  transcripts: TranscriptBus | undefined;
  observer: ObserverComponent | undefined;
  voice: { pipeline: VoicePipeline; runs: VoiceRunStore } | undefined;
  /** Wyoming server (HA) and wyoming-satellite controllers. */
  wyoming: WyomingPart | undefined;
}
