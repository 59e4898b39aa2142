/**
 * Jarvis as a Wyoming server for Home Assistant ([WY-3.x]): asr, wake and handle on one TCP port,
 * allowlisted client addresses, optional mDNS. Each connection is independent.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { PROTOCOL_ERROR_CODES, type WyomingInfo, type WyomingLimits } from '@jarvis/protocol';
import type { Component, Logger } from '../core/index.js';
import { AddressAllowlist } from './cidr.js';
import { WyomingConnection } from './connection.js';
import { ServerSession } from './server-session.js';
import { advertiseWyoming, type MdnsAdvert } from './mdns.js';
import { loadWyomingResampler } from './audio-convert.js';
import type { ArtifactInfo, WyomingHandleBackend, WyomingSttBackend, WyomingWakeBackend } from './backends.js';

/** Jarvis's attribution in `info`. */
export const JARVIS_ATTRIBUTION = { name: 'Jarvis', url: 'https://github.com/jarvis-hub/jarvis' } as const;

/** Options of {@link WyomingServer}. */
export interface WyomingServerOptions {
  /** TCP port; 0 = any free port (read it from `port` after start). */
  port: number;
  /** Address to bind (default all interfaces). */
  host?: string;
  /** CIDRs allowed to connect ([WY-3.1]). */
  allow: readonly string[];
  /** Advertise `_wyoming._tcp` over mDNS. */
  mdns: boolean;
  /** Service name in mDNS and `info` (default "Jarvis"). */
  name?: string;
  /** Jarvis's version, for `info`. */
  version: string;
  stt?: WyomingSttBackend | undefined;
  wake?: WyomingWakeBackend | undefined;
  handle?: WyomingHandleBackend | undefined;
  limits?: Partial<WyomingLimits>;
  partialTimeoutMs?: number;
  maxSttSeconds?: number;
  logger: Logger;
  onStt?(ms: number, engine: string): void;
}

/** Counters for metrics and tests. */
export interface WyomingServerStats {
  accepted: number;
  refused: number;
  open: number;
  protocolErrors: number;
}

const artifact = (a: ArtifactInfo) => ({ name: a.name, attribution: a.attribution, installed: a.installed, description: a.description, version: a.version });

/** The Wyoming server component. */
export class WyomingServer implements Component {
  readonly name = 'wyoming';
  private server: Server | undefined;
  private advert: MdnsAdvert | undefined;
  private readonly sockets = new Set<Socket>();
  private allowlist: AddressAllowlist | undefined;
  readonly stats: WyomingServerStats = { accepted: 0, refused: 0, open: 0, protocolErrors: 0 };
  private boundPort = 0;

  constructor(private readonly options: WyomingServerOptions) {}

  /** The port listened on (after start). */
  get port(): number {
    return this.boundPort;
  }

  /** What `describe` answers ([WY-2.1]). */
  info(): WyomingInfo {
    const o = this.options;
    const program = (description: string) => ({ name: 'jarvis', attribution: { ...JARVIS_ATTRIBUTION }, installed: true, description, version: o.version });
    const info: WyomingInfo = {};
    if (o.stt) {
      info.asr = [{ ...program('Jarvis speech-to-text'), models: o.stt.models().map((m) => ({ ...artifact(m), languages: m.languages })), supports_transcript_streaming: true }];
    }
    if (o.wake) {
      info.wake = [{ ...program('Jarvis wake words'), models: o.wake.models().map((m) => ({ ...artifact(m), languages: m.languages, phrase: m.phrase })) }];
    }
    if (o.handle) {
      const h = o.handle;
      info.handle = [{
        ...program('Jarvis intents (acts through Jarvis\'s own Home Assistant connection and allowlist)'),
        models: [{ name: 'jarvis-router', attribution: { ...JARVIS_ATTRIBUTION }, installed: true, description: 'Jarvis command router', version: o.version, languages: h.languages() }],
        supports_handled_streaming: false,
        supports_home_control: true,
      }];
    }
    return info;
  }

  async start(): Promise<void> {
    if (this.server) return;
    this.allowlist = new AddressAllowlist(this.options.allow);
    await loadWyomingResampler();
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.options.port, ...(this.options.host ? { host: this.options.host } : {}) }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.options.logger.error({ err }, 'wyoming: server error'));
    this.server = server;
    const addr = server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : this.options.port;
    this.options.logger.info({ port: this.boundPort, allow: this.options.allow }, 'wyoming: server listening');
    if (this.options.mdns) this.advert = advertiseWyoming(this.options.name ?? 'Jarvis', this.boundPort, this.options.logger);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (this.advert) {
      const a = this.advert;
      this.advert = undefined;
      await a.stop().catch((err: unknown) => this.options.logger.warn({ err }, 'wyoming: mDNS stop failed'));
    }
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const log = this.options.logger;
    if (!this.allowlist?.allows(socket.remoteAddress)) {
      this.stats.refused++;
      log.warn({ peer: socket.remoteAddress, allow: this.options.allow, code: 'JARVIS_WYOMING_REFUSED' }, 'wyoming: refused a connection from an address outside wyoming.allow');
      socket.destroy();
      return;
    }
    this.stats.accepted++;
    this.stats.open++;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let session: ServerSession | undefined = undefined;
    const conn = new WyomingConnection(socket, {
      ...(this.options.limits ? { limits: this.options.limits } : {}),
      ...(this.options.partialTimeoutMs !== undefined ? { partialTimeoutMs: this.options.partialTimeoutMs } : {}),
      logger: log,
      onEvent: (ev) => session?.onEvent(ev),
      onClose: (reason) => {
        if ((PROTOCOL_ERROR_CODES as readonly string[]).includes(reason)) this.stats.protocolErrors++;
        this.stats.open--;
        this.sockets.delete(socket);
        session?.closed();
      },
    });
    session = new ServerSession(conn, {
      stt: this.options.stt,
      wake: this.options.wake,
      handle: this.options.handle,
      info: () => this.info(),
      logger: log,
      maxSttSeconds: this.options.maxSttSeconds ?? 30,
      ...(this.options.onStt ? { onStt: this.options.onStt } : {}),
    });
    log.debug({ peer: conn.peer }, 'wyoming: connection');
  }
}
