import type { PayloadOf } from '@jarvis/protocol';
import { AudioFrontEnd, DenoiseWorker, denoiseUtterance, loadCommandDenoiser, type AudioFrontEndOptions, type CommandDenoiser, type CommandPause, type DeviceAudioChunk, type FrontEndStatus, type MuteTransition, type Utterance } from '../audio/index.js';
import type { CommandOrigin, CommandOutcome } from './command-service.js';
import { silentLogger, withVoiceTrace, type Component, type Logger, type VoiceEventSink, type VoiceRun, type VoiceTrace } from '../core/index.js';
import type { TranscriptSegment } from '../observer/index.js';
import { COMMON_DOMAIN_PHRASES, normalizeText } from '../language/index.js';
import type { GrammarCommandStream, GrammarNames, GrammarStreamStats, RaceResult, Transcript, TranscribeOptions } from '../stt/index.js';
import { GrammarStreams, type GrammarStreamCounts } from './grammar-streams.js';
import { DEFAULT_HEARING_BARS, estimateSnrDb, hear, hearingCheck, type HearingBand, type HearingBars, type HearingCheck, type HearingVerdict } from './hearing-policy.js';

/** What the pipeline needs from the speech part (the hub's `SpeechService`). */
export interface SpeechLike extends Component {
  /** `grammarResult`: the grammar's answer for this speech, when a probe already has it. */
  command(pcm: Float32Array, options?: TranscribeOptions, grammarResult?: Promise<Transcript>): Promise<RaceResult>;
  /** The grammar alone on a command that paused; `complete` when it may end now (undefined: grammar off). */
  probe?(pcm: Float32Array, options?: TranscribeOptions): Promise<{ transcript: Transcript; complete: boolean } | undefined>;
  passive(pcm: Float32Array, options?: TranscribeOptions): Promise<Transcript>;
  /** The grammar on a command decoded while it is spoken (undefined: grammar off); see `SpeechService.commandStream`. */
  commandStream?(options?: TranscribeOptions & { stands?: (t: Transcript) => boolean }): GrammarCommandStream | undefined;
  /** What the grammar engine's streams did (decoded as spoken, whole at the end, redone, aborted). */
  readonly grammarStreams?: GrammarStreamStats | undefined;
  setNames(names: GrammarNames): Promise<void>;
  /** Why an engine is off, when it is. */
  readonly off: { whisper?: string; grammar?: string };
}

/** A device event from MQTT (button or wake). */
export type PipelineDeviceEvent =
  | { deviceId: string; topic: 'event/button'; payload: PayloadOf<'event/button'>; at: number }
  | { deviceId: string; topic: 'event/wake'; payload: PayloadOf<'event/wake'>; at: number };

/** What the voice pipeline is wired to; the hub part fills it from the HubContext and the shared services. */
export interface VoicePipelineOptions {
  frontEnd: AudioFrontEndOptions;
  speech: SpeechLike;
  /** `whisper` when the speech part runs whisper alone (no grammar race); reported in `stt-start`. */
  engine: 'auto' | 'whisper';
  /** Transcribe passive speech for the observer. */
  passive: boolean;
  subscribeAudio(listener: (chunk: DeviceAudioChunk) => void): () => void;
  subscribeMute(listener: (t: MuteTransition) => void): () => void;
  subscribeDeviceEvents(listener: (e: PipelineDeviceEvent) => void): () => void;
  isMuted(deviceId: string): boolean;
  /** The command service's `handleCommandText` (routes, executes, replies on `cmd/say`). */
  handleCommand(text: string, origin: CommandOrigin): Promise<CommandOutcome>;
  /** The transcript bus: passive text goes only there (the observer's rolling buffer). */
  publishTranscript(segment: TranscriptSegment): void;
  /** False when nobody listens to passive transcripts (no observer): passive speech is not transcribed. */
  hasTranscriptListeners(): boolean;
  /**
   * The area (id or name) of a device, from the hub's device registry: its commands are decoded against that
   * area's grammar first (the grammar recogniser's per-area grammars, issue 14). Undefined: the whole home only.
   */
  deviceArea?: (deviceId: string) => string | undefined;
  /** The names of the user's home (grammar and whisper prompt), now and on every change. */
  names?: { current(): GrammarNames | undefined; subscribe(listener: (names: GrammarNames) => void): () => void };
  /** Receives every voice event (run store, metrics). */
  onEvent: VoiceEventSink;
  /** The hearing policy's bars for grammar transcripts (default {@link DEFAULT_HEARING_BARS}). */
  hearingBars?: HearingBars;
  /**
   * What the grammar recogniser hears of a command (default `raw`): the audio as the device sent it, or RNNoise's
   * output of it (`denoised`); config `stt.commandAudio`, resolved by {@link commandAudioSource}. Whisper and the
   * hearing policy's SNR always take the audio as sent.
   */
  grammarAudio?: CommandAudioSource;
  /**
   * Engine `whisper`: start the command's whisper pass at its first pause (`stt.prePass`, default on) and use it
   * when the endpointed audio is what that pass heard; see {@link prePassCovers}.
   */
  whisperPrePass?: boolean;
  logger?: Logger;
}

/** What the pipeline is doing, for `GET /api/v1/voice` and tests. */
export interface VoicePipelineStatus {
  started: boolean;
  engine: 'auto' | 'whisper';
  whisper: 'on' | string;
  grammar: 'on' | string;
  /** What the grammar recogniser hears of a command (`stt.commandAudio`): the audio as sent, or RNNoise's output. */
  grammarAudio: CommandAudioSource;
  passive: boolean;
  /** Names in the command grammar and whisper prompt: counts (see `namesCounted`), and the names themselves in `knownNames`. */
  names: { entities: number; areas: number; floors: number };
  /** What the counts in `names` count (they are spoken names, not registry rows, so they exceed HA's entity count). */
  namesCounted: string;
  /** Every name the grammar knows, as it is spoken (names and aliases). */
  knownNames: { entities: string[]; areas: string[]; floors: string[] };
  /** Grammar rebuilds done (a test waits for the first one after Home Assistant's registry arrived). */
  namesApplied: number;
  /** Utterances whose STT or command is still running. */
  inFlight: number;
  /** Which wake engine and VAD the front end runs, and why (issue 16). */
  audio: FrontEndStatus;
  /**
   * What the hearing policy did with grammar transcripts since start: acted on, asked about first ("Did you say
   * …?"), or dropped as a guess (hub/src/voice/hearing-policy.ts).
   */
  hearing: Record<HearingVerdict, number>;
  /** Engine `whisper`: whether whisper starts at a command's pause, and how its passes fared since start. */
  prePass: { enabled: boolean; started: number; used: number; discarded: number };
  /**
   * Commands the grammar decoded while they were spoken (issue 14's hot path): the pipeline's counts, and the engine's
   * (`engine`). Absent when the grammar does not stream (engine `whisper`, grammar off).
   */
  grammarStream?: GrammarStreamCounts & { engine?: GrammarStreamStats };
}

/** What `/api/v1/voice`'s name counts count (issue 18: they disagreed with the simulator's entity count without saying why). */
export const NAMES_COUNTED =
  'spoken names, not registry rows: entities = the name plus every alias of each entity exposed to Jarvis; areas and floors = each name plus its aliases';

interface Flight {
  run: VoiceRun;
  abort: AbortController;
}

/**
 * The audio of a command: after a hub-heard wake phrase only what follows it (the grammar holds commands, not
 * "hey jarvis"), otherwise the whole utterance. Silence before the first word is kept on purpose: trimming PTT
 * commands to 300 ms before speech made PocketSphinx (live cepstral mean) miss 5 of 6 clean commands here.
 * The audio as the device sent it (before the front end's denoiser, whatever its VAD lane): whisper hears it, the hearing
 * policy estimates its SNR, and the grammar hears it or RNNoise's output of it, made from it afresh
 * (`VoicePipelineOptions.grammarAudio`, see {@link commandAudioSource}).
 */
export function commandAudio(u: Pick<Utterance, 'trigger' | 'events' | 'pcm16k' | 'raw16k' | 'audioStartTs'>): Float32Array {
  const pcm = u.raw16k ?? u.pcm16k;
  if (u.trigger !== 'hub-wake') return pcm;
  const wake = u.events.find((e) => e.type === 'wake');
  if (!wake) return pcm;
  const from = Math.round((wake.at - u.audioStartTs) * 16);
  // Never leave less than half a second: a late wake decision must not eat the command.
  return from > 0 && pcm.length - from >= 8000 ? pcm.subarray(from) : pcm;
}

/** What the grammar recogniser hears of a command: the audio as the device sent it, or RNNoise's output of it. */
export type CommandAudioSource = 'raw' | 'denoised';

/**
 * Config `stt.commandAudio` for the acoustic model in use. `auto` (the default): RNNoise's output with a model adapted
 * to the household, the audio as sent with CMU's own. Chosen on the TUNE folds of the voice split (hub/src/stt/README.md,
 * "The hearing policy and noise with the adapted model"): with the adapted model, RNNoise first was right more often in
 * noise (5–0 dB: 2 → 6 and 1 → 9 right) and acted wrong less (2 → 1 and 1 → 1); with the base model the router grammar's
 * thresholds were chosen on the raw audio, on which no threshold on RNNoise output kept both wrong commands and
 * chit-chat out (`stt.grammar_accuracy`).
 */
export function commandAudioSource(setting: 'auto' | CommandAudioSource, adaptedModel: boolean): CommandAudioSource {
  if (setting !== 'auto') return setting;
  return adaptedModel ? 'denoised' : 'raw';
}

/**
 * Bare kind words are targets too ("turn off the lights": the speaking device's area says which). The router's
 * "turn off {target}" has no article slot, so without "the lights" as a phrase the grammar forced the nearest
 * name instead ("night light"; measured with espeak-ng en-us, en-gb and en-us+m3).
 */
export const KIND_TARGETS = [...COMMON_DOMAIN_PHRASES, ...COMMON_DOMAIN_PHRASES.map((w) => `the ${w}`)];

/** A device whose audio stopped this long ago has no live stream: its next trigger waits for audio. */
const STREAM_IDLE_MS = 300;
/** How long such a trigger waits for the stream to start. */
const ARM_MS = 3000;

const EMPTY_NAMES: GrammarNames = { entities: [], areas: [], floors: [] };

/** A whisper pass begun at a command's pause (engine `whisper`): the audio it heard, its answer, its cancel. */
interface PrePass {
  pcm: Float32Array;
  result: Promise<RaceResult>;
  abort: AbortController;
}

/** What a command's latest pause started: the grammar's answer, or (engine `whisper`) a whisper pass. */
interface PauseProbe {
  deviceId: string;
  /** `Utterance.lastVoicedTs` if nothing more is said after the pause. */
  lastVoicedTs: number;
  grammar?: Promise<Transcript | undefined>;
  /** The SNR estimate of the audio the grammar's answer came from, as the device sent it (the hearing policy's). */
  rawSnrDb?: number;
  whisper?: PrePass;
}

/**
 * Whether a whisper pass begun at a pause heard exactly the speech that was endpointed: no speech after the pause
 * (same last voiced frame), the same samples from the same start, and every sample up to the utterance's end of
 * speech (`speechSamples`: its refined end, tail walk included). What the pass may have missed is only the pad the
 * utterance keeps after that end (100 ms), which the endpoint judged not speech: in 15 dB pink noise the tail walk
 * takes part of the pause's silence, so requiring the pad too discarded every pass (hotpath bench, 32 of 32).
 * A word-final fricative the tail walk keeps past the pause, a different wake cut or more speech make it stale.
 */
export function prePassCovers(
  pass: { pcm: Float32Array; lastVoicedTs: number },
  utterance: { pcm: Float32Array; lastVoicedTs?: number | undefined; speechSamples: number },
): boolean {
  if (utterance.lastVoicedTs !== pass.lastVoicedTs) return false;
  const a = pass.pcm;
  const b = utterance.pcm;
  const speech = Math.min(b.length, Math.max(0, Math.ceil(utterance.speechSamples)));
  if (speech === 0 || a.length < speech) return false;
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether a command's answer decoded while it was spoken stands (else it is decoded again whole): only when the hearing
 * policy would act on it without asking. The engine's own bar for a streamed answer (its margin 2 over the acceptance
 * threshold) is below the policy's `sure` bar, and a streamed margin that lands between the two was asked about where
 * the whole decode of the same audio, scored a little higher, was acted on (`tests/e2e-voice.test.ts`, PTT).
 */
export function streamedAnswerStands(t: Transcript, bars: HearingBars, rawSnrDb?: number): boolean {
  return t.engine === 'grammar' && hear(t, policySnrDb(rawSnrDb ?? t.snrDb), bars).band === 'sure';
}

/**
 * The SNR the hearing policy bands by: the estimate (`estimateSnrDb`) of the command's audio as the device sent it,
 * to 0.1 dB; never that of RNNoise's output, which reads as clean (brown noise at 0 dB: 11 dB raw, 62 dB denoised),
 * so the policy's noise rules would not see the noise. Not finite: 0 (the noisiest band).
 */
export function policySnrDb(rawSnrDb: number | undefined): number {
  return typeof rawSnrDb === 'number' && Number.isFinite(rawSnrDb) ? Math.round(rawSnrDb * 10) / 10 : 0;
}

function errorCode(err: unknown, fallback: string): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^JARVIS_[A-Z0-9_]+$/.test(code) ? code : fallback;
}

/**
 * The hub's voice pipeline (issues 4–6 end to end): gated device audio → audio front end → utterances;
 * command utterances → speech-to-text (grammar racing whisper) → the command service (router, Home Assistant,
 * reply on `cmd/say`); passive utterances → whisper at low priority → the transcript bus. Every stage is an
 * event of the utterance's voice run. A mute discards the device's open utterance and drops any STT result
 * still in flight for it: the run ends `muted` and nothing of it reaches the router or the observer.
 */
export class VoicePipeline implements Component {
  readonly name = 'voice-pipeline';
  readonly frontEnd: AudioFrontEnd;
  private readonly log: Logger;
  private readonly flights = new Map<string, Set<Flight>>();
  private unsubscribe: Array<() => void> = [];
  private started = false;
  private names: GrammarNames = EMPTY_NAMES;
  private vocabulary: string[] = [];
  private namesApplied = 0;
  private namesQueue: Promise<void> = Promise.resolve();
  private readonly pending = new Set<Promise<void>>();
  /** Per device: when its audio was last heard, and a trigger that came before its audio did. */
  private readonly lastAudioAt = new Map<string, number>();
  private readonly armed = new Map<string, PipelineDeviceEvent>();
  /** Per command run: the grammar's answer on its latest pause, and where the speech before that pause ended. */
  private readonly probes = new Map<string, PauseProbe>();
  private readonly hearingCounts: Record<HearingVerdict, number> = { act: 0, confirm: 0, decline: 0 };
  private hearingBars: HearingBars;
  private readonly prePassCounts = { started: 0, used: 0, discarded: 0 };
  /** Commands fed to the grammar while they are spoken (engine `auto` with a streaming grammar). */
  private readonly streams: GrammarStreams | undefined;
  /** What the grammar hears; with `denoised`, commands decoded whole are denoised on a thread of their own. */
  private readonly grammarAudio: CommandAudioSource;
  private newDenoiser: (() => CommandDenoiser) | undefined;
  private denoiseWorker: DenoiseWorker | undefined;

  constructor(private readonly options: VoicePipelineOptions) {
    this.log = options.logger ?? silentLogger();
    this.hearingBars = options.hearingBars ?? DEFAULT_HEARING_BARS;
    this.grammarAudio = options.grammarAudio ?? 'raw';
    const pauses = options.engine === 'whisper' ? this.prePassEnabled() : options.speech.probe !== undefined;
    const speech = options.speech;
    this.streams = options.engine !== 'whisper' && speech.commandStream
      ? new GrammarStreams((deviceId, rawSnrDb) => {
        if (speech.off.grammar || this.options.isMuted(deviceId)) return undefined;
        const area = this.options.deviceArea?.(deviceId);
        // A streamed answer stands only where it would be acted on without asking; else the command is decoded whole.
        return speech.commandStream?.({ ...(area ? { area } : {}), stands: (t) => streamedAnswerStands(t, this.hearingBars, rawSnrDb()) });
      }, (deviceId) => {
        const level = this.frontEnd.levels().get(deviceId);
        // `at` is the start of the last 10 ms frame the segmenter took.
        return level ? level.at + 10 : undefined;
      }, (work) => this.track(work), () => this.newDenoiser?.())
      : undefined;
    this.frontEnd = new AudioFrontEnd(options.frontEnd, {
      onUtterance: (u) => this.onUtterance(u),
      onEvent: (e) => {
        // A run that ends before its utterance reaches command() (discarded, muted) leaves no pass running.
        if (e.type === 'run-end') this.dropProbe(e.runId);
        this.streams?.onEvent(e);
        options.onEvent(e);
      },
      ...(pauses ? { onCommandPause: (p: CommandPause) => this.onPause(p) } : {}),
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    if (this.grammarAudio === 'denoised') this.newDenoiser ??= await loadCommandDenoiser();
    await this.options.speech.start();
    await this.frontEnd.start();
    this.started = true;
    const o = this.options;
    this.unsubscribe.push(
      o.subscribeAudio((chunk) => this.onAudio(chunk)),
      o.subscribeMute((t) => this.onMute(t)),
      o.subscribeDeviceEvents((e) => this.onDeviceEvent(e)),
    );
    if (o.names) this.unsubscribe.push(o.names.subscribe((names) => this.applyNames(names)));
    this.applyNames(o.names?.current() ?? EMPTY_NAMES);
    const off = o.speech.off;
    if (off.whisper) this.log.warn({ reason: off.whisper }, 'voice: whisper is off, so commands the grammar does not cover and passive speech are not transcribed');
    if (off.grammar) this.log.warn({ reason: off.grammar }, 'voice: the command grammar is off; commands wait for whisper');
    this.log.info({ engine: o.engine, whisper: off.whisper ? 'off' : 'on', grammar: off.grammar ? 'off' : o.engine === 'whisper' ? 'not used' : 'on' }, 'voice pipeline started');
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const u of this.unsubscribe.splice(0)) u();
    const now = Date.now();
    for (const set of this.flights.values()) {
      for (const f of set) {
        f.abort.abort();
        f.run.fail('JARVIS_VOICE_COMMAND_FAILED', 'the hub stopped while the utterance was being handled', now);
      }
    }
    this.flights.clear();
    for (const run of [...this.probes.keys()]) this.dropProbe(run);
    this.streams?.close();
    await this.frontEnd.stop();
    await Promise.allSettled([...this.pending]);
    await this.namesQueue;
    await this.options.speech.stop();
    await this.denoiseWorker?.close();
    this.denoiseWorker = undefined;
  }

  /** Engines, names and load, for the API and tests. */
  status(): VoicePipelineStatus {
    const off = this.options.speech.off;
    let inFlight = 0;
    for (const set of this.flights.values()) inFlight += set.size;
    return {
      started: this.started,
      engine: this.options.engine,
      whisper: off.whisper ?? 'on',
      grammarAudio: this.grammarAudio,
      grammar: this.options.engine === 'whisper' ? 'not used (stt.engine is whisper)' : (off.grammar ?? 'on'),
      passive: this.options.passive,
      names: { entities: this.names.entities.length, areas: this.names.areas.length, floors: this.names.floors.length },
      namesCounted: NAMES_COUNTED,
      knownNames: { entities: [...this.names.entities], areas: [...this.names.areas], floors: [...this.names.floors] },
      namesApplied: this.namesApplied,
      inFlight,
      audio: this.frontEnd.status(),
      hearing: { ...this.hearingCounts },
      prePass: { enabled: this.prePassEnabled(), ...this.prePassCounts },
      ...(this.streams ? { grammarStream: { ...this.streams.counts, ...(this.options.speech.grammarStreams ? { engine: this.options.speech.grammarStreams } : {}) } } : {}),
    };
  }

  /** Replaces the hearing policy's bars for the utterances that follow (tests; a config knob later). */
  useHearingBars(bars: HearingBars): void {
    this.hearingBars = bars;
  }

  /** Resolves when every name change seen so far is in the grammar. */
  async namesSettled(): Promise<void> {
    await this.namesQueue;
  }

  /**
   * Resolves when no utterance is being transcribed or handled, and no decode the pipeline began is running: a pause's
   * grammar answer (streamed or whole, a redo included) and what is left of a stream's cancelled whole decode count
   * too (tests, benchmarks).
   */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /**
   * The grammar alone, decoding a command whose audio as sent is `pcm` whole: on that audio (`raw`, begun at once), or
   * (`denoised`) on RNNoise's output of it from a fresh state at its first sample, made on the denoise thread (off the
   * event loop): the same samples as a stream's `CommandDenoiser` gives for the same audio. If the thread fails, the
   * same function on this thread.
   */
  private probeGrammar(pcm: Float32Array, options: TranscribeOptions): Promise<{ transcript: Transcript; complete: boolean } | undefined> {
    const speech = this.options.speech;
    if (!speech.probe) return Promise.resolve(undefined);
    const decode = speech.probe.bind(speech);
    if (this.grammarAudio === 'raw') return decode(pcm, options);
    const worker = (this.denoiseWorker ??= new DenoiseWorker());
    return worker.denoise(pcm).catch((err: unknown) => {
      this.log.warn({ code: (err as { code?: string }).code, err: (err as Error).message }, 'voice: the denoise thread failed; the command is denoised on the event loop');
      return denoiseUtterance(pcm);
    }).then((heard) => decode(heard, options));
  }

  /** Work that {@link idle} (and `stop`) waits for. */
  private track(work: Promise<unknown>): void {
    const done: Promise<void> = work.then(() => undefined, () => undefined).finally(() => this.pending.delete(done));
    this.pending.add(done);
  }

  private applyNames(names: GrammarNames): void {
    this.names = names;
    this.vocabulary = [...new Set([...names.areas, ...names.floors, ...names.entities])];
    // Rebuilds are queued so the last registry always wins and two never run at once.
    this.namesQueue = this.namesQueue.then(async () => {
      if (this.names !== names) return;
      try {
        await this.options.speech.setNames({ ...names, entities: [...names.entities, ...KIND_TARGETS] });
        this.namesApplied++;
        this.log.info({ entities: names.entities.length, areas: names.areas.length, floors: names.floors.length }, 'voice: command grammar rebuilt for the home\'s names');
      } catch (err) {
        this.log.error({ err }, 'voice: could not rebuild the command grammar; the previous one stays');
      }
    });
  }

  private onAudio(chunk: DeviceAudioChunk): void {
    this.lastAudioAt.set(chunk.deviceId, Date.now());
    // Kept before the front end sees it: a command it starts begins its grammar stream from this audio.
    this.streams?.onChunk(chunk);
    try {
      this.frontEnd.pushChunk(chunk);
    } catch (err) {
      this.log.warn({ err, device: chunk.deviceId, code: errorCode(err, 'JARVIS_AUDIO_BAD_FRAME') }, 'voice: audio chunk dropped by the front end');
      return;
    }
    this.streams?.feed(chunk.deviceId);
    const armed = this.armed.get(chunk.deviceId);
    if (!armed) return;
    this.armed.delete(chunk.deviceId);
    if (Date.now() - armed.at <= ARM_MS) this.deliver(armed);
  }

  private onMute(t: MuteTransition): void {
    this.frontEnd.onMute(t);
    if (!t.muted) return;
    // A command being decoded as it was spoken is abandoned: the decoder drops its utterance, nothing of it is kept.
    this.streams?.dropDevice(t.deviceId);
    this.armed.delete(t.deviceId);
    // A pass begun at a pause of this device is cancelled; its answer is never read.
    for (const [run, probe] of this.probes) if (probe.deviceId === t.deviceId) this.dropProbe(run);
    const set = this.flights.get(t.deviceId);
    if (!set) return;
    // Whatever is still being transcribed for this device is dropped: its result must never act or be kept.
    for (const f of set) {
      f.abort.abort();
      f.run.end('muted', Date.now());
    }
    this.flights.delete(t.deviceId);
  }

  private onDeviceEvent(e: PipelineDeviceEvent): void {
    // A button pressed on a muted device must not arm a command that would start on the first unmuted audio.
    if (this.options.isMuted(e.deviceId)) return;
    if (e.topic === 'event/button' && e.payload.action === 'release') return;
    // A device that streams only while its button is held sends the press before its first audio: the front end
    // does not know that stream yet, so the trigger waits for it (briefly) instead of being lost.
    const heard = this.lastAudioAt.get(e.deviceId);
    if (heard === undefined || Date.now() - heard > STREAM_IDLE_MS) {
      this.armed.set(e.deviceId, e);
      return;
    }
    this.deliver(e);
  }

  private deliver(e: PipelineDeviceEvent): void {
    if (e.topic === 'event/button') this.frontEnd.onButton(e.deviceId, e.payload, e.at);
    else this.frontEnd.onDeviceWake(e.deviceId, e.payload, e.at);
  }

  private onUtterance(u: Utterance): void {
    const flight: Flight = { run: u.run, abort: new AbortController() };
    let set = this.flights.get(u.deviceId);
    if (!set) this.flights.set(u.deviceId, (set = new Set()));
    set.add(flight);
    const work = (u.kind === 'command' ? this.command(u, flight) : this.passive(u, flight))
      .catch((err: unknown) => {
        this.log.error({ err, device: u.deviceId, run: u.run.id }, 'voice: utterance handling failed');
        u.run.fail('JARVIS_VOICE_COMMAND_FAILED', (err as Error).message ?? String(err), Date.now());
      })
      .finally(() => {
        const s = this.flights.get(u.deviceId);
        s?.delete(flight);
        if (s?.size === 0) this.flights.delete(u.deviceId);
        this.pending.delete(work);
      });
    this.pending.add(work);
  }

  /**
   * A command paused (the segmenter's early-endpoint offer): the grammar decodes what was said so far; when
   * that is a complete command on its own — confident, and no longer command starts with it — the utterance
   * ends now instead of after the silence hangover. Either way the answer is kept: if nothing more is said,
   * the utterance's own transcription reuses it instead of decoding the same speech again.
   */
  private onPause(p: CommandPause): void {
    if (this.options.engine === 'whisper') return this.whisperOnPause(p);
    const speech = this.options.speech;
    if (!speech.probe || speech.off.grammar || this.options.isMuted(p.deviceId)) return;
    const area = this.options.deviceArea?.(p.deviceId);
    const pcm = commandAudio(p);
    // Decoded while it was spoken: only the audio since the stream's holdback is left. Else the whole command now.
    const answer = this.streams?.take(p.run.id, pcm) ?? this.probeGrammar(pcm, area ? { area } : {});
    const grammar = answer.then((a) => a?.transcript, () => undefined);
    this.probes.set(p.run.id, { deviceId: p.deviceId, lastVoicedTs: p.lastVoicedTs, grammar, rawSnrDb: estimateSnrDb(pcm) });
    // Tracked until the answer was acted on (the utterance ended on it, or not): idle() waits for it.
    this.track(answer.then((a) => {
      if (a?.complete && p.run.ended === undefined) p.end();
    }, (err: unknown) => {
      this.log.debug({ err, run: p.run.id }, 'voice: grammar probe on a pause failed; the utterance ends after the hangover');
    }).finally(() => {
      if (p.run.ended !== undefined) this.probes.delete(p.run.id);
    }));
  }

  /**
   * Engine `whisper`: whisper alone cannot tell a whole command, so the utterance still ends after the hangover;
   * but its pass starts at the pause, on the speech so far. When the endpointed audio is what that pass heard
   * ({@link prePassCovers}), its text is the utterance's, ready up to `hangoverMs - earlyEndPauseMs` sooner. A later
   * pause, a mute, the run ending or audio the pass did not hear cancel it (whisper.cpp stops within a graph node).
   * There is no grammar here: engine `auto` offers pauses to the grammar alone and starts no whisper pass there.
   */
  private whisperOnPause(p: CommandPause): void {
    const speech = this.options.speech;
    this.dropProbe(p.run.id);
    if (speech.off.whisper || this.options.isMuted(p.deviceId) || p.run.ended !== undefined) return;
    const pcm = commandAudio(p);
    const abort = new AbortController();
    const area = this.options.deviceArea?.(p.deviceId);
    const result = speech.command(pcm, { vocabulary: this.vocabulary, signal: abort.signal, ...(area ? { area } : {}) });
    result.catch(() => undefined); // cancelled or failed: command() transcribes again, or nobody asks
    this.prePassCounts.started++;
    this.probes.set(p.run.id, { deviceId: p.deviceId, lastVoicedTs: p.lastVoicedTs, whisper: { pcm, result, abort } });
  }

  /** Forgets a run's pause probe, cancelling its whisper pass. */
  private dropProbe(runId: string): void {
    const probe = this.probes.get(runId);
    if (!probe) return;
    this.probes.delete(runId);
    if (probe.whisper && !probe.whisper.abort.signal.aborted) {
      probe.whisper.abort.abort();
      this.prePassCounts.discarded++;
    }
  }

  private prePassEnabled(): boolean {
    return this.options.engine === 'whisper' && (this.options.whisperPrePass ?? true);
  }

  private async command(u: Utterance, flight: Flight): Promise<void> {
    const { run } = u;
    const pcm = commandAudio(u);
    const probe = this.probes.get(run.id);
    // The grammar's probe heard the same speech when nothing was said after its pause.
    const probed = probe?.grammar !== undefined && probe.lastVoicedTs === u.lastVoicedTs;
    // A whisper pass begun at the pause is used only for exactly the audio it heard; otherwise it is cancelled.
    // Where its speech ends in `pcm` (which may start after a wake phrase).
    const speechSamples = Math.round((u.endTs - u.audioStartTs) * 16) - ((u.raw16k ?? u.pcm16k).length - pcm.length);
    const prePass = probe?.whisper && prePassCovers({ pcm: probe.whisper.pcm, lastVoicedTs: probe.lastVoicedTs }, { pcm, lastVoicedTs: u.lastVoicedTs, speechSamples }) ? probe.whisper : undefined;
    if (prePass) this.probes.delete(run.id);
    else this.dropProbe(run.id);
    run.emit('stt-start', {
      engine: this.options.engine, audioMs: Math.round(pcm.length / 16),
      ...(probed ? { grammar: 'from-pause' } : {}), ...(prePass ? { whisper: 'from-pause' } : {}),
    }, Date.now());
    let result: RaceResult | undefined;
    let grammarResult: Promise<Transcript> | undefined;
    try {
      const area = this.options.deviceArea?.(u.deviceId);
      const options: TranscribeOptions = { vocabulary: this.vocabulary, signal: flight.abort.signal, ...(area ? { area } : {}) };
      grammarResult = probed ? probe.grammar!.then((t) => t ?? Promise.reject(new Error('no grammar answer from the pause'))) : undefined;
      const speech = this.options.speech;
      if (!grammarResult && this.options.engine !== 'whisper' && speech.probe && !speech.off.grammar) {
        // The grammar's own answer is kept even when whisper answers after it or is off: the hearing policy needs its
        // margins and best path. The same decode the race would run (the probe is the grammar alone), or the end of
        // the one begun while the command was spoken.
        const streamed = this.streams?.take(run.id, pcm);
        grammarResult = streamed
          ? streamed.then((a) => a.transcript)
          : this.probeGrammar(pcm, options).then((a) => a?.transcript ?? Promise.reject(new Error('the grammar is off')));
      }
      // A stream the answer does not come from (the pause's answer is reused) is dropped.
      this.streams?.drop(run.id);
      grammarResult?.catch(() => undefined);
      if (prePass) {
        this.prePassCounts.used++;
        const cancel = (): void => prePass.abort.abort();
        flight.abort.signal.addEventListener('abort', cancel, { once: true });
        try {
          // The pass begun at the pause heard all of this speech; if it failed (not cancelled by a mute), transcribe now.
          result = await prePass.result.catch((err: unknown) => {
            if (flight.abort.signal.aborted) throw err;
            this.log.debug({ err, run: run.id }, 'voice: the whisper pass begun at the pause failed; transcribing the utterance again');
            return speech.command(pcm, options);
          });
        } finally {
          flight.abort.signal.removeEventListener('abort', cancel);
        }
      } else result = await speech.command(pcm, options, grammarResult);
    } catch (err) {
      if (run.ended !== undefined) return;
      const code = errorCode(err, 'JARVIS_VOICE_STT_FAILED');
      // The grammar found no confident command and whisper is off: nothing was understood, which is no failure.
      if (code !== 'JARVIS_STT_MODEL_MISSING') return run.fail(code, (err as Error).message, Date.now());
    }
    if (run.ended !== undefined) return; // muted while transcribing: the result is dropped unseen
    const transcript = result?.transcript;
    let text = transcript?.text.trim() ?? '';
    // Whisper's text keeps its behaviour; the grammar's answer (or its declined best path when whisper had nothing)
    // goes through the hearing policy: act, ask first, or drop.
    let hearing: HearingCheck | undefined;
    let heard: { band: HearingBand; snrDb: number } | undefined;
    if (!(result?.winner === 'whisper' && text !== '')) {
      const grammar = result?.grammar ?? (result?.winner === 'grammar' ? transcript : undefined) ?? (grammarResult ? await grammarResult.catch(() => undefined) : undefined);
      if (run.ended !== undefined) return;
      if (grammar?.engine === 'grammar') {
        // Banded by the SNR of the audio as the device sent it (the pause's, when its answer is reused), never by the
        // engine's estimate of what it decoded: RNNoise's output reads as clean.
        const snrDb = policySnrDb(probed ? probe.rawSnrDb : estimateSnrDb(pcm));
        const h = hear(grammar, snrDb, this.hearingBars);
        heard = { band: h.band, snrDb };
        // A sure hearing is acted on as before; the others go to the router with the policy to judge by.
        if (h.band !== 'none' && h.band !== 'sure') {
          hearing = hearingCheck(h, this.hearingBars);
          text = h.text;
        }
        if (h.band === 'sure') this.hearingCounts.act++;
        if (h.band === 'close' || h.band === 'disagreed') {
          this.log.info({ device: u.deviceId, run: run.id, band: h.band, candidate: h.text, alternative: h.alternative, margin: grammar.margin, wordMargin: grammar.wordMargin, snrDb }, 'voice: the grammar declined, but its best path is close: the router may ask about it');
        }
      }
    }
    run.emit('stt-end', {
      engine: hearing ? 'grammar' : (result?.winner ?? 'grammar'), text, confidence: Number((transcript?.confidence ?? 0).toFixed(3)),
      // The band only when the policy had a say (a sure or empty hearing goes on as before).
      ...(transcript?.rejected ? { rejected: transcript.rejected } : {}), ...(heard && heard.band !== 'sure' && heard.band !== 'none' ? { hearing: heard.band, snrDb: heard.snrDb } : {}),
    }, Date.now());
    if (normalizeText(text) === '') return run.end('not-understood', Date.now());

    run.emit('intent-start', undefined, Date.now());
    let decided = false;
    const trace: VoiceTrace = {
      intentDecided: (data, at) => {
        decided = true;
        run.emit('intent-end', data, at);
      },
      actionStarted: (call, at) => run.emit('action-start', { ...call }, at),
      actionEnded: (call, outcome, at) => run.emit('action-end', { ...call, ...outcome }, at),
    };
    let outcome: CommandOutcome;
    try {
      outcome = await withVoiceTrace(trace, () => this.options.handleCommand(text, { deviceId: u.deviceId, issuedAt: u.endTs, ...(hearing ? { hearing } : {}) }));
    } catch (err) {
      return run.fail(errorCode(err, 'JARVIS_VOICE_COMMAND_FAILED'), (err as Error).message, Date.now());
    }
    const d = outcome.decision;
    const verdict = outcome.hearing?.verdict;
    if (verdict) this.hearingCounts[verdict]++;
    const hearingData = outcome.hearing ? { hearing: verdict === 'confirm' ? 'asked' : verdict === 'decline' ? 'declined' : 'acted', hearingWhy: outcome.hearing.why } : {};
    // Interceptors ("forget the last five minutes") and the hearing policy's drops answer without a traced decision.
    if (!decided) run.emit('intent-end', { intent: d.intent, tier: d.tier, path: d.path, confidence: d.confidence, targets: d.targets, ...(d.code ? { code: d.code } : {}), ...hearingData }, outcome.decidedAt);
    // A guess the policy dropped is speech not understood, as when the recogniser declines it (nothing is said).
    if (verdict === 'decline') return run.end('not-understood', Date.now());
    if (outcome.result.reply !== '') {
      run.emit('reply', {
        text: outcome.result.reply, sent: outcome.replied, ok: outcome.result.ok, ...(outcome.result.code ? { code: outcome.result.code } : {}),
        ...(outcome.notUnderstood ? { notUnderstood: outcome.notUnderstood } : {}), ...hearingData,
      }, Date.now());
    }
    run.end('done', Date.now());
  }

  private async passive(u: Utterance, flight: Flight): Promise<void> {
    const { run } = u;
    const o = this.options;
    // Nobody to read it, or no engine: passive speech is not transcribed at all (and so never kept).
    if (!o.passive || !o.hasTranscriptListeners() || o.speech.off.whisper) return run.end('done', Date.now());
    run.emit('stt-start', { engine: 'whisper', audioMs: Math.round(u.pcm16k.length / 16) }, Date.now());
    let transcript: Transcript;
    try {
      transcript = await o.speech.passive(u.pcm16k, { vocabulary: this.vocabulary, signal: flight.abort.signal });
    } catch (err) {
      if (run.ended !== undefined) return;
      return run.fail(errorCode(err, 'JARVIS_VOICE_STT_FAILED'), (err as Error).message, Date.now());
    }
    if (run.ended !== undefined) return; // muted meanwhile: the words are dropped, never published
    const text = transcript.text.trim();
    // The run records that words were heard, never which (privacy: passive text goes only to the observer).
    run.emit('stt-end', { engine: 'whisper', words: text === '' ? 0 : text.split(/\s+/).length, ...(transcript.rejected ? { rejected: transcript.rejected } : {}) }, Date.now());
    if (text === '') return run.end('not-understood', Date.now());
    o.publishTranscript({ deviceId: u.deviceId, text, startedAt: u.startTs, endedAt: u.endTs });
    run.end('done', Date.now());
  }
}

