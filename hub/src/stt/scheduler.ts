import type { Component } from '../core/index.js';
import type { Transcript, TranscribeOptions } from './engine.js';
import { SttError } from './errors.js';
import { STT_SAMPLE_RATE } from './engine.js';

/** Runs one transcription (the whisper engine's `transcribe`). */
export type Transcriber = (pcm: Float32Array, options: TranscribeOptions) => Promise<Transcript>;

/** Options of the scheduler. */
export interface SttSchedulerOptions {
  /** Passive segments waiting at most; the oldest is dropped beyond this. */
  maxPassiveBacklog?: number;
  /** Passive audio is transcribed in chunks of at most this many seconds, so a command waits at most one chunk. */
  passiveChunkS?: number;
  /** Called for every dropped passive segment (for a metric and a log line). */
  onDrop?: (info: { queued: number; seconds: number }) => void;
}

/** Counters of the scheduler. */
export interface SttSchedulerStats {
  commands: number;
  passive: number;
  dropped: number;
  /** Longest time a command waited for the engine, in ms. */
  maxCommandWaitMs: number;
}

interface Job {
  pcm: Float32Array;
  options: TranscribeOptions;
  resolve: (t: Transcript) => void;
  reject: (e: unknown) => void;
  enqueuedAt: number;
}

/**
 * Two lanes in front of one engine: command utterances first, passive speech when idle. One job runs at
 * a time (the engine already uses every core); passive audio runs in short chunks so a command waits for
 * at most one chunk. The passive backlog is bounded and reports what it drops.
 */
export class SttScheduler implements Component {
  readonly name = 'stt-scheduler';
  private readonly commandQueue: Job[] = [];
  private readonly passiveQueue: { job: Job; chunks: Float32Array[]; texts: Transcript[]; started: boolean }[] = [];
  private busy = false;
  private running = false;
  private readonly counters: SttSchedulerStats = { commands: 0, passive: 0, dropped: 0, maxCommandWaitMs: 0 };

  constructor(private readonly transcribe: Transcriber, private readonly options: SttSchedulerOptions = {}) {}

  async start(): Promise<void> {
    this.running = true;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const cancelled = new SttError('JARVIS_STT_CANCELLED', 'the speech-to-text scheduler stopped');
    for (const job of this.commandQueue.splice(0)) job.reject(cancelled);
    for (const p of this.passiveQueue.splice(0)) p.job.reject(cancelled);
  }

  /** Counters since start. */
  get stats(): SttSchedulerStats {
    return { ...this.counters };
  }

  /** Transcribes a command utterance ahead of any passive work. */
  command(pcm: Float32Array, options: TranscribeOptions = {}): Promise<Transcript> {
    return new Promise((resolve, reject) => {
      if (!this.running) return reject(new SttError('JARVIS_STT_ENGINE_CLOSED', 'scheduler is not started'));
      this.commandQueue.push({ pcm, options, resolve, reject, enqueuedAt: performance.now() });
      this.pump();
    });
  }

  /** Queues passive speech; rejects with JARVIS_STT_QUEUE_FULL if it is dropped from a full backlog. */
  passive(pcm: Float32Array, options: TranscribeOptions = {}): Promise<Transcript> {
    return new Promise((resolve, reject) => {
      if (!this.running) return reject(new SttError('JARVIS_STT_ENGINE_CLOSED', 'scheduler is not started'));
      const max = this.options.maxPassiveBacklog ?? 8;
      const chunkLen = Math.round((this.options.passiveChunkS ?? 8) * STT_SAMPLE_RATE);
      const chunks: Float32Array[] = [];
      for (let i = 0; i < pcm.length; i += chunkLen) chunks.push(pcm.subarray(i, Math.min(pcm.length, i + chunkLen)));
      if (chunks.length === 0) chunks.push(pcm);
      this.passiveQueue.push({ job: { pcm, options, resolve, reject, enqueuedAt: performance.now() }, chunks, texts: [], started: false });
      // Drop the oldest segment that has not started (the newest speech is the most useful to keep).
      while (this.passiveQueue.length > max) {
        const idx = this.passiveQueue.findIndex((p) => !p.started);
        if (idx < 0) break;
        const [dropped] = this.passiveQueue.splice(idx, 1);
        this.counters.dropped++;
        const seconds = dropped!.job.pcm.length / STT_SAMPLE_RATE;
        this.options.onDrop?.({ queued: this.passiveQueue.length, seconds });
        dropped!.job.reject(new SttError('JARVIS_STT_QUEUE_FULL', `passive backlog full (${max}); dropped ${seconds.toFixed(1)} s of speech`));
      }
      this.pump();
    });
  }

  private pump(): void {
    if (this.busy || !this.running) return;
    const command = this.commandQueue.shift();
    if (command?.options.signal?.aborted) {
      // Cancelled while queued (the grammar engine answered first): never start it.
      command.reject(command.options.signal.reason);
      this.pump();
      return;
    }
    if (command) {
      this.busy = true;
      const waited = performance.now() - command.enqueuedAt;
      this.counters.maxCommandWaitMs = Math.max(this.counters.maxCommandWaitMs, waited);
      this.transcribe(command.pcm, command.options)
        .then((t) => { this.counters.commands++; command.resolve({ ...t, timings: { ...t.timings, queueMs: t.timings.queueMs + waited, totalMs: t.timings.totalMs + waited } }); }, command.reject)
        .finally(() => { this.busy = false; this.pump(); });
      return;
    }
    const passive = this.passiveQueue[0];
    if (!passive) return;
    this.busy = true;
    passive.started = true;
    const chunk = passive.chunks[passive.texts.length]!;
    this.transcribe(chunk, passive.job.options)
      .then((t) => {
        passive.texts.push(t);
        if (passive.texts.length < passive.chunks.length) return;
        this.passiveQueue.shift();
        this.counters.passive++;
        passive.job.resolve(joinChunks(passive.texts, passive.job.enqueuedAt));
      }, (err) => {
        this.passiveQueue.shift();
        passive.job.reject(err);
      })
      .finally(() => { this.busy = false; this.pump(); });
  }
}

function joinChunks(parts: Transcript[], enqueuedAt: number): Transcript {
  const text = parts.map((p) => p.text).filter((t) => t !== '').join(' ');
  const withText = parts.filter((p) => p.text !== '');
  const decodeMs = parts.reduce((a, p) => a + p.timings.decodeMs, 0);
  return {
    text,
    confidence: withText.length ? withText.reduce((a, p) => a + p.confidence, 0) / withText.length : 0,
    segments: parts.flatMap((p) => p.segments),
    engine: parts[0]!.engine,
    timings: { queueMs: performance.now() - enqueuedAt - decodeMs, decodeMs, totalMs: performance.now() - enqueuedAt },
  };
}
