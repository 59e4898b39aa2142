import type { RunEndReason, VoiceEvent } from './events.js';

/** One voice run as the API shows it: who, what kind, how it ended, and its events in order. */
export interface RunRecord {
  id: string;
  deviceId: string;
  kind: 'command' | 'passive' | undefined;
  startedAt: number;
  endedAt: number | undefined;
  reason: RunEndReason | undefined;
  events: VoiceEvent[];
}

/** Keys that may carry words someone said; never kept for passive runs (DESIGN.md §5). */
const WORD_KEYS = ['text', 'reply', 'transcript'];
/** A run with more events than this is buggy or hostile; later events are counted, not kept. */
const MAX_EVENTS = 64;

/**
 * The last voice runs in memory (a ring buffer; no audio, and no words of passive speech — those go only to
 * the observer's buffer). Fed with every voice event; read by `GET /api/v1/runs`.
 */
export class VoiceRunStore {
  private readonly runs = new Map<string, RunRecord>();

  constructor(readonly capacity = 200) {}

  /** Records one event (use as, or from, the pipeline's `VoiceEventSink`). */
  observe(event: VoiceEvent): void {
    let run = this.runs.get(event.runId);
    if (!run) {
      run = { id: event.runId, deviceId: event.deviceId, kind: undefined, startedAt: event.at, endedAt: undefined, reason: undefined, events: [] };
      this.runs.set(event.runId, run);
      while (this.runs.size > this.capacity) {
        const oldest = this.runs.keys().next().value as string;
        this.runs.delete(oldest);
      }
    }
    if (event.type === 'run-start') {
      const kind = event.data?.['kind'];
      if (kind === 'command' || kind === 'passive') run.kind = kind;
    }
    // A wake phrase inside passive speech turns that run into a command.
    if (event.type === 'wake') run.kind = 'command';
    if (event.type === 'run-end') {
      run.endedAt = event.at;
      run.reason = event.data?.['reason'] as RunEndReason | undefined;
    }
    if (run.events.length >= MAX_EVENTS && event.type !== 'run-end') return;
    let data = event.data;
    if (data && run.kind !== 'command') data = Object.fromEntries(Object.entries(data).filter(([k]) => !WORD_KEYS.includes(k)));
    run.events.push(data === undefined ? { ...event } : { ...event, data });
  }

  /** The newest runs first, optionally of one device. */
  list(options: { deviceId?: string | undefined; limit?: number | undefined } = {}): RunRecord[] {
    const out: RunRecord[] = [];
    const limit = options.limit ?? 50;
    for (const run of [...this.runs.values()].reverse()) {
      if (options.deviceId !== undefined && run.deviceId !== options.deviceId) continue;
      out.push(run);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** One run by id. */
  get(id: string): RunRecord | undefined {
    return this.runs.get(id);
  }

  /** Forgets the runs of a device (it was removed). */
  forgetDevice(deviceId: string): void {
    for (const [id, run] of this.runs) if (run.deviceId === deviceId) this.runs.delete(id);
  }
}
