import type { PayloadOf } from '@jarvis/protocol';
import type { Component } from '../../core/component.js';
import { silentLogger, type Logger } from '../../core/logger.js';
import type { DeviceAudioChunk, MuteTransition } from '../types.js';
import { buildDefaultChain, loadDsp, type DspChain, type VadKind } from '../dsp/chain.js';
import { loadRnnoise } from '../dsp/rnnoise-stage.js';
import { WakeArbiter } from '../wake/arbiter.js';
import { DtwWakeDetector, type WakeTemplate } from '../wake/dtw-wake.js';
import { DEFAULT_ENROLL_VOICES, DEFAULT_WAKE_PHRASE, enrollWithEspeak } from '../wake/enroll.js';
import type { VoiceEventSink } from '../../voice/events.js';
import { ResampleStage } from '../dsp/resample-stage.js';
import { chainDelayMs, resampleDelayMs } from './pipeline-delay.js';
import { Segmenter, type SegmenterOptions } from './segmenter.js';
import type { CommandPause, Utterance } from './utterance.js';

/** Options of the audio front end. */
export interface AudioFrontEndOptions {
  segmenter?: SegmenterOptions;
  vad?: VadKind;
  /** Hub-side wake phrase; `enabled: false` leaves only PTT, buttons and device wake. */
  wake?: { enabled?: boolean; phrase?: string; voices?: readonly string[]; threshold?: number; templates?: readonly WakeTemplate[] };
  arbitrationWindowMs?: number;
  logger?: Logger;
}

/** Where the front end delivers its output. */
export interface AudioFrontEndSinks {
  /** Takes ownership of `utterance.run` (must end it). Without it, runs end as `done` at once. */
  onUtterance?: (utterance: Utterance) => void;
  onEvent?: VoiceEventSink;
  /** A command paused: the taker may end it early if it already is a complete command. */
  onCommandPause?: (pause: CommandPause) => void;
}

interface DeviceState {
  streamId: number;
  sampleRate: number;
  anchorWall: number;
  anchorSample: number;
  chain: DspChain;
  /** How far the chain's output lags its frame time stamps, ms (subtracted so times match the audio). */
  delayMs: number;
  segmenter: Segmenter;
  wake: DtwWakeDetector | undefined;
}

/**
 * The hub's audio front end (issue 4): per device, DSP chain → hub wake phrase → segmenter, plus wake
 * arbitration across devices. Feed it `DeviceAudioChunk`s and `MuteTransition`s from the device plane
 * and MQTT button/wake events; it emits utterances and voice run events.
 */
export class AudioFrontEnd implements Component {
  readonly name = 'audio-front-end';
  private readonly devices = new Map<string, DeviceState>();
  private readonly arbiter: WakeArbiter;
  private readonly log: Logger;
  private templates: readonly WakeTemplate[] = [];
  private rnnoise: Awaited<ReturnType<typeof loadRnnoise>> | undefined;
  private started = false;

  constructor(private readonly options: AudioFrontEndOptions = {}, private readonly sinks: AudioFrontEndSinks = {}) {
    this.arbiter = new WakeArbiter({ windowMs: options.arbitrationWindowMs ?? 150 });
    this.log = options.logger ?? silentLogger();
  }

  async start(): Promise<void> {
    if (this.started) return;
    await loadDsp();
    this.rnnoise = await loadRnnoise();
    const wake = this.options.wake ?? {};
    if (wake.enabled !== false) {
      if (wake.templates) {
        this.templates = wake.templates;
      } else {
        try {
          this.templates = await enrollWithEspeak(wake.phrase ?? DEFAULT_WAKE_PHRASE, wake.voices ?? DEFAULT_ENROLL_VOICES);
        } catch (err) {
          // The hub still runs on PTT, buttons and device wake; say plainly what is off and why.
          this.log.warn({ err }, 'hub-side wake phrase is off: could not make templates (apt install espeak-ng)');
        }
      }
    }
    this.started = true;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    const now = Date.now();
    for (const d of this.devices.values()) {
      d.segmenter.dispose(now);
      d.chain.close();
    }
    this.devices.clear();
    this.started = false;
  }

  /** Audio from one device (after the mute gate). */
  pushChunk(chunk: DeviceAudioChunk): void {
    const d = this.device(chunk);
    const ts = d.anchorWall + ((chunk.timestamp - d.anchorSample) * 1000) / chunk.sampleRate;
    for (const out of d.chain.push(chunk.samples, ts, chunk.flags)) {
      const frame = { ...out, ts: out.ts - d.delayMs };
      if (d.wake) {
        const hit = d.wake.push(frame.samples, frame.ts);
        if (hit) {
          this.log.debug({ deviceId: chunk.deviceId, score: hit.score, template: hit.template }, 'wake phrase');
          d.segmenter.trigger('hub-wake', hit.at, hit.score);
        }
      }
      d.segmenter.push(frame);
    }
  }

  /** A mute transition: muting discards the device's open utterance. */
  onMute(transition: MuteTransition): void {
    if (!transition.muted) return;
    const d = this.devices.get(transition.deviceId);
    if (!d) return;
    d.segmenter.mute(transition.at);
    d.chain.resetPending();
  }

  /** An MQTT `event/button`: a press or click starts a command. */
  onButton(deviceId: string, event: PayloadOf<'event/button'>, at: number): void {
    if (event.action === 'release') return;
    this.devices.get(deviceId)?.segmenter.trigger(event.button === 'ptt' ? 'ptt' : 'button', at);
  }

  /** An MQTT `event/wake` from a device's own wake engine. */
  onDeviceWake(deviceId: string, event: PayloadOf<'event/wake'>, at: number): void {
    this.devices.get(deviceId)?.segmenter.trigger('device-wake', at, event.score);
  }

  private device(chunk: DeviceAudioChunk): DeviceState {
    let d = this.devices.get(chunk.deviceId);
    if (d && d.streamId === chunk.streamId && d.sampleRate === chunk.sampleRate) return d;
    if (!this.started || !this.rnnoise) throw new Error('audio front end used before start()');
    if (d) {
      d.segmenter.dispose(chunk.receivedAt);
      d.chain.close();
    }
    const onUtterance = this.sinks.onUtterance ?? ((u: Utterance) => u.run.end('done'));
    const wakeOpts = this.options.wake?.threshold === undefined ? {} : { threshold: this.options.wake.threshold };
    const chain = buildDefaultChain(chunk.sampleRate, this.rnnoise, this.options.vad ? { vad: this.options.vad } : {});
    const delayMs = chainDelayMs(chain);
    // The recognisers get the audio before the denoiser, lined up with what the segmenter cut.
    const rawResampler = chunk.sampleRate === 16000 ? undefined : new ResampleStage(chunk.sampleRate, 16000);
    chain.tapRaw(Math.max(0, Math.round((delayMs - resampleDelayMs(chunk.sampleRate, 16000)) * 16)), rawResampler);
    d = {
      streamId: chunk.streamId,
      sampleRate: chunk.sampleRate,
      anchorWall: chunk.receivedAt - (chunk.samples.length * 1000) / chunk.sampleRate,
      anchorSample: chunk.timestamp,
      chain,
      delayMs,
      segmenter: new Segmenter(chunk.deviceId, {
        onUtterance, onEvent: this.sinks.onEvent ?? (() => {}), ...(this.sinks.onCommandPause ? { onCommandPause: this.sinks.onCommandPause } : {}),
      }, this.options.segmenter, this.arbiter),
      wake: this.templates.length > 0 ? new DtwWakeDetector(this.templates, wakeOpts) : undefined,
    };
    this.devices.set(chunk.deviceId, d);
    return d;
  }
}
