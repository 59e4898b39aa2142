/**
 * The embedded broker's socket guard (issue 15, break 4): aedes has no maximum packet size and buffers a
 * packet until its declared length has arrived, so one unauthenticated CONNECT declaring 260 MB made the
 * hub hold 260 MB. This guard sits between the TCP socket and aedes's parser and reads only the MQTT
 * fixed headers as bytes pass: a packet that declares more than the limit closes the connection before
 * any of its body is buffered. It also caps connections (in total and per address) and the time a
 * connection may take to log in.
 */
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/** The limits of the embedded broker (config `mqtt.limits`; SPEC §8). */
export interface BrokerLimits {
  /** Largest packet before the login is accepted (the CONNECT itself: client id, credentials, will). */
  maxPacketBytesBeforeLogin: number;
  /** Largest packet from a device after login (its payloads are at most 4096 bytes, [MQTT-6.6]). */
  maxPacketBytesDevice: number;
  /** Largest packet from the hub's own client after login (discovery configs). */
  maxPacketBytesHub: number;
  /** Most open connections on the listener. */
  maxConnections: number;
  /** Most open connections from one address (raise it behind a load balancer that hides addresses). */
  maxConnectionsPerAddress: number;
  /** A connection that has not logged in by then is closed, ms. */
  connectTimeoutMs: number;
}

/** Defaults: small before login and for devices, room for the hub's discovery messages. */
export const DEFAULT_BROKER_LIMITS: BrokerLimits = {
  maxPacketBytesBeforeLogin: 8192,
  maxPacketBytesDevice: 16_384,
  maxPacketBytesHub: 1_048_576,
  maxConnections: 512,
  maxConnectionsPerAddress: 64,
  connectTimeoutMs: 10_000,
};

/** Why the guard closed a connection. */
export type GuardRefusal = { code: 'JARVIS_MQTT_PACKET_TOO_LARGE' | 'JARVIS_MQTT_CONNECT_TIMEOUT' | 'JARVIS_MQTT_BAD_PACKET'; message: string };

const CONNECT = 1;

/**
 * Follows MQTT packet boundaries in a byte stream without keeping any bytes: the type nibble, the
 * remaining-length varint (MQTT 3.1.1 §2.2.3, at most 4 bytes), then it skips the body. `feed` returns
 * a refusal as soon as a declared length (even a partial varint) is over `limit`.
 */
export class MqttFrameInspector {
  /** Current limit on a whole packet (fixed header + body), bytes. */
  limit: number;
  private inLength = false;
  private first = true;
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private skip = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  feed(chunk: Uint8Array): GuardRefusal | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const byte = chunk[i++] as number;
      if (!this.inLength) {
        if (this.first && byte >> 4 !== CONNECT) return { code: 'JARVIS_MQTT_BAD_PACKET', message: `first packet is type ${byte >> 4}, not CONNECT` };
        this.first = false;
        this.inLength = true;
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes++;
      const total = 1 + this.lengthBytes + this.length;
      if (total > this.limit) return { code: 'JARVIS_MQTT_PACKET_TOO_LARGE', message: `a packet declares at least ${total} bytes, over the limit of ${this.limit}` };
      if (byte & 0x80) {
        if (this.lengthBytes >= 4) return { code: 'JARVIS_MQTT_BAD_PACKET', message: 'remaining length longer than 4 bytes' };
        continue;
      }
      this.inLength = false;
      this.skip = this.length;
    }
    return undefined;
  }
}

/**
 * The stream aedes reads from and writes to: a socket seen through an {@link MqttFrameInspector}. A
 * refused packet destroys the socket before its body is read, so neither side buffers it.
 */
export class GuardedConnection extends Duplex {
  readonly inspector: MqttFrameInspector;
  readonly remoteAddress: string;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly limits: BrokerLimits,
    private readonly onRefused: (refusal: GuardRefusal, address: string) => void,
  ) {
    super({ allowHalfOpen: false });
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    this.inspector = new MqttFrameInspector(limits.maxPacketBytesBeforeLogin);
    this.timer = setTimeout(() => this.refuse({ code: 'JARVIS_MQTT_CONNECT_TIMEOUT', message: `no login within ${limits.connectTimeoutMs} ms` }), limits.connectTimeoutMs);
    this.timer.unref();
    socket.on('data', (chunk: Buffer) => {
      const refusal = this.inspector.feed(chunk);
      if (refusal) return this.refuse(refusal);
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('close', () => {
      this.clearTimer();
      if (!this.destroyed) this.destroy();
    });
    socket.on('error', (err) => {
      if (!this.destroyed) this.destroy(err);
    });
  }

  /** The login succeeded: no more connect timer, and the packet limit of who logged in. */
  loggedIn(kind: 'hub' | 'device'): void {
    this.clearTimer();
    this.inspector.limit = kind === 'hub' ? this.limits.maxPacketBytesHub : this.limits.maxPacketBytesDevice;
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (this.socket.destroyed) return callback();
    this.socket.write(chunk, (err) => callback(err ?? null));
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.socket.end(() => callback());
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.clearTimer();
    this.socket.destroy();
    callback(err);
  }

  private refuse(refusal: GuardRefusal): void {
    this.clearTimer();
    this.socket.destroy();
    this.onRefused(refusal, this.remoteAddress);
    if (!this.destroyed) this.destroy();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Counts open connections in total and per address. */
export class ConnectionCounter {
  private total = 0;
  private readonly byAddress = new Map<string, number>();

  constructor(private readonly limits: Pick<BrokerLimits, 'maxConnections' | 'maxConnectionsPerAddress'>) {}

  /** Takes a slot for `address`, or returns why not. Call `release` once when the connection closes. */
  acquire(address: string): string | undefined {
    if (this.total >= this.limits.maxConnections) return `the broker holds its maximum of ${this.limits.maxConnections} connections`;
    const n = this.byAddress.get(address) ?? 0;
    if (n >= this.limits.maxConnectionsPerAddress) return `${address} holds its maximum of ${this.limits.maxConnectionsPerAddress} connections`;
    this.total++;
    this.byAddress.set(address, n + 1);
    return undefined;
  }

  release(address: string): void {
    this.total = Math.max(0, this.total - 1);
    const n = (this.byAddress.get(address) ?? 1) - 1;
    if (n <= 0) this.byAddress.delete(address);
    else this.byAddress.set(address, n);
  }

  get open(): number {
    return this.total;
  }
}
