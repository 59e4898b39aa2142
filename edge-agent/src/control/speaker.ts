/**
 * `cmd/say`: text → speech (espeak-ng, or piper with a voice model) → WAV → the player (`aplay`). The
 * synthesiser and player are interfaces so tests hand the WAV to a recorder instead of a sound card.
 * Requests are spoken one at a time, and a repeated `id` (QoS 1 may deliver twice) is spoken once.
 */
import { spawn } from 'node:child_process';
import type { PayloadOf } from '@jarvis/protocol';
import { decodeWav, encodeWav } from '../capture/wav.js';
import { EdgeError } from '../errors.js';
import { findExecutable } from '../executables.js';
import type { Logger } from '../logger.js';

/** A validated `cmd/say` payload. */
export type SayCommand = PayloadOf<'cmd/say'>;

/** Turns text into a WAV file's bytes. */
export interface Synthesizer {
  readonly name: string;
  synthesize(text: string): Promise<Buffer>;
}

/** Plays a WAV file's bytes; resolves when playback ended. */
export interface Player {
  play(wav: Buffer, request: SayCommand): Promise<void>;
}

/** Runs a program with `input` on stdin and collects stdout; a non-zero exit is `JARVIS_EDGE_SAY` with stderr. */
export function runProgram(program: string, args: string[], input: string | Buffer, timeoutMs = 60_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-2000);
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new EdgeError('JARVIS_EDGE_SAY', `cannot run ${program}: ${err.message}`, { cause: err }));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new EdgeError('JARVIS_EDGE_SAY', `${program} failed (${signal ?? `exit ${String(code)}`})${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** espeak-ng writing a WAV to stdout; the text goes through stdin so it can never be read as a flag. */
export class EspeakSynthesizer implements Synthesizer {
  readonly name = 'espeak-ng';
  constructor(private readonly program: string, private readonly voice: string) {}

  synthesize(text: string): Promise<Buffer> {
    return runProgram(this.program, ['--stdout', '--stdin', '-v', this.voice], text);
  }
}

/** piper with a voice model, writing a WAV file to stdout. */
export class PiperSynthesizer implements Synthesizer {
  readonly name = 'piper';
  constructor(private readonly program: string, private readonly model: string) {}

  synthesize(text: string): Promise<Buffer> {
    return runProgram(this.program, ['--model', this.model, '--output_file', '/dev/stdout'], text);
  }
}

/** `aplay` reading the WAV from stdin on an ALSA playback device. */
export class AplayPlayer implements Player {
  constructor(private readonly program: string, private readonly device: string) {}

  async play(wav: Buffer): Promise<void> {
    await runProgram(this.program, ['-q', '-D', this.device, '-'], wav);
  }
}

/** Scales a WAV's samples by `volume` (0-1); engines differ in volume flags, so it is done here once. */
export function scaleWavVolume(wav: Buffer, volume: number): Buffer {
  if (volume >= 1) return wav;
  const { sampleRate, samples } = decodeWav(wav, 'synthesised speech', true);
  const scaled = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) scaled[i] = Math.round((samples[i] as number) * volume);
  return encodeWav(scaled, sampleRate);
}

/** Settings that decide which engine speaks. */
export interface SpeechSettings {
  engine: 'auto' | 'espeak-ng' | 'piper' | 'none';
  voice: string;
  piperModel?: string | undefined;
  espeakPath: string;
  piperPath: string;
}

/** Picks the engine: piper when a model is configured and the program exists, else espeak-ng; undefined means none. */
export function chooseSynthesizer(s: SpeechSettings): Synthesizer | undefined {
  if (s.engine === 'none') return undefined;
  if (s.engine === 'piper' || (s.engine === 'auto' && s.piperModel !== undefined)) {
    const piper = findExecutable(s.piperPath);
    if (piper && s.piperModel !== undefined) return new PiperSynthesizer(piper, s.piperModel);
    if (s.engine === 'piper') return undefined;
  }
  const espeak = findExecutable(s.espeakPath);
  return espeak ? new EspeakSynthesizer(espeak, s.voice) : undefined;
}

/** Speaks `cmd/say` requests in order through one synthesiser and player. */
export class Speaker {
  private chain: Promise<void> = Promise.resolve();
  private readonly recentIds: string[] = [];
  private volumeValue: number;
  /** Requests spoken, failed and skipped as duplicates; for stats and tests. */
  readonly counts = { spoken: 0, failed: 0, duplicates: 0 };

  constructor(
    private readonly synthesizer: Synthesizer | undefined,
    private readonly player: Player,
    private readonly logger: Logger,
    volume = 1,
  ) {
    this.volumeValue = volume;
  }

  /** The default volume (0-1) for requests without one; `cmd/config` sets it. */
  set volume(v: number) {
    this.volumeValue = v;
  }

  get volume(): number {
    return this.volumeValue;
  }

  /** Queues a request; resolves when it was spoken or failed (failures are logged, not thrown). */
  say(request: SayCommand): Promise<void> {
    if (request.id !== undefined) {
      if (this.recentIds.includes(request.id)) {
        this.counts.duplicates++;
        this.logger.debug({ id: request.id }, 'say: duplicate request ignored');
        return this.chain;
      }
      this.recentIds.push(request.id);
      if (this.recentIds.length > 64) this.recentIds.shift();
    }
    this.chain = this.chain.then(() => this.speak(request));
    return this.chain;
  }

  /** Waits for queued requests. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async speak(request: SayCommand): Promise<void> {
    if (!this.synthesizer) {
      this.counts.failed++;
      this.logger.warn({ code: 'JARVIS_EDGE_SAY', id: request.id }, 'say: no speech engine (install espeak-ng, or piper with speech.piperModel); request dropped');
      return;
    }
    const started = Date.now();
    try {
      const wav = scaleWavVolume(await this.synthesizer.synthesize(request.text), request.volume ?? this.volumeValue);
      await this.player.play(wav, request);
      this.counts.spoken++;
      this.logger.info({ id: request.id, engine: this.synthesizer.name, chars: request.text.length, ms: Date.now() - started }, 'say: spoken');
    } catch (err) {
      this.counts.failed++;
      const code = err instanceof EdgeError ? err.code : 'JARVIS_EDGE_SAY';
      this.logger.error({ code, id: request.id, err: (err as Error).message }, `say failed: ${(err as Error).message}`);
    }
  }
}
