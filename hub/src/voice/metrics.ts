import { Counter, Histogram, type Registry } from 'prom-client';
import type { VoiceEvent, VoiceEventType } from './events.js';

/** Stages timed from their `-start` to their `-end` event. */
const STAGES = ['capture', 'stt', 'intent', 'action'] as const;

/** Latency histograms fed from voice run events. */
export interface VoiceMetrics {
  /** Feed every voice event here (use it as, or from, the `VoiceEventSink`). */
  observe(event: VoiceEvent): void;
}

/**
 * Registers the voice run histograms on `registry` and returns the function that feeds them:
 * `jarvis_voice_stage_seconds{stage}` (start → end of each stage),
 * `jarvis_voice_after_speech_end_seconds{event}` (end of speech → stt-end, intent-end, action-start, reply),
 * `jarvis_voice_runs_total{reason}`.
 */
export function registerVoiceMetrics(registry: Registry): VoiceMetrics {
  const stage = new Histogram({
    name: 'jarvis_voice_stage_seconds',
    help: 'Duration of each voice run stage, from its -start to its -end event',
    labelNames: ['stage'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 15],
    registers: [registry],
  });
  const afterSpeech = new Histogram({
    name: 'jarvis_voice_after_speech_end_seconds',
    help: 'Time from the end of speech to later events of the run (the hot-path budget)',
    labelNames: ['event'],
    buckets: [0.05, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.2, 2, 5],
    registers: [registry],
  });
  const runs = new Counter({ name: 'jarvis_voice_runs_total', help: 'Voice runs ended, by reason', labelNames: ['reason'], registers: [registry] });
  const open = new Map<string, Map<VoiceEventType, number>>();
  const afterTypes: ReadonlySet<VoiceEventType> = new Set(['stt-end', 'intent-end', 'action-start', 'reply']);
  return {
    observe(event) {
      let seen = open.get(event.runId);
      if (!seen) open.set(event.runId, (seen = new Map()));
      if (!seen.has(event.type)) seen.set(event.type, event.at);
      for (const s of STAGES) {
        const start = seen.get(`${s}-start` as VoiceEventType);
        if (event.type === `${s}-end` && start !== undefined) stage.observe({ stage: s }, Math.max(0, event.at - start) / 1000);
      }
      const speechEnd = seen.get('speech-end');
      if (speechEnd !== undefined && afterTypes.has(event.type)) afterSpeech.observe({ event: event.type }, Math.max(0, event.at - speechEnd) / 1000);
      if (event.type === 'run-end') {
        runs.inc({ reason: String(event.data?.['reason'] ?? 'unknown') });
        open.delete(event.runId);
      }
    },
  };
}
