/**
 * The portable firmware core (firmware/core/) under its C unit tests with a fake HAL
 * (test/firmware/core_test.c): mute debounce, nothing but MUTED keep-alives while muted, the ring
 * dropping the oldest audio across an outage, capped backoff with jitter, and the boot counter stored
 * before the first frame and rising across reboots. The datagrams the core built are then checked by
 * @jarvis/protocol, so the core speaks the same wire format as the hub.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Codec, FrameFlag, MessageType, decodeAudioFrame, decodeImaAdpcm, decodePcm16, verifyAudioFrame } from '@jarvis/protocol';
import type { AudioFrame } from '@jarvis/protocol';
import { buildCoreTest } from './build-core.js';

/** The fake HAL's device key (bytes 1..32) and id, as in core_test.c. */
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const DEVICE_ID = 0x2a;
/** The fake microphone: sample i is (7i + 3) as int16. */
const sampleValue = (i: number): number => ((((i * 7 + 3) & 0xffff) << 16) >> 16);

let dir = '';
let lines: string[] = [];
let status: number | null = null;

beforeAll(() => {
  const built = buildCoreTest();
  dir = built.dir;
  const run = spawnSync(built.binary, [], { encoding: 'utf8', timeout: 20_000 });
  status = run.status;
  lines = run.stdout.trimEnd().split('\n');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('firmware core (host build, fake HAL)', () => {
  it('passes every C unit test', () => {
    const failures = lines.filter((l) => l.startsWith('not ok'));
    expect(failures).toEqual([]);
    expect(lines.filter((l) => l.startsWith('ok ')).map((l) => l.slice(3))).toEqual([
      'config is validated',
      'ring drops the oldest samples on overflow and counts them',
      'backoff doubles with jitter and never passes the cap',
      'an unprovisioned device waits in PROVISIONING and sends nothing',
      'boot counter is stored before the first frame and rises across reboots',
      'an exhausted boot counter is a FAULT and nothing is sent',
      'mute switch is debounced, stops every sample at the device, and is published retained',
      'a device powered on with the switch on never sends audio',
      'a Wi-Fi outage fills the ring; the oldest audio is dropped and counted; the stream id stays',
      'ADPCM frames and button events',
      'the JSON reader refuses malformed input and reads valid input exactly',
      'cmd/config is applied and stored; bad and oversized payloads are refused, logged and change nothing',
      'cmd/led patterns drive the LED, end after their duration, and bad ones are refused',
      'push-to-talk is published as press/release events and flags the audio it covers',
      'the device bundle is read and checked field by field',
      'serial provisioning: JVP1 lines with CRC-32 and Improv Wi-Fi; damaged, unknown and overlong input refused; no key echoed',
      'Improv Wi-Fi: Provisioned only after the HAL\'s trial join; a failed or timed-out join is "unable to connect" and keeps the stored settings',
    ]);
    expect(lines.at(-1)).toBe('done 17 0');
    expect(status).toBe(0);
  });

  it('builds datagrams that @jarvis/protocol verifies and decodes', () => {
    const datagrams = lines.filter((l) => l.startsWith('datagram ')).map((l) => new Uint8Array(Buffer.from(l.slice(9), 'hex')));
    // Mute test: 2 audio frames before the mute, 2 MUTED keep-alives, 1 audio frame after; then 2 ADPCM frames.
    expect(datagrams).toHaveLength(7);
    const frames = datagrams.map((d) => {
      verifyAudioFrame(d, KEY);
      return decodeAudioFrame(d);
    });
    const at = (i: number): AudioFrame => {
      const f = frames[i];
      if (f === undefined) throw new Error(`no frame ${String(i)}`);
      return f;
    };
    for (const f of frames) expect(f.deviceId).toBe(DEVICE_ID);
    for (const f of [at(0), at(1), at(4)]) {
      expect(f.type).toBe(MessageType.AUDIO);
      expect(f.codec).toBe(Codec.PCM16LE);
      expect(f.flags & FrameFlag.MUTED).toBe(0);
      const pcm = decodePcm16(f.payload);
      expect(pcm).toHaveLength(320);
      expect(pcm[0]).toBe(sampleValue(f.timestamp));
      expect(pcm[319]).toBe(sampleValue(f.timestamp + 319));
    }
    for (const k of [at(2), at(3)]) {
      expect(k.type).toBe(MessageType.KEEPALIVE);
      expect(k.flags & FrameFlag.MUTED).toBe(FrameFlag.MUTED);
      expect(k.codec).toBe(Codec.NONE);
      expect(k.payload).toHaveLength(0);
      expect(k.streamId).toBe(at(0).streamId);
    }
    expect(at(1).seq).toBe(at(0).seq + 1);
    expect(at(2).seq).toBe(at(1).seq + 1);
    expect(at(1).timestamp).toBe(at(0).timestamp + 320);
    expect(at(4).timestamp).toBeGreaterThan(at(3).timestamp);
    for (const f of [at(5), at(6)]) {
      expect(f.codec).toBe(Codec.IMA_ADPCM);
      const decoded = decodeImaAdpcm(f.payload);
      expect(decoded).toHaveLength(320);
      // ADPCM is lossy; the fake mic's ramp is smooth enough to track closely after the first samples.
      expect(Math.abs((decoded[319] ?? 0) - sampleValue(f.timestamp + 319))).toBeLessThan(2000);
    }
    // A tampered datagram fails verification (the check above can fail).
    const bad = datagrams[0]!.slice();
    bad[40] = (bad[40] ?? 0) ^ 1;
    expect(() => verifyAudioFrame(bad, KEY)).toThrow(/JARVIS_PROTO_BAD_TAG|tag/);
  });
});
