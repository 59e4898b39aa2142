import type { MuteSource, MuteTransition } from './types.js';

/** Where mute transitions are recorded (the `mute_audit` table in the hub). */
export type MuteAuditSink = (transition: MuteTransition) => void;

interface DeviceMute {
  mqtt: boolean;
  frame: boolean;
  /** The software mute set from the API (dashboard); it adds to the device's own mute, never lifts it. */
  api: boolean;
}

/**
 * The absolute mute of DESIGN.md §5: a device is muted when its latest MQTT mute state says so OR its
 * newest frame carries MUTED. Holds both inputs per device and emits a {@link MuteTransition} whenever
 * the combined state flips; listeners run synchronously, before the next datagram is looked at.
 */
export class MuteGate {
  private readonly states = new Map<string, DeviceMute>();
  private readonly listeners = new Set<(t: MuteTransition) => void>();
  private readonly unmuted = new Map<string, number>();

  constructor(
    private readonly audit: MuteAuditSink = () => {},
    private readonly now: () => number = Date.now,
    /** A listener that throws must not keep the others from hearing about the mute. */
    private readonly onListenerError: (err: unknown) => void = () => {},
  ) {}

  /** Seeds MQTT mute states remembered from before a restart, without emitting transitions. */
  restore(mqttMuted: ReadonlyMap<string, boolean>): void {
    for (const [deviceId, muted] of mqttMuted) this.state(deviceId).mqtt = muted;
  }

  isMuted(deviceId: string): boolean {
    const s = this.states.get(deviceId);
    return s !== undefined && (s.mqtt || s.frame || s.api);
  }

  /** Whether the software (API) mute is set for the device. */
  softwareMuted(deviceId: string): boolean {
    return this.states.get(deviceId)?.api ?? false;
  }

  /** Seeds software mutes remembered from before a restart, without emitting transitions. */
  restoreSoftware(muted: ReadonlyMap<string, boolean>): void {
    for (const [deviceId, on] of muted) this.state(deviceId).api = on;
  }

  /** Sets or lifts the software mute; the device stays muted while its own inputs say so. */
  setSoftwareMuted(deviceId: string, muted: boolean, actor: string): MuteTransition | undefined {
    return this.update(deviceId, 'api', muted, actor);
  }

  /** Both inputs, for the API and tests. */
  inputs(deviceId: string): { mqtt: boolean; frame: boolean } {
    const s = this.states.get(deviceId);
    return { mqtt: s?.mqtt ?? false, frame: s?.frame ?? false };
  }

  /** The retained MQTT `state/mute` of the device changed. */
  setMqttMuted(deviceId: string, muted: boolean): MuteTransition | undefined {
    return this.update(deviceId, 'mqtt', muted);
  }

  /** The newest frame of the device does (or does not) carry MUTED. */
  setFrameMuted(deviceId: string, muted: boolean): MuteTransition | undefined {
    return this.update(deviceId, 'frame', muted);
  }

  /**
   * The device's stream ended (an END frame, or no frame for the stream idle time): its frame-flag mute
   * lapses and the retained MQTT state (and the software mute) are the truth again [UDP-4.6.1]. Without
   * this a device whose last frames carried MUTED stayed muted after `state/mute {"muted":false}`, while
   * `device show` and the API already said unmuted.
   */
  streamEnded(deviceId: string, why: 'end-frame' | 'idle'): MuteTransition | undefined {
    if (!(this.states.get(deviceId)?.frame ?? false)) return undefined;
    return this.update(deviceId, 'frame', false, `stream-${why}`);
  }

  /** When the device was last unmuted (by any source), if it was muted since the hub started. */
  unmutedAt(deviceId: string): number | undefined {
    return this.unmuted.get(deviceId);
  }

  /** Forgets a removed device. */
  forget(deviceId: string): void {
    this.states.delete(deviceId);
    this.unmuted.delete(deviceId);
  }

  /** Subscribes to transitions; returns the unsubscribe function. */
  onMute(listener: (t: MuteTransition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private state(deviceId: string): DeviceMute {
    let s = this.states.get(deviceId);
    if (!s) {
      s = { mqtt: false, frame: false, api: false };
      this.states.set(deviceId, s);
    }
    return s;
  }

  private update(deviceId: string, source: MuteSource, muted: boolean, actor?: string): MuteTransition | undefined {
    const s = this.state(deviceId);
    const before = s.mqtt || s.frame || s.api;
    s[source] = muted;
    const after = s.mqtt || s.frame || s.api;
    if (before === after) return undefined;
    const t: MuteTransition = { deviceId, muted: after, source, at: this.now(), ...(actor !== undefined ? { actor } : {}) };
    if (!after) this.unmuted.set(deviceId, t.at);
    this.audit(t);
    for (const l of this.listeners) {
      try {
        l(t);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return t;
  }
}
