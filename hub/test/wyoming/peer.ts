/**
 * A Wyoming peer in TypeScript for tests, written from the reference files (SPEC.md §9):
 * - the Home Assistant side: the event sequences of HA's wyoming `stt.py`, `wake_word.py`,
 *   `conversation.py` and `data.py` (describe → info);
 * - the satellite side: a wyoming-satellite in its always-streaming mode (`satellite.py`
 *   AlwaysStreamingSatellite + `event_handler.py`): a Wyoming server that takes the first client that
 *   sends a non-describe event as its server, answers ping with pong and pings back, sends run-pipeline
 *   on run-satellite and streams its microphone until pause-satellite.
 * It speaks through the codec of @jarvis/protocol, which the vectors pin to the reference's bytes.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import {
  WyomingDecoder,
  audioChunkEvent,
  audioStartEvent,
  audioStopEvent,
  bareEvent,
  detectEvent,
  encodeWyomingEvent,
  infoEvent,
  pingEvent,
  pongEvent,
  runPipelineEvent,
  transcribeEvent,
  transcriptEvent,
  type WyomingAudioFormat,
  type WyomingEvent,
} from '@jarvis/protocol';
import { floatToPcm16 } from '../../src/wyoming/audio-convert.js';

/** A raw Wyoming TCP client: send events, await the next ones, see when the server closes. */
export class WyomingTestClient {
  readonly events: WyomingEvent[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<void>;
  decodeError: Error | undefined;

  private constructor(readonly socket: Socket) {
    const decoder = new WyomingDecoder();
    socket.on('data', (b: Buffer) => {
      try {
        this.events.push(...decoder.push(b));
      } catch (err) {
        this.decodeError = err as Error;
      }
      for (const w of this.waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((r) => socket.on('close', () => {
      for (const w of this.waiters.splice(0)) w();
      r();
    }));
  }

  /** Connects to a Wyoming server. */
  static async connect(port: number, host = '127.0.0.1'): Promise<WyomingTestClient> {
    const socket = connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new WyomingTestClient(socket);
  }

  send(ev: WyomingEvent): void {
    this.socket.write(encodeWyomingEvent(ev));
  }

  /** Writes raw bytes (malformed-input tests). */
  raw(bytes: Uint8Array | string): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
  }

  /** Resolves with the first event (from `from` on) of `type`, or rejects after `timeoutMs` / on close. */
  async waitFor(type: string, timeoutMs = 10_000, from = 0): Promise<WyomingEvent> {
    return this.waitForAny([type], timeoutMs, from);
  }

  /** Resolves with the first event (from `from` on) whose type is one of `types`. */
  async waitForAny(types: string[], timeoutMs = 10_000, from = 0): Promise<WyomingEvent> {
    const type = types.join('|');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.slice(from).find((e) => types.includes(e.type));
      if (hit) return hit;
      if (this.socket.destroyed || this.socket.readableEnded) throw new Error(`connection closed before ${type}; got ${this.events.map((e) => e.type).join(', ')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} within ${timeoutMs} ms; got ${this.events.map((e) => e.type).join(', ')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** Closes abruptly (no audio-stop, no FIN wait), as HA's wake flow does after a detection. */
  destroy(): void {
    this.socket.destroy();
  }

  end(): void {
    this.socket.end();
  }
}

/** 16 kHz mono float → interleaved PCM of `format` (any rate by linear interpolation, channels duplicated). */
export function pcmIn(format: WyomingAudioFormat, pcm16k: Float32Array): Uint8Array {
  const n = Math.floor((pcm16k.length * format.rate) / 16000);
  const out = Buffer.alloc(n * format.width * format.channels);
  for (let i = 0; i < n; i++) {
    const src = (i * 16000) / format.rate;
    const a = Math.floor(src);
    const f = src - a;
    const v = (pcm16k[a] ?? 0) * (1 - f) + (pcm16k[a + 1] ?? 0) * f;
    for (let c = 0; c < format.channels; c++) {
      const at = (i * format.channels + c) * format.width;
      if (format.width === 2) out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), at);
      else if (format.width === 4) out.writeInt32LE(Math.max(-2147483648, Math.min(2147483647, Math.round(v * 2147483647))), at);
      else throw new Error('test peer writes widths 2 and 4');
    }
  }
  return out;
}

/** HA's speech-to-text request (stt.py): transcribe, audio-start, chunks, audio-stop; waits for transcript. */
export async function haTranscribe(port: number, pcm16k: Float32Array, format: WyomingAudioFormat = { rate: 16000, width: 2, channels: 1 }, language = 'en'): Promise<{ client: WyomingTestClient; transcript: WyomingEvent; stopAt: number }> {
  const client = await WyomingTestClient.connect(port);
  client.send(transcribeEvent({ language }));
  client.send(audioStartEvent(format));
  const bytes = pcmIn(format, pcm16k);
  const step = 1024 * format.width * format.channels;
  for (let i = 0; i < bytes.length; i += step) client.send(audioChunkEvent(format, bytes.subarray(i, i + step)));
  const stopAt = performance.now();
  client.send(audioStopEvent());
  const transcript = await client.waitFor('transcript', 30_000);
  return { client, transcript, stopAt };
}

/**
 * HA's wake word request (wake_word.py): detect {names}, audio-start, then 16 kHz chunks with
 * timestamps until a detection arrives; then it closes without audio-stop.
 */
export async function haDetect(port: number, pcm16k: Float32Array, names: string[] | null, options: { closeAbruptly?: boolean; chunkMs?: number } = {}): Promise<{ detection: WyomingEvent | undefined; client: WyomingTestClient }> {
  const client = await WyomingTestClient.connect(port);
  const fmt = { rate: 16000, width: 2, channels: 1 };
  client.send(detectEvent(names));
  client.send(audioStartEvent(fmt));
  const bytes = floatToPcm16(pcm16k);
  const step = ((options.chunkMs ?? 64) * 16) * 2;
  let ts = 0;
  for (let i = 0; i < bytes.length; i += step) {
    client.send(audioChunkEvent(fmt, bytes.subarray(i, i + step), ts));
    ts += options.chunkMs ?? 64;
    if (client.events.some((e) => e.type === 'detection')) break;
    if (i % (step * 8) === 0) await new Promise((r) => setImmediate(r));
  }
  let detection: WyomingEvent | undefined;
  try {
    detection = await client.waitFor('detection', 5000);
  } catch {
    detection = undefined;
  }
  if (options.closeAbruptly ?? true) client.destroy();
  return { detection, client };
}

/** HA's conversation request to a handle service (conversation.py): transcript {text, context, language}. */
export async function haHandle(port: number, text: string, context: Record<string, unknown>): Promise<WyomingEvent> {
  const client = await WyomingTestClient.connect(port);
  client.send(transcriptEvent(text, { context, language: 'en' }));
  const hit = await client.waitForAny(['handled', 'not-handled', 'error'], 30_000);
  client.end();
  return hit;
}

/** HA's describe (data.py load_wyoming_info). */
export async function haDescribe(port: number): Promise<WyomingEvent> {
  const client = await WyomingTestClient.connect(port);
  client.send(bareEvent('describe'));
  const info = await client.waitFor('info', 5000);
  client.end();
  return info;
}

/** Options of the fake satellite. */
export interface FakeSatelliteOptions {
  /** Mic audio to stream after run-satellite (16 kHz mono float), then silence forever. */
  mic: Float32Array;
  /** Mic chunk length (ms) and pacing: a chunk every `paceMs` (faster than real time in tests). */
  chunkMs?: number;
  paceMs?: number;
  /** The satellite's own ping interval and pong timeout (satellite.py: 2 s / 5 s). */
  pingMs?: number;
  pongTimeoutMs?: number;
  /** A misbehaving satellite that keeps streaming after pause-satellite (tests Jarvis's own gate). */
  ignorePause?: boolean;
}

/** A wyoming-satellite (always-streaming) as a Wyoming server on port 0. */
export class FakeSatellite {
  readonly received: WyomingEvent[] = [];
  /** Connections accepted (a reconnect adds one). */
  connections = 0;
  /** When false the satellite stops answering pings (keepalive-loss tests). */
  answerPings = true;
  private server: Server | undefined;
  private current: Socket | undefined;
  private streaming = false;
  private micAt = 0;
  private pacer: NodeJS.Timeout | undefined;
  private pinger: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  port = 0;

  constructor(private readonly o: FakeSatelliteOptions) {}

  async start(): Promise<void> {
    this.server = createServer((socket) => this.accept(socket));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const a = this.server.address();
    this.port = typeof a === 'object' && a ? a.port : 0;
  }

  async stop(): Promise<void> {
    this.stopStreaming();
    if (this.pinger) clearInterval(this.pinger);
    this.current?.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** Drops the current connection without a word (a satellite reboot / cable pull). */
  dropConnection(): void {
    this.current?.destroy();
  }

  /** Resolves when an event of `type` has been received `count` times. */
  async waitFor(type: string, count = 1, timeoutMs = 20_000): Promise<WyomingEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hits = this.received.filter((e) => e.type === type);
      if (hits.length >= count) return hits;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`satellite got ${hits.length}× ${type} in ${timeoutMs} ms; received ${[...new Set(this.received.map((e) => e.type))].join(', ')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  /** TTS audio the satellite received (concatenated payloads between audio-start and audio-stop). */
  ttsAudio(): { rate: number; bytes: number } {
    const start = this.received.find((e) => e.type === 'audio-start');
    const bytes = this.received.filter((e) => e.type === 'audio-chunk').reduce((n, e) => n + (e.payload?.length ?? 0), 0);
    return { rate: Number(start?.data['rate'] ?? 0), bytes };
  }

  private send(socket: Socket, ev: WyomingEvent): void {
    if (!socket.destroyed) socket.write(encodeWyomingEvent(ev));
  }

  private accept(socket: Socket): void {
    this.connections++;
    const decoder = new WyomingDecoder();
    let isServer = false;
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.current === socket) {
        this.current = undefined;
        this.stopStreaming();
        if (this.pinger) clearInterval(this.pinger);
        this.pinger = undefined;
      }
    });
    socket.on('data', (b: Buffer) => {
      for (const ev of decoder.push(b)) {
        if (ev.type === 'describe') {
          this.send(socket, infoEvent({ satellite: { name: 'fake-satellite', attribution: { name: 'test', url: 'http://localhost' }, installed: true, description: 'always-streaming', version: '1.4.1', area: 'Kitchen' } }));
          continue;
        }
        if (!isServer) {
          // event_handler.py: the first client to send a non-describe event becomes the server; others are dropped.
          if (this.current && this.current !== socket && !this.current.destroyed) {
            socket.destroy();
            return;
          }
          this.current = socket;
          isServer = true;
        }
        this.received.push(ev);
        this.onServerEvent(socket, ev);
        for (const w of this.waiters.splice(0)) w();
      }
    });
  }

  private onServerEvent(socket: Socket, ev: WyomingEvent): void {
    switch (ev.type) {
      case 'ping':
        if (this.answerPings) this.send(socket, pongEvent(typeof ev.data['text'] === 'string' ? (ev.data['text'] as string) : null));
        if (!this.pinger) {
          this.pinger = setInterval(() => this.send(socket, pingEvent()), this.o.pingMs ?? 2000);
          this.pinger.unref();
        }
        return;
      case 'run-satellite':
        this.send(socket, runPipelineEvent({ startStage: 'wake', endStage: 'tts', restartOnEnd: true }));
        this.startStreaming(socket);
        return;
      case 'pause-satellite':
        if (!this.o.ignorePause) this.stopStreaming();
        return;
      default:
    }
  }

  private startStreaming(socket: Socket): void {
    this.stopStreaming();
    this.streaming = true;
    const fmt = { rate: 16000, width: 2, channels: 1 };
    const n = (this.o.chunkMs ?? 64) * 16;
    this.pacer = setInterval(() => {
      if (!this.streaming || socket.destroyed) return;
      const part = this.micAt < this.o.mic.length ? this.o.mic.subarray(this.micAt, this.micAt + n) : new Float32Array(n);
      this.micAt += n;
      const chunk = new Float32Array(n);
      chunk.set(part);
      // A little room noise so silence is not digital zero.
      for (let i = 0; i < n; i++) chunk[i] = (chunk[i] as number) + (Math.random() - 0.5) * 0.0004;
      this.send(socket, audioChunkEvent(fmt, floatToPcm16(chunk)));
    }, this.o.paceMs ?? 8);
    this.pacer.unref();
  }

  private stopStreaming(): void {
    this.streaming = false;
    if (this.pacer) clearInterval(this.pacer);
    this.pacer = undefined;
  }
}
