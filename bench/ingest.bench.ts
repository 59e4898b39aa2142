/**
 * Ingest figures (issue 3): `ingest.cpu_us_per_frame` — CPU time the hub spends on one 20 ms, 16 kHz
 * PCM16 datagram (peek, key lookup, HMAC verify, decode, replay window, mute gate, jitter buffer,
 * delivery) — and `ingest.max_realtime_streams` — how many wearables streaming in real time one hub
 * process keeps up with on this machine, found by doubling the count until datagrams are lost or the
 * hub's event loop is busy more than 80% of the time (the sender runs in a worker thread).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Codec, encodeSignedAudioFrame, MessageType } from '@jarvis/protocol';
import { Registry } from 'prom-client';
import { MuteGate } from '../hub/src/audio/mute-gate.js';
import { registerIngestMetrics } from '../hub/src/audio/ingest-metrics.js';
import { UdpIngest } from '../hub/src/audio/udp-ingest.js';
import { silentLogger } from '../hub/src/core/logger.js';
import { distribution, type Benchmark } from './lib.js';

const FRAME_SAMPLES = 320;
const STREAM = { jitterTargetFrames: 3, maxWaitMs: 120, maxConcealMs: 1000, concealment: 'repeat-fade' as const, replayWindow: 1024 };

function keys(n: number): Map<number, Uint8Array> {
  const m = new Map<number, Uint8Array>();
  for (let i = 1; i <= n; i++) m.set(i, new Uint8Array(32).fill(i));
  return m;
}

function frames(device: number, key: Uint8Array, count: number, streamId = 1): Uint8Array[] {
  const pcm = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(Math.sin(i / 5) * 8000);
  const payload = new Uint8Array(pcm.buffer);
  const out: Uint8Array[] = [];
  for (let seq = 0; seq < count; seq++) {
    out.push(
      encodeSignedAudioFrame(
        { type: MessageType.AUDIO, deviceId: device, streamId, seq, timestamp: seq * FRAME_SAMPLES, flags: 0, codec: Codec.PCM16LE, sampleRate: 16000, payload },
        key,
      ),
    );
  }
  return out;
}

function ingestFor(k: Map<number, Uint8Array>, port = 0): { ingest: UdpIngest; received: () => number } {
  let samples = 0;
  const ingest = new UdpIngest({
    host: '127.0.0.1', port, receiveBufferBytes: 4 * 1024 * 1024, stream: STREAM, keyFor: (id) => k.get(id), gate: new MuteGate(), logger: silentLogger(), metrics: registerIngestMetrics(new Registry()),
  });
  ingest.onAudio((c) => (samples += c.samples.length));
  return { ingest, received: () => samples };
}

// The sender runs in a worker so the hub's thread does only the hub's work; it sends pre-built datagrams on a 20 ms clock.
const SENDER = `
const { parentPort, workerData } = require('node:worker_threads');
const dgram = require('node:dgram');
const sock = dgram.createSocket('udp4');
const { port, perDevice, frameCount } = workerData;
const t0 = performance.now();
let frame = 0;
function tick() {
  const due = t0 + frame * 20;
  if (performance.now() >= due) {
    for (const list of perDevice) sock.send(list[frame], port, '127.0.0.1');
    frame++;
    if (frame >= frameCount) { setTimeout(() => { sock.close(); parentPort.postMessage('done'); }, 50); return; }
  }
  setTimeout(tick, Math.max(0, t0 + frame * 20 - performance.now()));
}
tick();
`;

async function keepsUp(streams: number, seconds: number): Promise<{ ok: boolean; lossRatio: number; lagP99Ms: number; loopBusy: number }> {
  const k = keys(streams);
  const frameCount = seconds * 50;
  const perDevice = [...k.entries()].map(([id, key]) => frames(id, key, frameCount).map((f) => Buffer.from(f)));
  const { ingest } = ingestFor(k);
  await ingest.start();
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const elu0 = performance.eventLoopUtilization();
  const worker = new Worker(SENDER, { eval: true, workerData: { port: ingest.port, perDevice, frameCount } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  await new Promise((r) => setTimeout(r, 200));
  lag.disable();
  const loopBusy = performance.eventLoopUtilization(elu0).utilization;
  const stats = ingest.allStats();
  await ingest.stop();
  await worker.terminate();
  const accepted = stats.reduce((n, s) => n + s.datagrams.accepted, 0);
  const lossRatio = 1 - accepted / (streams * frameCount);
  const lagP99Ms = lag.percentile(99) / 1e6;
  return { ok: lossRatio <= 0.001 && loopBusy <= 0.8, lossRatio, lagP99Ms, loopBusy };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'ingest.cpu_us_per_frame',
    run(emit) {
      const devices = 16;
      const k = keys(devices);
      const perDevice = [...k.entries()].map(([id, key]) => frames(id, key, 500));
      const { ingest } = ingestFor(k);
      const samples: number[] = [];
      for (let round = 0; round < 20; round++) {
        // A fresh stream id per round so every datagram is new to the replay window.
        const { ingest: fresh } = round === 0 ? { ingest } : ingestFor(k);
        const c0 = process.cpuUsage();
        for (let f = 0; f < 500; f++) for (const list of perDevice) fresh.handleDatagram(list[f] as Uint8Array);
        const c = process.cpuUsage(c0);
        samples.push((c.user + c.system) / (500 * devices));
      }
      emit(distribution('ingest.cpu_us_per_frame', 'us', samples, { devices, frameMs: 20, sampleRate: 16000, codec: 'pcm16' }));
    },
  },
  {
    name: 'ingest.max_realtime_streams',
    async run(emit) {
      let best = 0;
      let failed = 0;
      const tried: Record<string, unknown>[] = [];
      const attempt = async (streams: number): Promise<boolean> => {
        const r = await keepsUp(streams, 2);
        tried.push({ streams, ok: r.ok, lossRatio: Math.round(r.lossRatio * 1e4) / 1e4, lagP99Ms: Math.round(r.lagP99Ms * 10) / 10, loopBusy: Math.round(r.loopBusy * 1000) / 1000 });
        process.stderr.write(`ingest: ${streams} streams -> ${JSON.stringify(tried.at(-1))}\n`);
        return r.ok;
      };
      // Double until it fails, then bisect the last interval to within an eighth.
      for (let streams = 8; streams <= 2048; streams *= 2) {
        if (!(await attempt(streams))) {
          failed = streams;
          break;
        }
        best = streams;
      }
      while (failed > 0 && best > 0 && failed - best > best / 8) {
        const mid = Math.round((best + failed) / 2);
        if (await attempt(mid)) best = mid;
        else failed = mid;
      }
      emit({ name: 'ingest.max_realtime_streams', value: best, unit: 'streams', frameMs: 20, sampleRate: 16000, codec: 'pcm16', criterion: 'datagram loss <= 0.1% and hub event loop busy <= 80%', tried });
    },
  },
];
