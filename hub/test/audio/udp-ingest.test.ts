import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { FrameFlag, deviceKeyId, encodeSignedAudioFrame, formatDeviceId } from '@jarvis/protocol';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { MuteGate } from '../../src/audio/mute-gate.js';
import type { DeviceAudioChunk, MuteTransition } from '../../src/audio/types.js';
import type { StreamGuardState } from '../../src/audio/device-stream.js';
import { registerIngestMetrics } from '../../src/audio/ingest-metrics.js';
import { UdpIngest, type StreamGuardStore } from '../../src/audio/udp-ingest.js';
import { createLogger, silentLogger } from '../../src/core/logger.js';
import { SecretBox } from '../../src/core/secrets.js';
import { openDatabase } from '../../src/store/database.js';
import { DevicesRepository } from '../../src/store/devices-repository.js';
import { UdpStreamsRepository } from '../../src/store/udp-streams-repository.js';
import { datagram, frameFields, mutedKeepalive, rampSamples, testDevice, type TestDevice } from '../helpers/frames.js';

const STREAM = { jitterTargetFrames: 3, maxWaitMs: 120, maxConcealMs: 1000, concealment: 'repeat-fade' as const, replayWindow: 1024 };

let ingest: UdpIngest | undefined;
afterEach(async () => {
  await ingest?.stop();
  ingest = undefined;
});

function setup(devices: TestDevice[], opts: { now?: () => number } = {}) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
  const audits: MuteTransition[] = [];
  const gate = new MuteGate((t) => audits.push(t));
  const metrics = new Registry();
  const keys = new Map(devices.map((d) => [d.id, d.key]));
  ingest = new UdpIngest({ host: '127.0.0.1', port: 0, stream: STREAM, keyFor: (id) => keys.get(id), gate, logger, metrics: registerIngestMetrics(metrics), now: opts.now });
  const chunks: DeviceAudioChunk[] = [];
  ingest.onAudio((c) => chunks.push(c));
  return { ingest, gate, metrics, chunks, audits, lines };
}

async function started(devices: TestDevice[]) {
  const s = setup(devices);
  await s.ingest.start();
  return s;
}

async function metricValue(metrics: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const m = await metrics.getSingleMetric(name)?.get();
  const v = m?.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
  return v?.value ?? 0;
}

describe('UdpIngest over a real socket', () => {
  it('authenticates datagrams sent to its port and forwards the audio', async () => {
    const dev = testDevice();
    const { ingest, chunks, metrics } = setup([dev]);
    await ingest.start();
    const sock = createSocket('udp4');
    for (let seq = 0; seq < 5; seq++) sock.send(datagram(dev, seq), ingest.port, '127.0.0.1');
    await expect.poll(() => chunks.length, { timeout: 2000 }).toBe(5);
    sock.close();
    expect(chunks.map((c) => c.timestamp)).toEqual([0, 320, 640, 960, 1280]);
    expect(chunks[2]?.samples).toEqual(rampSamples(640, 320));
    expect(await metricValue(metrics, 'jarvis_udp_datagrams_total', { device: '0000002a', result: 'accepted' })).toBe(5);
    expect(await metricValue(metrics, 'jarvis_audio_samples_forwarded_total', { device: '0000002a' })).toBe(1600);
  });

  it('drops random datagrams, unknown devices and wrong tags, and keeps serving a good device', async () => {
    const good = testDevice(0x2a);
    const stranger = testDevice(0x99);
    const { ingest, chunks, metrics, lines } = setup([good]);
    for (let i = 0; i < 200; i++) expect(['malformed', 'unknown_device']).toContain(ingest.handleDatagram(randomBytes(1 + (i * 7) % 1500)));
    expect(ingest.handleDatagram(datagram(stranger, 0, { deviceId: 0x99 }))).toBe('unknown_device');
    const forged = encodeSignedAudioFrame(frameFields(0, { deviceId: 0x2a }), randomBytes(32));
    expect(ingest.handleDatagram(forged)).toBe('bad_tag');
    const flipped = datagram(good, 1);
    flipped[40] = (flipped[40] as number) ^ 1;
    expect(ingest.handleDatagram(flipped)).toBe('bad_tag');
    expect(ingest.handleDatagram(datagram(good, 2))).toBe('accepted');
    expect(chunks).toHaveLength(1);
    expect(await metricValue(metrics, 'jarvis_udp_datagrams_total', { device: '0000002a', result: 'bad_tag' })).toBe(2);
    expect(await metricValue(metrics, 'jarvis_udp_datagrams_total', { device: 'unknown', result: 'unknown_device' })).toBeGreaterThanOrEqual(1);
    expect(lines.some((l) => l.includes('JARVIS_PROTO_BAD_TAG') && l.includes('dropped datagram: bad_tag'))).toBe(true);
    expect(lines.some((l) => l.includes('JARVIS_UDP_UNKNOWN_DEVICE'))).toBe(true);
  });

  it('rejects replays: duplicates in the window, frames older than it, and earlier boots', () => {
    const dev = testDevice();
    const { ingest, chunks } = setup([dev]);
    const first = datagram(dev, 2000);
    expect(ingest.handleDatagram(first)).toBe('accepted');
    expect(ingest.handleDatagram(first)).toBe('duplicate');
    expect(ingest.handleDatagram(datagram(dev, 2001))).toBe('accepted');
    expect(ingest.handleDatagram(datagram(dev, 2000 - 1024))).toBe('replay');
    // The device reboots: a higher boot counter; the old boot's datagrams are refused from now on [UDP-4.5].
    expect(ingest.handleDatagram(datagram(dev, 0, { streamId: 8 }))).toBe('accepted');
    expect(ingest.handleDatagram(datagram(dev, 2002))).toBe('stale_boot');
    expect(ingest.statsFor('0000002a')?.restarts).toBe(1);
    expect(chunks.map((c) => c.streamId)).toEqual([7, 7, 8]);
  });

  it('conceals a lost frame with the configured fill and counts it', async () => {
    const dev = testDevice();
    const { ingest, chunks, metrics } = setup([dev]);
    for (const seq of [0, 1, 3, 4, 5]) ingest.handleDatagram(datagram(dev, seq));
    const total = chunks.reduce((n, c) => n + c.samples.length, 0);
    expect(total).toBe(6 * 320);
    const gap = chunks.find((c) => c.concealed > 0);
    expect(gap?.timestamp).toBe(640);
    expect(gap?.concealed).toBe(320);
    expect(ingest.statsFor('0000002a')?.lostFrames).toBe(1);
    expect(await metricValue(metrics, 'jarvis_audio_concealed_samples_total', { device: '0000002a' })).toBe(320);
    // A late copy of the lost frame no longer fits.
    expect(ingest.handleDatagram(datagram(dev, 2))).toBe('late');
  });

  it('drops every frame carrying MUTED before the buffer and discards queued audio on mute', async () => {
    const dev = testDevice();
    const { ingest, gate, chunks, audits } = await started([dev]);
    ingest.handleDatagram(datagram(dev, 0));
    ingest.handleDatagram(datagram(dev, 2)); // queued behind the missing seq 1
    expect(ingest.handleDatagram(datagram(dev, 3, { flags: FrameFlag.MUTED }))).toBe('muted');
    expect(gate.isMuted('0000002a')).toBe(true);
    expect(ingest.statsFor('0000002a')?.bufferDepth).toBe(0);
    expect(ingest.handleDatagram(mutedKeepalive(dev, 4, 1280))).toBe('muted');
    // A delayed frame from before the mute, arriving while muted, is dropped too.
    expect(ingest.handleDatagram(datagram(dev, 1))).toBe('muted');
    expect(ingest.handleDatagram(datagram(dev, 5))).toBe('accepted');
    expect(gate.isMuted('0000002a')).toBe(false);
    expect(chunks.map((c) => c.timestamp)).toEqual([0, 1600]);
    expect(audits.map((a) => [a.muted, a.source])).toEqual([[true, 'frame'], [false, 'frame']]);
  });

  it('obeys the MQTT mute even when frames do not carry MUTED', async () => {
    const dev = testDevice();
    const { ingest, gate, chunks } = await started([dev]);
    ingest.handleDatagram(datagram(dev, 0));
    gate.setMqttMuted('0000002a', true);
    expect(ingest.handleDatagram(datagram(dev, 1))).toBe('muted');
    gate.setMqttMuted('0000002a', false);
    expect(ingest.handleDatagram(datagram(dev, 2))).toBe('accepted');
    expect(chunks.map((c) => c.timestamp)).toEqual([0, 640]);
    expect(chunks.every((c) => c.concealed === 0)).toBe(true);
  });

  it('an older unmuted frame arriving late does not lift a frame mute', () => {
    const dev = testDevice();
    const { ingest, gate } = setup([dev]);
    ingest.handleDatagram(datagram(dev, 0));
    ingest.handleDatagram(datagram(dev, 2, { flags: FrameFlag.MUTED }));
    expect(ingest.handleDatagram(datagram(dev, 1))).toBe('muted');
    expect(gate.isMuted('0000002a')).toBe(true);
  });

  it('decodes IMA-ADPCM and counts a malformed payload', async () => {
    const { encodeImaAdpcm, Codec, signAudioFrame } = await import('@jarvis/protocol');
    const dev = testDevice();
    const { ingest, chunks } = setup([dev]);
    const { payload } = encodeImaAdpcm(rampSamples(0, 320));
    expect(ingest.handleDatagram(datagram(dev, 0, { codec: Codec.IMA_ADPCM, payload }))).toBe('accepted');
    expect(chunks[0]?.samples.length).toBe(320);
    const bad = datagram(dev, 1, { codec: Codec.IMA_ADPCM, payload });
    bad[32 + 2] = 200; // step index out of range, then signed again so only the payload is wrong
    signAudioFrame(bad, dev.key);
    const result = ingest.handleDatagram(bad);
    expect(result).toBe('malformed');
  });
});

describe('UdpIngest replay guard across hub restarts [UDP-4.5]', () => {
  /** A store with a real devices table, as the hub has; `device` is provisioned in it. */
  function guardStore() {
    const db = openDatabase(':memory:');
    const { device, credentials } = new DevicesRepository(db, new SecretBox(randomBytes(32))).add({ name: 'w', area: 'Lab', kind: 'wearable' });
    const repo = new UdpStreamsRepository(db);
    const saves: number[] = [];
    let failNext = false;
    const store = {
      load: () => repo.load(),
      save: (states: ReadonlyMap<number, StreamGuardState>) => {
        if (failNext) {
          failNext = false;
          throw new Error('disk full');
        }
        saves.push(states.size);
        repo.save(states);
      },
    };
    return { db, repo, store, saves, dev: { id: device.id, key: credentials.key }, failOnce: () => (failNext = true) };
  }

  function ingestWith(dev: TestDevice, store: StreamGuardStore) {
    const gate = new MuteGate();
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
    const metrics = new Registry();
    const u = new UdpIngest({ host: '127.0.0.1', port: 0, stream: STREAM, keyFor: (id) => (id === dev.id ? dev.key : undefined), gate, logger, metrics: registerIngestMetrics(metrics), streamGuard: store, guardFlushMs: 3_600_000 });
    return { ingest: u, lines, metrics };
  }

  it('rejects recordings of earlier boots and of frames already accepted after a restart, and accepts the live stream', async () => {
    const { db, store, dev } = guardStore();
    const recorded = (streamId: number, seqs: number[]) => seqs.map((seq) => datagram(dev, seq, { streamId, deviceId: dev.id }));
    const oldBoot = recorded(7, [0, 1, 2, 3]);
    const thisBoot = recorded(8, [100, 101, 102]);

    const first = ingestWith(dev, store);
    ingest = first.ingest;
    await first.ingest.start();
    for (const d of [...oldBoot, ...thisBoot]) expect(first.ingest.handleDatagram(d)).toBe('accepted');
    await first.ingest.stop();

    const second = ingestWith(dev, store);
    ingest = second.ingest;
    await second.ingest.start();
    for (const d of oldBoot) expect(second.ingest.handleDatagram(d)).toBe('stale_boot');
    for (const d of thisBoot) expect(second.ingest.handleDatagram(d)).toBe('duplicate');
    const deviceId = formatDeviceId(dev.id);
    expect(await metricValue(second.metrics, 'jarvis_udp_datagrams_total', { device: deviceId, result: 'stale_boot' })).toBe(4);
    expect(await metricValue(second.metrics, 'jarvis_udp_datagrams_total', { device: deviceId, result: 'duplicate' })).toBe(3);
    // The device keeps streaming on its current stream through the hub's restart.
    expect(second.ingest.handleDatagram(datagram(dev, 103, { streamId: 8, deviceId: dev.id }))).toBe('accepted');
    // Reordering after the restart is still handled by the window.
    expect(second.ingest.handleDatagram(datagram(dev, 105, { streamId: 8, deviceId: dev.id }))).toBe('accepted');
    expect(second.ingest.handleDatagram(datagram(dev, 104, { streamId: 8, deviceId: dev.id }))).toBe('accepted');
    expect(second.ingest.handleDatagram(datagram(dev, 104, { streamId: 8, deviceId: dev.id }))).toBe('duplicate');
    // It reboots: boot 8 is refused from now on, and boot 9 is on disk before its first frame goes on.
    expect(second.ingest.handleDatagram(datagram(dev, 0, { streamId: 9, deviceId: dev.id }))).toBe('accepted');
    expect(new UdpStreamsRepository(db).load().get(dev.id)).toEqual({ keyId: deviceKeyId(dev.key), boot: 9, highestSeq: 0 });
    expect(second.ingest.handleDatagram(datagram(dev, 106, { streamId: 8, deviceId: dev.id }))).toBe('stale_boot');
    db.close();
  });

  it('writes the guard when the boot grows and on the timer or stop, never per datagram, and retries a failed write', async () => {
    const { db, repo, store, saves, dev, failOnce } = guardStore();
    const { ingest: u, lines } = ingestWith(dev, store);
    ingest = u;
    await u.start();
    for (let seq = 0; seq < 50; seq++) u.handleDatagram(datagram(dev, seq, { deviceId: dev.id }));
    expect(saves).toEqual([1]); // the first stream of the device, at its first frame
    expect(repo.load().get(dev.id)?.highestSeq).toBe(0);
    u.flushGuards();
    u.flushGuards(); // nothing changed since
    expect(saves).toEqual([1, 1]);
    expect(repo.load().get(dev.id)?.highestSeq).toBe(49);
    u.handleDatagram(datagram(dev, 50, { deviceId: dev.id }));
    failOnce();
    u.flushGuards();
    expect(lines.some((l) => l.includes('could not persist the udp replay guard') && l.includes('disk full'))).toBe(true);
    await u.stop();
    expect(saves).toEqual([1, 1, 1]);
    expect(repo.load().get(dev.id)?.highestSeq).toBe(50);
    db.close();
  });

  it('keeps ingesting when the guard cannot be loaded, and says so', async () => {
    const dev = testDevice();
    const { ingest: u, lines } = ingestWith(dev, {
      load: () => {
        throw new Error('no such table: udp_stream_guard');
      },
      save: () => {},
    });
    ingest = u;
    await u.start();
    expect(lines.some((l) => l.includes('udp replay guard could not be loaded'))).toBe(true);
    expect(u.handleDatagram(datagram(dev, 0))).toBe('accepted');
  });
});

describe('UdpIngest boot counters: the breaks of issue 15 [UDP-4.5]', () => {
  function guardStore() {
    const db = openDatabase(':memory:');
    const devices = new DevicesRepository(db, new SecretBox(randomBytes(32)));
    const { device, credentials } = devices.add({ name: 'w', area: 'Lab', kind: 'wearable' });
    return { db, devices, repo: new UdpStreamsRepository(db), dev: { id: device.id, key: credentials.key } };
  }

  function ingestFor(keyFor: (id: number) => Uint8Array | undefined, repo: UdpStreamsRepository, guardFlushMs = 3_600_000) {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
    const u = new UdpIngest({ host: '127.0.0.1', port: 0, stream: STREAM, keyFor, gate: new MuteGate(), logger, metrics: registerIngestMetrics(new Registry()), streamGuard: repo, guardFlushMs, dropLogIntervalMs: 3_600_000 });
    const chunks: DeviceAudioChunk[] = [];
    u.onAudio((c) => chunks.push(c));
    return { ingest: u, lines, chunks };
  }

  it('a frame captured from boot 1 is refused after 17 restarts, and the live stream keeps every frame', async () => {
    const { db, repo, dev } = guardStore();
    const { ingest: u, lines, chunks } = ingestFor((id) => (id === dev.id ? dev.key : undefined), repo);
    ingest = u;
    await u.start();
    const captured = datagram(dev, 5, { streamId: 1, deviceId: dev.id });
    for (let seq = 0; seq < 10; seq++) expect(u.handleDatagram(datagram(dev, seq, { streamId: 1, deviceId: dev.id }))).toBe('accepted');
    for (let boot = 2; boot <= 18; boot++) expect(u.handleDatagram(datagram(dev, 0, { streamId: boot, deviceId: dev.id }))).toBe('accepted');
    // Before the fix this frame started a "new" stream and the live one was refused from then on.
    expect(u.handleDatagram(captured)).toBe('stale_boot');
    const live = Array.from({ length: 400 }, (_, i) => u.handleDatagram(datagram(dev, i + 1, { streamId: 18, deviceId: dev.id })));
    expect(live.filter((r) => r !== 'accepted')).toEqual([]);
    u.poll();
    expect(chunks.every((c) => c.streamId !== 1 || c.timestamp < 10 * 320)).toBe(true);
    expect(lines.some((l) => l.includes('JARVIS_UDP_STALE_BOOT') && l.includes('"boot":1') && l.includes('"highestBoot":18'))).toBe(true);
    // And for ever: after a restart of the hub too.
    await u.stop();
    const again = ingestFor((id) => (id === dev.id ? dev.key : undefined), repo);
    ingest = again.ingest;
    await again.ingest.start();
    expect(again.ingest.handleDatagram(captured)).toBe('stale_boot');
    expect(again.ingest.handleDatagram(datagram(dev, 401, { streamId: 18, deviceId: dev.id }))).toBe('accepted');
    db.close();
  });

  it('rotate-key starts a new epoch: the counter may start from 1 again, and the old key\'s frames fail their tag', async () => {
    const { db, devices, repo, dev } = guardStore();
    let key = dev.key;
    const { ingest: u, lines } = ingestFor((id) => (id === dev.id ? key : undefined), repo);
    ingest = u;
    await u.start();
    expect(u.handleDatagram(datagram(dev, 0, { streamId: 40, deviceId: dev.id }))).toBe('accepted');
    const rotated = devices.rotateKey(dev.id);
    expect(repo.load().has(dev.id)).toBe(false); // the guard went with the old key
    key = rotated?.credentials.key as Buffer;
    const fresh = { id: dev.id, key };
    expect(u.handleDatagram(datagram(dev, 1, { streamId: 40, deviceId: dev.id }))).toBe('bad_tag');
    expect(u.handleDatagram(datagram(fresh, 0, { streamId: 1, deviceId: dev.id }))).toBe('accepted');
    expect(repo.load().get(dev.id)).toEqual({ keyId: deviceKeyId(key), boot: 1, highestSeq: 0 });
    expect(lines.some((l) => l.includes('device key rotated'))).toBe(true);
    db.close();
  });

  it('sums up dropped datagrams per device at info level, as counts and a rate, not one line per datagram', async () => {
    const dev = testDevice();
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
    let t = 0;
    const u = new UdpIngest({ host: '127.0.0.1', port: 0, stream: STREAM, keyFor: (id) => (id === dev.id ? dev.key : undefined), gate: new MuteGate(), logger, now: () => t, dropLogIntervalMs: 3_600_000 });
    ingest = u;
    await u.start();
    const forged = datagram(dev, 1);
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    for (let i = 0; i < 300; i++) u.handleDatagram(forged);
    u.handleDatagram(new Uint8Array(10));
    t = 10_000;
    await u.stop();
    ingest = undefined;
    const summaries = lines.filter((l) => l.includes('dropped') && l.includes('datagrams of'));
    expect(summaries).toHaveLength(2);
    const mine = JSON.parse(summaries.find((l) => l.includes('"device":"0000002a"')) as string) as { level: number; dropped: Record<string, number>; perSecond: number };
    expect(mine.level).toBe(30);
    expect(mine.dropped).toEqual({ bad_tag: 300 });
    expect(mine.perSecond).toBe(30);
  });
});

describe('UdpIngest metrics are registered by the root, not by the constructor', () => {
  it('builds any number of ingests in one process; their series reach a registry only through registerIngestMetrics', async () => {
    const registry = new Registry();
    const series = registerIngestMetrics(registry);
    const opts = { host: '127.0.0.1', port: 0, stream: STREAM, keyFor: () => undefined, logger: silentLogger() };
    new UdpIngest({ ...opts, gate: new MuteGate(), metrics: series });
    new UdpIngest({ ...opts, gate: new MuteGate(), metrics: series });
    new UdpIngest({ ...opts, gate: new MuteGate() });
    expect((await registry.getMetricsAsJSON()).map((m) => m.name).sort()).toEqual([
      'jarvis_audio_concealed_samples_total',
      'jarvis_audio_samples_forwarded_total',
      'jarvis_device_muted',
      'jarvis_udp_datagrams_total',
    ]);
    expect(() => registerIngestMetrics(registry)).toThrow(/already been registered/);
  });
});
