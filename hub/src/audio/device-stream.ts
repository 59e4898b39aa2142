import { decodeFrameSamples, deviceKeyId, FrameFlag, MessageType, seqDelta, StreamGuard, type AudioFrame } from '@jarvis/protocol';
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
  | 'stale_boot'
  | 'malformed'
  | 'late'
  | 'duplicate';

/** Every {@link DatagramResult}, for zero-initialised counters. */
export const DATAGRAM_RESULTS: readonly DatagramResult[] = [
  'accepted', 'muted', 'bad_tag', 'unknown_device', 'replay', 'stale_boot', 'malformed', 'late', 'duplicate',
];

/** Settings of a device stream (the `ingest` config section). */
export interface DeviceStreamOptions {
  jitterTargetFrames: number;
  maxWaitMs: number;
  maxConcealMs: number;
  concealment: ConcealmentMode;
  replayWindow: number;
  /**
   * No frame for this long ends the stream: a frame-flag mute lapses [UDP-4.6.1]. A muted sender sends a
   * KEEPALIVE about once a second [UDP-4.6], so the default ({@link STREAM_IDLE_MS}) is three missed ones.
   */
  streamIdleMs?: number;
}

/** Default time without frames after which a device's stream counts as ended [UDP-4.6.1]. */
export const STREAM_IDLE_MS = 3500;

/** Live statistics of one device's stream, for `/api/v1/devices/:id` and tests. */
export interface DeviceStreamStats {
  deviceId: string;
  /** The device's current boot counter (the datagram's stream id, SPEC [UDP-2.10]). */
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
  /** Higher boot counters seen after the first (device reboots). */
  restarts: number;
  /** RFC 3550 inter-arrival jitter estimate, ms. */
  jitterMs: number;
  bufferDepth: number;
  lastHeardAt: number | undefined;
}

/**
 * What a device stream must remember across a hub restart to keep rejecting replays [UDP-4.5]: the
 * fingerprint of the key it belongs to (a rotated key starts a new epoch [UDP-2.16]), the highest boot
 * counter accepted, and the highest `seq` accepted in that boot.
 */
export interface StreamGuardState {
  keyId: string;
  boot: number;
  highestSeq: number | undefined;
}

/** Called when a frame raised the device's boot counter, before the frame goes further: persist it now. */
export type NewBootListener = (deviceId: string) => void;

/**
 * One device's audio path after authentication: stream restarts, replay window, the mute gate, decode,
 * jitter buffer and concealment, in that order. Muted audio is dropped here, before the buffer and the
 * decoder (DESIGN.md §5); the buffer's queue is thrown away the moment the device mutes.
 */
export class DeviceStream {
  readonly stats: DeviceStreamStats;
  private guard: StreamGuard;
  private key: Uint8Array | undefined;
  private keyId: string | undefined;
  private buffer: JitterBuffer;
  private lastSamples: Int16Array | undefined;
  /** Highest seq of the current stream dropped while muted: older frames can only be from before the unmute. */
  private mutedFloor: number | undefined;
  private lastArrival: { at: number; timestamp: number } | undefined;
  /** The guard state changed since it was last taken for persisting. */
  private guardDirty = false;

  constructor(
    readonly deviceId: string,
    private readonly options: DeviceStreamOptions,
    private readonly gate: MuteGate,
    private readonly emit: (chunk: DeviceAudioChunk) => void,
    private readonly onNewBoot?: NewBootListener,
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
    this.guard = new StreamGuard(undefined, options.replayWindow);
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
    this.keyId = state.keyId;
    this.guard = new StreamGuard({ boot: state.boot, highestSeq: state.highestSeq }, this.options.replayWindow);
    this.stats.streamId = state.boot > 0 ? state.boot : undefined;
  }

  /**
   * Binds the stream to the key the current frame verified with. A different key (`jarvis device
   * rotate-key`) starts a new key epoch: the boot counter may start again from 1 [UDP-2.16]. Returns
   * true when that happened.
   */
  useKey(key: Uint8Array): boolean {
    if (this.key !== undefined && Buffer.compare(this.key, key) === 0) return false;
    this.key = key;
    const id = deviceKeyId(key);
    const previous = this.keyId;
    this.keyId = id;
    if (previous === undefined || previous === id) {
      if (previous === undefined) this.guardDirty = true;
      return false;
    }
    this.guard = new StreamGuard(undefined, this.options.replayWindow);
    this.stats.streamId = undefined;
    this.buffer = this.newBuffer();
    this.lastSamples = undefined;
    this.mutedFloor = undefined;
    this.lastArrival = undefined;
    this.guardDirty = true;
    return true;
  }

  /** The replay guard to persist, once per change (undefined when nothing changed since the last call). */
  takeGuardChange(): StreamGuardState | undefined {
    if (!this.guardDirty || this.keyId === undefined || this.guard.boot === 0) return undefined;
    this.guardDirty = false;
    const snap = this.guard.snapshot();
    return { keyId: this.keyId, boot: snap.boot, highestSeq: snap.highestSeq };
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
    const last = this.stats.lastHeardAt;
    if (last !== undefined && now - last > (this.options.streamIdleMs ?? STREAM_IDLE_MS)) this.gate.streamEnded(this.deviceId, 'idle');
  }

  /** The device just muted: queued audio goes, unplayed. */
  muted(): void {
    this.buffer.discard();
    this.lastSamples = undefined;
    this.stats.bufferDepth = 0;
  }

  private route(frame: AudioFrame, now: number): DatagramResult {
    // [UDP-4.5] a lower boot counter is refused for ever; within a boot, the sequence window decides.
    const before = this.guard.snapshot();
    const verdict = this.guard.check(frame.streamId, frame.seq);
    if (verdict === 'stale_boot') return 'stale_boot';
    if (verdict === 'too_old') return 'replay';
    if (verdict === 'duplicate') return 'duplicate';
    if (verdict === 'new_boot') {
      this.restart(frame.streamId, now);
      // Persisted before this frame goes any further [UDP-4.5.1].
      this.onNewBoot?.(this.deviceId);
    }
    const newest = verdict === 'new_boot' || before.highestSeq === undefined || seqDelta(frame.seq, before.highestSeq) > 0;
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
      // The stream's last frame: its MUTED flag speaks no longer, the retained state does [UDP-4.6.1].
      if (newest && (frame.flags & FrameFlag.END) !== 0) this.gate.streamEnded(this.deviceId, 'end-frame');
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
      this.stats.restarts++;
    }
    this.stats.streamId = streamId;
    this.guardDirty = true;
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
