/**
 * Text to speech for Wyoming satellites' replies ([WY-4.2]): espeak-ng (Debian package) by default;
 * Piper when its binary and a voice model (`*.onnx` with its `.onnx.json`) are both present (models
 * are data: `$JARVIS_DATA_DIR/models/piper/`). Debian's package named `piper` is an unrelated tool, so
 * the binary is checked by running it, not by name alone.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { TtsBackend } from './backends.js';
import { WyomingError } from './errors.js';

function run(cmd: string, args: string[], input: string | undefined, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new WyomingError('JARVIS_WYOMING_TTS_FAILED', `${cmd} could not run: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new WyomingError('JARVIS_WYOMING_TTS_FAILED', `${cmd} exited ${code ?? signal}: ${Buffer.concat(err).toString().trim().slice(0, 200)}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** The PCM of a 16-bit mono WAV; tolerant of the unknown-length header espeak-ng writes to a pipe. */
export function pcmOfWav(wav: Buffer): { audio: Uint8Array; rate: number } {
  if (wav.length < 12 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') {
    throw new WyomingError('JARVIS_WYOMING_TTS_FAILED', 'TTS output is not a WAV file');
  }
  let at = 12;
  let rate = 0;
  while (at + 8 <= wav.length) {
    const id = wav.toString('ascii', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    if (id === 'fmt ') {
      const channels = wav.readUInt16LE(at + 10);
      rate = wav.readUInt32LE(at + 12);
      const bits = wav.readUInt16LE(at + 22);
      if (channels !== 1 || bits !== 16) throw new WyomingError('JARVIS_WYOMING_TTS_FAILED', `TTS WAV is ${channels} ch ${bits}-bit; need mono 16-bit`);
    } else if (id === 'data') {
      const end = Math.min(wav.length, at + 8 + size);
      const audio = wav.subarray(at + 8, end - ((end - at - 8) % 2));
      return { audio: new Uint8Array(audio), rate };
    }
    at += 8 + size + (size % 2);
  }
  throw new WyomingError('JARVIS_WYOMING_TTS_FAILED', 'TTS WAV has no data chunk');
}

/** espeak-ng as a TTS backend. */
export class EspeakTts implements TtsBackend {
  readonly name = 'espeak-ng';
  constructor(private readonly voice = 'en-us', private readonly binary = 'espeak-ng') {}

  async synthesize(text: string): Promise<{ audio: Uint8Array; rate: number }> {
    // Text on stdin, never as an argument: a reply can start with "-".
    return pcmOfWav(await run(this.binary, ['-v', this.voice, '--stdout'], text, 15_000));
  }
}

/** Piper as a TTS backend (raw 16-bit output at the voice's rate from its `.onnx.json`). */
export class PiperTts implements TtsBackend {
  readonly name = 'piper';
  private readonly rate: number;
  constructor(private readonly binary: string, private readonly model: string) {
    const cfg = JSON.parse(readFileSync(`${model}.json`, 'utf8')) as { audio?: { sample_rate?: number } };
    this.rate = cfg.audio?.sample_rate ?? 22050;
  }

  async synthesize(text: string): Promise<{ audio: Uint8Array; rate: number }> {
    const raw = await run(this.binary, ['--model', this.model, '--output_raw'], text, 30_000);
    return { audio: new Uint8Array(raw.subarray(0, raw.length - (raw.length % 2))), rate: this.rate };
  }
}

/** True when `binary --help` runs and mentions `--model` (Piper's), which Debian's `piper` (a mouse tool) does not. */
async function isPiper(binary: string): Promise<boolean> {
  try {
    const out = await run(binary, ['--help'], undefined, 5000);
    return out.toString().includes('--model');
  } catch {
    return false;
  }
}

/** Piper when `piperBinary` and `piperModel` (+ `.json`) are usable, else espeak-ng; says which and why. */
export async function chooseTts(options: { piperBinary?: string | undefined; piperModel?: string | undefined; espeakVoice?: string }): Promise<{ tts: TtsBackend; reason: string }> {
  const { piperBinary, piperModel } = options;
  if (piperBinary && piperModel) {
    if (!existsSync(piperModel) || !existsSync(`${piperModel}.json`)) return { tts: new EspeakTts(options.espeakVoice), reason: `Piper voice ${piperModel} (+ .json) missing; using espeak-ng` };
    if (!(await isPiper(piperBinary))) return { tts: new EspeakTts(options.espeakVoice), reason: `${piperBinary} is not Piper's binary; using espeak-ng` };
    return { tts: new PiperTts(piperBinary, piperModel), reason: `Piper with ${piperModel}` };
  }
  return { tts: new EspeakTts(options.espeakVoice), reason: 'espeak-ng (no Piper binary and voice configured)' };
}
