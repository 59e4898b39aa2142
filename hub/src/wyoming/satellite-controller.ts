/**
 * Jarvis as the one client of a wyoming-satellite ([WY-4.x]): describe, run-satellite, ping/pong
 * keepalive; takes the satellite's run-pipeline and mic audio, runs wake → STT → intent → TTS itself
 * and answers with the events HA's assist_satellite.py sends. An explicit state machine with a log line
 * on every transition; reconnects with capped exponential backoff and jitter (CONVENTIONS.md 10).
 */
import { connect, type Socket } from 'node:net';
import {
  WyomingType,
  audioChunkEvent,
  audioStartEvent,
  audioStopEvent,
  bareEvent,
  detectionEvent,
  errorEvent,
  isProtocolError,
  parseAudioChunk,
  parseInfo,
  parsePingText,
  parseRunPipeline,
  pingEvent,
  pongEvent,
  synthesizeEvent,
  transcriptEvent,
  voiceStartedEvent,
  voiceStoppedEvent,
  PIPELINE_STAGES,
  type PipelineStage,
  type RunPipeline,
  type WyomingEvent,
} from '@jarvis/protocol';
import type { Logger } from '../core/index.js';
import { WyomingConnection } from './connection.js';
import { PcmTo16kMono, TARGET_RATE } from './audio-convert.js';
import { Endpointer, type EndpointerOptions } from './endpointer.js';
import type { TtsBackend, WakeSession, WyomingSttBackend, WyomingWakeBackend } from './backends.js';

/** States of one satellite link. */
export type SatelliteState = 'idle' | 'connecting' | 'connected' | 'backoff' | 'stopped';

/** A mute transition with who made it ([WY-4.4]). */
export interface SatelliteMuteAudit {
  satellite: string;
  muted: boolean;
  source: string;
  at: number;
}

/** One finished voice run on a satellite. */
export interface SatelliteRun {
  wakeWord?: string;
  transcript: string;
  engine?: string;
  reply?: string;
  handled?: boolean;
  /** voice-stopped → transcript, ms. */
  sttMs?: number;
  error?: string;
}

/** Options of {@link WyomingSatelliteController}. */
export interface SatelliteControllerOptions {
  /** Jarvis's name for the satellite (device name). */
  name: string;
  host: string;
  port: number;
  area?: string | undefined;
  stt: WyomingSttBackend;
  wake?: WyomingWakeBackend | undefined;
  /** Routes a command heard on this satellite (origin: a Jarvis device, not HA). */
  handle(text: string, context: { area?: string; deviceId: string }): Promise<{ handled: boolean; text: string }>;
  tts?: TtsBackend | undefined;
  logger: Logger;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  random?: () => number;
  endpoint?: EndpointerOptions;
  /** TTS chunk size in samples (HA uses 1024). */
  ttsChunkSamples?: number;
  muted?: boolean;
  onMuteAudit?(a: SatelliteMuteAudit): void;
  onRun?(run: SatelliteRun): void;
  onState?(state: SatelliteState): void;
}

/** Counters shown with the device. */
export interface SatelliteMetrics {
  connects: number;
  disconnects: number;
  runs: number;
  chunksIn: number;
  chunksDroppedMuted: number;
  pingsLost: number;
  lastError?: string;
}

type Stage = 'wake' | 'asr' | 'busy' | 'done';

interface Run {
  pipeline: RunPipeline;
  stage: Stage;
  conv: PcmTo16kMono;
  samples: number;
  wake?: WakeSession | undefined;
  wakeWord?: string | undefined;
  endpointer?: Endpointer;
  audio: Float32Array[];
  audioSamples: number;
  /** Sample (into `audio`) where the command's voice started. */
  voiceAt?: number;
}

const stageIndex = (s: PipelineStage): number => PIPELINE_STAGES.indexOf(s);

/** Controls one wyoming-satellite. */
export class WyomingSatelliteController {
  readonly name: string;
  private st: SatelliteState = 'idle';
  private conn: WyomingConnection | undefined;
  private socket: Socket | undefined;
  private run: Run | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private mutedFlag: boolean;
  private satelliteInfo: Record<string, unknown> | undefined;
  readonly metrics: SatelliteMetrics = { connects: 0, disconnects: 0, runs: 0, chunksIn: 0, chunksDroppedMuted: 0, pingsLost: 0 };
  lastRun: SatelliteRun | undefined;

  constructor(private readonly o: SatelliteControllerOptions) {
    this.name = o.name;
    this.mutedFlag = o.muted ?? false;
  }

  /** Current state. */
  get state(): SatelliteState {
    return this.st;
  }

  /** True while muted in Jarvis. */
  get muted(): boolean {
    return this.mutedFlag;
  }

  /** What the satellite said about itself in `info`. */
  get info(): Record<string, unknown> | undefined {
    return this.satelliteInfo;
  }

  private set(state: SatelliteState, why: string): void {
    if (this.st === state) return;
    this.o.logger.info({ satellite: this.name, from: this.st, to: state, why }, 'wyoming satellite: state');
    this.st = state;
    this.o.onState?.(state);
  }

  async start(): Promise<void> {
    if (this.st !== 'idle') return;
    this.connectNow();
  }

  async stop(): Promise<void> {
    if (this.st === 'stopped') return;
    this.set('stopped', 'stop requested');
    this.clearTimers();
    this.endRun();
    if (this.conn && !this.conn.isClosed) {
      this.conn.send(bareEvent(WyomingType.PAUSE_SATELLITE));
      this.conn.close();
    }
    this.socket?.destroy();
  }

  /** Mute set in Jarvis: pause the satellite and drop its audio at the gate ([WY-4.4]). */
  setMuted(muted: boolean, source: string): void {
    if (muted === this.mutedFlag) return;
    this.mutedFlag = muted;
    this.o.onMuteAudit?.({ satellite: this.name, muted, source, at: Date.now() });
    this.o.logger.info({ satellite: this.name, muted, source }, 'wyoming satellite: mute');
    if (muted) this.endRun();
    if (this.conn && !this.conn.isClosed) this.conn.send(bareEvent(muted ? WyomingType.PAUSE_SATELLITE : WyomingType.RUN_SATELLITE));
  }

  private clearTimers(): void {
    for (const t of [this.pingTimer, this.pongTimer, this.retryTimer]) if (t) clearTimeout(t);
    this.pingTimer = this.pongTimer = this.retryTimer = undefined;
  }

  private connectNow(): void {
    if (this.st === 'stopped') return;
    this.set('connecting', `${this.o.host}:${this.o.port}`);
    const socket = connect({ host: this.o.host, port: this.o.port });
    this.socket = socket;
    socket.setNoDelay(true);
    const onError = (err: Error): void => {
      this.metrics.lastError = err.message;
      this.lost(`connect failed: ${err.message}`);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      this.metrics.connects++;
      this.conn = new WyomingConnection(socket, {
        logger: this.o.logger,
        onEvent: (ev) => this.onEvent(ev),
        onClose: (reason) => this.lost(reason),
      });
      this.set('connected', 'socket open');
      // describe, then a non-describe event: the satellite takes us as its server (event_handler.py) [WY-4.1].
      this.conn.send(bareEvent(WyomingType.DESCRIBE));
      this.conn.send(bareEvent(this.mutedFlag ? WyomingType.PAUSE_SATELLITE : WyomingType.RUN_SATELLITE));
      this.schedulePing();
    });
  }

  private lost(reason: string): void {
    if (this.socket && !this.socket.destroyed) this.socket.destroy();
    this.conn = undefined;
    this.endRun();
    if (this.pingTimer) clearTimeout(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pingTimer = this.pongTimer = undefined;
    if (this.st === 'stopped' || this.st === 'backoff') return;
    if (this.st === 'connected') this.metrics.disconnects++;
    const b = this.o.backoff ?? {};
    const initial = b.initialMs ?? 1000;
    const max = b.maxMs ?? 30_000;
    const cap = Math.min(max, initial * 2 ** this.attempt);
    // Full jitter over the upper half: two satellites that dropped together do not reconnect in step.
    const delay = Math.round(cap * (0.5 + 0.5 * (this.o.random ?? Math.random)()));
    this.attempt++;
    this.set('backoff', `${reason}; retry in ${delay} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.st === 'backoff') this.connectNow();
    }, delay);
    this.retryTimer.unref();
  }

  private schedulePing(): void {
    const interval = this.o.pingIntervalMs ?? 2000;
    this.pingTimer = setTimeout(() => {
      this.pingTimer = undefined;
      if (!this.conn || this.conn.isClosed) return;
      this.conn.send(pingEvent());
      this.pongTimer = setTimeout(() => {
        this.pongTimer = undefined;
        this.metrics.pingsLost++;
        this.o.logger.warn({ satellite: this.name, code: 'JARVIS_WYOMING_SATELLITE_LOST' }, 'wyoming satellite: no pong in time; reconnecting');
        this.lost('keepalive lost');
      }, this.o.pongTimeoutMs ?? 5000);
      this.pongTimer.unref();
    }, interval);
    this.pingTimer.unref();
  }

  private async onEvent(ev: WyomingEvent): Promise<void> {
    try {
      await this.dispatch(ev);
    } catch (err) {
      if (!isProtocolError(err)) throw err;
      this.o.logger.info({ satellite: this.name, code: err.code }, `wyoming satellite: ${err.message}`);
      this.conn?.send(errorEvent(err.message, err.code));
    }
  }

  private async dispatch(ev: WyomingEvent): Promise<void> {
    switch (ev.type) {
      case WyomingType.PONG:
        if (this.pongTimer) clearTimeout(this.pongTimer);
        this.pongTimer = undefined;
        this.attempt = 0;
        this.schedulePing();
        return;
      case WyomingType.PING:
        this.conn?.send(pongEvent(parsePingText(ev)));
        return;
      case WyomingType.INFO:
        this.satelliteInfo = parseInfo(ev);
        this.attempt = 0;
        return;
      case WyomingType.RUN_PIPELINE:
        if (this.mutedFlag) return;
        this.startRun(parseRunPipeline(ev));
        return;
      case WyomingType.AUDIO_CHUNK:
        return this.audio(ev);
      case WyomingType.AUDIO_STOP:
        // A satellite with local VAD ends the command itself.
        if (this.run?.stage === 'asr') await this.finishCommand(this.run);
        return;
      case WyomingType.DETECTION:
        // Local wake on the satellite: its run-pipeline starts at asr; remember the name.
        if (this.run) this.run.wakeWord = typeof ev.data['name'] === 'string' ? (ev.data['name'] as string) : undefined;
        return;
      default:
        this.o.logger.debug({ satellite: this.name, type: ev.type }, 'wyoming satellite: event');
    }
  }

  private startRun(pipeline: RunPipeline): void {
    this.endRun();
    const stage: Stage = pipeline.startStage === 'wake' ? 'wake' : stageIndex(pipeline.startStage) <= stageIndex('asr') ? 'asr' : 'done';
    const run: Run = { pipeline, stage, conv: new PcmTo16kMono(), samples: 0, audio: [], audioSamples: 0 };
    if (stage === 'wake') {
      if (!this.o.wake) {
        this.conn?.send(errorEvent('wake word detection is not available on this Jarvis', 'JARVIS_WYOMING_NO_WAKE'));
        return;
      }
      run.wake = this.o.wake.open(pipeline.wakeWordNames, (name, sampleIndex) => this.woke(run, name, sampleIndex));
      if (!run.wake && pipeline.wakeWordNames) {
        // The satellite asks for wake words Jarvis does not have: listen for Jarvis's own instead.
        this.o.logger.info({ satellite: this.name, asked: pipeline.wakeWordNames }, 'wyoming satellite: unknown wake words asked; listening for Jarvis\'s');
        run.wake = this.o.wake.open(undefined, (name, sampleIndex) => this.woke(run, name, sampleIndex));
      }
      if (!run.wake) {
        this.conn?.send(errorEvent('no wake word model is ready on this Jarvis', 'JARVIS_WYOMING_NO_WAKE'));
        return;
      }
    }
    if (stage === 'asr') run.endpointer = new Endpointer(this.o.endpoint);
    this.run = run;
    this.o.logger.debug({ satellite: this.name, pipeline }, 'wyoming satellite: run started');
  }

  private endRun(): void {
    this.run?.wake?.close();
    if (this.run) this.run.stage = 'done';
    this.run = undefined;
  }

  private woke(run: Run, name: string, sampleIndex: number): void {
    if (run !== this.run || run.stage !== 'wake') return;
    run.wake?.close();
    run.wake = undefined;
    run.wakeWord = name;
    this.conn?.send(detectionEvent(name, Math.round((sampleIndex * 1000) / TARGET_RATE)));
    if (run.pipeline.endStage === 'wake') return this.runEnded(run, { wakeWord: name, transcript: '' });
    run.stage = 'asr';
    run.endpointer = new Endpointer(this.o.endpoint);
  }

  private audio(ev: WyomingEvent): void {
    this.metrics.chunksIn++;
    // The mute gate: nothing of a muted satellite reaches wake, STT or any buffer [WY-4.4].
    if (this.mutedFlag) {
      this.metrics.chunksDroppedMuted++;
      return;
    }
    const run = this.run;
    if (!run || (run.stage !== 'wake' && run.stage !== 'asr')) return;
    const chunk = parseAudioChunk(ev);
    const pcm = run.conv.convert(chunk.audio, chunk);
    run.samples += pcm.length;
    if (run.stage === 'wake') {
      run.wake?.push(pcm);
      return;
    }
    run.audio.push(pcm);
    run.audioSamples += pcm.length;
    for (const e of run.endpointer?.push(pcm) ?? []) {
      const ms = Math.round((run.samples * 1000) / TARGET_RATE);
      if (e.type === 'voice-started') {
        run.voiceAt = e.atSample;
        this.conn?.send(voiceStartedEvent(ms));
      }
      else if (e.type === 'voice-stopped') {
        this.conn?.send(voiceStoppedEvent(ms));
        void this.finishCommand(run);
      } else {
        this.conn?.send(errorEvent('no speech after the wake word', 'stt-no-text-recognized'));
        this.runEnded(run, { ...(run.wakeWord ? { wakeWord: run.wakeWord } : {}), transcript: '', error: 'no speech' });
      }
    }
  }

  private async finishCommand(run: Run): Promise<void> {
    if (run.stage !== 'asr') return;
    run.stage = 'busy';
    const all = new Float32Array(run.audioSamples);
    let at = 0;
    for (const c of run.audio) {
      all.set(c, at);
      at += c.length;
    }
    run.audio = [];
    // The command from 300 ms before its voice started: not the tail of the wake phrase.
    const pcm = all.subarray(Math.max(0, (run.voiceAt ?? 0) - 4800));
    const result: SatelliteRun = { ...(run.wakeWord ? { wakeWord: run.wakeWord } : {}), transcript: '' };
    try {
      const started = performance.now();
      const t = await this.o.stt.transcribe(pcm, {});
      result.sttMs = performance.now() - started;
      result.transcript = t.text;
      result.engine = t.engine;
      if (run !== this.run) return;
      this.conn?.send(transcriptEvent(t.text));
      if (t.text === '') {
        this.conn?.send(errorEvent('no text recognized', 'stt-no-text-recognized'));
        return this.runEnded(run, { ...result, error: 'no text recognized' });
      }
      if (stageIndex(run.pipeline.endStage) < stageIndex('handle')) return this.runEnded(run, result);
      const reply = await this.o.handle(t.text, { ...(this.o.area ? { area: this.o.area } : {}), deviceId: this.name });
      result.reply = reply.text;
      result.handled = reply.handled;
      if (run !== this.run) return;
      if (run.pipeline.endStage === 'tts' && reply.text) await this.speak(reply.text);
      this.runEnded(run, result);
    } catch (err) {
      this.o.logger.error({ satellite: this.name, err }, 'wyoming satellite: run failed');
      this.conn?.send(errorEvent((err as Error).message, 'JARVIS_WYOMING_STT_FAILED'));
      this.runEnded(run, { ...result, error: (err as Error).message });
    }
  }

  private async speak(text: string): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    conn.send(synthesizeEvent(text));
    if (!this.o.tts) return;
    const { audio, rate } = await this.o.tts.synthesize(text);
    const fmt = { rate, width: 2, channels: 1 };
    const step = (this.o.ttsChunkSamples ?? 1024) * 2;
    let ts = 0;
    conn.send(audioStartEvent(fmt, 0));
    for (let i = 0; i < audio.length; i += step) {
      const part = audio.subarray(i, i + step);
      conn.send(audioChunkEvent(fmt, part, Math.round(ts)));
      ts += (part.length / 2 / rate) * 1000;
    }
    conn.send(audioStopEvent(Math.round(ts)));
  }

  private runEnded(run: Run, summary: SatelliteRun): void {
    run.wake?.close();
    run.stage = 'done';
    this.metrics.runs++;
    this.lastRun = summary;
    this.o.onRun?.(summary);
    this.o.logger.info({ satellite: this.name, ...summary }, 'wyoming satellite: run ended');
    if (run !== this.run) return;
    this.run = undefined;
    // Always-streaming satellites ask once and expect us to start the next run ourselves (restart_on_end).
    if (run.pipeline.restartOnEnd && !this.mutedFlag && this.conn) this.startRun(run.pipeline);
  }
}
