/**
 * One Home Assistant request on the Wyoming server ([WY-3.2]–[WY-3.6]): describe, STT, wake or handle.
 * Holds the state of this connection only; nothing survives the connection.
 */
import {
  WyomingType,
  detectionEvent,
  handledEvent,
  infoEvent,
  notDetectedEvent,
  notHandledEvent,
  parseAudioChunk,
  parseAudioStart,
  parseDetect,
  parsePingText,
  parseTranscribe,
  parseTranscript,
  pongEvent,
  transcriptChunkEvent,
  transcriptEvent,
  transcriptStartEvent,
  transcriptStopEvent,
  errorEvent,
  isProtocolError,
  type WyomingEvent,
  type WyomingInfo,
} from '@jarvis/protocol';
import type { Logger } from '../core/index.js';
import type { WyomingConnection } from './connection.js';
import { PcmTo16kMono, TARGET_RATE } from './audio-convert.js';
import type { WakeSession, WyomingHandleBackend, WyomingSttBackend, WyomingWakeBackend } from './backends.js';

/** What a session needs. */
export interface ServerSessionDeps {
  stt?: WyomingSttBackend | undefined;
  wake?: WyomingWakeBackend | undefined;
  handle?: WyomingHandleBackend | undefined;
  info(): WyomingInfo;
  logger: Logger;
  /** Longest STT utterance kept (seconds); more is refused. */
  maxSttSeconds: number;
  /** Called with audio-stop → transcript time (metrics / bench). */
  onStt?(ms: number, engine: string): void;
}

type Mode = { kind: 'idle' } | { kind: 'stt-armed'; language?: string } | { kind: 'wake-armed'; names?: string[] }
  | { kind: 'stt'; language?: string; chunks: Float32Array[]; samples: number; conv: PcmTo16kMono }
  | { kind: 'wake'; session: WakeSession; conv: PcmTo16kMono; samples: number; detections: number };

/** Serves one connection. */
export class ServerSession {
  private mode: Mode = { kind: 'idle' };

  constructor(private readonly conn: WyomingConnection, private readonly deps: ServerSessionDeps) {}

  /** The connection closed: release the wake stream (HA closes after a detection without audio-stop). */
  closed(): void {
    if (this.mode.kind === 'wake') {
      this.mode.session.close();
      this.deps.logger.debug({ peer: this.conn.peer, detections: this.mode.detections }, 'wyoming: wake stream ended by close');
    }
    this.mode = { kind: 'idle' };
  }

  private error(code: string, text: string): void {
    this.deps.logger.info({ peer: this.conn.peer, code }, `wyoming: ${text}`);
    this.conn.send(errorEvent(text, code));
  }

  /** Handles one event in order. */
  async onEvent(ev: WyomingEvent): Promise<void> {
    try {
      await this.dispatch(ev);
    } catch (err) {
      // A well-framed event that fails its reader: the peer's fault, answered and the connection kept [WY-3.7].
      if (isProtocolError(err)) this.error(err.code, err.message);
      else throw err;
    }
  }

  private async dispatch(ev: WyomingEvent): Promise<void> {
    switch (ev.type) {
      case WyomingType.DESCRIBE:
        this.conn.send(infoEvent(this.deps.info()));
        return;
      case WyomingType.PING:
        this.conn.send(pongEvent(parsePingText(ev)));
        return;
      case WyomingType.TRANSCRIBE: {
        if (!this.deps.stt) return this.error('JARVIS_WYOMING_UNSUPPORTED', 'speech-to-text is not available on this Jarvis');
        const t = parseTranscribe(ev);
        this.mode = { kind: 'stt-armed', ...(t.language ? { language: t.language } : {}) };
        return;
      }
      case WyomingType.DETECT: {
        if (!this.deps.wake) return this.error('JARVIS_WYOMING_NO_WAKE', 'wake word detection is not available on this Jarvis');
        const d = parseDetect(ev);
        this.mode = { kind: 'wake-armed', ...(d.names ? { names: d.names } : {}) };
        return;
      }
      case WyomingType.AUDIO_START:
        return this.audioStart(ev);
      case WyomingType.AUDIO_CHUNK:
        return this.audioChunk(ev);
      case WyomingType.AUDIO_STOP:
        return this.audioStop();
      case WyomingType.TRANSCRIPT:
        return this.handle(ev);
      default:
        // The reference's handlers ignore events they do not serve; so do we (logged for debugging).
        this.deps.logger.debug({ peer: this.conn.peer, type: ev.type }, 'wyoming: event ignored');
    }
  }

  private audioStart(ev: WyomingEvent): void {
    parseAudioStart(ev);
    if (this.mode.kind === 'wake' ) this.mode.session.close();
    if (this.mode.kind === 'wake-armed') {
      const wake = this.deps.wake;
      if (!wake) return this.error('JARVIS_WYOMING_NO_WAKE', 'wake word detection is not available on this Jarvis');
      const state = { kind: 'wake' as const, conv: new PcmTo16kMono(), samples: 0, detections: 0, session: undefined as unknown as WakeSession };
      const session = wake.open(this.mode.names, (name, sampleIndex) => {
        state.detections++;
        // Timestamp: ms of audio into this stream at which the phrase was heard [WY-3.3].
        this.conn.send(detectionEvent(name, Math.round((sampleIndex * 1000) / TARGET_RATE)));
      });
      if (!session) return this.error('JARVIS_WYOMING_NO_WAKE', `no wake model named ${(this.mode.names ?? []).join(', ')}`);
      state.session = session;
      this.mode = state;
      return;
    }
    if (this.mode.kind === 'idle' && !this.deps.stt) return this.error('JARVIS_WYOMING_UNSUPPORTED', 'send transcribe or detect before audio-start');
    const language = this.mode.kind === 'stt-armed' ? this.mode.language : undefined;
    this.mode = { kind: 'stt', ...(language ? { language } : {}), chunks: [], samples: 0, conv: new PcmTo16kMono() };
  }

  private audioChunk(ev: WyomingEvent): void {
    const chunk = parseAudioChunk(ev);
    const m = this.mode;
    if (m.kind === 'stt') {
      const pcm = m.conv.convert(chunk.audio, chunk);
      if (m.samples + pcm.length > this.deps.maxSttSeconds * TARGET_RATE) {
        this.mode = { kind: 'idle' };
        return this.error('JARVIS_WYOMING_TOO_LONG', `utterance longer than ${this.deps.maxSttSeconds} s; dropped`);
      }
      m.chunks.push(pcm);
      m.samples += pcm.length;
      return;
    }
    if (m.kind === 'wake') {
      const pcm = m.conv.convert(chunk.audio, chunk);
      m.samples += pcm.length;
      m.session.push(pcm);
      return;
    }
    this.error('JARVIS_WYOMING_BAD_ORDER', 'audio-chunk before audio-start');
  }

  private async audioStop(): Promise<void> {
    const m = this.mode;
    this.mode = { kind: 'idle' };
    if (m.kind === 'wake') {
      m.session.close();
      if (m.detections === 0) this.conn.send(notDetectedEvent());
      return;
    }
    if (m.kind !== 'stt') return this.error('JARVIS_WYOMING_BAD_ORDER', 'audio-stop without audio-start');
    const stt = this.deps.stt;
    if (!stt) return;
    const pcm = new Float32Array(m.samples);
    let at = 0;
    for (const c of m.chunks) {
      pcm.set(c, at);
      at += c.length;
    }
    const started = performance.now();
    let result: { text: string; engine: string };
    try {
      result = await stt.transcribe(pcm, m.language ? { language: m.language } : {});
    } catch (err) {
      this.deps.logger.error({ peer: this.conn.peer, err }, 'wyoming: transcription failed');
      return this.error('JARVIS_WYOMING_STT_FAILED', `transcription failed: ${(err as Error).message}`);
    }
    this.deps.onStt?.(performance.now() - started, result.engine);
    const language = m.language;
    // Streamed form first (one chunk: the recogniser decodes the utterance whole), then the final transcript [WY-3.2].
    this.conn.send(transcriptStartEvent(language ? { language } : {}));
    if (result.text !== '') this.conn.send(transcriptChunkEvent(result.text));
    this.conn.send(transcriptStopEvent());
    this.conn.send(transcriptEvent(result.text, language ? { language } : {}));
  }

  private async handle(ev: WyomingEvent): Promise<void> {
    const t = parseTranscript(ev);
    const handler = this.deps.handle;
    if (!handler) return this.error('JARVIS_WYOMING_UNSUPPORTED', 'intent handling is not available on this Jarvis');
    const ctx = t.context ?? {};
    const str = (k: string): string | undefined => (typeof ctx[k] === 'string' ? (ctx[k] as string) : undefined);
    const deviceId = str('device_id');
    const satelliteId = str('satellite_id');
    const area = handler.areaOf?.({ ...(deviceId ? { deviceId } : {}), ...(satelliteId ? { satelliteId } : {}) });
    let out: { handled: boolean; text: string };
    try {
      out = await handler.handle(t.text, {
        ...(area ? { area } : {}),
        ...(deviceId ? { deviceId } : {}),
        ...(t.language ? { language: t.language } : {}),
        ...(str('conversation_id') ? { conversationId: str('conversation_id') as string } : {}),
      });
    } catch (err) {
      this.deps.logger.error({ peer: this.conn.peer, err }, 'wyoming: handling failed');
      this.conn.send(notHandledEvent(`Sorry, that failed: ${(err as Error).message}`, t.context));
      return;
    }
    this.deps.logger.info({ peer: this.conn.peer, handled: out.handled, area }, 'wyoming: handled a command from Home Assistant');
    this.conn.send(out.handled ? handledEvent(out.text, t.context) : notHandledEvent(out.text, t.context));
  }
}
