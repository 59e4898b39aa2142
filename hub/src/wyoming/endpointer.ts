/**
 * End of a spoken command in an endless satellite stream: 10 ms energy frames against an adaptive
 * noise floor. Speech starts after `startMs` of frames `thresholdDb` over the floor and ends after
 * `silenceMs` under it; a command is cut at `maxMs`. `startMs` (250) is long enough that the quiet
 * tail of the wake phrase does not count as the command starting (HA's segmenter waits 0.3 s). Simple on purpose: wyoming-satellite streams
 * without VAD in its always-streaming mode, and this only has to find the pause after a command.
 */

/** Options of {@link Endpointer}. */
export interface EndpointerOptions {
  thresholdDb?: number;
  startMs?: number;
  silenceMs?: number;
  maxMs?: number;
  /** Give up when no speech starts within this long. */
  noSpeechMs?: number;
}

/** What one pushed block ended with. */
export type EndpointEvent = { type: 'voice-started'; atSample: number } | { type: 'voice-stopped'; atSample: number } | { type: 'timeout'; atSample: number };

const FRAME = 160;

/** Finds the start and end of speech in 16 kHz audio. */
export class Endpointer {
  private floorDb = -60;
  private pending = new Float32Array(0);
  private samples = 0;
  private voicedRun = 0;
  private silentRun = 0;
  private started = -1;
  private done = false;
  private readonly o: Required<EndpointerOptions>;

  constructor(options: EndpointerOptions = {}) {
    this.o = { thresholdDb: 12, startMs: 250, silenceMs: 700, maxMs: 8000, noSpeechMs: 5000, ...options };
  }

  /** True once speech started. */
  get speaking(): boolean {
    return this.started >= 0;
  }

  /** Feeds audio; returns the events it caused (at most one start and one end/timeout per command). */
  push(x: Float32Array): EndpointEvent[] {
    if (this.done) return [];
    const out: EndpointEvent[] = [];
    const buf = new Float32Array(this.pending.length + x.length);
    buf.set(this.pending);
    buf.set(x, this.pending.length);
    let at = 0;
    for (; at + FRAME <= buf.length && !this.done; at += FRAME) {
      let e = 0;
      for (let i = at; i < at + FRAME; i++) e += (buf[i] as number) ** 2;
      const db = 10 * Math.log10(e / FRAME + 1e-12);
      this.samples += FRAME;
      const voiced = db > Math.max(this.floorDb + this.o.thresholdDb, -50);
      if (!voiced) this.floorDb = this.floorDb * 0.95 + db * 0.05;
      if (this.started < 0) {
        this.voicedRun = voiced ? this.voicedRun + 10 : 0;
        if (this.voicedRun >= this.o.startMs) {
          this.started = this.samples - (this.voicedRun / 10) * FRAME;
          out.push({ type: 'voice-started', atSample: this.started });
        } else if (this.samples / 16 >= this.o.noSpeechMs) {
          this.done = true;
          out.push({ type: 'timeout', atSample: this.samples });
        }
      } else {
        this.silentRun = voiced ? 0 : this.silentRun + 10;
        if (this.silentRun >= this.o.silenceMs || (this.samples - this.started) / 16 >= this.o.maxMs) {
          this.done = true;
          out.push({ type: 'voice-stopped', atSample: this.samples });
        }
      }
    }
    this.pending = buf.slice(at);
    return out;
  }
}
