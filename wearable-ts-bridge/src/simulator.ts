/**
 * The wearable simulator: behaves on the network like the ESP32 wearable — MQTT login with the bundle's
 * credentials, retained `status` with an offline last will, retained `state/mute` that follows the mute
 * switch, signed UDP audio frames whose stream id is the boot counter, advanced and saved per run — and can impair its own traffic (loss,
 * reordering, duplicates, jitter) with a seeded generator so tests of the hub repeat exactly.
 */
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { connectAsync } from 'mqtt';
import type { MqttClient } from 'mqtt';
import {
  AUDIO_MAX_PAYLOAD_BYTES,
  Codec,
  DEVICE_TOPIC_PREFIX,
  FrameFlag,
  MessageType,
  STATUS_LAST_WILL,
  decodePayload,
  deviceBundleSchema,
  encodePayload,
  encodeImaAdpcm,
  encodeSignedAudioFrame,
  isProtocolError,
  MQTT_CLIENT_ROLES,
  mqttClientId,
  parseDeviceId,
  parseTopic,
  topicFor,
} from '@jarvis/protocol';
import type { AdpcmState, DeviceBundle, DeviceTopic } from '@jarvis/protocol';
import { nextBootCounter } from './boot-state.js';
import { WearableError } from './errors.js';
import { seededRng } from './rng.js';
import type { Rng } from './rng.js';

/** Firmware string the simulator reports in its `status`. */
export const SIMULATOR_FIRMWARE = 'jarvis-wearable-sim/0.1.0';

/** How a mute shows on the wire: `both` is the real switch; `mqtt` and `flag` send only one signal, to test the hub's gate. */
export type MuteSignal = 'both' | 'mqtt' | 'flag';

/** Options of `simulateWearable`; only `bundle` and `audio` are required. */
export interface SimulateWearableOptions {
  /** The provisioning bundle (validated again with `deviceBundleSchema`). */
  bundle: DeviceBundle;
  /** Mono PCM16 at one of the protocol's sample rates (see `readWav`). */
  audio: { samples: Int16Array; sampleRate: number };
  /** Payload codec; default `pcm16`. */
  codec?: 'pcm16' | 'adpcm';
  /** Frame duration in ms; default 20. Must give a whole (for ADPCM even) number of samples. */
  frameMs?: number;
  /** Probability (0-1) that a datagram is lost. */
  loss?: number;
  /** Probability (0-1) that a datagram is held back 1.5 frame durations, so it arrives after its successor. */
  reorder?: number;
  /** Probability (0-1) that a datagram is sent twice. */
  duplicate?: number;
  /** Each datagram is delayed by a uniform 0..jitterMs on top of its capture time. */
  jitterMs?: number;
  /** Stream times (s) at which the switch goes to mute. */
  muteAt?: number[];
  /** Stream times (s) at which the switch goes back to unmuted. */
  unmuteAt?: number[];
  /**
   * Stream times (s) at which the button is pressed for push-to-talk: an `event/button` press on the
   * device's own MQTT session, as the wearable's button sends it (so no second session is needed).
   */
  pttAt?: number[];
  /**
   * Seconds the button stays down after each `pttAt` press; default 0.2 (a tap). While it is down the audio
   * frames carry the PTT flag [UDP-2.6], and a `release` follows the `press` on MQTT: the firmware sends both,
   * and the flag rides with the audio, so the hub starts the command at the right sample whatever MQTT's delay.
   */
  pttHoldS?: number;
  /** Default `both`; see `MuteSignal`. */
  muteSignal?: MuteSignal;
  /** Stream seconds per wall-clock second: 1 is real time (default), Infinity is as fast as possible. */
  speed?: number;
  /** Repeat the audio until `signal` aborts. */
  loop?: boolean;
  /** `HOST:PORT` of the hub's UDP port, overriding `bundle.hub.udp`. */
  hub?: string;
  /** Broker URL, overriding `bundle.mqtt.url`. */
  mqtt?: string;
  /** Seed of the impairment generator; default 1. */
  seed?: number;
  /**
   * File holding the boot counter [UDP-2.16], advanced and saved before the first datagram (a new key
   * restarts it). Without it the counter lives in this process only. The CLI always passes one.
   */
  statePath?: string;
  /** Stream id to send with instead of the boot counter (tests of the hub's guard only). */
  streamId?: number;
  /** Interval of KEEPALIVE frames while muted, in stream ms; default 1000. */
  keepaliveMs?: number;
  /** Stops the run cleanly: a final END frame, `status` offline, MQTT disconnect. */
  signal?: AbortSignal;
  /** Receives one human-readable line per notable event (connect, mute, command). */
  log?: (line: string) => void;
  /** MQTT connect timeout in ms; default 10000. */
  connectTimeoutMs?: number;
}

/** A validated hub command the simulated device received on its `cmd/#` topics. */
export interface ReceivedCommand {
  topic: DeviceTopic;
  payload: unknown;
}

/** What a run did, for tests and the CLI's summary. Sample positions are stream timestamps. */
export interface SimulationReport {
  deviceId: string;
  streamId: number;
  sampleRate: number;
  codec: 'pcm16' | 'adpcm';
  frameSamples: number;
  /** Datagrams generated (audio and keepalive), before impairments. */
  framesGenerated: number;
  audioFrames: number;
  keepaliveFrames: number;
  /** Datagrams handed to the socket, duplicates included. */
  framesSent: number;
  framesDropped: number;
  framesReordered: number;
  framesDuplicated: number;
  /** Sequence numbers of the datagrams the simulated network lost. */
  droppedSeqs: number[];
  /** Length of the stream in samples: the timestamp just past the last sample. */
  totalSamples: number;
  /** Samples in AUDIO frames that were generated (so before loss). */
  audioSamples: number;
  /** Sample ranges [start, end) during which the device was muted (frame-aligned, conservative). */
  mutedRanges: Array<{ start: number; end: number }>;
  /** Audio frames whose payload went out while muted (only with muteSignal `mqtt` or `flag`). */
  mutedAudioFrames: number;
  commands: ReceivedCommand[];
  /** Commands that failed validation, with the protocol error code. */
  rejectedCommands: Array<{ topic: string; code: string; message: string }>;
  sendErrors: number;
  /** True when the run ended because `signal` aborted. */
  aborted: boolean;
}

interface Outgoing {
  due: number;
  order: number;
  bytes: Uint8Array;
}

const CODECS = { pcm16: Codec.PCM16LE, adpcm: Codec.IMA_ADPCM } as const;

function badOption(message: string): never {
  throw new WearableError('JARVIS_WEARABLE_BAD_OPTION', message);
}

function probability(name: string, value: number | undefined): number {
  const v = value ?? 0;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) badOption(`${name} must be a number from 0 to 1, got ${String(value)}`);
  return v;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) badOption(`${name} must be a finite number >= 0, got ${String(value)}`);
  return v;
}

/** Splits `HOST:PORT` (`[v6]:PORT` too) and checks the port. */
export function parseHostPort(text: string, what = 'hub address'): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) badOption(`${what} "${text}" is not HOST:PORT with a port from 1 to 65535`);
  return { host: (m[1] ?? m[2]) as string, port };
}

function validateBundle(bundle: unknown): DeviceBundle {
  const parsed = deviceBundleSchema.safeParse(bundle);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(bundle)'}: ${i.message}`);
    throw new WearableError('JARVIS_WEARABLE_BAD_BUNDLE', `invalid bundle: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** Mute switch positions over stream time, as sorted toggles in samples. */
class MuteTimeline {
  private readonly toggles: Array<{ at: number; muted: boolean }>;

  constructor(muteAt: number[], unmuteAt: number[], rate: number) {
    this.toggles = [
      ...muteAt.map((s) => ({ at: Math.round(s * rate), muted: true })),
      ...unmuteAt.map((s) => ({ at: Math.round(s * rate), muted: false })),
    ].sort((a, b) => a.at - b.at || Number(a.muted) - Number(b.muted));
  }

  /** True if any sample of [start, start + n) is captured with the switch on mute: such a frame carries no audio. */
  frameMuted(start: number, n: number): boolean {
    let muted = false;
    for (const t of this.toggles) {
      if (t.at <= start) muted = t.muted;
      else if (t.at < start + n && t.muted) return true;
      else break;
    }
    return muted;
  }
}

/**
 * Runs one simulated wearable until the audio ends (or, with `loop`, until `signal` aborts) and reports
 * what it sent. Throws `WearableError` for a bad bundle or option (before any I/O) or a refused MQTT login.
 */
export async function simulateWearable(options: SimulateWearableOptions): Promise<SimulationReport> {
  const bundle = validateBundle(options.bundle);
  const { samples, sampleRate } = options.audio;
  const codecName = options.codec ?? 'pcm16';
  if (!(codecName in CODECS)) badOption(`codec must be pcm16 or adpcm, got ${String(codecName)}`);
  const codec = CODECS[codecName];
  const frameMs = options.frameMs ?? 20;
  const frameSamplesExact = (sampleRate * frameMs) / 1000;
  if (!(frameMs > 0) || !Number.isInteger(frameSamplesExact)) {
    badOption(`frame duration ${String(frameMs)} ms is not a whole number of samples at ${sampleRate} Hz`);
  }
  const frameSamples = frameSamplesExact;
  if (codec === Codec.IMA_ADPCM && frameSamples % 2 !== 0) badOption(`IMA-ADPCM needs an even number of samples per frame, ${frameMs} ms at ${sampleRate} Hz is ${frameSamples}`);
  const payloadBytes = codec === Codec.IMA_ADPCM ? 4 + frameSamples / 2 : frameSamples * 2;
  if (payloadBytes > AUDIO_MAX_PAYLOAD_BYTES) {
    badOption(`a ${frameMs} ms ${codecName} frame at ${sampleRate} Hz is ${payloadBytes} bytes, over the ${AUDIO_MAX_PAYLOAD_BYTES}-byte maximum payload: use a shorter --frame-ms or adpcm`);
  }
  if (samples.length === 0) badOption('the audio has no samples');
  const loss = probability('loss', options.loss);
  const reorder = probability('reorder', options.reorder);
  const duplicate = probability('duplicate', options.duplicate);
  const jitterMs = nonNegative('jitter-ms', options.jitterMs, 0);
  const keepaliveMs = nonNegative('keepalive-ms', options.keepaliveMs, 1000);
  const speed = options.speed ?? 1;
  if (!(speed > 0)) badOption(`speed must be > 0, got ${String(speed)}`);
  const muteAt = (options.muteAt ?? []).map((s) => nonNegative('mute-at', s, 0));
  const unmuteAt = (options.unmuteAt ?? []).map((s) => nonNegative('unmute-at', s, 0));
  const pttAt = (options.pttAt ?? []).map((s) => nonNegative('ptt-at', s, 0)).sort((a, b) => a - b);
  const pttHoldSamples = Math.round(nonNegative('ptt-hold', options.pttHoldS, 0.2) * sampleRate);
  const muteSignal = options.muteSignal ?? 'both';
  if (!['both', 'mqtt', 'flag'].includes(muteSignal)) badOption(`mute signal must be both, mqtt or flag, got ${String(muteSignal)}`);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) badOption(`seed must be an integer, got ${String(seed)}`);
  const hubAddress = parseHostPort(options.hub ?? bundle.hub.udp);
  const mqttUrl = options.mqtt ?? bundle.mqtt.url;
  try {
    new URL(mqttUrl);
  } catch {
    badOption(`MQTT URL "${mqttUrl}" is not a URL`);
  }
  if (options.streamId !== undefined && (!Number.isInteger(options.streamId) || options.streamId < 1 || options.streamId > 0xffffffff)) {
    badOption(`stream id must be a u32 other than 0, got ${String(options.streamId)}`);
  }
  const deviceIdText = bundle.deviceId;
  const deviceId = parseDeviceId(deviceIdText);
  const key = new Uint8Array(Buffer.from(bundle.key, 'hex'));
  // Saved before anything is sent: a counter the storage does not hold must never reach the wire. [UDP-2.16]
  const streamId = options.streamId ?? nextBootCounter(key, options.statePath);
  const log = options.log ?? ((): void => undefined);
  const signal = options.signal;

  const report: SimulationReport = {
    deviceId: deviceIdText, streamId, sampleRate, codec: codecName, frameSamples,
    framesGenerated: 0, audioFrames: 0, keepaliveFrames: 0, framesSent: 0, framesDropped: 0, framesReordered: 0,
    framesDuplicated: 0, droppedSeqs: [], totalSamples: 0, audioSamples: 0, mutedRanges: [], mutedAudioFrames: 0,
    commands: [], rejectedCommands: [], sendErrors: 0, aborted: false,
  };

  const resolved = await lookup(hubAddress.host).catch((err: unknown) => {
    throw new WearableError('JARVIS_WEARABLE_UDP', `cannot resolve hub host "${hubAddress.host}": ${(err as Error).message}`);
  });
  const client = await connectMqtt(bundle, mqttUrl, options.connectTimeoutMs ?? 10_000);
  const socket = createSocket(resolved.family === 6 ? 'udp6' : 'udp4');
  socket.on('error', () => report.sendErrors++);
  log(`mqtt: connected to ${mqttUrl} as ${bundle.mqtt.username}; streaming to ${resolved.address}:${hubAddress.port} (stream ${streamId})`);

  client.on('message', (topic, payload) => {
    try {
      const parsed = parseTopic(topic);
      const value = decodePayload(parsed.topic, payload);
      report.commands.push({ topic: parsed.topic, payload: value });
      log(`mqtt: ${parsed.topic} ${JSON.stringify(value)}`);
    } catch (err) {
      if (!isProtocolError(err)) throw err;
      report.rejectedCommands.push({ topic, code: err.code, message: err.message });
      log(`mqtt: rejected ${topic}: ${err.code}: ${err.message}`);
    }
  });

  const publish = async (topic: DeviceTopic, payload: string, retain: boolean): Promise<void> => {
    await client.publishAsync(topicFor(deviceIdText, topic), payload, { qos: 1, retain });
  };

  const send = (bytes: Uint8Array): Promise<void> =>
    new Promise((resolve) => {
      socket.send(bytes, hubAddress.port, resolved.address, (err) => {
        if (err) report.sendErrors++;
        else report.framesSent++;
        resolve();
      });
    });

  const rng: Rng = seededRng(seed);
  const queue: Outgoing[] = [];
  let order = 0;
  const enqueue = (item: Outgoing): void => {
    let i = queue.length;
    while (i > 0 && (queue[i - 1] as Outgoing).due > item.due) i--;
    queue.splice(i, 0, item);
  };
  // Four draws per datagram whatever happens to it, so one seed gives the same fate to the same seq.
  const impair = (bytes: Uint8Array, seq: number, nominalMs: number): void => {
    const [rLoss, rReorder, rDup, rJitter] = [rng(), rng(), rng(), rng()];
    if (rLoss < loss) {
      report.framesDropped++;
      report.droppedSeqs.push(seq);
      return;
    }
    let due = nominalMs + rJitter * jitterMs;
    if (rReorder < reorder) {
      due += 1.5 * frameMs;
      report.framesReordered++;
    }
    enqueue({ due, order: order++, bytes });
    if (rDup < duplicate) {
      enqueue({ due: due + 0.001, order: order++, bytes });
      report.framesDuplicated++;
    }
  };

  const started = performance.now();
  const streamNow = (): number => (performance.now() - started) * speed;
  const realtime = Number.isFinite(speed);
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (ms <= 0) return void setImmediate(resolve);
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  /** Sends every queued datagram due by stream time `until`, waiting for each in real-time mode. */
  const drain = async (until: number): Promise<void> => {
    for (;;) {
      const head = queue[0];
      if (!head || head.due > until) return;
      if (realtime && !signal?.aborted) {
        const wait = (head.due - streamNow()) / speed;
        if (wait > 0) await sleep(wait);
        if (queue[0] !== head) continue;
      }
      queue.shift();
      await send(head.bytes);
      // Without a turn of the event loop between datagrams, a burst overflows a receiver's socket buffer
      // (in-process receivers never get to read at all).
      if (!realtime) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };

  const timeline = new MuteTimeline(muteAt, unmuteAt, sampleRate);
  const keepaliveSamples = Math.max(1, Math.round((keepaliveMs * sampleRate) / 1000));
  let seq = 0;
  let adpcm: AdpcmState = { predictor: 0, stepIndex: 0 };
  let muted = false;
  let lastKeepalive = -Infinity;
  let position = 0;
  let ended = false;
  /** The button is down while `position < pttUntil`; its release is still to be published. */
  let pttUntil = 0;
  let pttDown = false;

  const emit = (type: MessageType, flags: number, payload: Uint8Array, frameCodec: Codec, timestamp: number): void => {
    const bytes = encodeSignedAudioFrame(
      { type, deviceId, streamId, seq, timestamp, flags, codec: frameCodec, sampleRate, payload },
      key,
    );
    report.framesGenerated++;
    if (type === MessageType.KEEPALIVE) report.keepaliveFrames++;
    else report.audioFrames++;
    impair(bytes, seq, (timestamp / sampleRate) * 1000);
    seq = (seq + 1) >>> 0;
  };

  try {
    await publish(
      'status',
      encodePayload('status', { state: 'online', kind: bundle.kind, firmware: SIMULATOR_FIRMWARE, streamId, battery: 100, rssi: -50, uptimeS: 0, ts: Date.now() }),
      true,
    );
    await publish('state/mute', encodePayload('state/mute', { muted: false, source: 'switch', ts: Date.now() }), true);
    await client.subscribeAsync(`${DEVICE_TOPIC_PREFIX}${deviceIdText}/cmd/#`, { qos: 1 });

    for (;;) {
      if (signal?.aborted) {
        report.aborted = true;
        break;
      }
      const remaining = options.loop ? frameSamples : Math.min(frameSamples, samples.length - position);
      if (remaining <= 0) break;
      const n = codec === Codec.IMA_ADPCM && remaining % 2 !== 0 ? remaining + 1 : remaining;
      const isLast = !options.loop && position + remaining >= samples.length;
      const nominalMs = (position / sampleRate) * 1000;
      if (realtime) {
        await drain(nominalMs);
        const wait = (nominalMs - streamNow()) / speed;
        if (wait > 0) await sleep(wait);
        if (signal?.aborted) continue;
      } else {
        await drain(nominalMs);
      }

      while (pttAt.length > 0 && (pttAt[0] as number) * sampleRate <= position) {
        pttAt.shift();
        log(`button: ptt press at sample ${position}`);
        pttUntil = Math.max(pttUntil, position + pttHoldSamples);
        pttDown = true;
        await publish('event/button', encodePayload('event/button', { button: 'ptt', action: 'press' }), false);
      }
      if (pttDown && position >= pttUntil) {
        pttDown = false;
        log(`button: ptt release at sample ${position}`);
        await publish('event/button', encodePayload('event/button', { button: 'ptt', action: 'release' }), false);
      }
      const frameMuted = timeline.frameMuted(position, remaining);
      if (frameMuted !== muted) {
        muted = frameMuted;
        if (muted) report.mutedRanges.push({ start: position, end: position });
        log(`switch: ${muted ? 'mute' : 'unmute'} at sample ${position}`);
        if (muteSignal !== 'flag') {
          await publish('state/mute', encodePayload('state/mute', { muted, source: 'switch', ts: Date.now() }), true);
        }
        lastKeepalive = -Infinity;
      }
      if (muted) (report.mutedRanges.at(-1) as { end: number }).end = position + remaining;

      if (muted && muteSignal === 'both') {
        if (position - lastKeepalive >= keepaliveSamples || isLast) {
          emit(MessageType.KEEPALIVE, FrameFlag.MUTED | (isLast ? FrameFlag.END : 0), new Uint8Array(0), Codec.NONE, position);
          lastKeepalive = position;
        }
      } else {
        const pcm = new Int16Array(n);
        for (let i = 0; i < remaining; i++) pcm[i] = samples[(position + i) % samples.length] as number;
        let payload: Uint8Array;
        if (codec === Codec.IMA_ADPCM) {
          const encoded = encodeImaAdpcm(pcm, adpcm);
          adpcm = encoded.state;
          payload = encoded.payload;
        } else {
          payload = new Uint8Array(pcm.buffer);
        }
        const flags = (muted && muteSignal === 'flag' ? FrameFlag.MUTED : 0) | (position < pttUntil ? FrameFlag.PTT : 0) | (isLast ? FrameFlag.END : 0);
        if (muted) report.mutedAudioFrames++;
        emit(MessageType.AUDIO, flags, payload, codec, position);
        report.audioSamples += n;
      }
      position += remaining;
      if (!realtime) await drain(nominalMs);
    }
    report.totalSamples = position;
    if (report.aborted) {
      // A device that is switched off says so: the last datagram carries END.
      emit(MessageType.KEEPALIVE, FrameFlag.END | (muted && muteSignal !== 'mqtt' ? FrameFlag.MUTED : 0), new Uint8Array(0), Codec.NONE, position);
    }
    await drain(Infinity);
    await publish('status', encodePayload('status', { state: 'offline', kind: bundle.kind, ts: Date.now() }), true);
    await client.endAsync();
    ended = true;
  } finally {
    socket.close();
    // On an error the connection is dropped without a DISCONNECT, so the broker publishes the last will.
    if (!ended) await client.endAsync(true).catch(() => undefined);
  }
  log(`done: ${report.framesSent} datagrams sent, ${report.framesDropped} lost, ${report.framesReordered} reordered, ${report.framesDuplicated} duplicated`);
  return report;
}

async function connectMqtt(bundle: DeviceBundle, url: string, timeoutMs: number): Promise<MqttClient> {
  try {
    return await connectAsync(
      url,
      {
        username: bundle.mqtt.username,
        password: bundle.mqtt.password,
        clientId: mqttClientId(bundle.deviceId, MQTT_CLIENT_ROLES.wearable), // [MQTT-6.9]
        clean: true,
        connectTimeout: timeoutMs,
        reconnectPeriod: 1000,
        will: { topic: topicFor(bundle.deviceId, 'status'), payload: Buffer.from(encodePayload('status', STATUS_LAST_WILL)), qos: 1, retain: true },
      },
      false,
    );
  } catch (err) {
    throw new WearableError('JARVIS_WEARABLE_MQTT', `MQTT login to ${url} as ${bundle.mqtt.username} failed: ${(err as Error).message}`, { cause: err });
  }
}
