/**
 * Prometheus figures of the Wyoming part: `jarvis_wyoming_connections_total{result}`,
 * `jarvis_wyoming_protocol_errors_total`, `jarvis_wyoming_stt_seconds{engine}` (audio-stop → transcript),
 * and per satellite `jarvis_wyoming_satellite_connected`, `_runs_total`, `_audio_chunks_total{gate}`,
 * `_keepalive_lost_total`. Counters are read from the part's own counts at scrape time.
 */
import { Gauge, Histogram, type Registry } from 'prom-client';
import type { WyomingPart } from './component.js';

/** Registers the figures; returns the STT observer to pass as the part's `onStt`. */
export function registerWyomingMetrics(registry: Registry, part: () => WyomingPart | undefined): { onStt(ms: number, engine: string): void } {
  const stt = new Histogram({
    name: 'jarvis_wyoming_stt_seconds',
    help: 'Wyoming speech-to-text: audio-stop to transcript',
    labelNames: ['engine'],
    buckets: [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4],
    registers: [registry],
  });
  new Gauge({
    name: 'jarvis_wyoming_connections_total',
    help: 'Wyoming server connections, accepted or refused by wyoming.allow',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      const s = part()?.server?.stats;
      this.set({ result: 'accepted' }, s?.accepted ?? 0);
      this.set({ result: 'refused' }, s?.refused ?? 0);
    },
  });
  new Gauge({
    name: 'jarvis_wyoming_protocol_errors_total',
    help: 'Wyoming connections closed for malformed framing',
    registers: [registry],
    collect() {
      this.set(part()?.server?.stats.protocolErrors ?? 0);
    },
  });
  const perSatellite = (name: string, help: string, value: (s: ReturnType<WyomingPart['satellites']>[number]) => number, extra?: 'gate'): void => {
    new Gauge({
      name,
      help,
      labelNames: extra ? ['satellite', extra] : ['satellite'],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of part()?.satellites() ?? []) {
          if (extra) {
            this.set({ satellite: s.name, gate: 'dropped-muted' }, s.metrics.chunksDroppedMuted);
            this.set({ satellite: s.name, gate: 'passed' }, s.metrics.chunksIn - s.metrics.chunksDroppedMuted);
          } else this.set({ satellite: s.name }, value(s));
        }
      },
    });
  };
  perSatellite('jarvis_wyoming_satellite_connected', 'Whether Jarvis holds the satellite (1) or is reconnecting (0)', (s) => (s.state === 'connected' ? 1 : 0));
  perSatellite('jarvis_wyoming_satellite_runs_total', 'Voice runs finished on the satellite', (s) => s.metrics.runs);
  perSatellite('jarvis_wyoming_satellite_keepalive_lost_total', 'Pongs the satellite missed', (s) => s.metrics.pingsLost);
  perSatellite('jarvis_wyoming_satellite_audio_chunks_total', 'Mic chunks from the satellite, by the mute gate', () => 0, 'gate');
  return { onStt: (ms, engine) => stt.observe({ engine }, ms / 1000) };
}
