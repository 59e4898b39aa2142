/**
 * Voice run events (CONVENTIONS.md 9): every utterance is one run, a sequence of typed stage events
 * with timestamps. The audio front end emits the capture stages; STT, router and actions add theirs.
 * A run always ends with exactly one `run-end`.
 *
 * The run and its events live in core/ because the stages at both ends use them: audio/ opens runs and
 * emits the capture stages without knowing anything of intents, voice/ strings the later stages on them.
 */

/** Every event type of a voice run, in the order they usually come. */
export const VOICE_EVENT_TYPES = [
  'run-start',
  'capture-start',
  'speech-start',
  'wake',
  'speech-end',
  'capture-end',
  'stt-start',
  'stt-end',
  'intent-start',
  'intent-end',
  'action-start',
  'action-end',
  'reply',
  'error',
  'run-end',
] as const;

/** One voice run event type. */
export type VoiceEventType = (typeof VOICE_EVENT_TYPES)[number];

/** Why a run ended. */
export type RunEndReason =
  | 'done' // every stage ran
  | 'handed-off' // the utterance went to the next stage (STT), which will emit its own events on the run
  | 'no-speech' // a trigger came but nobody spoke
  | 'muted' // the device was muted while the utterance was open
  | 'arbitration-lost' // another device heard the same wake phrase better
  | 'too-short' // speech shorter than the minimum
  | 'not-understood' // speech-to-text found no words (rejected or empty)
  | 'error';

/** One event of a run. */
export interface VoiceEvent {
  type: VoiceEventType;
  runId: string;
  deviceId: string;
  /** Hub wall-clock time, ms since epoch. */
  at: number;
  /** Stage-specific detail (`{ code, message }` for `error`, `{ reason }` for `run-end`, ...). */
  data?: Record<string, unknown>;
}

/** Receives every event of every run (metrics, logs, the dashboard). */
export type VoiceEventSink = (event: VoiceEvent) => void;

let runCounter = 0;

/** A fresh run id: unique within the process and sortable by creation. */
export function newRunId(): string {
  runCounter = (runCounter + 1) % 0x1000000;
  return `${Date.now().toString(36)}-${runCounter.toString(36).padStart(5, '0')}`;
}

/**
 * One run. Events after `end()` are dropped (and counted in `dropped`): the first end wins, so a late
 * stage can never reopen a finished run.
 */
export class VoiceRun {
  readonly events: VoiceEvent[] = [];
  private endedReason: RunEndReason | undefined;
  /** Events refused because the run had already ended. */
  dropped = 0;

  constructor(
    readonly id: string,
    readonly deviceId: string,
    private readonly sink: VoiceEventSink,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The reason the run ended, or undefined while it is open. */
  get ended(): RunEndReason | undefined {
    return this.endedReason;
  }

  /** Records an event at `at` (defaults to the clock). */
  emit(type: Exclude<VoiceEventType, 'run-end'>, data?: Record<string, unknown>, at: number = this.clock()): void {
    if (this.endedReason !== undefined) {
      this.dropped++;
      return;
    }
    const event: VoiceEvent = data === undefined ? { type, runId: this.id, deviceId: this.deviceId, at } : { type, runId: this.id, deviceId: this.deviceId, at, data };
    this.events.push(event);
    this.sink(event);
  }

  /** Records an `error` event with a stable code, then ends the run with reason `error`. */
  fail(code: string, message: string, at: number = this.clock()): void {
    this.emit('error', { code, message }, at);
    this.end('error', at);
  }

  /** Ends the run; later calls do nothing. */
  end(reason: RunEndReason, at: number = this.clock()): void {
    if (this.endedReason !== undefined) return;
    const event: VoiceEvent = { type: 'run-end', runId: this.id, deviceId: this.deviceId, at, data: { reason } };
    this.endedReason = reason;
    this.events.push(event);
    this.sink(event);
  }
}
