/**
 * One Wyoming TCP connection: bytes → events through the capped incremental decoder, events → bytes
 * through the reference-exact encoder. Bad framing gets an `error` event and a close; data that a
 * header announced but that never comes is timed out ([WY-1.6] [WY-3.7]).
 */
import type { Socket } from 'node:net';
import { ProtocolError, WyomingDecoder, encodeWyomingEvent, errorEvent, type WyomingEvent, type WyomingLimits } from '@jarvis/protocol';
import type { Logger } from '../core/index.js';

/** Options of one connection. */
export interface WyomingConnectionOptions {
  limits?: Partial<WyomingLimits>;
  /** How long a started event may wait for the rest of its bytes (default 10 s). */
  partialTimeoutMs?: number;
  logger: Logger;
  /** Called for each event, in order; the next waits for the returned promise. */
  onEvent(event: WyomingEvent): Promise<void> | void;
  /** Called once when the socket is gone (either side, any reason). */
  onClose?(reason: string): void;
}

/** Wraps a socket; construct, then events flow. */
export class WyomingConnection {
  private readonly decoder: WyomingDecoder;
  private chain: Promise<void> = Promise.resolve();
  private partialTimer: NodeJS.Timeout | undefined;
  private closed = false;
  readonly peer: string;

  constructor(readonly socket: Socket, private readonly options: WyomingConnectionOptions) {
    this.decoder = new WyomingDecoder(options.limits);
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.on('data', (b: Buffer) => this.onData(b));
    socket.on('error', (err) => this.finish(`socket error: ${err.message}`));
    socket.on('close', () => this.finish('closed'));
    socket.on('end', () => {
      try {
        this.decoder.end();
      } catch (err) {
        if (err instanceof ProtocolError) this.options.logger.warn({ peer: this.peer, code: err.code }, `wyoming: peer closed the connection: ${err.message}`);
      }
      socket.end();
    });
  }

  /** True once the socket is closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Writes one event; false when the connection is already closed. */
  send(event: WyomingEvent): boolean {
    if (this.closed || this.socket.destroyed) return false;
    this.socket.write(encodeWyomingEvent(event));
    return true;
  }

  /** Sends `error {text, code}` and closes the connection. */
  fail(code: string, text: string): void {
    this.options.logger.warn({ peer: this.peer, code }, `wyoming: ${text}; closing the connection`);
    this.send(errorEvent(text, code));
    this.socket.end();
    this.finish(code);
  }

  /** Closes the connection (after flushing what was written). */
  close(): void {
    this.socket.end();
    this.finish('closed by Jarvis');
  }

  private onData(bytes: Buffer): void {
    if (this.closed) return;
    let events: WyomingEvent[];
    try {
      events = this.decoder.push(bytes);
    } catch (err) {
      if (err instanceof ProtocolError) {
        this.fail(err.code, err.message);
        return;
      }
      throw err;
    }
    if (events.length > 0 && this.partialTimer) {
      clearTimeout(this.partialTimer);
      this.partialTimer = undefined;
    }
    this.armPartialTimer();
    for (const ev of events) {
      this.chain = this.chain
        .then(() => (this.closed ? undefined : this.options.onEvent(ev)))
        .catch((err: unknown) => this.options.logger.error({ peer: this.peer, err }, 'wyoming: event handler failed'));
    }
  }

  private armPartialTimer(): void {
    if (!this.decoder.midEvent) {
      if (this.partialTimer) clearTimeout(this.partialTimer);
      this.partialTimer = undefined;
      return;
    }
    if (this.partialTimer) return;
    const ms = this.options.partialTimeoutMs ?? 10_000;
    this.partialTimer = setTimeout(() => {
      this.partialTimer = undefined;
      try {
        this.decoder.end();
      } catch (err) {
        // The decoder's own truncation error, with the timeout said first [WY-1.6].
        if (err instanceof ProtocolError) this.fail(err.code, `no complete event ${ms} ms after it started: ${err.message}`);
      }
    }, ms);
    this.partialTimer.unref();
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.partialTimer) clearTimeout(this.partialTimer);
    this.partialTimer = undefined;
    if (!this.socket.destroyed) this.socket.destroySoon();
    this.options.onClose?.(reason);
  }
}
