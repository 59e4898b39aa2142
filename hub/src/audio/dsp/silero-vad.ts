import { AudioError } from './errors.js';
import { NoiseFloor } from './noise-floor.js';
import { BatchQueue, batchStats, laneOf, sharedSessions, type Feeds, type ModelSession, type TensorData } from '../onnx-runtime.js';

/** Options of the Silero VAD. */
export interface SileroVadOptions {
  /** Probability at or over which speech starts (Silero's default 0.5). */
  threshold?: number;
  /** Probability under which speech stops; Silero's wrapper uses threshold − 0.15. */
  negThreshold?: number;
  /**
   * Energy pre-gate, dB over the stream's noise floor (0 = off): windows with no 10 ms frame this far over
   * the floor are non-speech without running the model (its state is kept).
   */
  gateDb?: number;
  /** Most windows in one inference batch. */
  maxBatch?: number;
}

/** Silero's defaults. */
export const SILERO_DEFAULTS = { threshold: 0.5, negThreshold: 0.35, gateDb: 0, maxBatch: 512 } as const;

/** Silero VAD v5 at 16 kHz: 512-sample windows, each preceded by the previous window's last 64 samples. */
export const SILERO_WINDOW = 512;
const CONTEXT = 64;
const STATE = 2 * 128;

interface WindowJob {
  stream: SileroVadStream;
  /** 64 samples of context + the 512-sample window, floats in [-1, 1]. */
  input: Float32Array;
  index: number;
}

/**
 * Silero VAD v5 (MIT) following its reference wrapper (`OnnxWrapper` in snakers4/silero-vad utils_vad.py):
 * 512-sample windows at 16 kHz, each fed with the previous 64 samples as context and the recurrent state
 * tensor, which the model returns updated. The session is shared by every device; windows from many devices
 * run as one batch (the state tensor has a batch dimension), each device at most once per batch so its
 * state passes from one window to the next in order.
 */
export class SileroVadModel {
  readonly options: Required<SileroVadOptions>;
  /** One batch queue per inference thread (lane); each stream keeps to one lane, so its windows stay in order. */
  private readonly queues: Array<BatchQueue<WindowJob>>;
  private streamsCreated = 0;
  private readonly sr: TensorData = { type: 'int64', data: BigInt64Array.from([16000n]), dims: [] };
  /** Windows the model ran on, and windows the pre-gate skipped. */
  readonly counts = { ran: 0, gated: 0 };

  private constructor(private readonly sessions: readonly ModelSession[], options: SileroVadOptions, readonly path: string) {
    this.options = { ...SILERO_DEFAULTS, ...options };
    if (options.threshold !== undefined && options.negThreshold === undefined) this.options.negThreshold = Math.max(0.01, options.threshold - 0.15);
    const o = this.options;
    if (!(o.threshold > 0 && o.threshold < 1 && o.negThreshold > 0 && o.negThreshold <= o.threshold)) {
      throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `silero thresholds need 0 < negThreshold (${o.negThreshold}) <= threshold (${o.threshold}) < 1`);
    }
    if (!(o.gateDb >= 0 && o.gateDb <= 40)) throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `silero gateDb ${o.gateDb} is outside 0..40`);
    this.queues = sessions.map((session) => new BatchQueue((jobs) => this.runBatch(session, jobs), (err, jobs) => {
      for (const j of jobs) j.stream.result(j.index, 0, err);
    }, o.maxBatch));
  }

  /** Loads `silero_vad.onnx` (v5: inputs input, state, sr). Throws JARVIS_AUDIO_MODEL_LOAD for any other model. */
  static async load(path: string, options: SileroVadOptions = {}): Promise<SileroVadModel> {
    const sessions = await sharedSessions(path);
    const names = [...(sessions[0] as ModelSession).inputNames].sort().join(',');
    if (names !== 'input,sr,state') throw new AudioError('JARVIS_AUDIO_MODEL_LOAD', `${path} takes inputs (${names}), not Silero VAD v5's (input, state, sr)`);
    return new SileroVadModel(sessions, options, path);
  }

  /** A VAD for one device's 16 kHz stream; `onWindow` gets each window's probability in order. */
  createStream(onWindow: (w: SileroWindow) => void): SileroVadStream {
    return new SileroVadStream(this, laneOf(this.streamsCreated++, this.sessions.length), onWindow);
  }

  /** Resolves once every window queued so far has a probability. */
  async idle(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.idle()));
  }

  /** Windows queued or running. */
  get backlog(): number {
    return this.queues.reduce((n, q) => n + q.pending, 0);
  }

  /** Batching statistics (all lanes). */
  get batchStats(): { batches: number; items: number; maxBatch: number } {
    return batchStats(this.queues);
  }

  /** @internal */
  enqueue(job: WindowJob): void {
    (this.queues[job.stream.lane] as BatchQueue<WindowJob>).push(job);
  }

  private async runBatch(session: ModelSession, jobs: WindowJob[]): Promise<void> {
    // One window per stream per run: the next window of a stream needs the state this one returns. The runs go
    // to the inference thread as one chain, each taking its streams' states from the run before (a device's
    // windows are in consecutive runs), so a backlog of k windows per device costs one trip, not k.
    const groups: WindowJob[][] = [];
    const depth = new Map<SileroVadStream, number>();
    for (const j of jobs) {
      const d = depth.get(j.stream) ?? 0;
      depth.set(j.stream, d + 1);
      (groups[d] ??= []).push(j);
    }
    const rows: number[][] = [];
    const feeds = groups.map((now, d) => {
      const b = now.length;
      const input = new Float32Array(b * (CONTEXT + SILERO_WINDOW));
      now.forEach((j, i) => input.set(j.input, i * (CONTEXT + SILERO_WINDOW)));
      const feed: Feeds = { input: { type: 'float32', data: input, dims: [b, CONTEXT + SILERO_WINDOW] }, sr: this.sr };
      if (d === 0) {
        // state is [2, batch, 128]: each stream's two 128-value halves go to rows 0 and 1.
        const state = new Float32Array(2 * b * 128);
        now.forEach((j, i) => {
          state.set(j.stream.state.subarray(0, 128), i * 128);
          state.set(j.stream.state.subarray(128), (b + i) * 128);
        });
        feed['state'] = { type: 'float32', data: state, dims: [2, b, 128] };
      } else {
        const before = groups[d - 1] as WindowJob[];
        rows.push(now.map((j) => before.findIndex((p) => p.stream === j.stream)));
      }
      return feed;
    });
    const outs = await session.runChain(feeds, { from: 'stateN', to: 'state', rows });
    groups.forEach((now, d) => {
      const b = now.length;
      const prob = outs[d]?.['output']?.data as Float32Array;
      const next = outs[d]?.['stateN']?.data as Float32Array;
      now.forEach((j, i) => {
        j.stream.state.set(next.subarray(i * 128, (i + 1) * 128), 0);
        j.stream.state.set(next.subarray((b + i) * 128, (b + i + 1) * 128), 128);
        j.stream.result(j.index, prob[i] as number);
      });
    });
  }
}

/** One window's verdict. */
export interface SileroWindow {
  /** Window number from the start of the stream (window k covers samples 512k … 512k + 511). */
  index: number;
  prob: number;
  /** The hysteresis decision after this window. */
  speech: boolean;
  /** False when the pre-gate decided without the model. */
  ran: boolean;
}

/**
 * One device's Silero state: the 64-sample context, the recurrent state, the hysteresis. Windows are
 * answered in order even though the model runs them in batches.
 */
export class SileroVadStream {
  /** @internal The recurrent state [2, 128] of this stream. */
  readonly state = new Float32Array(STATE);
  private readonly window = new Float32Array(CONTEXT + SILERO_WINDOW);
  private fill = 0;
  private index = 0;
  private inSpeech = false;
  private readonly results = new Map<number, { prob: number; ran: boolean }>();
  private nextOut = 0;
  private frameSum = 0;
  private frameFill = 0;
  private windowMaxDb = -Infinity;
  private readonly floor = new NoiseFloor();
  private floorDb = Infinity;
  private failed: unknown;

  constructor(private readonly model: SileroVadModel, /** @internal The inference lane (thread) this stream's windows run on. */ readonly lane: number, private readonly onWindow: (w: SileroWindow) => void) {}

  /** The error of the last failed batch, if any. */
  get error(): unknown {
    return this.failed;
  }

  /** Feeds 16 kHz mono floats in [-1, 1]. */
  push(samples: Float32Array): void {
    for (let i = 0; i < samples.length; i++) {
      const v = samples[i] as number;
      this.window[CONTEXT + this.fill++] = v;
      this.frameSum += v * v;
      if (++this.frameFill === 160) this.endFrame();
      if (this.fill === SILERO_WINDOW) this.endWindow();
    }
  }

  private endFrame(): void {
    const db = 10 * Math.log10(this.frameSum / 160 + 1e-12);
    this.frameSum = 0;
    this.frameFill = 0;
    this.windowMaxDb = Math.max(this.windowMaxDb, db);
    this.floorDb = this.floor.push(db);
  }

  private endWindow(): void {
    const index = this.index++;
    const gateDb = this.model.options.gateDb;
    const gated = gateDb > 0 && !(this.windowMaxDb > this.floorDb + gateDb && this.windowMaxDb > -75);
    this.windowMaxDb = -Infinity;
    if (gated) {
      this.model.counts.gated++;
      this.result(index, 0, undefined, false);
    } else {
      this.model.counts.ran++;
      this.model.enqueue({ stream: this, input: Float32Array.from(this.window), index });
    }
    // The last 64 samples are the next window's context (the reference wrapper's `_context`).
    this.window.copyWithin(0, SILERO_WINDOW, SILERO_WINDOW + CONTEXT);
    this.fill = 0;
  }

  /** @internal A window's probability is known (gated windows synchronously, others after their batch). */
  result(index: number, prob: number, err?: unknown, ran = true): void {
    if (err !== undefined) this.failed = err;
    this.results.set(index, { prob, ran });
    for (let r = this.results.get(this.nextOut); r; r = this.results.get(this.nextOut)) {
      this.results.delete(this.nextOut);
      const o = this.model.options;
      this.inSpeech = this.inSpeech ? r.prob >= o.negThreshold : r.prob >= o.threshold;
      this.onWindow({ index: this.nextOut, prob: r.prob, speech: this.inSpeech, ran: r.ran });
      this.nextOut++;
    }
  }
}

/** The last 512-sample window a 10 ms frame (160 samples) of the stream overlaps. */
export function lastWindowOfFrame(frame: number): number {
  return Math.floor((frame * 160 + 159) / SILERO_WINDOW);
}

/** Speech decisions per 10 ms frame from per-window ones: a frame is speech when any window it overlaps is. */
export function speechFramesFromWindows(windows: readonly boolean[], frames: number): boolean[] {
  const out: boolean[] = [];
  for (let k = 0; k < frames; k++) {
    const first = Math.floor((k * 160) / SILERO_WINDOW);
    const last = lastWindowOfFrame(k);
    let s = false;
    for (let w = first; w <= last; w++) s ||= windows[w] === true;
    out.push(s);
  }
  return out;
}
