/**
 * Packs captured samples into signed UDP datagrams (SPEC.md §2-§4): fixed-length frames in PCM16 or
 * IMA-ADPCM (state carried from frame to frame), one stream id — the boot counter the agent saved —
 * per streaming session, keep-alives with MUTED while the switch is on and without it when there is
 * nothing to send.
 */
import { randomInt } from 'node:crypto';
import {
  Codec,
  FrameFlag,
  MessageType,
  encodeImaAdpcm,
  encodePcm16,
  encodeSignedAudioFrame,
  type AdpcmState,
} from '@jarvis/protocol';

/** Payload codec names as in config and `cmd/config`. */
export type CodecName = 'pcm16' | 'adpcm';

/** Options of {@link AudioStreamer}. */
export interface AudioStreamerOptions {
  deviceId: number;
  key: Uint8Array;
  sampleRate: number;
  codec: CodecName;
  frameMs: number;
  /** Hands one datagram to the socket. */
  send: (datagram: Uint8Array) => void;
  /** Keep-alive interval in ms; SPEC [UDP-4.6] asks for about one a second. */
  keepaliveMs?: number;
  /** Random u32 source for the first seq of a stream; injectable for tests. */
  randomU32?: () => number;
}

/** What the streamer has done, for stats, `check` and tests. */
export interface StreamerStats {
  streamId: number;
  audioFrames: number;
  keepalives: number;
  mutedKeepalives: number;
  /** Audio frames sent while muted: must stay 0. */
  audioFramesWhileMuted: number;
  /** Samples thrown away because the switch was on mute. */
  samplesDroppedMuted: number;
  /** Samples thrown away because no hub was connected. */
  samplesDroppedInactive: number;
}

const CODEC_IDS = { pcm16: Codec.PCM16LE, adpcm: Codec.IMA_ADPCM } as const;

/** Frames, flags and signs the audio of one device; the socket and timing live in the agent. */
export class AudioStreamer {
  private streamIdValue = 0;
  private seq = 0;
  /** Capture clock: samples since the stream started, advanced by every captured sample, sent or not. */
  private clock = 0;
  private pending: Int16Array;
  private pendingCount = 0;
  private pendingStart = 0;
  private adpcm: AdpcmState = { predictor: 0, stepIndex: 0 };
  private active = false;
  private muted = false;
  private ptt = false;
  private codec: CodecName;
  private frameSamples: number;
  private lastSentAt = -Infinity;
  private readonly counters: Omit<StreamerStats, 'streamId'> = {
    audioFrames: 0, keepalives: 0, mutedKeepalives: 0, audioFramesWhileMuted: 0, samplesDroppedMuted: 0, samplesDroppedInactive: 0,
  };

  constructor(private readonly options: AudioStreamerOptions) {
    this.codec = options.codec;
    this.frameSamples = (options.sampleRate * options.frameMs) / 1000;
    this.pending = new Int16Array(this.frameSamples);
  }

  /** Stream id of the current session (0 before the first `newStream()`). */
  get streamId(): number {
    return this.streamIdValue;
  }

  /** Current counters. */
  get stats(): StreamerStats {
    return { streamId: this.streamIdValue, ...this.counters };
  }

  /** True while the mute switch is on. */
  get isMuted(): boolean {
    return this.muted;
  }

  /**
   * Starts a new stream (after every (re)connection) with `bootCounter` as its stream id — the value the
   * caller has just advanced and saved [UDP-2.16] — seq from a random value, capture clock and ADPCM
   * state from zero. [UDP-2.10] [UDP-2.13]
   */
  newStream(bootCounter: number): number {
    if (!Number.isInteger(bootCounter) || bootCounter < 1 || bootCounter > 0xffffffff) {
      throw new RangeError(`boot counter ${bootCounter} is not a u32 above 0`);
    }
    if (bootCounter <= this.streamIdValue) throw new RangeError(`boot counter ${bootCounter} does not grow past ${this.streamIdValue}`);
    const random = this.options.randomU32 ?? (() => randomInt(0, 0x1_0000_0000));
    const id = bootCounter;
    this.streamIdValue = id;
    this.seq = random() >>> 0;
    this.clock = 0;
    this.pendingCount = 0;
    this.pendingStart = 0;
    this.adpcm = { predictor: 0, stepIndex: 0 };
    this.lastSentAt = -Infinity;
    return id;
  }

  /** Sends audio only while active (a hub is connected); inactive audio is dropped, never queued. */
  setActive(active: boolean): void {
    this.active = active;
    if (!active) this.pendingCount = 0;
  }

  /**
   * Mute on: the partial frame is discarded and a MUTED keep-alive goes out at once, so the hub's gate
   * closes within one datagram. [UDP-4.6]
   */
  setMuted(muted: boolean, now = Date.now()): void {
    if (muted === this.muted) return;
    this.muted = muted;
    this.pendingCount = 0;
    if (this.active && this.streamIdValue !== 0) this.keepalive(now, 0);
  }

  /** Push-to-talk held: frames carry the PTT flag. */
  setPtt(held: boolean): void {
    this.ptt = held;
  }

  /** Switches codec from the next frame on (SPEC [UDP-3.1] allows a change per frame). */
  setCodec(codec: CodecName): void {
    if (codec === this.codec) return;
    this.codec = codec;
    this.adpcm = { predictor: 0, stepIndex: 0 };
  }

  /** Changes the frame length from the next frame on; the caller checks it fits (`frameProblem`). */
  setFrameMs(frameMs: number): void {
    const n = (this.options.sampleRate * frameMs) / 1000;
    if (n === this.frameSamples) return;
    const old = this.pending.slice(0, this.pendingCount);
    this.frameSamples = n;
    this.pending = new Int16Array(n);
    // Whatever was pending is re-framed at the new length, at its original capture time, so no sample is lost.
    this.clock -= old.length;
    this.pendingCount = 0;
    if (old.length > 0) this.fill(old, Date.now());
  }

  /** Feeds captured samples; whole frames are sent at once. */
  push(samples: Int16Array, now = Date.now()): void {
    if (!this.active || this.streamIdValue === 0) {
      this.counters.samplesDroppedInactive += samples.length;
      return;
    }
    if (this.muted) {
      // The capture clock keeps running so timestamps stay true to capture time when audio resumes. [UDP-2.12]
      this.clock += samples.length;
      this.counters.samplesDroppedMuted += samples.length;
      return;
    }
    this.fill(samples, now);
  }

  /** Sends a keep-alive when one is due: every ~1 s while muted, or after ~1 s without audio. [UDP-4.6] [UDP-4.7] */
  tick(now = Date.now()): void {
    if (!this.active || this.streamIdValue === 0) return;
    if (now - this.lastSentAt >= (this.options.keepaliveMs ?? 1000)) this.keepalive(now, 0);
  }

  /**
   * The source ended (a file was played): the partial last frame is padded with silence and sent with
   * END, so the hub gets every sample and closes the utterance without waiting for a timer. [UDP-2.6]
   */
  finish(now = Date.now()): void {
    if (!this.active || this.streamIdValue === 0 || this.muted || this.pendingCount === 0) return;
    this.pending.fill(0, this.pendingCount);
    this.sendAudio(now, FrameFlag.END);
    // The padding counts as captured time, so the next timestamp follows the frame [UDP-2.12].
    this.clock = this.pendingStart + this.frameSamples;
    this.pendingCount = 0;
  }

  /** The last datagram of a stream before a clean stop: a keep-alive with END. [UDP-2.6] */
  end(now = Date.now()): void {
    if (!this.active || this.streamIdValue === 0) return;
    this.pendingCount = 0;
    this.keepalive(now, FrameFlag.END);
  }

  private fill(samples: Int16Array, now: number): void {
    let i = 0;
    while (i < samples.length) {
      if (this.pendingCount === 0) this.pendingStart = this.clock;
      const take = Math.min(samples.length - i, this.frameSamples - this.pendingCount);
      this.pending.set(samples.subarray(i, i + take), this.pendingCount);
      this.pendingCount += take;
      this.clock += take;
      i += take;
      if (this.pendingCount === this.frameSamples) {
        this.sendAudio(now);
        this.pendingCount = 0;
      }
    }
  }

  private sendAudio(now: number, extraFlags = 0): void {
    let payload: Uint8Array;
    if (this.codec === 'adpcm') {
      const encoded = encodeImaAdpcm(this.pending, this.adpcm);
      this.adpcm = encoded.state;
      payload = encoded.payload;
    } else {
      payload = encodePcm16(this.pending);
    }
    const flags = (this.ptt ? FrameFlag.PTT : 0) | extraFlags;
    this.emit(MessageType.AUDIO, flags, CODEC_IDS[this.codec], payload, this.pendingStart);
    this.counters.audioFrames++;
    if (this.muted) this.counters.audioFramesWhileMuted++;
    this.lastSentAt = now;
  }

  private keepalive(now: number, extraFlags: number): void {
    const flags = (this.muted ? FrameFlag.MUTED : 0) | (this.ptt && !this.muted ? FrameFlag.PTT : 0) | extraFlags;
    this.emit(MessageType.KEEPALIVE, flags, Codec.NONE, new Uint8Array(0), this.clock);
    this.counters.keepalives++;
    if (this.muted) this.counters.mutedKeepalives++;
    this.lastSentAt = now;
  }

  private emit(type: MessageType, flags: number, codec: Codec, payload: Uint8Array, timestamp: number): void {
    const datagram = encodeSignedAudioFrame(
      { type, deviceId: this.options.deviceId, streamId: this.streamIdValue, seq: this.seq, timestamp, flags, codec, sampleRate: this.options.sampleRate, payload },
      this.options.key,
    );
    this.seq = (this.seq + 1) >>> 0;
    this.options.send(datagram);
  }
}
