import { Counter, Gauge, type Registry } from 'prom-client';

/** The Prometheus series the UDP ingest maintains (names fixed by issue 3). */
export interface IngestMetrics {
  datagrams: Counter<'device' | 'result'>;
  forwarded: Counter<'device'>;
  concealed: Counter<'device'>;
  muted: Gauge<'device'>;
}

function ingestSeries(registers: Registry[]): IngestMetrics {
  return {
    datagrams: new Counter({
      name: 'jarvis_udp_datagrams_total',
      help: 'UDP audio datagrams by device and what became of them',
      labelNames: ['device', 'result'] as const,
      registers,
    }),
    forwarded: new Counter({
      name: 'jarvis_audio_samples_forwarded_total',
      help: 'Samples passed past the mute gate to the audio front end (real and concealed)',
      labelNames: ['device'] as const,
      registers,
    }),
    concealed: new Counter({
      name: 'jarvis_audio_concealed_samples_total',
      help: 'Samples synthesised to conceal lost datagrams',
      labelNames: ['device'] as const,
      registers,
    }),
    muted: new Gauge({ name: 'jarvis_device_muted', help: '1 while the device is muted', labelNames: ['device'] as const, registers }),
  };
}

/**
 * Registers the ingest's series on `registry` and returns them for `UdpIngestOptions.metrics`. The root
 * calls it once per registry (a second call on the same registry throws, as prom-client does for any
 * duplicate name); constructing a `UdpIngest` registers nothing.
 */
export function registerIngestMetrics(registry: Registry): IngestMetrics {
  return ingestSeries([registry]);
}

/** Series registered nowhere: what an ingest counts when it is given none (tests, tools). */
export function unregisteredIngestMetrics(): IngestMetrics {
  return ingestSeries([]);
}
