import { decodeFrameSamples, FrameFlag, MessageType, ReplayWindow, seqDelta, type AudioFrame } from '@jarvis/protocol';
import { concealSamples, type ConcealmentMode } from './concealment.js';
import { JitterBuffer, type PlayoutItem } from './jitter-buffer.js';
import type { MuteGate } from './mute-gate.js';
import type { DeviceAudioChunk } from './types.js';

/** What became of one datagram; the `result` label of `jarvis_udp_datagrams_total`. */
export type DatagramResult =
  | 'accepted'
  | 'muted'
  | 'bad_tag'
  | 'unknown_device'
  | 'replay'
  | 'malformed'
  | 'late'
  | 'duplicate';

/** Every {@link DatagramResult}, for zero-initialised counters. */
export const DATAGRAM_RESULTS: readonly DatagramResult[] = [
  'accepted', 'muted', 'bad_tag', 'unknown_device', 'replay', 'malformed', 'late', 'duplicate',
];

/** Settings of a device stream (the `ingest` config section). */
export interface DeviceStreamOptions {
  jitterTargetFrames: number;
  maxWaitMs: number;
  maxConcealMs: number;
  concealment: ConcealmentMode;
  replayWindow: number;
}

/** Live statistics of one device's stream, for `/api/v1/devices/:id` and tests. */
export interface DeviceStreamStats {
  deviceId: string;
  streamId: number | undefined;
  sampleRate: number | undefined;
  datagrams: Record<DatagramResult, number>;
  /** Samples handed to `onAudio` listeners, real and concealed. */
  forwardedSamples: number;
  concealedSamples: number;
  /** Frames declared lost by the jitter buffer. */
  lostFrames: number;
  /** Gaps too long to conceal: the output timestamp jumps. */
  discontinuities: number;
  /** New stream ids seen after the first (device reboots). */
  restarts: number;
  /** RFC 3550 inter-arrival jitter estimate, ms. */
  jitterMs: number;
  bufferDepth: number;
  lastHeardAt: number | undefined;
}

/** How many retired stream ids of a device are remembered to reject their replays [UDP-4.5]. */
export const SUPERSEDED_MEMORY = 16;

/**
 * What a device stream must remember across a hub restart to keep rejecting replays [UDP-4.5]: its
 * current stream id, the highest `seq` accepted in it, and the stream ids it superseded (oldest first).
 */
export interface StreamGuardState {
  streamId: number;
  highestSeq: number | undefined;
  superseded: number[];
}

/**
 * One device's audio path after authentication: stream restarts, replay window, the mute gate, decode,
 * jitter buffer and concealment, in that order. Muted audio is dropped here, before the buffer and the
 * decoder (DESIGN.md §5); the buffer's queue is thrown away the moment the device mutes.
 */
export class DeviceStream {
  readonly stats: DeviceStreamStats;
  private window: ReplayWindow;
  private buffer: JitterBuffer;
  private readonly superseded: number[] = [];
  private lastSamples: Int16Array | undefined;
  /** Highest seq of the current stream dropped while muted: older frames can only be from before the unmute. */
  private mutedFloor: number | undefined;
  private lastArrival: { at: number; timestamp: number } | undefined;
  /** Highest seq of the current stream accepted before a hub restart: nothing at or before it is new. */
  private restoredFloor: number | undefined;
  /** The guard state changed since it was last taken for persisting. */
  private guardDirty = false;

  constructor(
    readonly deviceId: string,
    private readonly options: DeviceStreamOptions,
    private readonly gate: MuteGate,
    private readonly emit: (chunk: DeviceAudioChunk) => void,
  ) {
    this.stats = {
      deviceId,
      streamId: undefined,
      sampleRate: undefined,
      datagrams: Object.fromEntries(DATAGRAM_RESULTS.map((r) => [r, 0])) as Record<DatagramResult, number>,
      forwardedSamples: 0,
      concealedSamples: 0,
      lostFrames: 0,
      discontinuities: 0,
      restarts: 0,
      jitterMs: 0,
      bufferDepth: 0,
      lastHeardAt: undefined,
    };
    this.window = new ReplayWindow(options.replayWindow);
    this.buffer = this.newBuffer();
  }

  /** Takes one authenticated, structurally valid frame of this device. */
  handle(frame: AudioFrame, now: number): DatagramResult {
    const result = this.route(frame, now);
    this.stats.datagrams[result]++;
    this.stats.bufferDepth = this.buffer.depth;
    return result;
  }

  /** Resumes the replay guard a previous run of the hub persisted; call before the first frame. */
  restoreGuard(state: StreamGuardState): void {
    this.stats.streamId = state.streamId;
    this.superseded.splice(0, this.superseded.length, ...state.superseded.slice(-SUPERSEDED_MEMORY));
    this.restoredFloor = state.highestSeq;
  }

  /** The replay guard to persist, once per change (undefined when nothing changed since the last call). */
  takeGuardChange(): StreamGuardState | undefined {
    if (!this.guardDirty || this.stats.streamId === undefined) return undefined;
    this.guardDirty = false;
    return { streamId: this.stats.streamId, highestSeq: this.window.highestSeq ?? this.restoredFloor, superseded: [...this.superseded] };
  }

  /** Persisting a taken change failed: offer it again next time. */
  guardNotSaved(): void {
    this.guardDirty = true;
  }

  /** Counts a result decided before the stream saw the frame (bad tag). */
  count(result: DatagramResult): void {
    this.stats.datagrams[result]++;
  }

  /** Plays out frames that have waited long enough for a missing one. */
  poll(now: number): void {
    if (this.buffer.depth > 0) this.playOut(this.buffer.poll(now));
    this.stats.bufferDepth = this.buffer.depth;
  }

  /** The device just muted: queued audio goes, unplayed. */
  muted(): void {
    this.buffer.discard();
    this.lastSamples = undefined;
    this.stats.bufferDepth = 0;
  }

  private route(frame: AudioFrame, now: number): DatagramResult {
    if (this.stats.streamId !== frame.streamId) {
      if (this.superseded.includes(frame.streamId)) return 'replay';
      this.restart(frame.streamId, now);
    }
    if (this.restoredFloor !== undefined && seqDelta(frame.seq, this.restoredFloor) <= 0) return 'replay';
    const highest = this.window.highestSeq;
    const verdict = this.window.accept(frame.seq);
    if (verdict === 'too_old') return 'replay';
    if (verdict === 'duplicate') return 'duplicate';
    const newest = highest === undefined || seqDelta(frame.seq, highest) > 0;
    this.stats.lastHeardAt = now;
    if (newest) {
      this.guardDirty = true;
      this.trackJitter(frame, now);
      // Only the newest frame speaks for the switch: a late, older frame must not unmute.
      this.gate.setFrameMuted(this.deviceId, (frame.flags & FrameFlag.MUTED) !== 0);
    }
    if (this.gate.isMuted(this.deviceId)) {
      // Normally done by the mute listener at the transition; repeated here so no path can keep queued audio.
      if (this.buffer.depth > 0 || this.lastSamples) this.muted();
      if (this.mutedFloor === undefined || seqDelta(frame.seq, this.mutedFloor) > 0) this.mutedFloor = frame.seq;
      return 'muted';
    }
    if (this.mutedFloor !== undefined && seqDelta(frame.seq, this.mutedFloor) <= 0) return 'muted';

    let samples: Int16Array;
    try {
      samples = frame.type === MessageType.KEEPALIVE ? new Int16Array(0) : decodeFrameSamples(frame);
    } catch {
      return 'malformed';
    }
    if (this.stats.sampleRate !== frame.sampleRate) {
      if (this.stats.sampleRate !== undefined) this.playOut(this.buffer.flush(now));
      this.buffer = this.newBuffer();
      this.stats.sampleRate = frame.sampleRate;
    }
    const items = this.buffer.push({ seq: frame.seq, timestamp: frame.timestamp, flags: frame.flags, samples, receivedAt: now }, now);
    if (items === 'late') return 'late';
    this.playOut(items);
    return 'accepted';
  }

  private restart(streamId: number, now: number): void {
    if (this.stats.streamId !== undefined) {
      this.playOut(this.buffer.flush(now));
      this.superseded.push(this.stats.streamId);
      if (this.superseded.length > SUPERSEDED_MEMORY) this.superseded.shift();
      this.stats.restarts++;
    }
    this.stats.streamId = streamId;
    this.restoredFloor = undefined;
    this.guardDirty = true;
    this.window = new ReplayWindow(this.options.replayWindow);
    this.buffer = this.newBuffer();
    this.lastSamples = undefined;
    this.mutedFloor = undefined;
    this.lastArrival = undefined;
  }

  private newBuffer(): JitterBuffer {
    return new JitterBuffer({ targetFrames: this.options.jitterTargetFrames, maxWaitMs: this.options.maxWaitMs });
  }

  private trackJitter(frame: AudioFrame, now: number): void {
    const prev = this.lastArrival;
    this.lastArrival = { at: now, timestamp: frame.timestamp };
    if (!prev || frame.sampleRate === 0) return;
    const d = now - prev.at - ((frame.timestamp - prev.timestamp) * 1000) / frame.sampleRate;
    this.stats.jitterMs += (Math.abs(d) - this.stats.jitterMs) / 16;
  }

  private playOut(items: PlayoutItem[]): void {
    const streamId = this.stats.streamId ?? 0;
    const sampleRate = this.stats.sampleRate ?? 16000;
    for (const item of items) {
      if (item.kind === 'frame') {
        const { frame } = item;
        if (frame.samples.length === 0) continue;
        this.lastSamples = frame.samples;
        this.stats.forwardedSamples += frame.samples.length;
        this.emit({
          deviceId: this.deviceId,
          streamId,
          sampleRate,
          timestamp: frame.timestamp,
          samples: frame.samples,
          concealed: 0,
          flags: frame.flags & ~FrameFlag.MUTED,
          receivedAt: frame.receivedAt,
        });
        continue;
      }
      this.stats.lostFrames += item.lostFrames;
      if (item.samples <= 0) continue;
      if (item.samples > (this.options.maxConcealMs * sampleRate) / 1000) {
        this.stats.discontinuities++;
        continue;
      }
      const samples = concealSamples(item.samples, this.lastSamples, this.options.concealment);
      this.stats.concealedSamples += samples.length;
      this.stats.forwardedSamples += samples.length;
      this.emit({
        deviceId: this.deviceId,
        streamId,
        sampleRate,
        timestamp: item.timestamp,
        samples,
        concealed: samples.length,
        flags: 0,
        receivedAt: item.receivedAt,
      });
    }
  }
}
