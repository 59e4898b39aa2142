import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOT_COUNTER_MAX, Codec, FrameFlag, MessageType, decodeBootCounterState, decodeImaAdpcm, deviceKeyId, encodeBootCounterState, topicFor } from '@jarvis/protocol';
import type { AudioFrame } from '@jarvis/protocol';
import { mqttPublish } from './helpers/mqtt-publish.js';
import { simulateWearable } from '../src/simulator.js';
import type { SimulateWearableOptions } from '../src/simulator.js';
import { WearableError } from '../src/errors.js';
import { startDevicePlane, tone } from './helpers/device-plane.js';
import type { DevicePlane } from './helpers/device-plane.js';

const RATE = 16000;
let plane: DevicePlane;

beforeEach(async () => {
  plane = await startDevicePlane();
});
afterEach(async () => {
  await plane.close();
});

const run = (extra: Partial<SimulateWearableOptions> = {}, seconds = 1): ReturnType<typeof simulateWearable> =>
  simulateWearable({ bundle: plane.bundle, audio: { samples: tone(seconds, RATE), sampleRate: RATE }, speed: Infinity, ...extra });

const mqttOn = (topic: string): Array<{ payload: unknown; retain: boolean }> =>
  plane.published.filter((p) => p.topic === topic).map((p) => ({ payload: JSON.parse(p.payload) as unknown, retain: p.retain }));

const pcmOf = (f: AudioFrame): Int16Array => new Int16Array(f.payload.slice().buffer);

describe('simulateWearable: a clean stream', () => {
  it('logs in, publishes retained status and mute state, and streams every PCM16 sample in order with END last', async () => {
    const audio = tone(1, RATE);
    const report = await simulateWearable({ bundle: plane.bundle, audio: { samples: audio, sampleRate: RATE }, speed: Infinity });
    await plane.until(() => plane.frames.length === report.framesSent);

    expect(report).toMatchObject({ framesGenerated: 50, audioFrames: 50, framesSent: 50, framesDropped: 0, totalSamples: RATE, frameSamples: 320 });
    expect(report.streamId).toBeGreaterThan(0);
    plane.frames.forEach((f, i) => {
      expect(f).toMatchObject({ type: MessageType.AUDIO, deviceId: 42, streamId: report.streamId, seq: i, timestamp: i * 320, codec: Codec.PCM16LE, sampleRate: RATE });
      expect(f.flags).toBe(i === 49 ? FrameFlag.END : 0);
    });
    const joined = new Int16Array(RATE);
    plane.frames.forEach((f) => joined.set(pcmOf(f), f.timestamp));
    expect(joined).toEqual(audio);

    const status = mqttOn(topicFor('0000002a', 'status'));
    expect(status.map((s) => s.payload)).toMatchObject([{ state: 'online', kind: 'wearable', streamId: report.streamId }, { state: 'offline' }]);
    expect(status.every((s) => s.retain)).toBe(true);
    expect(mqttOn(topicFor('0000002a', 'state/mute'))).toMatchObject([{ payload: { muted: false, source: 'switch' }, retain: true }]);
  });

  it('sends a higher boot counter as the stream id on every run [UDP-2.10]', async () => {
    const a = await run({}, 0.04);
    const b = await run({}, 0.04);
    expect(b.streamId).toBe(a.streamId + 1);
  });

  it('logs in with the client id of its own device and role [MQTT-6.9]', async () => {
    const ids: string[] = [];
    plane.broker.on('client', (c) => ids.push(c.id));
    await run({}, 0.04);
    expect(ids).toEqual(['jarvis-0000002a-wearable']);
  });

  it('encodes IMA-ADPCM frames whose decoded audio follows the input', async () => {
    const audio = tone(0.5, RATE);
    const report = await simulateWearable({ bundle: plane.bundle, audio: { samples: audio, sampleRate: RATE }, speed: Infinity, codec: 'adpcm', frameMs: 10 });
    await plane.until(() => plane.frames.length === report.framesSent);
    expect(plane.frames).toHaveLength(50);
    let err = 0;
    let sig = 0;
    for (const f of plane.frames) {
      expect(f.codec).toBe(Codec.IMA_ADPCM);
      decodeImaAdpcm(f.payload).forEach((s, j) => {
        const x = audio[f.timestamp + j] as number;
        err += (s - x) ** 2;
        sig += x ** 2;
      });
    }
    expect(10 * Math.log10(sig / err)).toBeGreaterThan(20);
  });

  it('sends a short last frame when the audio is not a whole number of frames', async () => {
    const report = await run({}, 0.025); // 400 samples: one 320-sample frame and one of 80
    await plane.until(() => plane.frames.length === report.framesSent);
    expect(plane.frames.map((f) => f.payload.length / 2)).toEqual([320, 80]);
    expect(report.totalSamples).toBe(400);
  });
});

describe('simulateWearable: network impairments with a fixed seed', () => {
  const impaired = { loss: 0.1, reorder: 0.05, duplicate: 0.05, jitterMs: 30, seed: 7 };

  it('loses, reorders and duplicates exactly what it reports', async () => {
    const report = await run(impaired, 4);
    await plane.until(() => plane.frames.length === report.framesSent);
    expect(report.framesGenerated).toBe(200);
    expect(report.framesDropped).toBe(report.droppedSeqs.length);
    // 10% of 200 with a seeded generator: not zero, not everything.
    expect(report.framesDropped).toBeGreaterThan(5);
    expect(report.framesDropped).toBeLessThan(40);
    expect(report.framesReordered).toBeGreaterThan(0);
    expect(report.framesDuplicated).toBeGreaterThan(0);

    const seqs = plane.frames.map((f) => f.seq);
    const unique = new Set(seqs);
    expect(seqs.length).toBe(report.framesSent);
    expect(report.framesSent).toBe(200 - report.framesDropped + report.framesDuplicated);
    expect(unique.size).toBe(200 - report.framesDropped);
    for (const lost of report.droppedSeqs) expect(unique.has(lost)).toBe(false);
    const outOfOrder = seqs.filter((s, i) => i > 0 && s < (seqs[i - 1] as number)).length;
    expect(outOfOrder).toBeGreaterThan(0);
  });

  it('repeats exactly with the same seed and differs with another', async () => {
    const a = await run(impaired, 2);
    const b = await run(impaired, 2);
    const c = await run({ ...impaired, seed: 8 }, 2);
    expect(b.droppedSeqs).toEqual(a.droppedSeqs);
    expect([b.framesReordered, b.framesDuplicated]).toEqual([a.framesReordered, a.framesDuplicated]);
    expect(c.droppedSeqs).not.toEqual(a.droppedSeqs);
  });

  it('paces frames in real time (speed 4) with jitter and still delivers them all', async () => {
    const report = await run({ speed: 4, jitterMs: 40, seed: 3 }, 0.5);
    await plane.until(() => plane.frames.length === report.framesSent);
    expect(new Set(plane.frames.map((f) => f.seq)).size).toBe(25);
  });
});

describe('simulateWearable: the mute switch', () => {
  it('sends no audio while muted: KEEPALIVE frames with MUTED and no payload, and retained mute state both ways', async () => {
    const report = await run({ muteAt: [0.3], unmuteAt: [1.6], keepaliveMs: 500 }, 2);
    await plane.until(() => plane.frames.length === report.framesSent);
    const start = 0.3 * RATE;
    const end = 1.6 * RATE;
    expect(report.mutedRanges).toEqual([{ start: 4800, end: 25600 }]);

    for (const f of plane.frames) {
      if (f.type === MessageType.AUDIO) {
        const last = f.timestamp + f.payload.length / 2;
        expect(last <= start || f.timestamp >= end, `audio frame at ${f.timestamp} overlaps the muted interval`).toBe(true);
        expect(f.flags & FrameFlag.MUTED).toBe(0);
      }
    }
    const keepalives = plane.frames.filter((f) => f.type === MessageType.KEEPALIVE);
    expect(keepalives.length).toBe(report.keepaliveFrames);
    // 1.3 s muted with a 0.5 s interval: at 0.3, 0.8 and 1.3 s.
    expect(keepalives.map((f) => f.timestamp)).toEqual([4800, 12800, 20800]);
    for (const k of keepalives) expect(k).toMatchObject({ codec: Codec.NONE, flags: FrameFlag.MUTED, payload: new Uint8Array(0) });

    const mute = mqttOn(topicFor('0000002a', 'state/mute'));
    expect(mute.map((m) => (m.payload as { muted: boolean }).muted)).toEqual([false, true, false]);
    expect(mute.every((m) => m.retain)).toBe(true);
    expect(report.mutedAudioFrames).toBe(0);
  });

  it('mutes a frame when the switch flips inside it, and ends a muted run with MUTED|END', async () => {
    const report = await run({ muteAt: [0.51] }, 1); // sample 8160 falls inside the frame starting at 8000
    await plane.until(() => plane.frames.length === report.framesSent);
    const audio = plane.frames.filter((f) => f.type === MessageType.AUDIO);
    expect(audio.at(-1)?.timestamp).toBe(8000 - 320);
    expect(plane.frames.at(-1)).toMatchObject({ type: MessageType.KEEPALIVE, flags: FrameFlag.MUTED | FrameFlag.END });
  });

  it('with --mute-signal flag sends audio marked MUTED and no MQTT mute (to test the hub gate alone)', async () => {
    const report = await run({ muteAt: [0.2], unmuteAt: [0.4], muteSignal: 'flag' }, 0.6);
    await plane.until(() => plane.frames.length === report.framesSent);
    const marked = plane.frames.filter((f) => f.flags & FrameFlag.MUTED);
    expect(marked.length).toBe(10);
    expect(marked.every((f) => f.type === MessageType.AUDIO && f.payload.length === 640)).toBe(true);
    expect(report.mutedAudioFrames).toBe(10);
    expect(mqttOn(topicFor('0000002a', 'state/mute')).map((m) => (m.payload as { muted: boolean }).muted)).toEqual([false]);
  });

  it('with --mute-signal mqtt publishes the mute but keeps streaming unmarked audio', async () => {
    const report = await run({ muteAt: [0.2], unmuteAt: [0.4], muteSignal: 'mqtt' }, 0.6);
    await plane.until(() => plane.frames.length === report.framesSent);
    expect(plane.frames.every((f) => f.type === MessageType.AUDIO && (f.flags & FrameFlag.MUTED) === 0)).toBe(true);
    expect(mqttOn(topicFor('0000002a', 'state/mute')).map((m) => (m.payload as { muted: boolean }).muted)).toEqual([false, true, false]);
  });
});

describe('simulateWearable: push-to-talk', () => {
  it('marks the frames while the button is down with PTT and publishes press then release, as the firmware does [UDP-2.6]', async () => {
    // 20 ms frames: a press at 0.3 s held 0.2 s covers the frames starting at 4800 .. 7680.
    const report = await run({ pttAt: [0.3], pttHoldS: 0.2 }, 1);
    await plane.until(() => plane.frames.length === report.framesSent);
    const marked = plane.frames.filter((f) => f.flags & FrameFlag.PTT).map((f) => f.timestamp);
    expect(marked).toEqual(Array.from({ length: 10 }, (_, i) => 4800 + i * 320));
    const button = mqttOn(topicFor('0000002a', 'event/button')).map((m) => m.payload as { button: string; action: string });
    expect(button).toEqual([{ button: 'ptt', action: 'press' }, { button: 'ptt', action: 'release' }]);
  });

  it('holds a tap of 0.2 s by default, and two presses each mark their own frames', async () => {
    const report = await run({ pttAt: [0.6, 0] }, 1);
    await plane.until(() => plane.frames.length === report.framesSent);
    const marked = plane.frames.filter((f) => f.flags & FrameFlag.PTT).map((f) => f.timestamp / 320);
    expect(marked).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
    expect(mqttOn(topicFor('0000002a', 'event/button')).map((m) => (m.payload as { action: string }).action)).toEqual(['press', 'release', 'press', 'release']);
  });

  it('refuses a negative hold, sending nothing', async () => {
    await expect(run({ pttAt: [0.1], pttHoldS: -1 })).rejects.toMatchObject({ code: 'JARVIS_WEARABLE_BAD_OPTION', message: expect.stringContaining('ptt-hold') });
    expect(plane.frames).toHaveLength(0);
  });
});

describe('simulateWearable: lifecycle and commands', () => {
  it('loops until aborted, then sends END and goes offline', async () => {
    const controller = new AbortController();
    const done = run({ loop: true, speed: 20, signal: controller.signal }, 0.1);
    await plane.until(() => plane.frames.length >= 12);
    controller.abort();
    const report = await done;
    await plane.until(() => plane.frames.length === report.framesSent);
    expect(report.aborted).toBe(true);
    expect(report.totalSamples).toBeGreaterThan(0.1 * RATE); // it went round at least once
    expect(plane.frames.at(-1)).toMatchObject({ type: MessageType.KEEPALIVE, flags: FrameFlag.END, timestamp: report.totalSamples });
    expect(mqttOn(topicFor('0000002a', 'status')).at(-1)?.payload).toMatchObject({ state: 'offline' });
  });

  it('receives hub commands on its own cmd topics, validating each one', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const done = run({ loop: true, speed: 1, signal: controller.signal, log: (l) => lines.push(l) }, 0.1);
    await new Promise<void>((resolve) => plane.broker.once('subscribe', () => resolve()));
    await mqttPublish(plane.broker, topicFor('0000002a', 'cmd/say'), JSON.stringify({ text: 'hello' }));
    await mqttPublish(plane.broker, topicFor('0000002a', 'cmd/led'), JSON.stringify({ pattern: 'rainbow' }));
    await plane.until(() => lines.some((l) => l.includes('cmd/say')) && lines.some((l) => l.includes('rejected')));
    controller.abort();
    const report = await done;
    expect(report.commands).toEqual([{ topic: 'cmd/say', payload: { text: 'hello' } }]);
    expect(report.rejectedCommands).toMatchObject([{ topic: topicFor('0000002a', 'cmd/led'), code: 'JARVIS_PROTO_BAD_PAYLOAD' }]);
    expect(report.rejectedCommands[0]?.message).toContain('pattern');
  });
});

describe('simulateWearable: the boot counter state file [UDP-2.16]', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jarvis-sim-state-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts at 1, grows by one per run, and is saved 0600 before the first datagram', async () => {
    const statePath = join(dir, 'bundle.json.state.json');
    const a = await run({ statePath }, 0.04);
    const b = await run({ statePath }, 0.04);
    expect([a.streamId, b.streamId]).toEqual([1, 2]);
    const stored = decodeBootCounterState(readFileSync(statePath, 'utf8'));
    expect(stored).toEqual({ keyId: deviceKeyId(new Uint8Array(Buffer.from(plane.bundle.key, 'hex'))), boot: 2 });
    expect(statSync(statePath).mode & 0o777).toBe(0o600);
    expect(new Set(plane.frames.map((f) => f.streamId))).toEqual(new Set([1, 2]));
  });

  it('a new key in the bundle (rotate-key) restarts the counter at 1', async () => {
    const statePath = join(dir, 'state.json');
    writeFileSync(statePath, encodeBootCounterState({ keyId: deviceKeyId(new Uint8Array(32).fill(7)), boot: 900 }));
    expect((await run({ statePath }, 0.04)).streamId).toBe(1);
  });

  it.each([
    ['not JSON', '{"keyId":'],
    ['a negative counter', `{"keyId":"${'a'.repeat(16)}","boot":-4}`],
  ])('refuses a state file holding %s, sending nothing', async (_name, text) => {
    const statePath = join(dir, 'state.json');
    writeFileSync(statePath, text);
    const err = await run({ statePath }, 0.04).then(() => null, (e: unknown) => e);
    expect((err as WearableError).code).toBe('JARVIS_WEARABLE_BAD_STATE');
    expect(plane.published).toHaveLength(0);
    expect(plane.frames).toHaveLength(0);
    expect(readFileSync(statePath, 'utf8')).toBe(text); // left for the user to look at
  });

  it('an exhausted counter needs a new key: JARVIS_WEARABLE_BAD_STATE, nothing sent', async () => {
    const statePath = join(dir, 'state.json');
    writeFileSync(statePath, encodeBootCounterState({ keyId: deviceKeyId(new Uint8Array(Buffer.from(plane.bundle.key, 'hex'))), boot: BOOT_COUNTER_MAX }));
    const err = await run({ statePath }, 0.04).then(() => null, (e: unknown) => e);
    expect((err as WearableError).code).toBe('JARVIS_WEARABLE_BAD_STATE');
    expect((err as WearableError).message).toContain('rotate');
    expect(plane.frames).toHaveLength(0);
  });

  it('refuses a state path it cannot write, sending nothing', async () => {
    const err = await run({ statePath: join(dir, 'missing-folder', 'state.json') }, 0.04).then(() => null, (e: unknown) => e);
    expect((err as WearableError).code).toBe('JARVIS_WEARABLE_BAD_STATE');
    expect(plane.frames).toHaveLength(0);
  });
});

describe('simulateWearable: bad input', () => {
  const expectCode = async (p: Promise<unknown>, code: string, text?: string): Promise<void> => {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WearableError);
    expect((err as WearableError).code).toBe(code);
    if (text) expect((err as WearableError).message).toContain(text);
  };

  it('refuses an invalid bundle, naming the field', async () => {
    const bundle = { ...plane.bundle, key: 'abc' };
    await expectCode(simulateWearable({ bundle, audio: { samples: tone(0.1, RATE), sampleRate: RATE } }), 'JARVIS_WEARABLE_BAD_BUNDLE', 'key');
  });

  it.each([
    [{ loss: 1.5 }, 'loss'],
    [{ reorder: -0.1 }, 'reorder'],
    [{ jitterMs: Number.NaN }, 'jitter'],
    [{ frameMs: 0.03 }, 'whole number of samples'],
    [{ frameMs: 50 }, 'maximum payload'],
    [{ codec: 'opus' as 'pcm16' }, 'codec'],
    [{ muteSignal: 'maybe' as 'both' }, 'mute signal'],
    [{ speed: 0 }, 'speed'],
    [{ hub: 'localhost' }, 'HOST:PORT'],
    [{ hub: 'localhost:70000' }, 'HOST:PORT'],
    [{ seed: 1.5 }, 'seed'],
    [{ streamId: 0 }, 'stream id'],
  ] as Array<[Partial<SimulateWearableOptions>, string]>)('refuses option %o', async (extra, text) => {
    await expectCode(run(extra, 0.1), 'JARVIS_WEARABLE_BAD_OPTION', text);
    expect(plane.published).toHaveLength(0); // refused before any I/O
  });

  it('reports a refused MQTT login as JARVIS_WEARABLE_MQTT', async () => {
    const bundle = { ...plane.bundle, mqtt: { ...plane.bundle.mqtt, password: 'wrong' } };
    await expectCode(simulateWearable({ bundle, audio: { samples: tone(0.1, RATE), sampleRate: RATE } }), 'JARVIS_WEARABLE_MQTT', 'device-0000002a');
  });
});
