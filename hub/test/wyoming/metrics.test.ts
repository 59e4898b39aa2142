/** The Wyoming figures on /metrics read the part's own counts at scrape time. */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerWyomingMetrics } from '../../src/wyoming/metrics.js';
import type { WyomingPart } from '../../src/wyoming/component.js';

describe('wyoming metrics', () => {
  it('connections, protocol errors, STT time by engine, satellites by state and gate', async () => {
    const registry = new Registry();
    const part = {
      server: { stats: { accepted: 7, refused: 2, open: 1, protocolErrors: 3 } },
      satellites: () => [
        { name: 'kitchen', host: 'h', port: 1, area: 'Kitchen', state: 'connected', muted: true, lastRun: null, metrics: { connects: 2, disconnects: 1, runs: 4, chunksIn: 100, chunksDroppedMuted: 40, pingsLost: 1 } },
      ],
    } as unknown as WyomingPart;
    const m = registerWyomingMetrics(registry, () => part);
    m.onStt(250, 'grammar');
    const text = await registry.metrics();
    expect(text).toContain('jarvis_wyoming_connections_total{result="accepted"} 7');
    expect(text).toContain('jarvis_wyoming_connections_total{result="refused"} 2');
    expect(text).toContain('jarvis_wyoming_protocol_errors_total 3');
    expect(text).toContain('jarvis_wyoming_stt_seconds_count{engine="grammar"} 1');
    expect(text).toContain('jarvis_wyoming_satellite_connected{satellite="kitchen"} 1');
    expect(text).toContain('jarvis_wyoming_satellite_runs_total{satellite="kitchen"} 4');
    expect(text).toContain('jarvis_wyoming_satellite_audio_chunks_total{satellite="kitchen",gate="dropped-muted"} 40');
    expect(text).toContain('jarvis_wyoming_satellite_audio_chunks_total{satellite="kitchen",gate="passed"} 60');
  });
});
