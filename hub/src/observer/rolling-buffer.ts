import { ObserverError } from './errors.js';

/** One transcribed stretch of passive speech from a device. */
export interface TranscriptSegment {
  /** Device id in text form (8 lowercase hex digits). */
  deviceId: string;
  text: string;
  /** Speaker label when diarisation knows it (`USER` is the wearer). */
  speaker?: string;
  /** Hub wall-clock times of the first and last word, ms since epoch. */
  startedAt: number;
  endedAt: number;
}

/** Settings of {@link RollingBuffer}. */
export interface RollingBufferOptions {
  /** How long a segment is kept after it ends (ms); default 5 minutes. */
  windowMs?: number;
  /** On a switch to mute, segments that ended within this long before it are purged too (ms); default 30 s. */
  muteTailMs?: number;
  /** Wall clock (ms since epoch); injected so tests use a fake one. */
  clock?: () => number;
}

/** A stretch of time from which no segment may be kept, even one whose transcript arrives late. */
interface Blackout {
  from: number;
  /** null while the device is still muted. */
  to: number | null;
  /** A mute (with the seconds before it) or "forget the last N minutes". */
  kind: 'mute' | 'forget';
}

/**
 * Why the observer did not keep a transcript (the transcripts API answers it, coded):
 * - `malformed`: not a well-formed segment;
 * - `no-words`: nothing but punctuation or a noise marker ("[BLANK_AUDIO]", "(music)");
 * - `too-old`: it ended before the rolling window;
 * - `muted`: the device is muted;
 * - `muted-stretch`: it overlaps a mute that has ended (or the seconds before one), which is never kept;
 * - `forgotten`: it overlaps a stretch the user asked to forget;
 * - `duplicate`: the same words from the same device over the same time are already held.
 */
export type TranscriptRefusal = 'malformed' | 'no-words' | 'too-old' | 'muted' | 'muted-stretch' | 'forgotten' | 'duplicate';

/** Every {@link TranscriptRefusal}, for validation and documentation. */
export const TRANSCRIPT_REFUSALS: readonly TranscriptRefusal[] = ['malformed', 'no-words', 'too-old', 'muted', 'muted-stretch', 'forgotten', 'duplicate'];

/** What a listener of the transcript bus did with a segment: kept it, or refused it and why. */
export type TranscriptVerdict = { observed: true } | { observed: false; reason: TranscriptRefusal };

/** Nothing but punctuation, or whisper's noise markers ("[BLANK_AUDIO]", "(wind blowing)", "♪"). */
/** (Each character has one reading: no backtracking blow-up on long texts.) */
const NO_WORDS = /^(?:[^\p{L}\p{N}[\]()]|\[[^\]]*\]|\([^)]*\))*$/u;

/** Text compared for duplicates: lower case, words only. */
const wordsOf = (text: string): string => text.toLowerCase().replace(/[^\p{L}\p{N}']+/gu, ' ').trim();

/** Default window of the rolling buffer: 5 minutes. */
export const DEFAULT_WINDOW_MS = 5 * 60_000;
/** Default stretch before a mute that is purged with it: 30 seconds. */
export const DEFAULT_MUTE_TAIL_MS = 30_000;

/**
 * The per-device window of recent passive transcripts, in memory only (DESIGN.md §2, §5). Segments
 * leave on age, on a mute (with the seconds before it) and on "forget the last N minutes". Because
 * passive transcription runs at low priority, a transcript can arrive after the mute or forget that
 * should have removed it: the buffer remembers those stretches and refuses such late segments.
 */
export class RollingBuffer {
  private readonly segments = new Map<string, TranscriptSegment[]>();
  private readonly blackouts = new Map<string, Blackout[]>();
  private globalBlackouts: Blackout[] = [];
  private readonly windowMs: number;
  private readonly muteTailMs: number;
  private readonly clock: () => number;

  constructor(options: RollingBufferOptions = {}) {
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.muteTailMs = options.muteTailMs ?? DEFAULT_MUTE_TAIL_MS;
    this.clock = options.clock ?? Date.now;
    if (!(this.windowMs > 0) || !(this.muteTailMs >= 0)) {
      throw new ObserverError('JARVIS_OBSERVER_BAD_ARGUMENT', 'windowMs must be > 0 and muteTailMs >= 0');
    }
  }

  /**
   * Keeps a segment unless it is too old, from a muted device, or from a purged stretch; returns
   * whether it was kept. Throws JARVIS_OBSERVER_BAD_SEGMENT for a malformed segment.
   */
  add(segment: TranscriptSegment): boolean {
    return this.admit(segment).observed;
  }

  /**
   * Like {@link add}, and says why a segment was refused (see {@link TranscriptRefusal}). Throws
   * JARVIS_OBSERVER_BAD_SEGMENT for a malformed segment.
   */
  admit(segment: TranscriptSegment): TranscriptVerdict {
    validateSegment(segment);
    const now = this.clock();
    this.evictExpired(now);
    if (NO_WORDS.test(segment.text)) return { observed: false, reason: 'no-words' };
    if (segment.endedAt < now - this.windowMs) return { observed: false, reason: 'too-old' };
    const blackout = this.blackoutOf(segment);
    if (blackout) return { observed: false, reason: blackout.kind === 'forget' ? 'forgotten' : blackout.to === null ? 'muted' : 'muted-stretch' };
    const list = this.segments.get(segment.deviceId) ?? [];
    const words = wordsOf(segment.text);
    if (list.some((s) => s.startedAt <= segment.endedAt && segment.startedAt <= s.endedAt && wordsOf(s.text) === words)) return { observed: false, reason: 'duplicate' };
    let i = list.length;
    while (i > 0 && list[i - 1]!.startedAt > segment.startedAt) i--;
    list.splice(i, 0, { ...segment });
    this.segments.set(segment.deviceId, list);
    return { observed: true };
  }

  /** The device's segments still in the window, oldest first (copies). */
  window(deviceId: string): TranscriptSegment[] {
    this.evictExpired(this.clock());
    return (this.segments.get(deviceId) ?? []).map((s) => ({ ...s }));
  }

  /** Whether a segment would be refused now because of a mute or a forget (for work queued before it). */
  isPurged(segment: TranscriptSegment): boolean {
    return this.inBlackout(segment);
  }

  /** Drops segments that ended before the window; returns how many. */
  evictExpired(now: number = this.clock()): number {
    const cutoff = now - this.windowMs;
    let removed = 0;
    for (const [device, list] of this.segments) {
      const keep = list.filter((s) => s.endedAt >= cutoff);
      removed += list.length - keep.length;
      if (keep.length === 0) this.segments.delete(device);
      else this.segments.set(device, keep);
    }
    for (const [device, list] of this.blackouts) {
      const keep = list.filter((b) => b.to === null || b.to >= cutoff);
      if (keep.length === 0) this.blackouts.delete(device);
      else this.blackouts.set(device, keep);
    }
    this.globalBlackouts = this.globalBlackouts.filter((b) => b.to === null || b.to >= cutoff);
    return removed;
  }

  /**
   * Applies a mute transition: on mute, purges the device's segments that ended within `muteTailMs`
   * before it and refuses everything until the unmute; on unmute, closes that stretch. Returns the
   * stretch that was purged (`to` null while muted) so callers can drop work derived from it.
   */
  muteTransition(deviceId: string, muted: boolean, at: number): { from: number; to: number | null; removed: number } {
    const list = this.blackouts.get(deviceId) ?? [];
    if (muted) {
      const open = list.find((b) => b.to === null);
      const from = at - this.muteTailMs;
      if (open) open.from = Math.min(open.from, from);
      else list.push({ from, to: null, kind: 'mute' });
      this.blackouts.set(deviceId, list);
      return { from, to: null, removed: this.removeBetween(deviceId, from, Number.POSITIVE_INFINITY) };
    }
    const open = list.find((b) => b.to === null);
    if (open) open.to = at;
    return { from: open?.from ?? at, to: at, removed: 0 };
  }

  /**
   * "Forget the last N minutes": removes segments of one device (or every device) that ended within
   * `durationMs` before now, and refuses late transcripts from that stretch. Returns the stretch and
   * how many segments went.
   */
  forget(durationMs: number, deviceId?: string): { from: number; to: number; removed: number } {
    if (!Number.isFinite(durationMs) || durationMs <= 0) {
      throw new ObserverError('JARVIS_OBSERVER_BAD_ARGUMENT', `forget needs a positive duration, got ${durationMs}`);
    }
    const to = this.clock();
    const from = to - durationMs;
    const devices = deviceId === undefined ? [...new Set([...this.segments.keys(), ...this.blackouts.keys()])] : [deviceId];
    let removed = 0;
    for (const d of devices) {
      removed += this.removeBetween(d, from, Number.POSITIVE_INFINITY);
      const list = this.blackouts.get(d) ?? [];
      list.push({ from, to, kind: 'forget' });
      this.blackouts.set(d, list);
    }
    // Transcripts of a device the buffer has not seen yet may still be on their way.
    if (deviceId === undefined) this.globalBlackouts.push({ from, to, kind: 'forget' });
    return { from, to, removed };
  }

  /** How many segments are held, over all devices. */
  size(): number {
    let n = 0;
    for (const list of this.segments.values()) n += list.length;
    return n;
  }

  /** What the buffer holds now, for the dashboard's privacy page: segments, characters, the oldest start. */
  stats(): { segments: number; characters: number; oldestAt: number | null; windowMs: number } {
    this.evictExpired(this.clock());
    let segments = 0;
    let characters = 0;
    let oldestAt: number | null = null;
    for (const list of this.segments.values()) {
      for (const s of list) {
        segments++;
        characters += s.text.length;
        if (oldestAt === null || s.startedAt < oldestAt) oldestAt = s.startedAt;
      }
    }
    return { segments, characters, oldestAt, windowMs: this.windowMs };
  }

  /** Whether the device is muted as far as the buffer knows. */
  isMuted(deviceId: string): boolean {
    return (this.blackouts.get(deviceId) ?? []).some((b) => b.to === null);
  }


  private inBlackout(segment: TranscriptSegment): boolean {
    return this.blackoutOf(segment) !== undefined;
  }

  /** The stretch a segment overlaps that keeps it out (a live mute first), or undefined. */
  private blackoutOf(segment: TranscriptSegment): Blackout | undefined {
    const hit = (b: Blackout): boolean => segment.endedAt >= b.from && (b.to === null || segment.startedAt <= b.to);
    const all = [...(this.blackouts.get(segment.deviceId) ?? []), ...this.globalBlackouts].filter(hit);
    return all.find((b) => b.to === null) ?? all.find((b) => b.kind === 'mute') ?? all[0];
  }

  private removeBetween(deviceId: string, from: number, to: number): number {
    const list = this.segments.get(deviceId);
    if (!list) return 0;
    const keep = list.filter((s) => !(s.endedAt >= from && s.startedAt <= to));
    if (keep.length === 0) this.segments.delete(deviceId);
    else this.segments.set(deviceId, keep);
    return list.length - keep.length;
  }
}

/** Throws JARVIS_OBSERVER_BAD_SEGMENT unless the segment is well formed. */
export function validateSegment(segment: TranscriptSegment): void {
  const problem =
    typeof segment !== 'object' || segment === null ? 'not an object'
      : typeof segment.deviceId !== 'string' || !/^[0-9a-f]{8}$/.test(segment.deviceId) ? `deviceId ${JSON.stringify(segment.deviceId)} is not 8 lowercase hex digits`
        : typeof segment.text !== 'string' ? 'text is not a string'
          : segment.speaker !== undefined && typeof segment.speaker !== 'string' ? 'speaker is not a string'
            : !Number.isFinite(segment.startedAt) || !Number.isFinite(segment.endedAt) ? 'startedAt/endedAt are not finite numbers'
              : segment.endedAt < segment.startedAt ? 'endedAt is before startedAt'
                : null;
  if (problem) throw new ObserverError('JARVIS_OBSERVER_BAD_SEGMENT', `bad transcript segment: ${problem}`);
}
