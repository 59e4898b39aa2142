import type { CommandDenoiser, DeviceAudioChunk } from '../audio/index.js';
import type { VoiceEvent } from '../core/index.js';
import type { GrammarCommandStream, Transcript } from '../stt/index.js';
import { estimateSnrDb } from './hearing-policy.js';

/**
 * How far behind the segmenter's position a command's stream is fed, ms. What the stream was fed must be the start
 * of the audio the command is finally decoded on: an utterance that ends on silence is cut ~100 ms after its speech
 * while the segmenter is already ~300 ms past it, so the stream stays further back than that.
 */
export const STREAM_HOLDBACK_MS = 250;
/** Device audio kept to start a command's stream from its pre-roll (the segmenter opens a command 300 ms back). */
const RING_MS = 3000;

/** What the streams did since start (`GET /api/v1/voice`, the hot-path benchmark). */
export interface GrammarStreamCounts {
  /** Commands whose grammar decode began while they were spoken. */
  started: number;
  /** Streams whose answer was used (at a pause, or when the utterance closed). */
  used: number;
  /** Streams fed audio that was not the start of the command's own audio (a different cut): decoded whole instead. */
  misaligned: number;
  /** Dropped: a mute, the run ending without an utterance, or the speech going on after the pause that ended it. */
  dropped: number;
}

interface DeviceAudio {
  streamId: number;
  sampleRate: number;
  /** Hub ms of sample index 0 of the stream, as the front end anchors it (first chunk's arrival less its length). */
  anchorWall: number;
  anchorSample: number;
  /** Recent audio as floats (as the front end converts it), by sample index since the anchor. */
  pieces: Array<{ start: number; pcm: Float32Array }>;
  end: number;
}

interface RunStream {
  deviceId: string;
  stream: GrammarCommandStream;
  /** Sample index (since the anchor) of the stream's first sample, and of the next one to feed. */
  start: number;
  next: number;
  /** What was fed, in order, as the device sent it (checked against the command's audio before the answer is used). */
  fed: Float32Array[];
  fedLength: number;
  /** When the recogniser hears RNNoise's output: the command's own denoiser (fresh at its first sample). */
  denoiser: CommandDenoiser | undefined;
  /** The SNR estimate of the command's audio as the device sent it, known once the command ended (the hearing policy's). */
  snr: { db?: number };
}

/**
 * Feeds each command's audio to the grammar while it is spoken (issue 14's hot path), from the device chunks the
 * pipeline hands the front end, so at the command's pause or end only the last ~0.3 s is left to decode. Commands
 * start at their trigger: the run's pre-roll (PTT, button, device wake) or where a hub-heard wake phrase ended. The
 * answer is used only when what was fed is exactly the start of the audio the batch path would decode
 * (`commandAudio`); otherwise the stream is dropped and the command is decoded whole, as before. 16 kHz devices only.
 */
export class GrammarStreams {
  private readonly devices = new Map<string, DeviceAudio>();
  private readonly runs = new Map<string, RunStream>();
  /** Run id → hub ms of its audio's first sample (capture-start). */
  private readonly captureStart = new Map<string, number>();
  readonly counts: GrammarStreamCounts = { started: 0, used: 0, misaligned: 0, dropped: 0 };

  constructor(
    /**
     * Opens the grammar's stream for a command of this device (undefined: the grammar is off). `rawSnrDb` gives the
     * SNR estimate of the command's audio as the device sent it once the command has ended (what the hearing policy
     * bands by, whatever the recogniser heard); undefined before.
     */
    private readonly open: (deviceId: string, rawSnrDb: () => number | undefined) => GrammarCommandStream | undefined,
    /** Hub ms up to which the front end's segmenter has taken this device's audio. */
    private readonly position: (deviceId: string) => number | undefined,
    /** Receives the decoding each stream leaves behind it (its answer, a cancelled whole decode, an abort): the pipeline's idle() waits for it. */
    private readonly track: (work: Promise<unknown>) => void = () => undefined,
    /**
     * A fresh denoiser for each command when the recogniser hears RNNoise's output (`stt.commandAudio`), undefined when
     * it hears the audio as sent: the stream is fed what `CommandDenoiser` makes of the command's audio, which is what
     * the whole decode hears (`denoiseUtterance` of the same audio), sample for sample.
     */
    private readonly denoiser: () => CommandDenoiser | undefined = () => undefined,
  ) {}

  /** A device chunk, before the front end takes it (so a command that it starts finds it here). */
  onChunk(chunk: DeviceAudioChunk): void {
    if (chunk.sampleRate !== 16000) return;
    let d = this.devices.get(chunk.deviceId);
    if (!d || d.streamId !== chunk.streamId) {
      d = {
        streamId: chunk.streamId, sampleRate: chunk.sampleRate, anchorWall: chunk.receivedAt - (chunk.samples.length * 1000) / chunk.sampleRate,
        anchorSample: chunk.timestamp, pieces: [], end: 0,
      };
      this.devices.set(chunk.deviceId, d);
      this.dropDevice(chunk.deviceId);
    }
    const start = chunk.timestamp - d.anchorSample;
    const pcm = new Float32Array(chunk.samples.length);
    for (let i = 0; i < pcm.length; i++) pcm[i] = (chunk.samples[i] as number) / 32768;
    d.pieces.push({ start, pcm });
    d.end = Math.max(d.end, start + pcm.length);
    const keepFrom = d.end - RING_MS * 16;
    while (d.pieces.length > 0 && d.pieces[0]!.start + d.pieces[0]!.pcm.length < keepFrom) d.pieces.shift();
  }

  /** After the front end took a chunk: feed this device's open streams up to the holdback behind its segmenter. */
  feed(deviceId: string): void {
    const d = this.devices.get(deviceId);
    if (!d || ![...this.runs.values()].some((s) => s.deviceId === deviceId)) return;
    const at = this.position(deviceId);
    if (at === undefined) return;
    const upTo = Math.min(d.end, this.indexOf(d, at - STREAM_HOLDBACK_MS));
    for (const s of this.runs.values()) {
      if (s.deviceId !== deviceId || upTo <= s.next) continue;
      const pcm = this.read(d, s.next, upTo);
      if (!pcm) continue;
      const heard = s.denoiser ? s.denoiser.push(pcm) : pcm;
      if (heard.length > 0) s.stream.push(heard);
      s.fed.push(pcm);
      s.fedLength += pcm.length;
      s.next = upTo;
    }
  }

  /** Run events: a command's start opens its stream; a run that ends first drops it. */
  onEvent(e: VoiceEvent): void {
    if (e.type === 'capture-start') this.captureStart.set(e.runId, e.at);
    else if (e.type === 'wake') this.begin(e);
    else if (e.type === 'run-end') {
      this.captureStart.delete(e.runId);
      this.drop(e.runId);
    }
  }

  /**
   * The grammar's answer for a command whose audio (what the batch path would decode) is `pcm`: the rest is pushed
   * and the stream ended. Undefined when the run has no stream or what it was fed is not the start of `pcm` (then it
   * is dropped). The stream is consumed either way.
   */
  take(runId: string, pcm: Float32Array): Promise<{ transcript: Transcript; complete: boolean }> | undefined {
    const s = this.runs.get(runId);
    if (!s) return undefined;
    this.runs.delete(runId);
    if (!isPrefix(s.fed, s.fedLength, pcm)) {
      this.counts.misaligned++;
      this.abort(s);
      return undefined;
    }
    const rest = pcm.subarray(s.fedLength);
    if (s.denoiser) {
      const heard = s.denoiser.push(rest);
      const tail = s.denoiser.end();
      if (heard.length > 0) s.stream.push(heard);
      if (tail.length > 0) s.stream.push(tail);
    } else if (rest.length > 0) s.stream.push(rest);
    // The policy's SNR (and so the stream's `stands` bar) is that of the audio as sent, never of the denoised audio.
    s.snr.db = estimateSnrDb(pcm);
    this.counts.used++;
    const answer = s.stream.end();
    const settled = (): Promise<void> | undefined => s.stream.settled?.();
    this.track(answer.then(settled, settled));
    return answer;
  }

  /** Whether the run has a stream open. */
  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  /** The device was muted: its streams are dropped (nothing of them kept) and its recent audio forgotten. */
  dropDevice(deviceId: string): void {
    for (const [run, s] of this.runs) if (s.deviceId === deviceId) this.drop(run);
    const d = this.devices.get(deviceId);
    if (d) { d.pieces = []; }
  }

  /** Drops a run's stream, if it has one. */
  drop(runId: string): void {
    const s = this.runs.get(runId);
    if (!s) return;
    this.runs.delete(runId);
    this.counts.dropped++;
    this.abort(s);
  }

  private abort(s: RunStream): void {
    s.denoiser?.close();
    s.stream.abort();
    const left = s.stream.settled?.();
    if (left) this.track(left);
  }

  /** Every stream dropped (the pipeline stops). */
  close(): void {
    for (const run of [...this.runs.keys()]) this.drop(run);
    this.devices.clear();
    this.captureStart.clear();
  }

  private begin(e: VoiceEvent): void {
    if (this.runs.has(e.runId)) return;
    const d = this.devices.get(e.deviceId);
    const audioStart = this.captureStart.get(e.runId);
    if (!d || audioStart === undefined) return;
    const base = this.indexOf(d, audioStart);
    // A hub-heard wake phrase: the command starts where the phrase ended (commandAudio cuts there too).
    const start = e.data?.['trigger'] === 'hub-wake' ? base + Math.max(0, Math.round((e.at - audioStart) * 16)) : base;
    // Before the stream's first sample (a command opened on its first frames) the front end's audio is the zeros its
    // raw tap's delay line starts with; anything else older than what is kept cannot be fed.
    const oldest = d.pieces[0]?.start === 0 ? -Infinity : (d.pieces[0]?.start ?? Infinity);
    if (d.pieces.length === 0 || start < oldest || start > d.end) return;
    const snr: { db?: number } = {};
    const stream = this.open(e.deviceId, () => snr.db);
    if (!stream) return;
    this.counts.started++;
    this.runs.set(e.runId, { deviceId: e.deviceId, stream, start, next: start, fed: [], fedLength: 0, denoiser: this.denoiser(), snr });
    this.feed(e.deviceId);
  }

  /** Sample index (since the anchor) of hub time `ts`. */
  private indexOf(d: DeviceAudio, ts: number): number {
    return Math.round((ts - d.anchorWall) * (d.sampleRate / 1000));
  }

  /** Samples [from, to) of the device's recent audio, or undefined when part of it is not there (a gap). */
  private read(d: DeviceAudio, from: number, to: number): Float32Array | undefined {
    const out = new Float32Array(to - from);
    // Indices before the stream's start are silence (see begin), already zero in `out`.
    let filled = d.pieces[0]?.start === 0 ? Math.max(0, Math.min(to, 0) - from) : 0;
    for (const p of d.pieces) {
      const a = Math.max(from, p.start);
      const b = Math.min(to, p.start + p.pcm.length);
      if (b <= a) continue;
      out.set(p.pcm.subarray(a - p.start, b - p.start), a - from);
      filled += b - a;
    }
    return filled === out.length ? out : undefined;
  }
}

/** Whether the pieces (`length` samples in all) are exactly the first samples of `pcm`. */
function isPrefix(pieces: readonly Float32Array[], length: number, pcm: Float32Array): boolean {
  if (length > pcm.length) return false;
  let at = 0;
  for (const p of pieces) {
    for (let i = 0; i < p.length; i++) if (p[i] !== pcm[at + i]) return false;
    at += p.length;
  }
  return true;
}
