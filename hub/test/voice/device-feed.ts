/**
 * The device side of a voice pipeline under test: the listener sets the pipeline subscribes to, and a feed that
 * streams a device's samples as 20 ms chunks, presses PTT and flips the mute switch (shared by the pipeline tests).
 */
import type { DeviceAudioChunk, MuteTransition } from '../../src/audio/types.js';
import type { PipelineDeviceEvent } from '../../src/voice/voice-pipeline.js';

export interface DeviceFeed {
  audio: Set<(c: DeviceAudioChunk) => void>;
  mute: Set<(t: MuteTransition) => void>;
  events: Set<(e: PipelineDeviceEvent) => void>;
  /** Streams samples as 20 ms chunks, after whatever was streamed before; `onFirst` runs after the first chunk (a PTT press). */
  stream(samples: Int16Array, onFirst?: () => void): void;
  /** A PTT press dated where the latest `stream` call began. */
  press(): void;
  /** The mute switch on, now. */
  muteNow(): void;
}

/** A feed for `deviceId`; chunk arrival times count from `t0` (default now). */
export function deviceFeed(deviceId: string, t0 = Date.now()): DeviceFeed {
  const audio = new Set<(c: DeviceAudioChunk) => void>();
  const mute = new Set<(t: MuteTransition) => void>();
  const events = new Set<(e: PipelineDeviceEvent) => void>();
  /** Samples streamed so far, and where the latest `stream` call began. */
  let sent = 0;
  let streamFrom = 0;
  return {
    audio,
    mute,
    events,
    stream(samples, onFirst) {
      streamFrom = sent;
      for (let at = 0, k = 0; at < samples.length; at += 320, k++) {
        const chunk: DeviceAudioChunk = { deviceId, streamId: 7, sampleRate: 16000, timestamp: sent, samples: samples.subarray(at, at + 320), concealed: 0, flags: 0, receivedAt: t0 + sent / 16 + 20 };
        sent += chunk.samples.length;
        for (const l of audio) l(chunk);
        if (k === 0) onFirst?.();
      }
    },
    press() {
      for (const l of events) l({ deviceId, topic: 'event/button', payload: { button: 'ptt', action: 'press' }, at: t0 + streamFrom / 16 });
    },
    muteNow() {
      for (const l of mute) l({ deviceId, muted: true, source: 'mqtt', at: Date.now() });
    },
  };
}
