import { Writable } from 'node:stream';
import { formatDeviceId, FrameFlag } from '@jarvis/protocol';
import fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { commandRoutes } from '../../src/api/command-routes.js';
import { MuteGate } from '../../src/audio/mute-gate.js';
import type { MuteTransition } from '../../src/audio/types.js';
import { registerIngestMetrics } from '../../src/audio/ingest-metrics.js';
import { UdpIngest } from '../../src/audio/udp-ingest.js';
import { createLogger } from '../../src/core/logger.js';
import type { TranscriptSegment } from '../../src/voice/transcripts.js';
import { datagram, mutedKeepalive, testDevice } from '../helpers/frames.js';

// Issue 18 finding 2: one truthful mute state. A frame-flag mute lapses when its stream ends [UDP-4.6.1];
// from then on the retained MQTT state is the truth, and a transcript dropped as muted says so.

const STREAM = { jitterTargetFrames: 3, maxWaitMs: 120, maxConcealMs: 1000, concealment: 'repeat-fade' as const, replayWindow: 1024, streamIdleMs: 3500 };
const quiet = createLogger({ level: 'silent' });

let ingest: UdpIngest | undefined;
let app: FastifyInstance<any, any, any, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any -- a test app with the hub's pino logger
afterEach(async () => {
  await ingest?.stop();
  await app?.close();
  ingest = undefined;
  app = undefined;
});

function setup() {
  const dev = testDevice(0x5a);
  const audits: MuteTransition[] = [];
  const gate = new MuteGate((t) => audits.push(t));
  let clock = 1_000_000;
  ingest = new UdpIngest({ host: '127.0.0.1', port: 0, stream: STREAM, keyFor: (id) => (id === dev.id ? dev.key : undefined), gate, logger: quiet, metrics: registerIngestMetrics(new Registry()), now: () => clock });
  return { dev, id: formatDeviceId(dev.id), gate, audits, ingest, advance: (ms: number) => (clock += ms) };
}

describe('mute truth after a stream ends', () => {
  it('reproduction: MUTED frames, END, then retained state/mute false → unmuted everywhere', () => {
    const { dev, id, gate, audits, ingest: u } = setup();
    expect(u.handleDatagram(mutedKeepalive(dev, 1, 320))).toBe('muted');
    gate.setMqttMuted(id, false);
    // While the stream runs, its MUTED flag still holds the device muted (either input mutes [UDP-4.6]).
    expect(gate.isMuted(id)).toBe(true);
    expect(u.handleDatagram(datagram(dev, 2, { flags: FrameFlag.MUTED | FrameFlag.END }))).toBe('muted');
    expect(gate.isMuted(id)).toBe(false);
    expect(gate.inputs(id)).toEqual({ mqtt: false, frame: false });
    expect(audits.map((a) => [a.muted, a.source, a.actor])).toEqual([[true, 'frame', undefined], [false, 'frame', 'stream-end-frame']]);
    // A new unmuted stream flows at once.
    expect(u.handleDatagram(datagram(dev, 3))).toBe('accepted');
  });

  it('a stream that goes silent (no frame for the idle time) lapses the frame mute; a shorter gap does not', () => {
    const { dev, id, gate, audits, ingest: u, advance } = setup();
    u.handleDatagram(mutedKeepalive(dev, 1, 320));
    advance(1000);
    u.poll();
    expect(gate.isMuted(id)).toBe(true);
    advance(2600);
    u.poll();
    expect(gate.isMuted(id)).toBe(false);
    expect(audits.at(-1)).toMatchObject({ muted: false, source: 'frame', actor: 'stream-idle' });
  });

  it('the retained MQTT mute stays the truth after the stream ends', () => {
    const { dev, id, gate, ingest: u, advance } = setup();
    gate.setMqttMuted(id, true);
    u.handleDatagram(datagram(dev, 1, { flags: FrameFlag.MUTED | FrameFlag.END }));
    advance(10_000);
    u.poll();
    expect(gate.isMuted(id)).toBe(true);
    expect(u.handleDatagram(datagram(dev, 2))).toBe('muted');
  });

  it('an END frame without MUTED of an unmuted device changes nothing', () => {
    const { dev, id, gate, audits, ingest: u } = setup();
    expect(u.handleDatagram(datagram(dev, 1, { flags: FrameFlag.END }))).toBe('accepted');
    expect(gate.isMuted(id)).toBe(false);
    expect(audits).toEqual([]);
  });
});

describe('POST /api/v1/transcripts for a muted device', () => {
  async function api(gate: MuteGate) {
    const published: TranscriptSegment[] = [];
    const lines: string[] = [];
    app = fastify({ loggerInstance: createLogger({ level: 'info', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) }) });
    await app.register(
      commandRoutes({
        handleCommandText: () => Promise.reject(new Error('unused')),
        publishTranscript: (s) => published.push(s),
        transcriptListeners: () => 1,
        forget: undefined,
        deviceExists: () => true,
        isMuted: (id) => gate.isMuted(id),
        unmutedAt: (id) => gate.unmutedAt(id),
      }),
      { prefix: '/api/v1' },
    );
    return { published, lines };
  }

  it('answers dropped: muted and logs it, and publishes once the device is unmuted', async () => {
    const gate = new MuteGate();
    gate.setFrameMuted('0000005a', true);
    const { published, lines } = await api(gate);
    const muted = await app!.inject({ method: 'POST', url: '/api/v1/transcripts', payload: { deviceId: '0000005a', text: 'buy eggs' } });
    expect(muted.statusCode).toBe(200);
    expect(muted.json()).toEqual({ published: false, dropped: 'muted', listeners: 1 });
    expect(published).toEqual([]);
    expect(lines.some((l) => l.includes('transcript dropped: the device is muted'))).toBe(true);
    gate.streamEnded('0000005a', 'end-frame');
    const ok = await app!.inject({ method: 'POST', url: '/api/v1/transcripts', payload: { deviceId: '0000005a', text: 'buy eggs' } });
    expect(ok.statusCode).toBe(202);
    expect(ok.json()).toMatchObject({ published: true });
    expect(published.map((s) => s.text)).toEqual(['buy eggs']);
  });

  it('never dates a text posted right after an unmute back into the mute (the observer drops what overlaps a mute)', async () => {
    // The API and the gate share the wall clock, as in the hub.
    const gate = new MuteGate();
    gate.setMqttMuted('0000005a', true);
    gate.setMqttMuted('0000005a', false);
    expect(gate.unmutedAt('0000005a')).toBeLessThanOrEqual(Date.now());
    const { published } = await api(gate);
    // 62 characters read aloud take ~4 s: the estimate would start before the unmute a moment ago.
    const ok = await app!.inject({ method: 'POST', url: '/api/v1/transcripts', payload: { deviceId: '0000005a', text: 'We are out of eggs, and I need to call the plumber tomorrow.' } });
    expect(ok.statusCode).toBe(202);
    expect(published).toHaveLength(1);
    expect(published[0]!.startedAt).toBeGreaterThan(gate.unmutedAt('0000005a')!);
    expect(published[0]!.startedAt).toBeLessThan(published[0]!.endedAt);
  });

  it('still rejects a malformed body with a coded error', async () => {
    await api(new MuteGate());
    const bad = await app!.inject({ method: 'POST', url: '/api/v1/transcripts', payload: { deviceId: 'nope', text: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('JARVIS_COMMAND_BAD_REQUEST');
  });
});
