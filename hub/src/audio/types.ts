/**
 * What the device plane hands to the audio front end. Only audio that passed the mute gate is ever
 * represented by these types (DESIGN.md §5).
 */

/** A run of PCM from one device, in capture order, after the jitter buffer and concealment. */
export interface DeviceAudioChunk {
  /** Device id in text form (8 lowercase hex digits). */
  deviceId: string;
  /** Stream id of the device's current boot. */
  streamId: number;
  /** Native sample rate of `samples`, in Hz. */
  sampleRate: number;
  /** Capture timestamp of the first sample, in samples at `sampleRate` since the stream started. */
  timestamp: number;
  /** Mono signed 16-bit samples. */
  samples: Int16Array;
  /** How many of `samples` were synthesised to conceal lost datagrams. */
  concealed: number;
  /** Frame flags that applied to this chunk (SPEECH, PTT, WAKE, END; never MUTED). */
  flags: number;
  /** Hub wall-clock time (ms since epoch) at which the last datagram of the chunk arrived. */
  receivedAt: number;
}

/** Why a device is muted. */
export type MuteSource = 'mqtt' | 'frame' | 'api';

/** Emitted on every mute transition; downstream parts discard open utterances and recent transcripts. */
export interface MuteTransition {
  deviceId: string;
  muted: boolean;
  source: MuteSource;
  /** Who set or lifted a software mute (source `api`): the API token's name. */
  actor?: string;
  /** Hub wall-clock time, ms since epoch. */
  at: number;
}
