import { join } from 'node:path';
import { hubServices } from './services.js';
import { forFacility, type Logger } from '../core/logger.js';
import type { HomeAssistantClient } from '../home-assistant/client.js';
import type { RegistrySnapshot } from '../home-assistant/registry-snapshot.js';
import type { HubContext, HubPart } from '../main.js';
import { findModel, loadCatalogue } from '../stt/models/catalogue.js';
import { modelPath, requireModel } from '../stt/models/store.js';
import { commandTemplates, expansionRules } from '../language/templates.js';
import { ROUTER_GRAMMAR_MARGINS } from '../stt/grammar/grammar-engine.js';
import { namesFromRegistry, type GrammarNames } from '../stt/grammar/slots.js';
import { SpeechService } from '../stt/speech-service.js';
import { registerVoiceMetrics } from './metrics.js';
import { VoiceRunStore } from './run-store.js';
import { voiceRoutes } from '../api/voice-routes.js';
import { VoicePipeline } from './voice-pipeline.js';

/** The whisper model file the `stt` section names: `whisperPath`, else the catalogue model in `<dataDir>/models`. */
export function whisperModelFile(ctx: Pick<HubContext, 'config'>, log: Logger): { path: string; name: string } {
  const { stt, dataDir } = ctx.config;
  if (stt.whisperPath) return { path: stt.whisperPath, name: stt.whisperModel };
  const dir = join(dataDir, 'models');
  try {
    const entry = findModel(loadCatalogue(), stt.whisperModel);
    const found = requireModel(dir, entry, 'whisper transcription');
    if ('off' in found) log.warn(found.off);
    return { path: 'path' in found ? found.path : modelPath(dir, entry), name: entry.name };
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'whisper transcription is off: stt.whisperModel names no catalogue model');
    return { path: join(dir, `${stt.whisperModel}.bin`), name: stt.whisperModel };
  }
}

function homeNames(client: HomeAssistantClient | undefined): { current(): GrammarNames | undefined; subscribe(l: (n: GrammarNames) => void): () => void } | undefined {
  if (!client) return undefined;
  return {
    current: () => {
      const snap = client.snapshot();
      return snap ? namesFromRegistry(snap) : undefined;
    },
    subscribe: (listener) => {
      const onRegistry = (snap: RegistrySnapshot | undefined): void => {
        if (snap) listener(namesFromRegistry(snap));
      };
      client.on('registry', onRegistry);
      return () => void client.off('registry', onRegistry);
    },
  };
}

const pipelines = new WeakMap<HubContext, { pipeline: VoicePipeline; runs: VoiceRunStore }>();

/** The running voice pipeline of a hub and its run store (tests, benchmarks). */
export function voicePipelineOf(ctx: HubContext): { pipeline: VoicePipeline; runs: VoiceRunStore } | undefined {
  return pipelines.get(ctx);
}

/**
 * The voice part: device audio that passed the mute gate → audio front end (DSP, wake phrase, segmenter) →
 * speech-to-text (grammar racing whisper for commands, whisper for passive speech) → the command service or
 * the transcript bus. Voice runs are kept in memory for `GET /api/v1/runs` and timed in `/metrics`. Grammar
 * names follow Home Assistant's registry (none with HA off: timers, time and date still work). A missing
 * whisper model or espeak-ng turns that feature off with a log line; the hub still starts.
 */
export const voicePart: HubPart = {
  name: 'voice',
  create(ctx) {
    const services = hubServices(ctx);
    const log = forFacility(ctx.logger, 'hub:voice');
    const { audio, stt } = ctx.config;
    const whisper = whisperModelFile(ctx, log);
    const speech = new SpeechService({
      whisper: { modelPath: whisper.path, modelName: whisper.name, threads: stt.threads },
      // The router's own templates: what the grammar accepts is exactly what tier 0 understands.
      ...(stt.engine === 'auto' ? { grammar: { templates: commandTemplates, rules: expansionRules, minMargin: ROUTER_GRAMMAR_MARGINS } } : {}),
      minGrammarConfidence: stt.minGrammarConfidence,
      logger: forFacility(ctx.logger, 'hub:stt'),
    });
    const runs = new VoiceRunStore();
    const metrics = registerVoiceMetrics(ctx.metrics);
    const pipeline = new VoicePipeline({
      frontEnd: {
        segmenter: { hangoverMs: audio.hangoverMs, earlyEndPauseMs: audio.earlyEndPauseMs, preRollMs: audio.preRollMs, maxCommandMs: audio.maxCommandMs, noSpeechTimeoutMs: audio.noSpeechTimeoutMs },
        vad: audio.vad,
        wake: { enabled: audio.wake, phrase: audio.wakePhrase },
        arbitrationWindowMs: audio.arbitrationWindowMs,
        logger: forFacility(ctx.logger, 'hub:audio'),
      },
      speech,
      engine: stt.engine,
      passive: stt.passive,
      subscribeAudio: (l) => ctx.onAudio(l),
      subscribeMute: (l) => ctx.onMute(l),
      subscribeDeviceEvents: (l) => ctx.mqtt.onEvent(l),
      isMuted: (id) => ctx.gate.isMuted(id),
      handleCommand: (text, origin) => services.commands.handleCommandText(text, origin),
      publishTranscript: (segment) => services.transcripts.publish(segment),
      hasTranscriptListeners: () => services.transcripts.size > 0,
      names: homeNames(services.homeAssistant?.client),
      onEvent: (event) => {
        metrics.observe(event);
        runs.observe(event);
      },
      logger: log,
    });
    ctx.registry.onChange((changes) => {
      for (const d of changes.removed) runs.forgetDevice(d.deviceId);
    });
    ctx.api.addRoutes(voiceRoutes(runs, () => pipeline.status()));
    pipelines.set(ctx, { pipeline, runs });
    return pipeline;
  },
};
