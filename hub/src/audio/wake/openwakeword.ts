import { AudioError } from '../dsp/errors.js';
import { BatchQueue, batchStats, laneOf, sharedSessions, type ModelSession } from '../onnx-runtime.js';
import { NoiseFloor } from '../dsp/noise-floor.js';
import type { WakeVerifier } from './verifier.js';

/** The three model files of an openWakeWord detector. */
export interface OpenWakeWordFiles {
  /** `melspectrogram.onnx`: int16-valued float PCM → 32 mel bins per 10 ms. */
  melspectrogram: string;
  /** `embedding_model.onnx`: 76 mel frames → one 96-value embedding (Google's speech_embedding). */
  embedding: string;
  /** The wake phrase classifier, e.g. `hey_jarvis_v0.1.onnx`: 16 embeddings → score 0–1. */
  wake: string;
}

/**
 * When a score counts as a wake. The defaults are openWakeWord's and its Wyoming server's: threshold 0.5,
 * one frame over it (openWakeWord's `patience` off), then 2 s before the next detection.
 */
export interface OpenWakeWordOptions {
  threshold?: number;
  /** Consecutive 80 ms predictions at or over the threshold that make a detection. */
  triggerLevel?: number;
  refractoryMs?: number;
  /**
   * Energy pre-gate, dB (0 = off): a step is loud when its 80 ms energy is this far over the stream's step
   * floor (the 20th percentile of the last 3.2 s of steps). Steps more than `gateHoldMs` after the last loud
   * one skip the embedding and wake models (their score is 0); the step that ends a gated stretch first
   * rebuilds the history the skipped steps would have left. Steady room noise then costs nearly nothing.
   * (Per 80 ms step, not per 10 ms frame: in pink and brown room noise some 10 ms frame of nearly every step
   * stood 6 dB over the frame floor, so the old rule gated ~2% of the steps of a noisy room.)
   */
  gateDb?: number;
  gateHoldMs?: number;
  /** Most steps in one inference batch. */
  maxBatch?: number;
  /**
   * Second-stage verifier (verifier.ts): a step whose score passes the threshold counts only when the
   * verifier, scoring the same 16 embeddings, also says wake. It runs inside the step (a dot product), so
   * it never delays a detection; it only decides whether one happens. Undefined: off.
   */
  verifier?: WakeVerifier;
  /** Verifier score that counts (default: the verifier file's own threshold). */
  verifierThreshold?: number;
}

/** openWakeWord's defaults (see {@link OpenWakeWordOptions}). */
export const OWW_DEFAULTS = { threshold: 0.5, triggerLevel: 1, refractoryMs: 2000, gateDb: 0, gateHoldMs: 1500, maxBatch: 256 } as const;

/** The options without the verifier, all set. */
type OwwSettings = Required<Omit<OpenWakeWordOptions, 'verifier' | 'verifierThreshold'>>;

/** One prediction of a stream: every 80 ms. */
export interface WakeScore {
  score: number;
  /** Hub ms at the end of the 80 ms step the score was made on. */
  at: number;
  /** False when the pre-gate skipped the models for this step. */
  ran: boolean;
  /** The 16 × 96 embedding features the score was made on (when the models ran). */
  features?: Float32Array;
  /** The verifier's score, when a verifier is on and `score` reached its askAt (the threshold for version 1). */
  verifierScore?: number;
}

/** A wake phrase heard by the trained model. */
export interface OpenWakeWordDetection {
  /**
   * The score that decided the wake, highest of the detection's run of passing steps: the wake model's, or the
   * trained head's when a head with its own askAt (verifier version 2) decides alone.
   */
  score: number;
  /** The wake model's own highest score in that run (equal to `score` unless a trained head decided). */
  modelScore: number;
  /** The verifier's score on the detecting step, when a verifier is on. */
  verifierScore?: number;
  /** Hub ms at the end of the step whose score crossed the threshold (triggerLevel-th over it). */
  at: number;
  /**
   * Best estimate of where the phrase ended, hub ms: the quietest 10 ms between the crossing step's
   * start and `at`, when that quiet stands clear of the phrase's loud frames (the pause after "jarvis"),
   * else `at`. The command audio is cut here.
   */
  endTs: number;
}

/** openWakeWord's step: 80 ms at 16 kHz. */
export const OWW_STEP = 1280;
/** Samples of context before each step for the mel frames (three 10 ms hops of the 25 ms window). */
const MEL_CONTEXT = 480;
const MEL_BINS = 32;
/** Mel frames per step (80 ms of 10 ms hops). */
const STEP_FRAMES = 8;
const EMB_WINDOW = 76;
const EMB_DIM = 96;
const WAKE_FEATURES = 16;
/** Mel frames behind the last 16 embeddings' windows: what a catch-up after gated steps must rebuild. */
const MEL_HISTORY = EMB_WINDOW + (WAKE_FEATURES - 1) * STEP_FRAMES;
/** Steps whose mel frames cover MEL_HISTORY (the step that ends a catch-up included). */
const CATCH_UP_STEPS = Math.ceil(MEL_HISTORY / STEP_FRAMES);
/** openWakeWord zeroes its first five predictions while the buffers fill. */
const SKIP_PREDICTIONS = 5;
/** Steps behind the pre-gate's floor (3.2 s). */
const GATE_FLOOR_STEPS = 40;
/** Raw audio kept per stream: every sample a catch-up's steps need, with room to spare. */
const RING = 48000;
/** 10 ms energies kept for the phrase-end estimate. */
const HISTORY_FRAMES = 80;

interface StepJob {
  stream: OpenWakeWordStream;
  /**
   * The mel model's input for each step to add, oldest first: the step's 1280 samples plus 480 of context
   * (fewer at the very start). One normally; after gated steps, those steps too (up to CATCH_UP_STEPS),
   * so the mel history and the last 16 embeddings are what openWakeWord would hold had it never skipped.
   * Empty for a step the pre-gate skipped (queued anyway so scores stay in time order).
   */
  inputs: Float32Array[];
  /** Embeddings to compute: one per step of `inputs`, at most WAKE_FEATURES. */
  embeddings: number;
  /** The last 16 embeddings once computed (the wake model's input). */
  features?: Float32Array;
  at: number;
  /** The last 10 ms energies (dBFS) and start times up to the step's end, for the phrase-end estimate. */
  history: Array<{ ts: number; db: number }>;
  /** The stream's noise floor then, dBFS. */
  floorDb: number;
}

/** The three sessions of one inference thread. */
interface OwwLane {
  mel: ModelSession;
  emb: ModelSession;
  wake: ModelSession;
}

/**
 * openWakeWord's streaming pipeline (dscripka/openWakeWord `utils.AudioFeatures`, `model.Model.predict`)
 * with the three ONNX sessions shared by every device. Per 80 ms step: mel frames of the step plus 480
 * samples of context (int16 values cast to float, not normalised), transformed x/10 + 2; the last 76 mel
 * frames → one embedding; the last 16 embeddings → the wake score. Buffers start as openWakeWord's do (mel
 * ones, embeddings of 4 s of random low-level noise) and the first five predictions are zero. The scores
 * equal openWakeWord's step for step (tested against a literal port of its Python): the mel model runs one
 * input at a time (it floors its output relative to the whole batch's maximum), the embedding model in
 * batches across devices, and a step after a gated stretch first rebuilds the mel frames and embeddings of
 * the skipped steps from the raw audio.
 */
export class OpenWakeWordModel {
  readonly options: OwwSettings;
  /** The second-stage verifier, when on. */
  readonly verifier: WakeVerifier | undefined;
  /** The verifier score that counts. */
  readonly verifierThreshold: number;
  /**
   * The wake score at or over which the verifier is asked: the threshold for a version-1 verifier, lower for a
   * trained head (its file's askAt), which then decides on its own whether the step wakes.
   */
  readonly askAt: number;
  /** Passing steps in a row that make a detection: the options' triggerLevel, or the verifier's if higher. */
  readonly triggerLevel: number;
  /** One batch queue per inference thread (lane); each stream keeps to one lane, so its steps stay in order. */
  private readonly queues: Array<BatchQueue<StepJob>>;
  private streamsCreated = 0;
  /** Steps whose models ran, steps the pre-gate skipped, and steps over the threshold the verifier turned down. */
  readonly counts = { ran: 0, gated: 0, vetoed: 0 };

  private constructor(
    private readonly lanes: readonly OwwLane[],
    readonly initialFeatures: Float32Array,
    options: OpenWakeWordOptions,
    readonly files: OpenWakeWordFiles,
  ) {
    const { verifier, verifierThreshold, ...settings } = options;
    this.options = { ...OWW_DEFAULTS, ...settings };
    this.verifier = verifier;
    this.verifierThreshold = verifierThreshold ?? verifier?.threshold ?? 0.5;
    const o = this.options;
    this.askAt = verifier?.askAt ?? o.threshold;
    this.triggerLevel = Math.max(o.triggerLevel, verifier?.triggerLevel ?? 1);
    if (!(this.verifierThreshold > 0 && this.verifierThreshold < 1)) throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `wake verifierThreshold ${this.verifierThreshold} is outside (0, 1)`);
    if (!(o.threshold > 0 && o.threshold < 1)) throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `wake threshold ${o.threshold} is outside (0, 1)`);
    if (!(Number.isInteger(o.triggerLevel) && o.triggerLevel >= 1 && o.triggerLevel <= 10)) throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `wake triggerLevel ${o.triggerLevel} is outside 1..10`);
    if (!(o.refractoryMs >= 0 && o.refractoryMs <= 60000)) throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `wake refractoryMs ${o.refractoryMs} is outside 0..60000`);
    if (!(o.gateDb >= 0 && o.gateDb <= 40)) throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `wake gateDb ${o.gateDb} is outside 0..40`);
    this.queues = lanes.map((lane) => new BatchQueue((jobs) => this.runBatch(lane, jobs), (err, jobs) => {
      for (const j of jobs) j.stream.fail(err);
    }, o.maxBatch));
  }

  /** Loads the three models (shared sessions) and computes openWakeWord's initial feature buffer. */
  static async load(files: OpenWakeWordFiles, options: OpenWakeWordOptions = {}): Promise<OpenWakeWordModel> {
    const [mels, embs, wakes] = await Promise.all([sharedSessions(files.melspectrogram), sharedSessions(files.embedding), sharedSessions(files.wake)]);
    const lanes = mels.map((mel, i) => ({ mel, emb: embs[i] as ModelSession, wake: wakes[i] as ModelSession }));
    const { mel, emb, wake } = lanes[0] as OwwLane;
    const shape = wake.inputMetadata[0];
    const dims = shape && shape.isTensor ? shape.shape : [];
    if (dims[1] !== WAKE_FEATURES || dims[2] !== EMB_DIM) throw new AudioError('JARVIS_AUDIO_MODEL_LOAD', `${files.wake} takes [${dims.join(', ')}], not [1, ${WAKE_FEATURES}, ${EMB_DIM}] embeddings: not an openWakeWord model`);
    // openWakeWord seeds its feature buffer with embeddings of 4 s of random int16 noise in ±1000; a fixed
    // seed here keeps every run the same.
    let seed = 0x9e3779b9;
    const noise = Float32Array.from({ length: 4 * 16000 }, () => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      return (seed % 2000) - 1000;
    });
    const frames = (await melFrames(mel, [noise]))[0] as Float32Array;
    const n = frames.length / MEL_BINS;
    const windows: Float32Array[] = [];
    for (let i = 0; i + EMB_WINDOW <= n; i += 8) windows.push(frames.subarray(i * MEL_BINS, (i + EMB_WINDOW) * MEL_BINS));
    const embeddings = await embed(emb, windows);
    const initial = embeddings.subarray(embeddings.length - WAKE_FEATURES * EMB_DIM);
    return new OpenWakeWordModel(lanes, Float32Array.from(initial), options, files);
  }

  /** A detector for one device's 16 kHz stream. */
  createStream(onDetection: (d: OpenWakeWordDetection) => void, onScore?: (s: WakeScore) => void): OpenWakeWordStream {
    return new OpenWakeWordStream(this, laneOf(this.streamsCreated++, this.lanes.length), onDetection, onScore);
  }

  /** Resolves once every step queued so far has been scored. */
  async idle(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.idle()));
  }

  /** Steps queued or running. */
  get backlog(): number {
    return this.queues.reduce((n, q) => n + q.pending, 0);
  }

  /** Batching statistics (all lanes). */
  get batchStats(): { batches: number; items: number; maxBatch: number } {
    return batchStats(this.queues);
  }

  /** @internal */
  enqueue(job: StepJob): void {
    (this.queues[job.stream.lane] as BatchQueue<StepJob>).push(job);
  }

  private async runBatch(lane: OwwLane, jobs: StepJob[]): Promise<void> {
    // Mel frames one input at a time: the mel model floors its output at the maximum of the WHOLE input
    // tensor minus 80 dB, so rows batched together change each other (a loud device flattens a quiet
    // one's spectrum). They still go to the inference thread in one trip. The embedding model has no such
    // coupling and runs as one batch.
    const mels = await melFrames(lane.mel, jobs.flatMap((j) => j.inputs));
    const windows: Float32Array[] = [];
    let m = 0;
    for (const job of jobs) {
      for (let i = 0; i < job.inputs.length; i++) job.stream.addMel(mels[m++] as Float32Array);
      // Taken right after this job's frames are in, so two jobs of one device in a batch stay ordered.
      windows.push(...job.stream.windows(job.embeddings));
    }
    const embeddings = windows.length > 0 ? await embed(lane.emb, windows) : new Float32Array(0);
    let k = 0;
    const feeds = [];
    const scoredJobs: StepJob[] = [];
    const wakeInput = lane.wake.inputNames[0] as string;
    for (const job of jobs) {
      if (job.inputs.length === 0) continue;
      let features: Float32Array | undefined;
      for (let e = 0; e < job.embeddings; e++, k++) features = job.stream.addEmbedding(embeddings.subarray(k * EMB_DIM, (k + 1) * EMB_DIM));
      job.features = features;
      feeds.push({ [wakeInput]: { type: 'float32' as const, data: features as Float32Array, dims: [1, WAKE_FEATURES, EMB_DIM] } });
      scoredJobs.push(job);
    }
    // The wake model takes a batch of one: its runs go in one trip too.
    const outs = feeds.length > 0 ? await lane.wake.runMany(feeds) : [];
    const wakeOutput = lane.wake.outputNames[0] as string;
    const scores = new Map(scoredJobs.map((job, i) => [job, (outs[i]?.[wakeOutput]?.data as Float32Array)[0] as number]));
    for (const job of jobs) {
      const score = scores.get(job);
      if (score === undefined) job.stream.skipped(job.at);
      else job.stream.scored(score, job);
    }
  }
}

/** Mel frames (x/10 + 2) of each input, `frames × 32` values each; one run per input (see runBatch). */
async function melFrames(mel: ModelSession, inputs: readonly Float32Array[]): Promise<Float32Array[]> {
  if (inputs.length === 0) return [];
  const name = mel.inputNames[0] as string;
  const outs = await mel.runMany(inputs.map((x) => ({ [name]: { type: 'float32' as const, data: x, dims: [1, x.length] } })));
  const outName = mel.outputNames[0] as string;
  return outs.map((o) => Float32Array.from(o[outName]?.data as Float32Array, (v) => v / 10 + 2));
}

/** Embeddings (96 values each, concatenated) of 76×32 mel windows, in one batch. */
async function embed(emb: ModelSession, windows: readonly Float32Array[]): Promise<Float32Array> {
  const data = new Float32Array(windows.length * EMB_WINDOW * MEL_BINS);
  windows.forEach((w, i) => data.set(w, i * EMB_WINDOW * MEL_BINS));
  const out = await emb.run({ [emb.inputNames[0] as string]: { type: 'float32', data, dims: [windows.length, EMB_WINDOW, MEL_BINS, 1] } });
  return out[emb.outputNames[0] as string]?.data as Float32Array;
}

/**
 * One device's openWakeWord state: raw audio ring, the 76-frame mel window, the 16 embeddings, the trigger
 * count and the refractory time. Feed it 16 kHz audio with `push`; detections arrive on the callback once
 * the shared model has scored the step (a few ms later, batched with other devices).
 */
export class OpenWakeWordStream {
  private readonly ring = new Float32Array(RING);
  private written = 0;
  private stepFill = 0;
  /** The last MEL_HISTORY mel frames; openWakeWord's buffer starts as ones. */
  private readonly mel = new Float32Array(MEL_HISTORY * MEL_BINS).fill(1);
  private readonly features: Float32Array;
  private predictions = 0;
  private over = 0;
  private runPeak = 0;
  private runHeadPeak = 0;
  private lastFire = -Infinity;
  private frameSum = 0;
  private frameFill = 0;
  private floorDb = Infinity;
  private readonly floor = new NoiseFloor();
  private stepSum = 0;
  /** The pre-gate's floor: 80 ms step energies (dBFS) of the last 3.2 s, 20th percentile. */
  private readonly stepFloor = new NoiseFloor(GATE_FLOOR_STEPS, Math.floor(0.2 * (GATE_FLOOR_STEPS - 1)));
  private lastActiveTs = -Infinity;
  private gatedSteps = 0;
  private failed: unknown;
  /** Recent 10 ms energies (dBFS) and their times, for the phrase-end estimate. */
  private readonly recentDb: Array<{ ts: number; db: number }> = [];

  constructor(private readonly model: OpenWakeWordModel, /** @internal The inference lane (thread) this stream's steps run on. */ readonly lane: number, private readonly onDetection: (d: OpenWakeWordDetection) => void, private readonly onScore?: (s: WakeScore) => void) {
    this.features = Float32Array.from(model.initialFeatures);
  }

  /** The error of the last failed batch, if any (the stream keeps going). */
  get error(): unknown {
    return this.failed;
  }

  /**
   * Feeds 16 kHz mono floats in [-1, 1] whose first sample was captured at `ts` (hub ms). The audio should
   * be the raw signal: the model was trained on noisy audio, not denoised.
   */
  push(samples: Float32Array, ts: number): void {
    for (let i = 0; i < samples.length; i++) {
      // openWakeWord takes int16 PCM cast to float, without normalising.
      const v = Math.max(-32768, Math.min(32767, Math.round((samples[i] as number) * 32768)));
      this.ring[this.written % RING] = v;
      this.written++;
      this.stepFill++;
      this.frameSum += v * v;
      this.stepSum += v * v;
      if (++this.frameFill === 160) this.endFrame(ts + (i + 1) / 16);
      if (this.stepFill === OWW_STEP) {
        this.stepFill = 0;
        this.endStep(ts + (i + 1) / 16);
      }
    }
  }

  private endFrame(endTs: number): void {
    const db = 10 * Math.log10(this.frameSum / 160 / (32768 * 32768) + 1e-12);
    this.frameSum = 0;
    this.frameFill = 0;
    this.recentDb.push({ ts: endTs - 10, db });
    while (this.recentDb.length > HISTORY_FRAMES) this.recentDb.shift();
    // Noise floor: the 5th quietest frame of the last second (as the energy VAD tracks it).
    this.floorDb = this.floor.push(db);
  }

  private endStep(at: number): void {
    const o = this.model.options;
    const stepDb = 10 * Math.log10(this.stepSum / OWW_STEP / (32768 * 32768) + 1e-12);
    this.stepSum = 0;
    if (o.gateDb > 0) {
      const loud = stepDb > this.stepFloor.value + o.gateDb && stepDb > -75;
      this.stepFloor.push(stepDb);
      if (loud) this.lastActiveTs = at;
      if (at - this.lastActiveTs > o.gateHoldMs) {
        this.gatedSteps++;
        this.model.counts.gated++;
        // Queued like a scored step (without inputs), so scores and detections stay in time order.
        this.model.enqueue({ stream: this, inputs: [], embeddings: 0, at, history: [], floorDb: this.floorDb });
        return;
      }
    }
    // The steps to add: the gated ones the history still needs (rebuilt from the raw ring), then this one.
    const steps = Math.min(this.gatedSteps, CATCH_UP_STEPS - 1, Math.floor(this.written / OWW_STEP) - 1) + 1;
    const inputs: Float32Array[] = [];
    for (let k = steps - 1; k >= 0; k--) inputs.push(this.stepInput(this.written - k * OWW_STEP));
    this.gatedSteps = 0;
    this.model.counts.ran++;
    this.model.enqueue({ stream: this, inputs, embeddings: Math.min(steps, WAKE_FEATURES), at, history: this.recentDb.slice(), floorDb: this.floorDb });
  }

  /**
   * The mel model's input for the step ending at sample `end`: its 1280 samples and 480 before them. At the
   * very start there is less: openWakeWord then takes what there is (the first step gives 5 frames, not 8).
   */
  private stepInput(end: number): Float32Array {
    const len = Math.min(end, OWW_STEP + MEL_CONTEXT);
    const input = new Float32Array(len);
    for (let k = 0; k < len; k++) input[k] = this.ring[(end - len + k) % RING] as number;
    return input;
  }

  /** @internal Appends one step's mel frames to the history. */
  addMel(frames: Float32Array): void {
    const h = this.mel;
    const n = Math.min(frames.length, h.length);
    h.copyWithin(0, n);
    h.set(frames.subarray(frames.length - n), h.length - n);
  }

  /** @internal The 76-frame windows ending at each of the last `count` steps (8 frames apart), oldest first. */
  windows(count: number): Float32Array[] {
    const h = this.mel;
    const out: Float32Array[] = [];
    for (let k = count - 1; k >= 0; k--) {
      const end = h.length - k * STEP_FRAMES * MEL_BINS;
      out.push(h.slice(end - EMB_WINDOW * MEL_BINS, end));
    }
    return out;
  }

  /** @internal Appends one embedding; returns the last 16. */
  addEmbedding(e: Float32Array): Float32Array {
    this.features.copyWithin(0, EMB_DIM);
    this.features.set(e, this.features.length - EMB_DIM);
    return Float32Array.from(this.features);
  }

  /** @internal The pre-gate skipped a step: a prediction of 0, as openWakeWord predicts on every step. */
  skipped(at: number): void {
    this.predictions++;
    this.over = 0;
    this.runPeak = 0;
    this.runHeadPeak = 0;
    this.onScore?.({ score: 0, at, ran: false });
  }

  /** @internal A step's score arrived. */
  scored(raw: number, job: StepJob): void {
    const o = this.model.options;
    const score = this.predictions < SKIP_PREDICTIONS ? 0 : raw;
    this.predictions++;
    // The verifier sees only steps the wake model passed, and decides within the step (no added delay).
    // A trained head (verifier version 2) is asked from a lower wake score (its askAt) and then decides alone.
    const verifier = this.model.verifier;
    const askAt = this.model.askAt;
    const asked = verifier !== undefined && score >= askAt && score > 0 && job.features !== undefined;
    const verifierScore = asked ? verifier.score(job.features!, score) : undefined;
    const vetoed = verifierScore !== undefined && verifierScore < this.model.verifierThreshold;
    if (vetoed && score >= o.threshold) this.model.counts.vetoed++;
    this.onScore?.({ score, at: job.at, ran: true, ...(job.features ? { features: job.features } : {}), ...(verifierScore !== undefined ? { verifierScore } : {}) });
    const passes = verifier ? asked && !vetoed : score >= o.threshold;
    if (passes) {
      this.over++;
      this.runPeak = Math.max(this.runPeak, score);
      this.runHeadPeak = Math.max(this.runHeadPeak, verifierScore ?? 0);
    } else {
      this.over = 0;
      this.runPeak = 0;
      this.runHeadPeak = 0;
    }
    if (this.over >= this.model.triggerLevel && job.at - this.lastFire >= o.refractoryMs) {
      this.lastFire = job.at;
      const headDecides = verifier?.askAt !== undefined;
      const detection: OpenWakeWordDetection = { score: headDecides ? this.runHeadPeak : this.runPeak, modelScore: this.runPeak, at: job.at, endTs: phraseEnd(job), ...(verifierScore !== undefined ? { verifierScore } : {}) };
      this.over = 0;
      this.runPeak = 0;
      this.runHeadPeak = 0;
      this.onDetection(detection);
    }
  }

  /** @internal A batch with this stream's step failed. */
  fail(err: unknown): void {
    this.failed = err;
  }
}

/** Quiet frames in a row that make the pause after the wake phrase (shorter gaps are inside the phrase). */
const PAUSE_FRAMES = 5;

/**
 * Where the wake phrase ended: the start of the last pause (PAUSE_FRAMES quiet 10 ms frames in a row, or
 * a quiet run reaching the detection) within the 600 ms before the detection, after loud speech. The model
 * fires 100–200 ms after the phrase, often after the command has begun, so the detection time alone would
 * cut into the command's first word. Without a clear pause (the words run together, or deep noise) the
 * detection time is the best there is.
 */
function phraseEnd(job: StepJob): number {
  const frames = job.history.filter((f) => f.ts < job.at && f.ts >= job.at - 600);
  if (frames.length === 0) return job.at;
  const peak = Math.max(...frames.map((f) => f.db));
  const quiet = (db: number): boolean => db < Math.max(job.floorDb + 6, peak - 30);
  let best: number | undefined;
  let runStart = -1;
  let loudBefore = false;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i] as { ts: number; db: number };
    if (quiet(f.db)) {
      if (runStart < 0) runStart = i;
      const len = i - runStart + 1;
      const reachesEnd = i === frames.length - 1;
      if (loudBefore && (len === PAUSE_FRAMES || (reachesEnd && len >= 3))) best = (frames[runStart] as { ts: number }).ts;
    } else {
      runStart = -1;
      if (f.db > peak - 20) loudBefore = true;
    }
  }
  return best ?? job.at;
}
