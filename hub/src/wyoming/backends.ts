/**
 * What the Wyoming server and satellite controller need from the rest of the hub, as small interfaces
 * so each connection gets exactly these and tests can hand in the real parts (DESIGN.md §3 `wyoming/`).
 */
import type { WyomingAttribution } from '@jarvis/protocol';

/** A program or model as `info` describes it ([WY-2.1]). */
export interface ArtifactInfo {
  name: string;
  description: string | null;
  version: string | null;
  attribution: WyomingAttribution;
  installed: boolean;
  languages: string[];
}

/** Jarvis's speech-to-text, for Wyoming. */
export interface WyomingSttBackend {
  /** The models `info.asr[0].models` lists. */
  models(): ArtifactInfo[];
  /** Transcribes one finished utterance of 16 kHz mono float PCM. */
  transcribe(pcm16k: Float32Array, options: { language?: string }): Promise<{ text: string; engine: string }>;
  /** Releases what the backend holds (a denoise thread); called when the Wyoming part stops. */
  close?(): Promise<void>;
}

/** One open wake-word stream (one per connection). */
export interface WakeSession {
  /** 16 kHz mono float PCM; detections arrive through the callback given to `open`. */
  push(samples16k: Float32Array): void;
  close(): void;
}

/** A wake model as `info.wake[0].models` lists it. */
export interface WakeModelInfo extends ArtifactInfo {
  phrase: string;
}

/** Jarvis's wake-word detection, for Wyoming. */
export interface WyomingWakeBackend {
  models(): WakeModelInfo[];
  /**
   * Opens a stream listening for `names` (undefined = every model). `onDetection` gets the model name
   * and the 16 kHz sample index at which the phrase was heard. Undefined when none of `names` exists.
   */
  open(names: readonly string[] | undefined, onDetection: (name: string, sampleIndex: number) => void): WakeSession | undefined;
  /** Loads or makes the models, when that costs something; called once the part needs wake detection. */
  prepare?(): void;
}

/** Where a command handled for Home Assistant comes from ([WY-3.4]). */
export interface HandleContext {
  /** Area name or id resolved from HA's device registry. */
  area?: string;
  /** HA device id of the satellite/device that heard it. */
  deviceId?: string;
  language?: string;
  conversationId?: string;
}

/** Jarvis's intent handling, for Wyoming's `handle`. */
export interface WyomingHandleBackend {
  /** Languages the router understands. */
  languages(): string[];
  /**
   * Routes and executes one command that came from Home Assistant. The implementation marks it as
   * coming from HA, so it is never sent back to HA's conversation agent.
   */
  handle(text: string, context: HandleContext): Promise<{ handled: boolean; text: string }>;
  /** HA context (device_id / satellite_id) → area, through HA's device registry. */
  areaOf?(context: { deviceId?: string; satelliteId?: string }): string | undefined;
}

/** Text to speech for satellites' replies. */
export interface TtsBackend {
  readonly name: string;
  /** 16-bit little-endian mono PCM at `rate`. */
  synthesize(text: string): Promise<{ audio: Uint8Array; rate: number }>;
}
