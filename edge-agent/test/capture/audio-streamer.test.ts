import { Codec, decodeAudioFrame, decodeFrameSamples, FrameFlag, MessageType, verifyAudioFrame, type AudioFrame } from '@jarvis/protocol';
import { describe, expect, it } from 'vitest';
import { AudioStreamer, type AudioStreamerOptions } from '../../src/capture/audio-streamer.js';

const key = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

function streamer(over: Partial<AudioStreamerOptions> = {}): { s: AudioStreamer; frames: AudioFrame[] } {
  const frames: AudioFrame[] = [];
  let r = 0;
  const values = [0xfffffffe];
  const s = new AudioStreamer({
    deviceId: 42, key, sampleRate: 16000, codec: 'pcm16', frameMs: 20,
    send: (d) => {
      verifyAudioFrame(d, key);
      frames.push(decodeAudioFrame(d));
    },
    randomU32: () => values[r++ % 1] as number,
    ...over,
  });
  return { s, frames };
}

const ramp = (start: number, n: number): Int16Array => Int16Array.from({ length: n }, (_, i) => ((start + i) % 30000) + 1);

describe('audio streamer', () => {
  it('frames PCM16 in whole frames with continuous timestamps and wrapping seq', () => {
    const { s, frames } = streamer();
    expect(s.newStream(7)).toBe(7);
    s.setActive(true);
    s.push(ramp(0, 500));
    s.push(ramp(500, 460));
    expect(frames.map((f) => [f.seq, f.timestamp, f.streamId, f.deviceId, f.type, f.codec])).toEqual([
      [0xfffffffe, 0, 7, 42, MessageType.AUDIO, Codec.PCM16LE],
      [0xffffffff, 320, 7, 42, MessageType.AUDIO, Codec.PCM16LE],
      [0, 640, 7, 42, MessageType.AUDIO, Codec.PCM16LE],
    ]);
    expect(Array.from(frames.flatMap((f) => Array.from(decodeFrameSamples(f))))).toEqual(Array.from(ramp(0, 960)));
  });

  it('carries the ADPCM state across frames and can switch codec and frame length mid-stream', () => {
    const { s, frames } = streamer({ codec: 'adpcm' });
    s.newStream(1);
    s.setActive(true);
    s.push(ramp(0, 640));
    expect(frames[1]?.payload.subarray(0, 3)).not.toEqual(new Uint8Array([0, 0, 0]));
    s.push(ramp(640, 100));
    s.setFrameMs(10);
    s.setCodec('pcm16');
    s.push(ramp(740, 60));
    expect(frames.map((f) => [f.codec, f.timestamp, decodeFrameSamples(f).length])).toEqual([
      [Codec.IMA_ADPCM, 0, 320], [Codec.IMA_ADPCM, 320, 320], [Codec.PCM16LE, 640, 160],
    ]);
    expect(Array.from(decodeFrameSamples(frames[2] as AudioFrame))).toEqual(Array.from(ramp(640, 160)));
  });

  it('while muted sends no audio, only MUTED keep-alives about once a second, and keeps the capture clock', () => {
    const { s, frames } = streamer();
    s.newStream(1);
    s.setActive(true);
    s.push(ramp(0, 300), 0);
    s.setMuted(true, 10);
    s.push(ramp(300, 16000), 20);
    s.tick(500);
    s.tick(1010);
    s.tick(1500);
    s.tick(2020);
    expect(frames.map((f) => [f.type, f.flags, f.codec, f.payload.length, f.timestamp])).toEqual([
      [MessageType.KEEPALIVE, FrameFlag.MUTED, Codec.NONE, 0, 300],
      [MessageType.KEEPALIVE, FrameFlag.MUTED, Codec.NONE, 0, 16300],
      [MessageType.KEEPALIVE, FrameFlag.MUTED, Codec.NONE, 0, 16300],
    ]);
    expect(s.stats).toMatchObject({ audioFrames: 0, audioFramesWhileMuted: 0, mutedKeepalives: 3, samplesDroppedMuted: 16000 });
    s.setMuted(false, 2100);
    s.push(ramp(0, 320), 2110);
    expect(frames.at(-1)).toMatchObject({ type: MessageType.AUDIO, flags: 0, timestamp: 16300 });
  });

  it('drops audio while inactive, marks PTT, and ends with END (padded last frame, then keep-alive)', () => {
    const { s, frames } = streamer();
    s.push(ramp(0, 640));
    expect(frames).toHaveLength(0);
    s.newStream(1);
    s.setActive(true);
    s.setPtt(true);
    s.push(ramp(0, 330));
    s.finish();
    s.setPtt(false);
    s.end();
    expect(frames.map((f) => [f.type, f.flags, f.timestamp])).toEqual([
      [MessageType.AUDIO, FrameFlag.PTT, 0],
      [MessageType.AUDIO, FrameFlag.PTT | FrameFlag.END, 320],
      [MessageType.KEEPALIVE, FrameFlag.END, 640],
    ]);
    expect(Array.from(decodeFrameSamples(frames[1] as AudioFrame)).slice(8, 12)).toEqual([329, 330, 0, 0]);
    expect(s.stats.samplesDroppedInactive).toBe(640);
  });

  it('refuses a boot counter of 0, above u32, or one that does not grow [UDP-2.10]', () => {
    const { s } = streamer();
    expect(() => s.newStream(0)).toThrow(RangeError);
    expect(() => s.newStream(2 ** 32)).toThrow(RangeError);
    expect(s.newStream(5)).toBe(5);
    expect(() => s.newStream(5)).toThrow(/does not grow/);
    expect(() => s.newStream(4)).toThrow(/does not grow/);
    expect(s.newStream(6)).toBe(6);
  });

  it('sends an idle keep-alive after a second without audio', () => {
    const { s, frames } = streamer();
    expect(s.newStream(9)).toBe(9);
    s.setActive(true);
    s.tick(0);
    s.tick(500);
    s.tick(1000);
    expect(frames.map((f) => [f.type, f.flags])).toEqual([[MessageType.KEEPALIVE, 0], [MessageType.KEEPALIVE, 0]]);
  });
});
