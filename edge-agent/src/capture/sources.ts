/**
 * Where the microphone audio comes from: ALSA through a long-lived `arecord` child (restarted when it
 * dies), a WAV file paced at capture speed, or raw PCM on a stream such as stdin. Every source hands
 * mono PCM16 blocks to one listener.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { EdgeError } from '../errors.js';
import { findExecutable } from '../executables.js';
import type { Logger } from '../logger.js';
import { Backoff } from '../state-machine.js';
import { PcmAssembler } from './pcm.js';
import { decodeWav } from './wav.js';

/** Receives captured mono samples. */
export type SamplesListener = (samples: Int16Array) => void;

/** A capture source with the component lifecycle: the constructor only assigns. */
export interface AudioSource {
  readonly name: string;
  /** Sample rate of the delivered samples; valid after `start()`. */
  readonly sampleRate: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@link ArecordSource}. */
export interface ArecordSourceOptions {
  /** arecord program: a path or a name on PATH. */
  program: string;
  device: string;
  sampleRate: number;
  channels: number;
  onSamples: SamplesListener;
  logger: Logger;
  /** Delays between restarts of a dying arecord; default 250 ms growing to 10 s. */
  restart?: { initialMs: number; maxMs: number };
  /** A run at least this long resets the restart delay; default 10 s. */
  healthyRunMs?: number;
}

/**
 * ALSA capture through `arecord` writing raw S16_LE to a pipe. A long-lived child keeps the device
 * open (no gap between blocks); when it exits (USB microphone unplugged, ALSA xrun it cannot recover),
 * it is started again after a growing delay, forever, because a satellite must heal itself.
 */
export class ArecordSource implements AudioSource {
  readonly name = 'arecord';
  private child: ChildProcess | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly assembler: PcmAssembler;
  private readonly backoff: Backoff;
  private program = '';
  /** How many times arecord was (re)started; for tests and `check`. */
  starts = 0;

  constructor(private readonly options: ArecordSourceOptions) {
    this.assembler = new PcmAssembler(options.channels);
    const r = options.restart ?? { initialMs: 250, maxMs: 10_000 };
    this.backoff = new Backoff({ initialMs: r.initialMs, maxMs: r.maxMs, jitter: 0.1 });
  }

  get sampleRate(): number {
    return this.options.sampleRate;
  }

  /** The arguments arecord is started with. */
  args(): string[] {
    const o = this.options;
    return ['-q', '-D', o.device, '-f', 'S16_LE', '-r', String(o.sampleRate), '-c', String(o.channels), '-t', 'raw'];
  }

  /** Throws `JARVIS_EDGE_NO_ARECORD` when the program is missing; later deaths are restarted, not thrown. */
  async start(): Promise<void> {
    if (this.running) return;
    const found = findExecutable(this.options.program);
    if (!found) {
      throw new EdgeError(
        'JARVIS_EDGE_NO_ARECORD',
        `cannot capture audio: "${this.options.program}" is not installed or not executable (install Debian's alsa-utils, or set audio.arecordPath)`,
      );
    }
    this.program = found;
    this.running = true;
    this.spawnOnce();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
        child.once('close', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
  }

  private spawnOnce(): void {
    const log = this.options.logger;
    const startedAt = Date.now();
    this.assembler.reset();
    this.starts++;
    const child = spawn(this.program, this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const samples = this.assembler.push(chunk);
      if (samples.length > 0) this.options.onSamples(samples);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.once('error', (err) => {
      log.error({ code: 'JARVIS_EDGE_CAPTURE', err: err.message }, `cannot start ${this.program}: ${err.message}`);
    });
    child.once('close', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (!this.running) return;
      if (Date.now() - startedAt >= (this.options.healthyRunMs ?? 10_000)) this.backoff.reset();
      const delay = this.backoff.next();
      log.error(
        { code: 'JARVIS_EDGE_CAPTURE', exitCode: code, signal, stderr: stderr.trim() || undefined, restartInMs: delay },
        `arecord exited (${signal ?? `code ${String(code)}`})${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1) ?? ''}` : ''}; restarting in ${delay} ms`,
      );
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (this.running) this.spawnOnce();
      }, delay);
    });
    log.info({ program: this.program, args: this.args(), pid: child.pid }, 'capture started');
  }
}

/** Options of {@link FileSource}. */
export interface FileSourceOptions {
  file: string;
  loop: boolean;
  onSamples: SamplesListener;
  /** Called once when a non-looping file has been delivered completely. */
  onEnd?: () => void;
  /** Block size in ms; default 10. */
  blockMs?: number;
  /** Start paced delivery only on `play()` (the agent plays a recording once a hub listens); default false. */
  paused?: boolean;
}

/**
 * A WAV file delivered at capture speed, as a microphone would: blocks are due by wall-clock time since
 * start, so timer drift never accumulates. For tests, demos and benchmarks.
 */
export class FileSource implements AudioSource {
  readonly name = 'file';
  private samples: Int16Array | undefined;
  private rate = 0;
  private timer: NodeJS.Timeout | undefined;
  private position = 0;
  private delivered = 0;
  private startedAt = 0;
  private ended = false;
  private playing = false;

  constructor(private readonly options: FileSourceOptions) {}

  get sampleRate(): number {
    return this.rate;
  }

  /** Reads and checks the WAV (`JARVIS_EDGE_BAD_WAV`), then starts pacing. */
  async start(): Promise<void> {
    if (this.timer) return;
    if (!this.samples) {
      let bytes: Buffer;
      try {
        bytes = await readFile(this.options.file);
      } catch (err) {
        throw new EdgeError('JARVIS_EDGE_BAD_WAV', `cannot read audio file ${this.options.file}: ${(err as Error).message}`, { cause: err });
      }
      const wav = decodeWav(bytes, `audio file ${this.options.file}`);
      this.samples = wav.samples;
      this.rate = wav.sampleRate;
    }
    if (!this.options.paused || this.playing) this.play();
  }

  /** Starts (or resumes) paced delivery; a no-op while delivering. */
  play(): void {
    this.playing = true;
    if (this.timer || !this.samples || this.ended) return;
    this.startedAt = performance.now() - (this.delivered / this.rate) * 1000;
    this.timer = setInterval(() => this.pump(), this.options.blockMs ?? 10);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private pump(): void {
    const samples = this.samples;
    if (!samples || this.ended) return;
    const due = Math.floor(((performance.now() - this.startedAt) / 1000) * this.rate) - this.delivered;
    if (due <= 0) return;
    const out = new Int16Array(due);
    let n = 0;
    while (n < due) {
      if (this.position >= samples.length) {
        if (!this.options.loop) break;
        this.position = 0;
      }
      const take = Math.min(due - n, samples.length - this.position);
      out.set(samples.subarray(this.position, this.position + take), n);
      n += take;
      this.position += take;
    }
    this.delivered += due;
    if (n > 0) this.options.onSamples(n === due ? out : out.subarray(0, n));
    if (n < due) {
      this.ended = true;
      void this.stop();
      this.options.onEnd?.();
    }
  }
}

/** Options of {@link StreamSource}. */
export interface StreamSourceOptions {
  stream: Readable;
  sampleRate: number;
  channels: number;
  onSamples: SamplesListener;
  onEnd?: () => void;
}

/** Raw PCM16LE read from a stream (stdin: `sox ... -t raw - | jarvis-edge run --source stdin`), paced by the producer. */
export class StreamSource implements AudioSource {
  readonly name = 'stdin';
  private readonly assembler: PcmAssembler;
  private listening = false;
  private readonly onData = (chunk: Buffer): void => {
    const samples = this.assembler.push(chunk);
    if (samples.length > 0) this.options.onSamples(samples);
  };
  private readonly onEnd = (): void => this.options.onEnd?.();

  constructor(private readonly options: StreamSourceOptions) {
    this.assembler = new PcmAssembler(options.channels);
  }

  get sampleRate(): number {
    return this.options.sampleRate;
  }

  async start(): Promise<void> {
    if (this.listening) return;
    this.listening = true;
    this.options.stream.on('data', this.onData);
    this.options.stream.once('end', this.onEnd);
    this.options.stream.resume();
  }

  async stop(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    this.options.stream.off('data', this.onData);
    this.options.stream.off('end', this.onEnd);
    this.options.stream.pause();
  }
}
