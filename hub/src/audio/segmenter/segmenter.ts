import { FrameFlag } from '@jarvis/protocol';
import { AudioError } from '../dsp/errors.js';
import { energyDb, FRAME_MS, type DspFrame } from '../dsp/frame.js';
import type { ArbitrationVerdict, WakeArbiter, WakeCandidate } from '../wake/arbiter.js';
import { newRunId, VoiceRun, type RunEndReason, type VoiceEventSink } from '../../core/index.js';
import type { CommandPause, CommandTrigger, Utterance, UtteranceEndReason } from './utterance.js';

/** Segmenter options (ms). */
export interface SegmenterOptions {
  /** Silence after the last voiced frame that ends an utterance (default 300). */
  hangoverMs?: number;
  /** Audio kept before the start of speech or the trigger (default 300). */
  preRollMs?: number;
  /** Longest command utterance (default 15000). */
  maxCommandMs?: number;
  /** Longest passive segment; longer talk is cut into several (default 30000). */
  maxPassiveMs?: number;
  /** A trigger with no speech after it for this long ends the run as `no-speech` (default 4000). */
  noSpeechTimeoutMs?: number;
  /** Passive speech shorter than this is dropped as a blip (default 200). */
  minPassiveSpeechMs?: number;
  /** Consecutive voiced ms that open a passive segment (default 30). */
  onsetMs?: number;
  /**
   * A command pausing this long is offered to `onCommandPause`, which may end it before the hangover
   * (default 120; 0 turns it off). Never more than `hangoverMs`.
   */
  earlyEndPauseMs?: number;
}

/** Where utterances and run events go. */
export interface SegmenterSinks {
  onUtterance(utterance: Utterance): void;
  onEvent: VoiceEventSink;
  /** A command paused `earlyEndPauseMs`: the taker may end it early (once per pause). */
  onCommandPause?(pause: CommandPause): void;
}

interface Open {
  kind: 'command' | 'passive';
  trigger?: CommandTrigger;
  run: VoiceRun;
  frames: Float32Array[];
  /** The same frames before denoising, when the chain taps them (`DspFrame.raw16k`). */
  raw: (Float32Array | undefined)[];
  /** Time stamp and energy after the chain (dBFS) of each entry of `frames`. */
  frameTs: number[];
  frameDb: number[];
  audioStartTs: number;
  speechStartTs?: number;
  /** End of the last voiced frame that counts (see `pending`), hub ms. */
  lastSpeechEnd?: number;
  /** Index in `frames` of that frame. */
  lastSpeechIdx: number;
  /** Loudest voiced frame after the chain, dBFS: the reference for how faint an ending may be. */
  peakDb: number;
  /**
   * Voiced frames after a pause of BLIP_GAP_MS or more, not yet counted: they count once the run is
   * `onsetFrames` long, so one noise frame that the VAD let through neither moves the end of the
   * utterance nor restarts the hangover.
   */
  pending: { ts: number; rawDb: number; db: number; idx: number }[];
  voicedMs: number;
  /** For commands: voiced ms since the trigger (speech before a wake phrase ends belongs to the phrase). */
  voicedSinceTrigger: number;
  triggerTs: number;
  wakeScore?: number;
  candidate?: WakeCandidate;
  speechPow: number;
  speechFrames: number;
  /** `lastSpeechEnd` when the last pause was offered to `onCommandPause` (one offer per pause). */
  offeredAt?: number;
}

const dbToPow = (db: number): number => 10 ** (db / 10);

/** A voiced run that starts this long after the last counted speech must be onset-long to count. */
const BLIP_GAP_MS = 100;
/**
 * The end of speech is the last frame within this many dB of the utterance's loudest frame: what the
 * ground truth of the tests means by speech too. RNNoise keeps a high voice probability on voicing
 * fading out 60 dB down, which put ends up to 190 ms late on clean audio.
 */
const END_RANGE_DB = 40;
/**
 * Word-final fricatives (/s/ of "lights", /f/ of "shelf") get a low RNNoise voice probability, so the
 * VAD ended before them and put ends up to 195 ms early at 5 dB SNR. They survive denoising as faint,
 * hiss-like frames: a frame after the VAD's last voiced frame belongs to the speech when at least this
 * share of its sample pairs cross zero (measured: /s/ and /f/ 0.33–0.63; what RNNoise leaves of pink
 * noise 0.10–0.30, of brown noise 0.02–0.19; vowel endings below 0.2). Energy alone could not tell:
 * RNNoise's residual after a vowel sits 10–15 dB above the floor for ~70 ms in 5 dB brown noise.
 */
const TAIL_MIN_ZCR = 0.32;
/**
 * ...and at least this much above the zero-crossing rate of the noise before the utterance: right
 * after speech RNNoise lets more noise through than in steady noise (0.32–0.35 after "dinner" in 10 dB
 * pink noise, against 0.25 before the speech), which a fixed threshold mistook for a fricative.
 */
const TAIL_ZCR_OVER_NOISE = 0.12;
/** A tail frame must stand this far above the noise floor after denoising... */
const TAIL_MARGIN_DB = 4;
/** ...and within this far below the loudest frame (RNNoise takes 10–20 dB off a fricative). */
const TAIL_RANGE_DB = 55;
/** Non-fricative frames the tail may skip: the stop closure of /ts/ or a dip inside the fricative. */
const TAIL_MAX_GAP_FRAMES = 4;
/** Longest tail added after the last voiced frame. */
const TAIL_MAX_MS = 300;

/** The first `n` 160-sample frames as one buffer. */
function joinFrames(frames: readonly Float32Array[], n: number): Float32Array {
  const out = new Float32Array(n * 160);
  for (let i = 0; i < n; i++) out.set(frames[i] as Float32Array, i * 160);
  return out;
}

/** Share of adjacent sample pairs of `x` that change sign. */
function zeroCrossingRate(x: Float32Array): number {
  let n = 0;
  for (let i = 1; i < x.length; i++) if ((x[i - 1] as number) < 0 !== (x[i] as number) < 0) n++;
  return n / Math.max(1, x.length - 1);
}

function check(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) throw new AudioError('JARVIS_AUDIO_BAD_CONFIG', `segmenter ${name} ${value} is outside ${min}..${max}`);
  return value;
}

/**
 * Cuts one device's 16 kHz VAD-labelled frames into utterances (issue 4 §2). Commands start on PTT,
 * a button, a device WAKE or a hub-side wake phrase and end after the silence hangover; all other
 * speech becomes passive segments. `mute()` discards whatever is open.
 */
export class Segmenter {
  private readonly hangoverMs: number;
  private readonly preRollFrames: number;
  private readonly maxCommandMs: number;
  private readonly maxPassiveMs: number;
  private readonly noSpeechTimeoutMs: number;
  private readonly minPassiveSpeechMs: number;
  private readonly onsetFrames: number;
  private readonly earlyEndPauseMs: number;
  private readonly preRoll: DspFrame[] = [];
  private open: Open | undefined;
  private onsetRun = 0;
  private lastFlags = 0;
  /**
   * This stream's frames have carried the PTT flag: the device reports its button in band (the firmware sends
   * the flag and an MQTT `event/button`), so the MQTT copy of a PTT press is the same press, late, and is dropped.
   */
  private pttInBand = false;
  private noisePow = dbToPow(-60);
  /** Energy after the chain of frames outside any utterance that the VAD calls silence, dBFS (smoothed). */
  private floorDb: number | undefined;
  /** Zero-crossing rate of the same frames (smoothed). */
  private floorZcr: number | undefined;
  private pendingTrigger: { trigger: CommandTrigger; at: number; score?: number; heardAt?: number } | undefined;
  /** Hub ms at the end of the latest frame: the clock of this device's runs. */
  private now = 0;
  /** After losing arbitration, the rest of that speech belongs to the winner: ignore it until silence. */
  private suppressUntil: number | undefined;

  constructor(
    readonly deviceId: string,
    private readonly sinks: SegmenterSinks,
    options: SegmenterOptions = {},
    private readonly arbiter?: WakeArbiter,
  ) {
    this.hangoverMs = check('hangoverMs', options.hangoverMs ?? 300, 30, 5000);
    this.preRollFrames = Math.round(check('preRollMs', options.preRollMs ?? 300, 0, 2000) / FRAME_MS);
    this.maxCommandMs = check('maxCommandMs', options.maxCommandMs ?? 15000, 500, 120000);
    this.maxPassiveMs = check('maxPassiveMs', options.maxPassiveMs ?? 30000, 500, 600000);
    this.noSpeechTimeoutMs = check('noSpeechTimeoutMs', options.noSpeechTimeoutMs ?? 4000, 100, 60000);
    this.minPassiveSpeechMs = check('minPassiveSpeechMs', options.minPassiveSpeechMs ?? 200, 0, 10000);
    this.onsetFrames = Math.max(1, Math.round(check('onsetMs', options.onsetMs ?? 30, 0, 1000) / FRAME_MS));
    this.earlyEndPauseMs = Math.min(this.hangoverMs, check('earlyEndPauseMs', options.earlyEndPauseMs ?? 120, 0, 5000));
  }

  /** Current speech-to-noise estimate of the raw signal, dB. */
  snrDb(): number {
    const o = this.open;
    const speech = o && o.speechFrames > 0 ? o.speechPow / o.speechFrames : this.noisePow;
    return 10 * Math.log10(speech / this.noisePow);
  }

  /** True while an utterance is open (for tests and the dashboard). */
  get openKind(): 'command' | 'passive' | undefined {
    return this.open?.kind;
  }

  /**
   * A trigger from outside the audio (an MQTT button or wake event, or the hub's wake detector). It
   * takes effect on the next frame, so the command starts in audio order. `at` is where the command's audio
   * starts (for a wake phrase: where the phrase ended); `heardAt`, when later, is when the detector decided,
   * which starts the arbitration window (a trained detector decides 100–250 ms after the phrase, and every
   * device's detection must be in before the verdict).
   */
  trigger(trigger: CommandTrigger, at: number, score?: number, heardAt?: number): void {
    this.pendingTrigger = { trigger, at, ...(score === undefined ? {} : { score }), ...(heardAt === undefined ? {} : { heardAt }) };
  }

  /**
   * Hands over a press or wake that no frame of this stream has taken yet (the stream ended under it), so the
   * device's next stream can start its command: a PTT press published just before a new stream would otherwise
   * be lost with the old segmenter.
   */
  takePendingTrigger(): { trigger: CommandTrigger; at: number; score?: number; heardAt?: number } | undefined {
    const t = this.pendingTrigger;
    this.pendingTrigger = undefined;
    return t;
  }

  /** Processes one 16 kHz frame that the VAD labelled. */
  push(frame: DspFrame): void {
    if (frame.sampleRate !== 16000 || frame.samples.length !== 160 || frame.speech === undefined) {
      throw new AudioError('JARVIS_AUDIO_BAD_FRAME', `segmenter needs 160 VAD-labelled samples at 16 kHz, got ${frame.samples.length} at ${frame.sampleRate} Hz${frame.speech === undefined ? ' without a VAD decision' : ''}`);
    }
    const end = frame.ts + FRAME_MS;
    this.now = end;
    const rising = frame.flags & ~this.lastFlags;
    const falling = this.lastFlags & ~frame.flags;
    this.lastFlags = frame.flags;
    if (frame.flags & FrameFlag.PTT) this.pttInBand = true;
    if (rising & FrameFlag.PTT) this.startCommand('ptt', frame.ts);
    if (rising & FrameFlag.WAKE) this.startCommand('device-wake', frame.ts, 1);
    if (this.pendingTrigger) {
      const t = this.pendingTrigger;
      this.pendingTrigger = undefined;
      if (!(t.trigger === 'ptt' && this.pttInBand)) this.startCommand(t.trigger, t.at, t.score, t.heardAt);
    }
    if (!frame.speech) this.noisePow = 0.98 * this.noisePow + 0.02 * dbToPow(frame.rawDb);
    const db = energyDb(frame.samples);
    // Digital silence (the chain's start-up zeros) says nothing about the noise.
    if (!frame.speech && !this.open && db > -90) {
      const zcr = zeroCrossingRate(frame.samples);
      this.floorDb = this.floorDb === undefined ? db : 0.9 * this.floorDb + 0.1 * db;
      this.floorZcr = this.floorZcr === undefined ? zcr : 0.9 * this.floorZcr + 0.1 * zcr;
    }

    const o = this.open;
    if (!o && this.suppressUntil !== undefined) {
      if (frame.speech) this.suppressUntil = end + this.hangoverMs;
      if (end < this.suppressUntil) return;
      this.suppressUntil = undefined;
    }
    if (!o) {
      this.onsetRun = frame.speech ? this.onsetRun + 1 : 0;
      this.remember(frame);
      if (this.onsetRun >= this.onsetFrames) {
        // Open with the pre-roll; the onset frames are already in it and count as speech.
        const onsetStart = frame.ts - (this.onsetFrames - 1) * FRAME_MS;
        this.openSegment('passive', undefined, onsetStart, onsetStart);
        const opened = this.open as Open | undefined;
        if (opened) {
          opened.speechStartTs = onsetStart;
          opened.lastSpeechEnd = end;
          opened.lastSpeechIdx = opened.frames.length - 1;
          opened.voicedMs = this.onsetFrames * FRAME_MS;
          for (let i = Math.max(0, opened.frames.length - this.onsetFrames); i < opened.frames.length; i++) opened.peakDb = Math.max(opened.peakDb, opened.frameDb[i] as number);
          opened.run.emit('speech-start', undefined, onsetStart);
        }
      }
      return;
    }
    o.frames.push(frame.samples);
    o.raw.push(frame.raw16k);
    o.frameTs.push(frame.ts);
    o.frameDb.push(db);
    if (frame.speech) {
      o.pending.push({ ts: frame.ts, rawDb: frame.rawDb, db, idx: o.frames.length - 1 });
      const resumed = o.lastSpeechEnd !== undefined && frame.ts - o.lastSpeechEnd < BLIP_GAP_MS;
      if (resumed || o.pending.length >= this.onsetFrames) this.countPending(o);
    } else {
      o.pending.length = 0;
    }
    if (o.candidate && this.arbiter) {
      const verdict: ArbitrationVerdict = this.arbiter.verdict(o.candidate, frame.ts);
      if (verdict === 'lost') {
        this.discard('arbitration-lost', end);
        this.suppressUntil = end + this.hangoverMs;
        return;
      }
    }
    const length = end - o.audioStartTs;
    const held = (frame.flags & FrameFlag.PTT) !== 0;
    if (o.kind === 'command') {
      if (frame.flags & FrameFlag.END) return this.close('end-flag', end);
      if ((falling & FrameFlag.PTT) && o.trigger === 'ptt' && o.voicedSinceTrigger > 0) return this.close('ptt-release', end);
      if (length >= this.maxCommandMs) return this.close('max-length', end);
      // Speech that straddles the trigger is the wake phrase itself; the command proper must start after it.
      const commandSpoken = o.voicedSinceTrigger >= 100;
      // A pending voiced run may be speech resuming: decide once it is counted or gone.
      if (commandSpoken && !held && o.pending.length === 0 && o.lastSpeechEnd !== undefined && end - o.lastSpeechEnd >= this.hangoverMs) return this.close('silence', end);
      if (!commandSpoken && !held && end - o.triggerTs >= this.noSpeechTimeoutMs) return this.discard('no-speech', end);
      const paused = o.pending.length === 0 && o.lastSpeechEnd !== undefined && end - o.lastSpeechEnd >= this.earlyEndPauseMs;
      if (this.earlyEndPauseMs > 0 && this.sinks.onCommandPause && commandSpoken && !held && paused && o.offeredAt !== o.lastSpeechEnd) {
        o.offeredAt = o.lastSpeechEnd;
        this.sinks.onCommandPause(this.pauseOf(o));
      }
      return;
    }
    if (length >= this.maxPassiveMs) return this.close('max-length', end);
    if (o.pending.length === 0 && o.lastSpeechEnd !== undefined && end - o.lastSpeechEnd >= this.hangoverMs) {
      if (o.voicedMs < this.minPassiveSpeechMs) return this.discard('too-short', end);
      return this.close('silence', end);
    }
  }

  /** The device was muted: drop the open utterance and the pre-roll (DESIGN.md §5). */
  mute(at: number): void {
    this.preRoll.length = 0;
    this.onsetRun = 0;
    this.pendingTrigger = undefined;
    if (this.open) this.discard('muted', at);
  }

  /** Ends any open run without an utterance (the hub is stopping). */
  dispose(at: number): void {
    if (this.open) this.discard('error', at);
  }

  /** Counts the pending voiced frames as speech: start of speech, last voiced frame, voiced time. */
  private countPending(o: Open): void {
    for (const p of o.pending) {
      if (o.speechStartTs === undefined) {
        o.speechStartTs = p.ts;
        o.run.emit('speech-start', undefined, p.ts);
      }
      o.lastSpeechEnd = p.ts + FRAME_MS;
      o.lastSpeechIdx = p.idx;
      o.peakDb = Math.max(o.peakDb, p.db);
      o.voicedMs += FRAME_MS;
      if (p.ts >= o.triggerTs) o.voicedSinceTrigger += FRAME_MS;
      o.speechPow += dbToPow(p.rawDb);
      o.speechFrames++;
    }
    o.pending.length = 0;
  }

  /**
   * Where the speech of `o` really ends, hub ms. From the VAD's last voiced frame, walk back over voicing
   * fading out more than END_RANGE_DB below the loudest frame, then forward over a weak tail the VAD
   * dropped but whose energy still stands above the noise floor, up to `limitTs`.
   */
  private refinedEnd(o: Open, limitTs: number): number | undefined {
    if (o.lastSpeechEnd === undefined) return undefined;
    const faint = o.peakDb - END_RANGE_DB;
    let k = o.lastSpeechIdx;
    const first = o.speechStartTs === undefined ? 0 : o.frameTs.findIndex((ts) => ts >= (o.speechStartTs as number));
    while (k > Math.max(0, first) && (o.frameDb[k] as number) < faint) k--;
    const tailDb = Math.max(o.peakDb - TAIL_RANGE_DB, (this.floorDb ?? -Infinity) + TAIL_MARGIN_DB);
    const tailZcr = Math.max(TAIL_MIN_ZCR, (this.floorZcr ?? 0) + TAIL_ZCR_OVER_NOISE);
    let end = k;
    let gap = 0;
    for (let i = k + 1; i < o.frameDb.length; i++) {
      const ts = o.frameTs[i] as number;
      if (ts + FRAME_MS > limitTs || ts - ((o.frameTs[k] as number) + FRAME_MS) >= TAIL_MAX_MS) break;
      if ((o.frameDb[i] as number) > tailDb && zeroCrossingRate(o.frames[i] as Float32Array) >= tailZcr) {
        end = i;
        gap = 0;
      } else if (++gap > TAIL_MAX_GAP_FRAMES) {
        break;
      }
    }
    return (o.frameTs[end] as number) + FRAME_MS;
  }

  private remember(frame: DspFrame): void {
    this.preRoll.push(frame);
    if (this.preRoll.length > Math.max(this.preRollFrames, this.onsetFrames)) this.preRoll.shift();
  }

  private startCommand(trigger: CommandTrigger, at: number, score?: number, heardAt?: number): void {
    const o = this.open;
    if (o?.kind === 'command') return;
    if (o) {
      // A wake phrase inside passive speech turns that segment into the command; it keeps its audio.
      o.kind = 'command';
      o.trigger = trigger;
      o.triggerTs = at;
      o.voicedSinceTrigger = 0;
    } else {
      this.openSegment('command', trigger, at, at);
    }
    const opened = this.open as Open | undefined;
    if (!opened) return;
    if (score !== undefined) opened.wakeScore = score;
    if (trigger === 'device-wake' || trigger === 'hub-wake') {
      opened.run.emit('wake', { trigger, score: score ?? null }, at);
      if (this.arbiter) opened.candidate = this.arbiter.propose({ deviceId: this.deviceId, at: Math.max(at, heardAt ?? at), score: score ?? 1, snrDb: () => this.snrDb() });
    } else {
      opened.run.emit('wake', { trigger }, at);
    }
  }

  private openSegment(kind: 'command' | 'passive', trigger: CommandTrigger | undefined, at: number, triggerTs: number): void {
    const roll = this.preRoll.slice(-Math.max(this.preRollFrames, kind === 'passive' ? this.onsetFrames : 0));
    const audioStartTs = roll[0]?.ts ?? at;
    const run = new VoiceRun(newRunId(), this.deviceId, this.sinks.onEvent, () => this.now);
    run.emit('run-start', { kind }, at);
    run.emit('capture-start', undefined, audioStartTs);
    this.open = {
      kind,
      run,
      frames: roll.map((f) => f.samples),
      raw: roll.map((f) => f.raw16k),
      frameTs: roll.map((f) => f.ts),
      frameDb: roll.map((f) => energyDb(f.samples)),
      audioStartTs,
      lastSpeechIdx: -1,
      peakDb: -Infinity,
      pending: [],
      voicedMs: 0,
      voicedSinceTrigger: 0,
      triggerTs,
      speechPow: roll.filter((f) => f.speech).reduce((s, f) => s + dbToPow(f.rawDb), 0),
      speechFrames: roll.filter((f) => f.speech).length,
      ...(trigger ? { trigger } : {}),
    };
    this.preRoll.length = 0;
    this.onsetRun = 0;
  }

  private close(reason: UtteranceEndReason, at: number): void {
    const o = this.open as Open;
    this.open = undefined;
    if (o.candidate && this.arbiter) {
      const verdict = this.arbiter.verdict(o.candidate, at);
      this.arbiter.release(o.candidate);
      if (verdict === 'lost') {
        o.run.end('arbitration-lost', at);
        return;
      }
    }
    const endTs = this.refinedEnd(o, at) ?? at;
    const startTs = o.speechStartTs ?? o.triggerTs;
    o.run.emit('speech-end', { reason }, at);
    // Keep 100 ms after the last voiced frame: word-final consonants fall under the VAD.
    const keepFrames = Math.min(o.frames.length, Math.round((endTs + 100 - o.audioStartTs) / FRAME_MS));
    const pcm16k = joinFrames(o.frames, keepFrames);
    const raw16k = o.raw.slice(0, keepFrames).every((f) => f !== undefined) ? joinFrames(o.raw as Float32Array[], keepFrames) : undefined;
    o.run.emit('capture-end', { ms: keepFrames * FRAME_MS }, at);
    const utterance: Utterance = {
      run: o.run,
      deviceId: this.deviceId,
      kind: o.kind,
      pcm16k,
      ...(raw16k ? { raw16k } : {}),
      audioStartTs: o.audioStartTs,
      startTs,
      endTs,
      endReason: reason,
      snrDb: o.speechFrames > 0 ? 10 * Math.log10(o.speechPow / o.speechFrames / this.noisePow) : 0,
      events: [...o.run.events],
      ...(o.lastSpeechEnd !== undefined ? { lastVoicedTs: o.lastSpeechEnd } : {}),
      ...(o.trigger ? { trigger: o.trigger } : {}),
      ...(o.wakeScore !== undefined ? { wakeScore: o.wakeScore } : {}),
    };
    this.sinks.onUtterance(utterance);
  }

  private pauseOf(o: Open): CommandPause {
    const lastVoicedTs = o.lastSpeechEnd as number;
    const pcm16k = joinFrames(o.frames, o.frames.length);
    const raw16k = o.raw.every((f) => f !== undefined) ? joinFrames(o.raw as Float32Array[], o.raw.length) : undefined;
    return {
      run: o.run,
      deviceId: this.deviceId,
      pcm16k,
      ...(raw16k ? { raw16k } : {}),
      audioStartTs: o.audioStartTs,
      lastVoicedTs,
      events: [...o.run.events],
      ...(o.trigger ? { trigger: o.trigger } : {}),
      end: () => {
        if (this.open !== o || o.lastSpeechEnd !== lastVoicedTs || o.pending.length > 0) return false;
        this.close('complete-command', this.now);
        return true;
      },
    };
  }

  private discard(reason: RunEndReason, at: number): void {
    const o = this.open as Open;
    this.open = undefined;
    if (o.candidate && this.arbiter) this.arbiter.release(o.candidate);
    o.run.end(reason, at);
  }
}
