import { simulateWearable, type MuteSignal } from '@jarvis/wearable';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceAudioChunk, MuteTransition } from '../hub/src/audio/types.js';
import { positionSamples as source, startTestHub, type TestHub } from '../hub/test/helpers/test-hub.js';

let t: TestHub;
beforeEach(async () => {
  t = await startTestHub();
});
afterEach(async () => {
  await t.close();
});

describe('end to end: the mute switch is absolute', () => {
  it.each<MuteSignal>(['both', 'flag'])('not one sample of a muted interval passes (mute signal: %s)', async (muteSignal) => {
    const bundle = t.addDevice(`wearable-${muteSignal}`);
    const chunks: DeviceAudioChunk[] = [];
    const transitions: MuteTransition[] = [];
    t.hub.parts.ingest.onAudio((c) => chunks.push(c));
    t.hub.parts.gate.onMute((m) => transitions.push(m));
    const audio = source(16000 * 3);
    const report = await simulateWearable({
      bundle, audio: { samples: audio, sampleRate: 16000 }, muteAt: [0.8], unmuteAt: [1.9], muteSignal, reorder: 0.05, jitterMs: 10, speed: 4, seed: 5,
    });
    expect(report.mutedRanges).toHaveLength(1);
    const muted = report.mutedRanges[0] as { start: number; end: number };
    // Audio near the two switch edges may legitimately be lost: frames delayed past the first MUTED
    // frame are dropped with the buffer, and with the MQTT signal the gate stays shut until the retained
    // unmute arrives (muted = MQTT OR flag). Everything else must arrive, exactly once.
    const edge = 16000 * 0.3;
    const expectedAtLeast = report.totalSamples - (muted.end - muted.start) - 2 * edge;
    await expect.poll(() => chunks.reduce((n, c) => n + c.samples.length, 0), { timeout: 5000 }).toBeGreaterThanOrEqual(expectedAtLeast);
    await new Promise((r) => setTimeout(r, 300)); // let the jitter buffer flush what it still holds

    // No chunk overlaps the muted interval, and no sample value from inside it reached the consumer.
    for (const c of chunks) expect(c.timestamp + c.samples.length <= muted.start || c.timestamp >= muted.end).toBe(true);
    const forbidden = new Set<number>();
    for (let i = muted.start; i < muted.end; i++) forbidden.add(audio[i] as number);
    const allowed = new Set<number>();
    for (let i = 0; i < audio.length; i++) if (i < muted.start || i >= muted.end) allowed.add(audio[i] as number);
    for (const c of chunks) for (const s of c.samples) if (!allowed.has(s)) expect(forbidden.has(s)).toBe(false);

    // Away from the edges, every sample arrived exactly once and bit-exact.
    const seen = new Uint8Array(audio.length);
    for (const c of chunks) {
      for (let i = 0; i < c.samples.length; i++) {
        const at = c.timestamp + i;
        if (at >= audio.length) continue;
        seen[at]! += 1;
        if (c.concealed === 0) expect(c.samples[i]).toBe(audio[at]);
      }
    }
    const missing = (from: number, to: number): number => { let n = 0; for (let i = from; i < to; i++) if (seen[i] !== 1) n++; return n; };
    expect(missing(0, muted.start - edge)).toBe(0);
    expect(missing(muted.end + edge, report.totalSamples)).toBe(0);

    const forwarded = chunks.reduce((n, c) => n + c.samples.length, 0);
    const stats = t.hub.parts.ingest.statsFor(bundle.deviceId);
    expect(stats?.forwardedSamples).toBe(forwarded);
    expect(forwarded).toBeLessThanOrEqual(report.totalSamples - (muted.end - muted.start));
    expect(stats?.datagrams.muted).toBeGreaterThan(0);

    const audit = t.hub.parts.devices.muteAudit(bundle.deviceId);
    expect(audit.map((a) => a.muted)).toEqual([true, false]);
    expect(transitions.map((m) => m.muted)).toEqual([true, false]);
    if (muteSignal === 'flag') expect(audit.map((a) => a.source)).toEqual(['frame', 'frame']);
    else expect(['mqtt', 'frame']).toContain(audit[0]?.source);
  });

  it('the retained MQTT state, the gate, the audit and the discovery entity agree while muted', async () => {
    const bundle = t.addDevice('wearable-held');
    const ac = new AbortController();
    const run = simulateWearable({
      bundle, audio: { samples: source(16000), sampleRate: 16000 }, muteAt: [0.2], speed: 4, loop: true, signal: ac.signal, seed: 9,
    });
    await expect.poll(() => t.hub.parts.gate.isMuted(bundle.deviceId), { timeout: 5000 }).toBe(true);
    await expect.poll(() => t.hub.parts.mqtt.stateOf(bundle.deviceId).muted, { timeout: 5000 }).toBe(true);
    expect(t.hub.parts.devices.mqttMuteStates().get(bundle.deviceId)).toBe(true);
    const { discoveryMessages } = await import('../hub/src/mqtt/discovery.js');
    const cfg = discoveryMessages(t.hub.parts.registry.byTextId(bundle.deviceId)!, 'homeassistant').find((m) => m.topic.endsWith('/muted/config'));
    expect(JSON.parse(cfg?.payload ?? '{}')['state_topic']).toBe(`jarvis/v1/device/${bundle.deviceId}/state/mute`);
    const res = await t.hub.parts.api.fastify.inject({ url: `/api/v1/devices/${bundle.deviceId}`, headers: { authorization: `Bearer ${(await import('node:fs')).readFileSync(`${t.dataDir}/admin-token`, 'utf8').trim()}` } });
    expect(res.json().device.muted).toBe(true);
    expect(res.json().device.mute).toEqual({ mqtt: true, frame: true });
    const forwardedBefore = t.hub.parts.ingest.statsFor(bundle.deviceId)?.forwardedSamples;
    await new Promise((r) => setTimeout(r, 300));
    expect(t.hub.parts.ingest.statsFor(bundle.deviceId)?.forwardedSamples).toBe(forwardedBefore);
    ac.abort();
    await run;
  });
});
