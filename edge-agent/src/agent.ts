/**
 * The satellite: capture → signed UDP frames to the hub, MQTT control (status with last will, mute
 * state, button events, commands), the GPIO mute switch and push-to-talk button, speech output, all
 * driven by one explicit state machine with capped, jittered reconnect backoff.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { uptime } from 'node:os';
import {
  DEVICE_TOPIC_PREFIX,
  decodePayload,
  encodePayload,
  isProtocolError,
  parseDeviceId,
  parseTopic,
  topicFor,
  type DeviceBundle,
  type DeviceTopic,
  type PayloadOf,
} from '@jarvis/protocol';
import type { Readable } from 'node:stream';
import type { MqttClient } from 'mqtt';
import { parseHostPort } from './bundle.js';
import { BootCounterStore, defaultStateDir } from './boot-counter-store.js';
import { AudioStreamer, type StreamerStats } from './capture/audio-streamer.js';
import { ArecordSource, FileSource, StreamSource, type AudioSource } from './capture/sources.js';
import { frameProblem, type EdgeConfig } from './config.js';
import { readCpuTempC, readWifiRssi } from './control/health.js';
import { LedController, LogLedDriver, type LedDriver } from './control/led.js';
import { connectMqtt } from './control/mqtt-connect.js';
import { AplayPlayer, chooseSynthesizer, Speaker, type Player, type Synthesizer } from './control/speaker.js';
import { EdgeError, isEdgeError } from './errors.js';
import { findExecutable } from './executables.js';
import { GpioSwitch } from './gpio/gpio-switch.js';
import { FileGpioInput, LibgpiodInput, type GpioInput } from './gpio/inputs.js';
import { forFacility, type Logger } from './logger.js';
import { Backoff, EdgeStateMachine, type EdgeState } from './state-machine.js';

/** Firmware string in the retained status. */
export const EDGE_FIRMWARE = 'jarvis-edge/0.1.0';

/** Options of {@link EdgeAgent}; everything but config, bundle and logger has a production default. */
export interface EdgeAgentOptions {
  config: EdgeConfig;
  bundle: DeviceBundle;
  logger: Logger;
  /** Plays synthesised speech; default `aplay` on `speech.playbackDevice`. */
  player?: Player;
  /** Overrides the engine choice of `speech.engine`. */
  synthesizer?: Synthesizer;
  ledDriver?: LedDriver;
  /** Stream for the `stdin` source; default `process.stdin`. */
  stdin?: Readable;
  /** Uniform random source for backoff jitter. */
  random?: () => number;
}

/** A snapshot of what the agent is doing, for `check`, tests and benchmarks. */
export interface EdgeAgentStats {
  state: EdgeState;
  muted: boolean;
  pttHeld: boolean;
  streamer: StreamerStats;
  datagramsSent: number;
  sendErrors: number;
  connects: number;
  commandsReceived: number;
  commandsRejected: number;
  sourceEnded: boolean;
}

/** Thrown by `whenStopped()` consumers: the agent stopped itself because retrying cannot help. */
export type FatalListener = (err: EdgeError) => void;

/** The `jarvis-edge run` agent, a component: the constructor only assigns; `start()`/`stop()` are idempotent. */
export class EdgeAgent {
  readonly name = 'edge-agent';
  readonly machine: EdgeStateMachine;
  private readonly log: Logger;
  private source: AudioSource | undefined;
  private streamer: AudioStreamer | undefined;
  private bootCounter: BootCounterStore | undefined;
  private socket: Socket | undefined;
  private hub: { host: string; address: string; port: number } | undefined;
  private readonly abort = new AbortController();
  private stopPromise: Promise<void> | undefined;
  private client: MqttClient | undefined;
  private muteSwitch: GpioSwitch | undefined;
  private pttSwitch: GpioSwitch | undefined;
  private speaker: Speaker | undefined;
  private led: LedController | undefined;
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private started = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private fatalError: EdgeError | undefined;
  private stoppedPromise: Promise<EdgeError | undefined>;
  private resolveStopped: (err: EdgeError | undefined) => void = () => undefined;
  private muted = false;
  private pttHeld = false;
  private readonly counters = { datagramsSent: 0, sendErrors: 0, connects: 0, commandsReceived: 0, commandsRejected: 0, sourceEnded: false };
  private readonly deviceId: string;

  constructor(private readonly options: EdgeAgentOptions) {
    this.log = forFacility(options.logger, 'edge:agent');
    this.machine = new EdgeStateMachine(forFacility(options.logger, 'edge:state'));
    this.deviceId = options.bundle.deviceId;
    this.stoppedPromise = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  /** Current state. */
  get state(): EdgeState {
    return this.machine.state;
  }

  /** Resolves once the agent stopped: with the fatal error when it stopped itself, else undefined. */
  whenStopped(): Promise<EdgeError | undefined> {
    return this.stoppedPromise;
  }

  /** Counters and state. */
  stats(): EdgeAgentStats {
    return {
      state: this.machine.state,
      muted: this.muted,
      pttHeld: this.pttHeld,
      streamer: this.streamer?.stats ?? { streamId: 0, audioFrames: 0, keepalives: 0, mutedKeepalives: 0, audioFramesWhileMuted: 0, samplesDroppedMuted: 0, samplesDroppedInactive: 0 },
      ...this.counters,
    };
  }

  /** The `cmd/led` pattern being shown. */
  get ledPattern(): PayloadOf<'cmd/led'> | undefined {
    return this.led?.current;
  }

  /** Waits until every queued `cmd/say` was handed to the player. */
  speechIdle(): Promise<void> {
    return this.speaker?.idle() ?? Promise.resolve();
  }

  /**
   * Opens the switches and the capture source (failing fast on a missing program, file or GPIO line),
   * then connects in the background: `start()` resolves in `connecting`, not when the hub answers.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const { config, bundle } = this.options;
    try {
      this.hub = { address: '', ...parseHostPort(bundle.hub.udp) };
      const numericId = parseDeviceId(bundle.deviceId);
      const key = new Uint8Array(Buffer.from(bundle.key, 'hex'));
      this.bootCounter = new BootCounterStore(config.stateDir ?? defaultStateDir(), bundle.deviceId, key);
      this.bootCounter.read(); // a corrupt counter fails the start, before anything is sent [UDP-2.16]

      this.led = new LedController(this.options.ledDriver ?? new LogLedDriver(forFacility(this.options.logger, 'edge:led')));
      const synthesizer = this.options.synthesizer ?? chooseSynthesizer(config.speech);
      if (!synthesizer) this.log.warn({ code: 'JARVIS_EDGE_SAY', engine: config.speech.engine }, 'no speech engine found: cmd/say will be dropped');
      const player = this.options.player ?? new AplayPlayer(findExecutable(config.speech.playerPath) ?? config.speech.playerPath, config.speech.playbackDevice);
      this.speaker = new Speaker(synthesizer, player, forFacility(this.options.logger, 'edge:say'), config.speech.volume);

      if (config.gpio.mute) {
        this.muteSwitch = new GpioSwitch('mute', this.gpioInput(config.gpio.mute), config.gpio.mute.debounceMs, (on) => this.onMuteSwitch(on));
        this.muted = await this.muteSwitch.start();
      }
      if (config.gpio.ptt) {
        this.pttSwitch = new GpioSwitch('ptt', this.gpioInput(config.gpio.ptt), config.gpio.ptt.debounceMs, (on) => this.onPtt(on));
        this.pttHeld = await this.pttSwitch.start();
      }

      this.socket = createSocket(this.hub.host.includes(':') ? 'udp6' : 'udp4');
      this.socket.on('error', (err) => this.log.warn({ code: 'JARVIS_EDGE_UDP', err: err.message }, 'udp socket error'));

      this.source = this.createSource();
      await this.source.start();
      const rate = this.source.sampleRate;
      const problem = frameProblem(rate, config.audio.frameMs, config.audio.codec);
      if (problem) throw new EdgeError('JARVIS_EDGE_BAD_CONFIG', `audio.frameMs: ${problem}`);
      this.streamer = new AudioStreamer({
        deviceId: numericId,
        key,
        sampleRate: rate,
        codec: config.audio.codec,
        frameMs: config.audio.frameMs,
        send: (d) => this.sendDatagram(d),
      });
      this.streamer.setMuted(this.muted);
      this.streamer.setPtt(this.pttHeld);
      this.keepaliveTimer = setInterval(() => this.streamer?.tick(), 200);
      this.log.info(
        { device: this.deviceId, source: this.source.name, sampleRate: rate, codec: config.audio.codec, frameMs: config.audio.frameMs, muted: this.muted, hubUdp: bundle.hub.udp, mqtt: bundle.mqtt.url },
        'jarvis-edge started',
      );
    } catch (err) {
      await this.teardown();
      this.machine.go('stopped', `start failed: ${(err as Error).message}`);
      this.resolveStopped(undefined);
      throw err;
    }
    this.loop = this.connectLoop();
  }

  /** Stops cleanly: a final END datagram, `status` offline (retained), MQTT disconnect, children ended. */
  stop(): Promise<void> {
    if (!this.started) return Promise.resolve();
    this.stopPromise ??= this.shutdown();
    return this.stopPromise;
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    this.wake?.();
    const client = this.client;
    if (client?.connected) {
      this.streamer?.end();
      try {
        await withTimeout(client.publishAsync(topicFor(this.deviceId, 'status'), encodePayload('status', { state: 'offline', kind: this.options.bundle.kind, ts: Date.now() }), { qos: 1, retain: true }), 2000);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'could not publish offline status; the broker will send the last will');
      }
      await withTimeout(client.endAsync(), 2000).catch(() => client.end(true));
    } else {
      client?.end(true);
    }
    await this.loop;
    await this.teardown();
    if (this.machine.state !== 'stopped') this.machine.go('stopped', this.fatalError ? this.fatalError.message : 'stop requested');
    this.resolveStopped(this.fatalError);
  }

  private gpioInput(line: NonNullable<EdgeConfig['gpio']['mute']>): GpioInput {
    const logger = forFacility(this.options.logger, 'edge:gpio');
    const g = this.options.config.gpio;
    if (line.file !== undefined) return new FileGpioInput({ file: line.file, activeLow: line.activeLow, logger });
    return new LibgpiodInput({ chip: g.chip, line: line.line as number, activeLow: line.activeLow, bias: line.bias, gpiomonPath: g.gpiomonPath, gpiogetPath: g.gpiogetPath, logger });
  }

  private createSource(): AudioSource {
    const a = this.options.config.audio;
    const onSamples = (s: Int16Array): void => this.streamer?.push(s);
    const onEnd = (): void => {
      this.counters.sourceEnded = true;
      this.streamer?.finish();
      this.log.info('audio source ended; sending keep-alives until stopped');
    };
    switch (a.source) {
      case 'arecord':
        return new ArecordSource({ program: a.arecordPath, device: a.device, sampleRate: a.sampleRate, channels: a.channels, onSamples, logger: forFacility(this.options.logger, 'edge:capture') });
      case 'file':
        return new FileSource({ file: a.file as string, loop: a.loop, onSamples, onEnd, paused: true });
      case 'stdin':
        return new StreamSource({ stream: this.options.stdin ?? process.stdin, sampleRate: a.sampleRate, channels: a.channels, onSamples, onEnd });
    }
  }

  private sendDatagram(datagram: Uint8Array): void {
    const socket = this.socket;
    const hub = this.hub;
    if (!socket || !hub || hub.address === '') return;
    socket.send(datagram, hub.port, hub.address, (err) => {
      if (err) this.counters.sendErrors++;
      else this.counters.datagramsSent++;
    });
  }

  private async connectLoop(): Promise<void> {
    const { config, bundle } = this.options;
    const backoff = new Backoff({ ...config.reconnect, random: this.options.random });
    let connectedOnce = false;
    let reason = 'started';
    while (!this.stopping) {
      this.machine.go('connecting', reason);
      try {
        const resolved = await lookup((this.hub as { host: string }).host).catch((err: unknown) => {
          throw new EdgeError('JARVIS_EDGE_UDP', `cannot resolve the hub's address ${bundle.hub.udp}: ${(err as Error).message}`);
        });
        (this.hub as { address: string }).address = resolved.address;
        const client = await connectMqtt({ bundle, connectTimeoutMs: config.mqtt.connectTimeoutMs, keepaliveS: config.mqtt.keepaliveS, signal: this.abort.signal });
        if (this.stopping) {
          client.end(true);
          break;
        }
        const closed = this.attach(client);
        connectedOnce = true;
        this.counters.connects++;
        backoff.reset();
        await this.announce(client);
        if (this.stopping) break;
        this.machine.go(this.muted ? 'muted' : 'streaming', `connected to ${bundle.mqtt.url}, streaming to ${bundle.hub.udp} (stream ${this.streamer?.streamId ?? 0})`);
        await closed;
        this.streamer?.setActive(false);
        this.stopHealth();
        this.client = undefined;
        if (this.stopping) break;
        reason = 'connection to the broker lost';
        this.log.warn({ code: 'JARVIS_EDGE_MQTT_UNREACHABLE' }, 'lost the connection to the hub');
      } catch (err) {
        this.streamer?.setActive(false);
        this.stopHealth();
        if (this.client) {
          this.client.end(true);
          this.client = undefined;
        }
        if (this.stopping) break;
        if ((isEdgeError(err, 'JARVIS_EDGE_MQTT_AUTH') && !connectedOnce) || isEdgeError(err, 'JARVIS_EDGE_STATE')) {
          // A bundle refused from the start will never work; after a success a refusal may be a hub mid-restart.
          this.fatalError = err;
          this.log.error({ code: err.code }, err.message);
          void this.stop();
          return;
        }
        const code = isEdgeError(err) ? err.code : 'JARVIS_EDGE_MQTT_UNREACHABLE';
        reason = (err as Error).message;
        this.log.warn({ code }, reason);
      }
      const delay = backoff.next();
      this.machine.go('reconnecting', `${reason}; next attempt in ${delay} ms (attempt ${backoff.attempts})`);
      await this.sleep(delay);
    }
  }

  /** Wires a fresh connection; resolves the returned promise when it closes. */
  private attach(client: MqttClient): Promise<void> {
    this.client = client;
    client.on('error', (err) => this.log.warn({ code: 'JARVIS_EDGE_MQTT_UNREACHABLE', err: err.message }, 'mqtt error'));
    client.on('message', (topic, payload) => void this.onMessage(topic, payload));
    return new Promise((resolve) => client.once('close', () => resolve()));
  }

  /** On every (re)connection: a new stream, retained status and mute state, then the command subscription. */
  private async announce(client: MqttClient): Promise<void> {
    const streamer = this.streamer as AudioStreamer;
    // Saved before the first datagram of the stream: the hub refuses a counter lower than one it saw. [UDP-2.16]
    streamer.newStream((this.bootCounter as BootCounterStore).next());
    await this.publishStatus(client);
    await this.publish(client, 'state/mute', encodePayload('state/mute', { muted: this.muted, source: 'switch', ts: Date.now() }), true);
    await client.subscribeAsync(`${DEVICE_TOPIC_PREFIX}${this.deviceId}/cmd/#`, { qos: 1 });
    // Audio starts only after the status announced its stream id [UDP-4.5].
    streamer.setActive(true);
    streamer.setMuted(this.muted);
    // A recording is played to a listening hub, from its start; a live microphone never waits.
    if (this.source instanceof FileSource) this.source.play();
    this.stopHealth();
    this.healthTimer = setInterval(() => {
      if (this.client === client && client.connected) void this.publishStatus(client).catch(() => undefined);
    }, this.options.config.health.intervalS * 1000);
  }

  private stopHealth(): void {
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = undefined;
  }

  private async publishStatus(client: MqttClient): Promise<void> {
    const h = this.options.config.health;
    const [cpuTempC, rssi] = await Promise.all([readCpuTempC(h.thermalFile), readWifiRssi(h.wirelessFile)]);
    const status: PayloadOf<'status'> = {
      state: 'online',
      kind: this.options.bundle.kind,
      firmware: EDGE_FIRMWARE,
      streamId: this.streamer?.streamId || undefined,
      uptimeS: Math.floor(uptime()),
      ts: Date.now(),
      ...(cpuTempC !== undefined ? { cpuTempC } : {}),
      ...(rssi !== undefined ? { rssi } : {}),
    };
    await this.publish(client, 'status', encodePayload('status', status), true);
  }

  private async publish(client: MqttClient, topic: DeviceTopic, payload: string, retain: boolean): Promise<void> {
    await client.publishAsync(topicFor(this.deviceId, topic), payload, { qos: 1, retain });
  }

  private onMuteSwitch(on: boolean): void {
    if (on === this.muted) return;
    this.muted = on;
    // Both signals, so the hub's gate holds even if one is lost: the frame flag now, the retained state next. [UDP-4.6]
    this.streamer?.setMuted(on);
    this.log.info({ muted: on, source: 'switch' }, on ? 'mute switch on: audio stopped' : 'mute switch off: audio resumes');
    const client = this.client;
    if (client?.connected) {
      void this.publish(client, 'state/mute', encodePayload('state/mute', { muted: on, source: 'switch', ts: Date.now() }), true).catch((err: unknown) =>
        this.log.warn({ err: (err as Error).message }, 'could not publish the mute state; it is sent again on reconnect'),
      );
    }
    const s = this.machine.state;
    if (s === 'streaming' || s === 'muted') this.machine.go(on ? 'muted' : 'streaming', on ? 'mute switch on' : 'mute switch off');
  }

  private onPtt(held: boolean): void {
    if (held === this.pttHeld) return;
    this.pttHeld = held;
    this.streamer?.setPtt(held);
    this.log.info({ held }, held ? 'push-to-talk pressed' : 'push-to-talk released');
    const client = this.client;
    if (client?.connected) {
      void this.publish(client, 'event/button', encodePayload('event/button', { button: 'ptt', action: held ? 'press' : 'release', ts: Date.now() }), false).catch(() => undefined);
    }
  }

  private async onMessage(topic: string, payload: Buffer): Promise<void> {
    let name: DeviceTopic;
    try {
      const parsed = parseTopic(topic);
      if (parsed.deviceId !== this.deviceId) throw new Error(`command for another device ${parsed.deviceId}`);
      name = parsed.topic;
      this.counters.commandsReceived++;
      switch (name) {
        case 'cmd/say': {
          const say = decodePayload('cmd/say', payload);
          this.log.info({ id: say.id, chars: say.text.length }, 'cmd/say received');
          void this.speaker?.say(say);
          return;
        }
        case 'cmd/led':
          await this.led?.apply(decodePayload('cmd/led', payload));
          return;
        case 'cmd/config':
          this.applyConfig(decodePayload('cmd/config', payload));
          return;
        default:
          throw new Error(`unexpected topic ${name}`);
      }
    } catch (err) {
      this.counters.commandsRejected++;
      const code = isProtocolError(err) ? err.code : 'JARVIS_PROTO_BAD_TOPIC';
      this.log.warn({ code, topic, device: this.deviceId }, `rejected command: ${(err as Error).message}`);
    }
  }

  /** `cmd/config`: absent fields keep their value; a frame length the codec cannot carry is refused. [MQTT-6.5.7] */
  private applyConfig(c: PayloadOf<'cmd/config'>): void {
    const streamer = this.streamer;
    const applied: Record<string, unknown> = {};
    const a = this.options.config.audio;
    const codec = c.codec ?? a.codec;
    const frameMs = c.frameMs ?? a.frameMs;
    if (streamer && (c.codec !== undefined || c.frameMs !== undefined)) {
      const problem = frameProblem(this.source?.sampleRate ?? a.sampleRate, frameMs, codec);
      if (problem) {
        this.log.warn({ code: 'JARVIS_PROTO_BAD_PAYLOAD', codec, frameMs }, `cmd/config refused: ${problem}`);
      } else {
        streamer.setCodec(codec);
        streamer.setFrameMs(frameMs);
        applied['codec'] = codec;
        applied['frameMs'] = frameMs;
      }
    }
    if (c.volume !== undefined && this.speaker) {
      this.speaker.volume = c.volume;
      applied['volume'] = c.volume;
    }
    const ignored = (['vadSensitivity', 'wakeWord'] as const).filter((k) => c[k] !== undefined);
    this.log.info({ applied, ignored }, ignored.length > 0 ? `cmd/config applied; ${ignored.join(', ')} not supported by this satellite (the hub does VAD and wake words)` : 'cmd/config applied');
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private async teardown(): Promise<void> {
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
    this.stopHealth();
    this.led?.dispose();
    const results = await Promise.allSettled([this.source?.stop(), this.muteSwitch?.stop(), this.pttSwitch?.stop()]);
    for (const r of results) if (r.status === 'rejected') this.log.warn({ err: String(r.reason) }, 'error while stopping');
    this.socket?.close();
    this.socket = undefined;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
