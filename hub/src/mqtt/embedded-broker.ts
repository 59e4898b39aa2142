import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { clientIdBelongsTo, deviceMayPublish, deviceMaySubscribe, decodePayload, isProtocolError, parseTopic } from '@jarvis/protocol';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { type Component, type Logger, InternalError } from '../core/index.js';
import type { DeviceRecord } from '../store/index.js';
import { ConnectionCounter, DEFAULT_BROKER_LIMITS, GuardedConnection, type BrokerLimits, type GuardRefusal } from './connection-guard.js';
import { DEFAULT_LOGIN_LIMITS, LoginLimiter, type LoginLimits } from './login-limiter.js';
import { unregisteredMqttMetrics, type MqttMetrics, type MqttRejectReason } from './metrics.js';

/** Who a broker session belongs to. */
type Identity = { kind: 'hub' } | { kind: 'device'; deviceId: string; credentialVersion: number };

/** Construction parameters of {@link EmbeddedBroker}. */
export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  /** Checks a device's MQTT login (scrypt); undefined when wrong. */
  verifyDeviceLogin: (username: string, password: string) => Promise<DeviceRecord | undefined>;
  /** The hub's own client logs in with these and has every right. */
  hubCredentials: { username: string; password: string };
  logger: Logger;
  /** The MQTT series, registered by the root (`registerMqttMetrics`); unregistered ones when absent. */
  metrics?: MqttMetrics;
  /** Packet, connection and login-time limits (config `mqtt.limits`); defaults in `DEFAULT_BROKER_LIMITS`. */
  limits?: Partial<BrokerLimits>;
  /** Bounds on password-hashing work (config `mqtt.limits`); defaults in `DEFAULT_LOGIN_LIMITS`. */
  loginLimits?: Partial<LoginLimits>;
}

/** Error codes the broker logs for refused clients. */
export const MQTT_ERROR_CODES = [
  'JARVIS_MQTT_BAD_CREDENTIALS',
  'JARVIS_MQTT_FORBIDDEN_TOPIC',
  'JARVIS_MQTT_FORBIDDEN_SUBSCRIBE',
  'JARVIS_MQTT_BAD_PAYLOAD',
  'JARVIS_MQTT_CLIENT_ID',
  'JARVIS_MQTT_LOGIN_THROTTLED',
  'JARVIS_MQTT_PACKET_TOO_LARGE',
  'JARVIS_MQTT_CONNECT_TIMEOUT',
  'JARVIS_MQTT_TOO_MANY_CONNECTIONS',
] as const;

function authError(message: string, returnCode: 2 | 3 | 4 | 5 = 4): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

const REFUSAL_REASON: Record<GuardRefusal['code'], MqttRejectReason> = {
  JARVIS_MQTT_PACKET_TOO_LARGE: 'packet_too_large',
  JARVIS_MQTT_CONNECT_TIMEOUT: 'connect_timeout',
  JARVIS_MQTT_BAD_PACKET: 'bad_packet',
};

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The embedded MQTT broker (aedes on a `net` server). Enforces SPEC.md's ACLs: a device logs in with
 * its own credentials, publishes only its own `status`, `state/mute` and `event/#`, with payloads that
 * validate (so nothing malformed is ever retained), and subscribes only to its own `cmd/#`. A refused
 * publish closes the connection (MQTT 3.1.1 has no other way to refuse one) and is logged naming the device.
 */
export class EmbeddedBroker implements Component {
  readonly name = 'mqtt-broker';
  private aedes: Aedes | undefined;
  private server: Server | undefined;
  private boundPort: number | undefined;
  private readonly identities = new WeakMap<Client, Identity>();
  private readonly sockets = new Set<Socket>();
  private readonly rejected;
  private readonly limits: BrokerLimits;
  private readonly connections: ConnectionCounter;
  private readonly logins: LoginLimiter<DeviceRecord>;
  /** When a refusal of this kind from this address was last logged: a flood logs once per 10 s. */
  private readonly refusalLoggedAt = new Map<string, number>();

  constructor(private readonly options: EmbeddedBrokerOptions) {
    this.rejected = (options.metrics ?? unregisteredMqttMetrics()).rejected;
    this.limits = { ...DEFAULT_BROKER_LIMITS, ...options.limits };
    this.connections = new ConnectionCounter(this.limits);
    this.logins = new LoginLimiter({ ...DEFAULT_LOGIN_LIMITS, ...options.loginLimits });
  }

  /** Open connections (for tests and metrics). */
  get openConnections(): number {
    return this.connections.open;
  }

  /** The bound port (after `start()`). */
  get port(): number {
    if (this.boundPort === undefined) throw new InternalError('JARVIS_INTERNAL_NOT_STARTED', 'mqtt broker is not started');
    return this.boundPort;
  }

  async start(): Promise<void> {
    if (this.aedes) return;
    const log = this.options.logger;
    const aedes = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const user = username ?? '';
        const pass = password?.toString('utf8') ?? '';
        if (user === this.options.hubCredentials.username) {
          if (sameSecret(pass, this.options.hubCredentials.password)) {
            const conn = client.conn as unknown;
            if (conn instanceof GuardedConnection) conn.loggedIn('hub');
            this.identities.set(client, { kind: 'hub' });
            return done(null, true);
          }
          this.reject('hub', 'bad_credentials', 'JARVIS_MQTT_BAD_CREDENTIALS', `bad password for the hub's own user from client ${client.id}`);
          return done(authError('bad username or password'), false);
        }
        const conn = client.conn as unknown;
        const address = conn instanceof GuardedConnection ? conn.remoteAddress : 'unknown';
        this.logins.check(user, pass, address, () => this.options.verifyDeviceLogin(user, pass)).then(
          (outcome) => {
            if (!outcome.ok && outcome.throttled) {
              this.refuse(address, 'throttled', 'JARVIS_MQTT_LOGIN_THROTTLED', `login of ${JSON.stringify(user)} from ${address} refused without a password check: too many ${outcome.throttled === 'address' ? 'failed logins from this address' : 'checks running for this username'}`);
              return done(authError('server unavailable', 3), false);
            }
            if (!outcome.ok) {
              this.reject('unknown', 'bad_credentials', 'JARVIS_MQTT_BAD_CREDENTIALS', `login refused for user ${JSON.stringify(user)} (client ${client.id}, from ${address})`);
              return done(authError('bad username or password'), false);
            }
            const device = outcome.value;
            // [MQTT-6.9] checked before aedes looks for a session with this id, so it can never be taken over.
            if (!clientIdBelongsTo(client.id, device.deviceId)) {
              this.reject(device.deviceId, 'client_id', 'JARVIS_MQTT_CLIENT_ID', `device ${device.deviceId} tried client id ${JSON.stringify(String(client.id).slice(0, 64))}; its client ids are jarvis-${device.deviceId}-<role>`);
              return done(authError('identifier rejected', 2), false);
            }
            if (conn instanceof GuardedConnection) conn.loggedIn('device');
            this.identities.set(client, { kind: 'device', deviceId: device.deviceId, credentialVersion: device.credentialVersion });
            log.info({ device: device.deviceId, client: client.id }, 'device connected to mqtt');
            done(null, true);
          },
          (err: unknown) => {
            log.error({ err }, 'mqtt login check failed');
            done(Object.assign(new Error('server unavailable'), { returnCode: 3 as const }) as AuthenticateError, false);
          },
        );
      },
      authorizePublish: (client, packet, callback) => {
        const who = client ? this.identities.get(client) : undefined;
        if (!client || who?.kind === 'hub') return callback(null);
        if (!who) return callback(new Error('not authenticated'));
        if (!deviceMayPublish(who.deviceId, packet.topic)) {
          this.reject(who.deviceId, 'forbidden_topic', 'JARVIS_MQTT_FORBIDDEN_TOPIC', `device ${who.deviceId} may not publish to ${packet.topic}`);
          return callback(new Error(`device ${who.deviceId} may not publish to ${packet.topic}`));
        }
        try {
          decodePayload(parseTopic(packet.topic).topic, packet.payload as Buffer);
        } catch (err) {
          const why = isProtocolError(err) ? `${err.code}: ${err.message}` : String(err);
          this.reject(who.deviceId, 'bad_payload', 'JARVIS_MQTT_BAD_PAYLOAD', `device ${who.deviceId} sent a bad payload on ${packet.topic}: ${why}`);
          return callback(new Error(`bad payload on ${packet.topic}`));
        }
        callback(null);
      },
      authorizeSubscribe: (client, sub, callback) => {
        const who = this.identities.get(client);
        if (who?.kind === 'hub') return callback(null, sub);
        if (who && deviceMaySubscribe(who.deviceId, sub.topic)) return callback(null, sub);
        const device = who?.kind === 'device' ? who.deviceId : 'unknown';
        this.reject(device, 'forbidden_subscribe', 'JARVIS_MQTT_FORBIDDEN_SUBSCRIBE', `device ${device} may not subscribe to ${sub.topic}`);
        // Negate rather than fail: the client gets SUBACK 0x80 and stays connected.
        callback(null, null);
      },
    });
    aedes.on('clientError', (client, err) => log.debug({ client: client.id, err: err.message }, 'mqtt client error'));
    aedes.on('clientDisconnect', (client) => {
      const who = this.identities.get(client);
      if (who?.kind === 'device') log.info({ device: who.deviceId, client: client.id }, 'device disconnected from mqtt');
    });
    const server = createServer((socket) => {
      const address = socket.remoteAddress ?? 'unknown';
      const full = this.connections.acquire(address);
      if (full) {
        socket.destroy();
        this.refuse(address, 'too_many_connections', 'JARVIS_MQTT_TOO_MANY_CONNECTIONS', `connection from ${address} refused: ${full}`);
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.connections.release(address);
      });
      // The guard reads packet lengths before aedes's parser buffers anything [issue 15, break 4].
      const conn = new GuardedConnection(socket, this.limits, (refusal) => this.refuse(address, REFUSAL_REASON[refusal.code], refusal.code, `connection from ${address} closed: ${refusal.message}`));
      conn.on('error', () => undefined);
      aedes.handle(conn as unknown as Socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    this.boundPort = typeof address === 'object' && address ? address.port : this.options.port;
    this.aedes = aedes;
    this.server = server;
    log.info({ port: this.boundPort, host: this.options.host }, 'embedded mqtt broker listening');
  }

  async stop(): Promise<void> {
    const { aedes, server } = this;
    this.aedes = undefined;
    this.server = undefined;
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Closes the sessions of a device whose credentials are gone or rotated (it must log in again with
   * the new ones). With `keepVersion` the sessions logged in with that credential version survive.
   */
  disconnectDevice(deviceId: string, keepVersion?: number): number {
    this.logins.forgetWhere((d) => d.deviceId === deviceId && d.credentialVersion !== keepVersion);
    const aedes = this.aedes as (Aedes & { clients?: Record<string, Client> }) | undefined;
    let closed = 0;
    for (const client of Object.values(aedes?.clients ?? {})) {
      const who = this.identities.get(client);
      if (who?.kind === 'device' && who.deviceId === deviceId && who.credentialVersion !== keepVersion) {
        client.close();
        closed++;
      }
    }
    return closed;
  }

  /** A refusal before or without a login: counted, and logged at most once per 10 s per address and kind. */
  private refuse(address: string, reason: MqttRejectReason, code: string, message: string): void {
    this.rejected.inc({ device: 'unknown', reason });
    const key = `${address} ${code}`;
    const now = Date.now();
    const last = this.refusalLoggedAt.get(key);
    if (last !== undefined && now - last < 10_000) return;
    if (this.refusalLoggedAt.size > 10_000) this.refusalLoggedAt.clear();
    this.refusalLoggedAt.set(key, now);
    this.options.logger.warn({ peer: address, code }, message);
  }

  private reject(device: string, reason: MqttRejectReason, code: string, message: string): void {
    this.rejected.inc({ device, reason });
    this.options.logger.warn({ device, code }, message);
  }
}
