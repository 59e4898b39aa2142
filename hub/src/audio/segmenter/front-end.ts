import { FrameFlag, type PayloadOf } from '@jarvis/protocol';
import { InternalError, silentLogger, type Component, type Logger, type VoiceEventSink } from '../../core/index.js';
import type { DeviceAudioChunk, MuteTransition } from '../types.js';
import { buildDefaultChain, DspChain, loadDsp, type VadKind } from '../dsp/chain.js';
import type { DspFrame } from '../dsp/frame.js';
import { loadRnnoise, RNNOISE_RATE, RnnoiseStage } from '../dsp/rnnoise-stage.js';
import { lastWindowOfFrame, SILERO_WINDOW, SileroVadModel, type SileroVadOptions, type SileroVadStream } from '../dsp/silero-vad.js';
import { EnergyVadStage } from '../dsp/vad-stage.js';
import { pulledSileroFile, pulledWakeFiles } from '../trained-models.js';
import { WakeArbiter } from '../wake/arbiter.js';
import { DtwWakeDetector, type WakeTemplate } from '../wake/dtw-wake.js';
import { DEFAULT_ENROLL_VOICES, DEFAULT_WAKE_PHRASE, enrollWithEspeak } from '../wake/enroll.js';
import { OpenWakeWordModel, OWW_STEP, type OpenWakeWordFiles, type OpenWakeWordOptions, type OpenWakeWordStream } from '../wake/openwakeword.js';
import { loadWakeVerifier, TRAIN_VERIFIER_COMMAND, verifierBeside } from '../wake/verifier.js';
import { ResampleStage } from '../dsp/resample-stage.js';
import { DenoiseWorker } from '../dsp/denoise.js';
import { chainDelayMs, resampleDelayMs } from './pipeline-delay.js';
import { Segmenter, type SegmenterOptions } from './segmenter.js';
import type { CommandPause, Utterance } from './utterance.js';

/** Which VAD: one of the chain's (default hybrid), Silero VAD v5, or `auto` (Silero when its model is there, else hybrid). */
export type FrontEndVad = VadKind | 'silero' | 'auto';
/** Which wake engine: `auto` takes openWakeWord when its "hey jarvis" model is there, else enrolled templates. */
export type WakeEngineChoice = 'auto' | 'openwakeword' | 'enrolled';

/** Options of the audio front end. */
export interface AudioFrontEndOptions {
  segmenter?: SegmenterOptions;
  vad?: FrontEndVad;
  /**
   * Silero VAD: model file (default: pulled `silero-vad` in `modelsDir`), thresholds, and `marginDb`, an
   * energy floor a frame must also clear (dB over the noise floor; 0 = Silero alone).
   */
  silero?: SileroVadOptions & { path?: string; marginDb?: number };
  /** Hub-side wake phrase; `enabled: false` leaves only PTT, buttons and device wake. */
  wake?: {
    enabled?: boolean;
    phrase?: string;
    voices?: readonly string[];
    /** DTW detection cost (enrolled templates). */
    threshold?: number;
    templates?: readonly WakeTemplate[];
    engine?: WakeEngineChoice;
    /** openWakeWord: model files (default: pulled `hey-jarvis` in `modelsDir`), threshold, trigger level, refractory time. */
    openWakeWord?: OpenWakeWordOptions & { files?: OpenWakeWordFiles };
    /**
     * openWakeWord's second-stage verifier: true (default, {@link DEFAULT_WAKE_VERIFIER}) the one trained for the
     * wake model, beside its file (`npm run wake:verifier` makes it; off, and the status says so, while there is
     * none), a path for another file, false off. A file that cannot be read or is not a verifier
     * stops the start with JARVIS_WAKE_BAD_VERIFIER (a configured check is never silently dropped).
     */
    verifier?: boolean | string;
  };
  /** Where `jarvis models pull` put the trained models (`$JARVIS_DATA_DIR/models`). */
  modelsDir?: string;
  /**
   * Energy pre-gate of the trained models, dB over each device's noise floor (0 = off): stretches with no
   * frame this far over the floor skip Silero and openWakeWord (default 6).
   */
  preGateDb?: number;
  arbitrationWindowMs?: number;
  logger?: Logger;
}

/** Where the front end delivers its output. */
export interface AudioFrontEndSinks {
  /** Takes ownership of `utterance.run` (must end it). Without it, runs end as `done` at once. */
  onUtterance?: (utterance: Utterance) => void;
  onEvent?: VoiceEventSink;
  /** A command paused: the taker may end it early if it already is a complete command. */
  onCommandPause?: (pause: CommandPause) => void;
}

/**
 * openWakeWord's second-stage verifier is used whenever one is trained, unless configured off: chosen by numbers
 * (bench wake.oww_hit and wake.oww_fa, verifier on vs off; see hub/src/audio/wake/README.md).
 */
export const DEFAULT_WAKE_VERIFIER = true;

/** Which wake engine and VAD run, and why (the hub logs it at start and the status endpoint shows it). */
export interface FrontEndStatus {
  wake: {
    engine: 'openwakeword' | 'enrolled' | 'off';
    reason: string;
    /** openWakeWord's second-stage verifier: on or off, its file and threshold (with openWakeWord only). */
    verifier?: { on: boolean; file?: string; threshold?: number; kind?: string; askAt?: number };
  };
  vad: { engine: 'silero' | VadKind; reason: string };
}

/** The Silero lane of one device: frames wait here until the VAD has labelled the windows they overlap. */
interface SileroLane {
  vad: SileroVadStream;
  energy: EnergyVadStage | undefined;
  pending: Array<{ frame: DspFrame; loud: boolean; owwEnd: number }>;
  /** Stream frame number of `pending[0]`. */
  nextFrame: number;
  /** Decisions of the windows not yet passed, by window number. */
  windows: Map<number, boolean>;
  /** Windows decided so far (they are decided in order). */
  doneWindows: number;
}

interface DeviceState {
  streamId: number;
  sampleRate: number;
  anchorWall: number;
  anchorSample: number;
  chain: DspChain;
  /** How far the chain's output lags its frame time stamps, ms (subtracted so times match the audio). */
  delayMs: number;
  segmenter: Segmenter;
  wake: DtwWakeDetector | undefined;
  /** openWakeWord's stream of this device (fed the raw 16 kHz audio). */
  oww: OpenWakeWordStream | undefined;
  /** With openWakeWord: the frames it has not yet scored, which the segmenter must not see yet (see {@link WakeHold}). */
  hold: WakeHold | undefined;
  /** With Silero: the lane, and the denoising chain the DTW detector reads (it was tuned on denoised audio). */
  silero: SileroLane | undefined;
  dtwChain: DspChain | undefined;
  /** Input level as the dashboard's meter shows it: peak dBFS falling 0.5 dB per frame, and the last voiced frame's time. */
  level: { db: number; speechAt: number; at: number };
}

/**
 * The frames of one device that openWakeWord has not scored yet. The detector runs on inference threads, in
 * batches, and decides later than the segmenter would see the same audio: on an idle machine a few ms, on a
 * busy one seconds (its queue falls behind). A detection is a trigger the segmenter takes on its next frame,
 * so a segmenter running ahead had already closed "hey jarvis, turn on the lights" as passive speech, or had
 * seen the stream's last frame, when the wake arrived: the command was lost, or opened on the silence after it.
 * So a frame reaches the segmenter only once every 80 ms step it ends in is scored, and a detection always
 * lands on the frame right after its step, however far behind the detector is: what the segmenter decides no
 * longer depends on how fast the models run.
 */
interface WakeHold {
  /** Waiting frames in stream order, each with the openWakeWord sample count that must be scored before it goes. */
  frames: Array<{ frame: DspFrame; need: number }>;
  /** Samples pushed to openWakeWord so far. */
  pushed: number;
  /** Samples of the steps openWakeWord has scored so far (whole 80 ms steps). */
  scored: number;
}

/** How long after the VAD's last voiced frame a device still shows as speaking, ms. */
const SPEECH_HOLD_MS = 300;
/** How old a press may be and still start the command of the device's next stream (a press, then the stream). */
const CARRIED_TRIGGER_MAX_MS = 3000;

/**
 * The hub's audio front end (issues 4 and 16): per device, VAD + hub wake phrase → segmenter, plus wake
 * arbitration across devices. Feed it `DeviceAudioChunk`s and `MuteTransition`s from the device plane
 * and MQTT button/wake events; it emits utterances and voice run events.
 *
 * Two lanes. With Silero VAD (its model pulled) a device's audio stays raw: resampled to 16 kHz, an energy
 * pre-gate, Silero and openWakeWord in batches across all devices, and the denoiser runs only on passive
 * utterances on their way to the observer (command recognition reads the raw signal anyway). Without it,
 * the hybrid chain as before: resample → RNNoise → resample → hybrid VAD on every frame.
 */
export class AudioFrontEnd implements Component {
  readonly name = 'audio-front-end';
  private readonly devices = new Map<string, DeviceState>();
  private readonly arbiter: WakeArbiter;
  private readonly log: Logger;
  private templates: readonly WakeTemplate[] = [];
  private rnnoise: Awaited<ReturnType<typeof loadRnnoise>> | undefined;
  private silero: SileroVadModel | undefined;
  private oww: OpenWakeWordModel | undefined;
  private state: FrontEndStatus = { wake: { engine: 'off', reason: 'not started' }, vad: { engine: 'hybrid', reason: 'not started' } };
  private started = false;
  /** Passive utterances are denoised on a thread of their own (started on first use), never on the event loop. */
  private denoiser: DenoiseWorker | undefined;
  private readonly denoising = new Set<Promise<void>>();

  constructor(private readonly options: AudioFrontEndOptions = {}, private readonly sinks: AudioFrontEndSinks = {}) {
    this.arbiter = new WakeArbiter({ windowMs: options.arbitrationWindowMs ?? 150 });
    this.log = options.logger ?? silentLogger();
  }

  async start(): Promise<void> {
    if (this.started) return;
    await loadDsp();
    this.rnnoise = await loadRnnoise();
    await this.startVad();
    await this.startWake();
    this.log.info({ wake: this.state.wake, vad: this.state.vad }, `wake engine: ${this.state.wake.engine} (${this.state.wake.reason}); VAD: ${this.state.vad.engine} (${this.state.vad.reason})`);
    this.started = true;
  }

  /** Which wake engine and VAD are active, and why. */
  status(): FrontEndStatus {
    return { wake: { ...this.state.wake }, vad: { ...this.state.vad } };
  }

  /** Work waiting: wake steps and VAD windows queued or running, passive utterances being denoised (benchmark, dashboard). */
  backlog(): { wakeSteps: number; vadWindows: number; denoise: number } {
    return { wakeSteps: this.oww?.backlog ?? 0, vadWindows: this.silero?.backlog ?? 0, denoise: this.denoising.size };
  }

  /** Resolves when every queued wake step and VAD window has been scored and every passive utterance denoised (tests, benchmarks). */
  async idle(): Promise<void> {
    for (;;) {
      await Promise.all([this.oww?.idle(), this.silero?.idle(), ...this.denoising]);
      // A failed wake batch scores nothing: what its device holds goes on now (releaseHeld sees the error).
      for (const d of this.devices.values()) if (d.hold && d.oww?.error !== undefined) this.releaseHeld(d);
      // Frames released by the last scores may have ended a passive utterance, now being denoised.
      if (this.backlogSize() === 0) return;
    }
  }

  private backlogSize(): number {
    const b = this.backlog();
    return b.wakeSteps + b.vadWindows + b.denoise;
  }

  private async startVad(): Promise<void> {
    const choice = this.options.vad ?? 'hybrid';
    if (choice !== 'silero' && choice !== 'auto') {
      this.state.vad = { engine: choice, reason: 'configured' };
      return;
    }
    const opts = this.options.silero ?? {};
    const path = opts.path ?? (this.options.modelsDir ? pulledSileroFile(this.options.modelsDir) : undefined);
    if (!path) {
      const where = this.options.modelsDir ?? 'the models directory';
      this.state.vad = { engine: 'hybrid', reason: `Silero VAD model silero-vad is not in ${where}; run \`jarvis models pull silero-vad\`` };
      return;
    }
    try {
      const { path: _path, marginDb: _margin, ...modelOpts } = opts;
      this.silero = await SileroVadModel.load(path, { gateDb: this.options.preGateDb ?? 6, ...modelOpts });
      this.state.vad = { engine: 'silero', reason: `Silero VAD v5 (MIT) from ${path}` };
    } catch (err) {
      this.log.warn({ err }, 'Silero VAD could not be loaded; the hybrid VAD runs instead');
      this.state.vad = { engine: 'hybrid', reason: `Silero VAD could not be loaded: ${(err as Error).message}` };
    }
  }

  private async startWake(): Promise<void> {
    const wake = this.options.wake ?? {};
    if (wake.enabled === false) {
      this.state.wake = { engine: 'off', reason: 'the hub-side wake phrase is turned off (audio.wake: false)' };
      return;
    }
    const phrase = (wake.phrase ?? DEFAULT_WAKE_PHRASE).trim().toLowerCase();
    const choice = wake.engine ?? 'auto';
    let why = '';
    if (choice !== 'enrolled') {
      const files = wake.openWakeWord?.files ?? (this.options.modelsDir ? pulledWakeFiles(this.options.modelsDir) : undefined);
      if (phrase !== DEFAULT_WAKE_PHRASE) {
        why = `openWakeWord's model is trained on "${DEFAULT_WAKE_PHRASE}", the wake phrase is "${phrase}"`;
      } else if (!files) {
        why = `openWakeWord model hey-jarvis is not in ${this.options.modelsDir ?? 'the models directory'}; run \`jarvis models pull hey-jarvis\` (CC BY-NC-SA 4.0: non-commercial use only)`;
      } else {
        const { files: _files, ...owwOpts } = wake.openWakeWord ?? {};
        // Outside the try: a bad verifier file is a configuration error to fix, not a reason to fall back.
        const verifierChoice = wake.verifier ?? DEFAULT_WAKE_VERIFIER;
        // `true`: the verifier trained for this wake model, beside it, when there is one (none is shipped: model data).
        const beside = verifierChoice === true && !owwOpts.verifier ? verifierBeside(files.wake) : undefined;
        const verifierFile = owwOpts.verifier ? owwOpts.verifier.source : verifierChoice === false ? undefined : beside ? (beside.present ? beside.file : undefined) : (verifierChoice as string);
        const verifier = owwOpts.verifier ?? (verifierFile ? loadWakeVerifier(verifierFile) : undefined);
        try {
          this.oww = await OpenWakeWordModel.load(files, { gateDb: this.options.preGateDb ?? 6, ...owwOpts, ...(verifier ? { verifier } : {}) });
          const v = this.oww.verifier;
          const verifierState = v ? { on: true, ...(verifierFile ? { file: verifierFile } : {}), threshold: this.oww.verifierThreshold, kind: v.kind, askAt: this.oww.askAt } : { on: false };
          // A trained head (verifier version 2) is asked below the model's own threshold and decides the wake itself.
          const verifierWhy = v
            ? `, second-stage verifier on (threshold ${this.oww.verifierThreshold}; ${v.kind}, asked at wake score ≥ ${this.oww.askAt}${v.askAt !== undefined ? ', then it alone decides' : ''})`
            : beside && !beside.present
              ? `, second-stage verifier off (none trained: ${TRAIN_VERIFIER_COMMAND} writes ${beside.file})`
              : ', second-stage verifier off (audio.wakeVerifier: false)';
          this.state.wake = { engine: 'openwakeword', reason: `openWakeWord "hey jarvis" (model CC BY-NC-SA 4.0) from ${files.wake}${verifierWhy}`, verifier: verifierState };
          return;
        } catch (err) {
          this.log.warn({ err }, 'openWakeWord could not be loaded; enrolled templates run instead');
          why = `openWakeWord could not be loaded: ${(err as Error).message}`;
        }
      }
      if (choice === 'openwakeword') this.log.warn({ reason: why }, 'openWakeWord was asked for but is off');
    } else {
      why = 'configured';
    }
    if (wake.templates) {
      this.templates = wake.templates;
    } else {
      try {
        this.templates = await enrollWithEspeak(phrase, wake.voices ?? DEFAULT_ENROLL_VOICES);
      } catch (err) {
        // The hub still runs on PTT, buttons and device wake; say plainly what is off and why.
        this.log.warn({ err }, 'hub-side wake phrase is off: could not make templates (apt install espeak-ng)');
        this.state.wake = { engine: 'off', reason: `${why}; enrolled templates could not be made: ${(err as Error).message}` };
        return;
      }
    }
    this.state.wake = { engine: 'enrolled', reason: `${this.templates.length} enrolled templates (MFCC + DTW)${why && why !== 'configured' ? `: ${why}` : ''}` };
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    const now = Date.now();
    for (const d of this.devices.values()) this.close(d, now);
    this.devices.clear();
    await this.idle();
    await this.denoiser?.close();
    this.denoiser = undefined;
    this.started = false;
  }

  /** Audio from one device (after the mute gate). */
  pushChunk(chunk: DeviceAudioChunk): void {
    const d = this.device(chunk);
    const ts = d.anchorWall + ((chunk.timestamp - d.anchorSample) * 1000) / chunk.sampleRate;
    for (const out of d.chain.push(chunk.samples, ts, chunk.flags)) {
      const frame = { ...out, ts: out.ts - d.delayMs };
      const lane = d.silero;
      if (lane) {
        // Raw lane: what the recognisers hear is the frame itself.
        frame.raw16k = frame.samples;
        const owwEnd = this.wakePush(d, frame.samples, frame.ts);
        if (d.wake && d.dtwChain) this.dtw(d, chunk.deviceId, { ...d.dtwChain.processFrame(frame), ts: frame.ts });
        lane.pending.push({ frame, loud: lane.energy ? lane.energy.process(frame).speech === true : true, owwEnd });
        lane.vad.push(frame.samples);
        this.release(d);
        continue;
      }
      const owwEnd = this.wakePush(d, frame.raw16k ?? frame.samples, frame.ts);
      if (d.wake) this.dtw(d, chunk.deviceId, frame);
      this.toSegmenter(d, frame, owwEnd);
    }
  }

  /** Feeds openWakeWord (when on); returns the count of samples it must have scored to cover this frame. */
  private wakePush(d: DeviceState, samples: Float32Array, ts: number): number {
    if (!d.oww || !d.hold) return 0;
    d.oww.push(samples, ts);
    d.hold.pushed += samples.length;
    return d.hold.pushed;
  }

  /** A VAD-labelled frame goes to the segmenter, after openWakeWord has scored it (see {@link WakeHold}). */
  private toSegmenter(d: DeviceState, frame: DspFrame, owwEnd: number): void {
    const hold = d.hold;
    if (!hold) return this.deliver(d, frame);
    let need = owwEnd;
    if (frame.flags & FrameFlag.END) {
      // The stream's last frame: its final part-step is never scored, so everything waits only for the steps queued.
      const queued = Math.floor(hold.pushed / OWW_STEP) * OWW_STEP;
      for (const h of hold.frames) h.need = Math.min(h.need, queued);
      need = Math.min(need, queued);
    }
    hold.frames.push({ frame, need });
    this.releaseHeld(d);
  }

  /**
   * Passes on, in order, the held frames openWakeWord has scored. While a command is open a wake changes nothing
   * (the segmenter ignores it), so frames go on at once and the end of a command is not held up; a stream whose
   * detector failed no longer holds anything (its scores will not all come). `all`: everything, scored or not.
   */
  private releaseHeld(d: DeviceState, all = false): void {
    const hold = d.hold as WakeHold;
    const broken = all || d.oww?.error !== undefined;
    while (hold.frames.length > 0) {
      const head = hold.frames[0] as { frame: DspFrame; need: number };
      if (!broken && head.need > hold.scored && d.segmenter.openKind !== 'command') return;
      hold.frames.shift();
      this.deliver(d, head.frame);
    }
  }

  /** Each device's current input level (dBFS) and whether the hub's VAD hears speech, for the dashboard. */
  levels(): Map<string, { dbfs: number; speech: boolean; at: number }> {
    const out = new Map<string, { dbfs: number; speech: boolean; at: number }>();
    for (const [id, d] of this.devices) out.set(id, { dbfs: d.level.db, speech: d.level.at - d.level.speechAt <= SPEECH_HOLD_MS, at: d.level.at });
    return out;
  }

  private dtw(d: DeviceState, deviceId: string, frame: DspFrame): void {
    const hit = d.wake?.push(frame.samples, frame.ts);
    if (hit) {
      this.log.debug({ deviceId, score: hit.score, template: hit.template }, 'wake phrase');
      d.segmenter.trigger('hub-wake', hit.at, hit.score);
    }
  }

  /** Hands a VAD-labelled frame to the segmenter. */
  private deliver(d: DeviceState, frame: DspFrame): void {
    d.segmenter.push(frame);
    d.level.db = Math.max(frame.rawDb, d.level.db - 0.5);
    d.level.at = frame.ts;
    if (frame.speech) d.level.speechAt = frame.ts;
  }

  /** Passes on, in order, every waiting frame whose Silero windows are all decided. */
  private release(d: DeviceState): void {
    const lane = d.silero as SileroLane;
    while (lane.pending.length > 0) {
      const k = lane.nextFrame;
      const last = lastWindowOfFrame(k);
      if (last >= lane.doneWindows) return;
      const first = Math.floor((k * 160) / SILERO_WINDOW);
      let speech = false;
      for (let w = first; w <= last; w++) speech ||= lane.windows.get(w) === true;
      for (let w = first; w < last; w++) lane.windows.delete(w);
      const { frame, loud, owwEnd } = lane.pending.shift() as { frame: DspFrame; loud: boolean; owwEnd: number };
      lane.nextFrame++;
      this.toSegmenter(d, { ...frame, speech: speech && loud }, owwEnd);
    }
  }

  /** A mute transition: muting discards the device's open utterance and any audio still waiting for the VAD. */
  onMute(transition: MuteTransition): void {
    if (!transition.muted) return;
    const d = this.devices.get(transition.deviceId);
    if (!d) return;
    if (d.silero) {
      d.silero.nextFrame += d.silero.pending.length;
      d.silero.pending.length = 0;
    }
    if (d.hold) d.hold.frames.length = 0;
    d.segmenter.mute(transition.at);
    d.chain.resetPending();
  }

  /** An MQTT `event/button`: a press or click starts a command. */
  onButton(deviceId: string, event: PayloadOf<'event/button'>, at: number): void {
    if (event.action === 'release') return;
    this.devices.get(deviceId)?.segmenter.trigger(event.button === 'ptt' ? 'ptt' : 'button', at);
  }

  /** An MQTT `event/wake` from a device's own wake engine. */
  onDeviceWake(deviceId: string, event: PayloadOf<'event/wake'>, at: number): void {
    this.devices.get(deviceId)?.segmenter.trigger('device-wake', at, event.score);
  }

  private close(d: DeviceState, at: number): void {
    d.segmenter.dispose(at);
    d.chain.close();
    d.dtwChain?.close();
  }

  /**
   * Denoises a passive utterance's audio for the observer (the Silero lane leaves frames raw) on the denoise
   * thread, then hands it on. RNNoise over a whole utterance on the event loop stalled every device's audio
   * for 100–300 ms (hub/src/audio/dsp/denoise.ts). Utterances reach the sink in the order they ended. If the
   * thread fails, the utterance goes on as it was, undenoised (logged): nothing is lost.
   */
  private denoisePassive(u: Utterance, sink: (u: Utterance) => void): void {
    const worker = (this.denoiser ??= new DenoiseWorker());
    const done: Promise<void> = worker.denoise(u.pcm16k).then(
      (pcm16k) => sink({ ...u, pcm16k }),
      (err: unknown) => {
        this.log.warn({ code: (err as { code?: string }).code, err: (err as Error).message, deviceId: u.deviceId }, 'passive utterance passed on undenoised');
        sink(u);
      },
    ).finally(() => this.denoising.delete(done));
    this.denoising.add(done);
  }

  private device(chunk: DeviceAudioChunk): DeviceState {
    let d = this.devices.get(chunk.deviceId);
    if (d && d.streamId === chunk.streamId && d.sampleRate === chunk.sampleRate) return d;
    if (!this.started || !this.rnnoise) throw new InternalError('JARVIS_INTERNAL_NOT_STARTED', 'audio front end used before start()');
    // The old stream's audio still waiting for its wake scores goes on without them: its detector is dropped with it.
    if (d?.hold) this.releaseHeld(d, true);
    // A press that came after the old stream's last frame belongs to this one (see takePendingTrigger).
    const carried = d?.segmenter.takePendingTrigger();
    if (d) this.close(d, chunk.receivedAt);
    const sink = this.sinks.onUtterance ?? ((u: Utterance) => u.run.end('done'));
    const wakeOpts = this.options.wake?.threshold === undefined ? {} : { threshold: this.options.wake.threshold };
    const rnnoise = this.rnnoise;
    let chain: DspChain;
    let onUtterance = sink;
    let lane: SileroLane | undefined;
    let dtwChain: DspChain | undefined;
    if (this.silero) {
      chain = new DspChain(chunk.sampleRate, chunk.sampleRate === 16000 ? [] : [new ResampleStage(chunk.sampleRate, 16000)]);
      const marginDb = this.options.silero?.marginDb ?? 0;
      lane = { vad: undefined as unknown as SileroVadStream, energy: marginDb > 0 ? new EnergyVadStage({ marginDb }) : undefined, pending: [], nextFrame: 0, windows: new Map(), doneWindows: 0 };
      onUtterance = (u) => (u.kind === 'passive' ? this.denoisePassive(u, sink) : sink(u));
      if (this.templates.length > 0) dtwChain = new DspChain(16000, [new ResampleStage(16000, RNNOISE_RATE), new RnnoiseStage(rnnoise), new ResampleStage(RNNOISE_RATE, 16000)]);
    } else {
      const vad = this.state.vad.engine === 'silero' ? 'hybrid' : this.state.vad.engine;
      chain = buildDefaultChain(chunk.sampleRate, rnnoise, { vad });
    }
    const delayMs = chainDelayMs(chain);
    if (!lane) {
      // The recognisers get the audio before the denoiser, lined up with what the segmenter cut.
      const rawResampler = chunk.sampleRate === 16000 ? undefined : new ResampleStage(chunk.sampleRate, 16000);
      chain.tapRaw(Math.max(0, Math.round((delayMs - resampleDelayMs(chunk.sampleRate, 16000)) * 16)), rawResampler);
    }
    const state: DeviceState = {
      streamId: chunk.streamId,
      sampleRate: chunk.sampleRate,
      anchorWall: chunk.receivedAt - (chunk.samples.length * 1000) / chunk.sampleRate,
      anchorSample: chunk.timestamp,
      chain,
      delayMs,
      segmenter: new Segmenter(chunk.deviceId, {
        onUtterance, onEvent: this.sinks.onEvent ?? (() => {}), ...(this.sinks.onCommandPause ? { onCommandPause: this.sinks.onCommandPause } : {}),
      }, this.options.segmenter, this.arbiter),
      wake: this.templates.length > 0 ? new DtwWakeDetector(this.templates, wakeOpts) : undefined,
      oww: undefined,
      hold: undefined,
      silero: lane,
      dtwChain,
      level: { db: -100, speechAt: -Infinity, at: 0 },
    };
    const id = chunk.deviceId;
    const live = (): boolean => this.devices.get(id) === state;
    if (this.oww) {
      const hold: WakeHold = { frames: [], pushed: 0, scored: 0 };
      state.hold = hold;
      state.oww = this.oww.createStream((det) => {
        if (!live()) return;
        this.log.debug({ deviceId: id, score: det.score, verifierScore: det.verifierScore, at: det.at, phraseEnd: det.endTs }, 'wake phrase (openWakeWord)');
        // Cut the command where the phrase ended; arbitrate from when it was heard.
        state.segmenter.trigger('hub-wake', det.endTs, det.score, det.at);
      }, () => {
        if (!live()) return;
        // Every step is scored (or skipped by the pre-gate) once, in order; a detection follows its step's score.
        hold.scored += OWW_STEP;
        this.releaseHeld(state);
      });
    }
    if (lane) {
      lane.vad = (this.silero as SileroVadModel).createStream((w) => {
        if (!live()) return;
        lane.windows.set(w.index, w.speech);
        lane.doneWindows = w.index + 1;
        this.release(state);
      });
    }
    if (carried && chunk.receivedAt - carried.at <= CARRIED_TRIGGER_MAX_MS) {
      // The command starts no earlier than this stream's first sample.
      state.segmenter.trigger(carried.trigger, Math.max(carried.at, state.anchorWall), carried.score, carried.heardAt);
    }
    d = state;
    this.devices.set(id, d);
    return d;
  }
}
