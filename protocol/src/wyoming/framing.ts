/**
 * Wyoming event framing (SPEC.md §9, [WY-1.x]): one UTF-8 JSON header line ending in `\n`, then
 * exactly `data_length` bytes of JSON data, then `payload_length` bytes of payload. Follows the
 * reference `wyoming/event.py` (`async_read_event` / `async_write_event`). Pure: bytes in, events out.
 */
import { ProtocolError } from '../errors.js';
import { pythonJsonDumps } from './python-json.js';

/** The reference release whose wire format this codec follows; sent as `version` in every header [WY-1.5]. */
export const WYOMING_VERSION = '1.7.2';

/** One Wyoming event: a type, its data object (header data merged with the data block) and an optional payload. */
export interface WyomingEvent {
  /** Event type, e.g. `audio-chunk`. */
  type: string;
  /** Event data; `{}` when the event carries none. */
  data: Record<string, unknown>;
  /** Binary payload (PCM audio); absent when `payload_length` is absent or 0. */
  payload?: Uint8Array;
  /** The `version` the sender put in its header, when it sent one (decoding only). */
  version?: string;
}

/** Size caps the decoder enforces before buffering anything [WY-1.7]. */
export interface WyomingLimits {
  /** Longest header line, `\n` included (asyncio's StreamReader default limit, which the reference inherits). */
  maxHeaderBytes: number;
  /** Largest `data_length`. */
  maxDataBytes: number;
  /** Largest `payload_length`. */
  maxPayloadBytes: number;
}

/** Default caps: 64 KiB header, 1 MiB data, 4 MiB payload. */
export const WYOMING_DEFAULT_LIMITS: Readonly<WyomingLimits> = Object.freeze({
  maxHeaderBytes: 65536,
  maxDataBytes: 1 << 20,
  maxPayloadBytes: 4 << 20,
});

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJsonObject(bytes: Uint8Array, what: string, at: number): Record<string, unknown> {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ProtocolError('JARVIS_PROTO_BAD_PAYLOAD', `${what} at byte ${at} is not valid UTF-8`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProtocolError('JARVIS_PROTO_BAD_PAYLOAD', `${what} at byte ${at} is not JSON`);
  }
  if (!isPlainObject(value)) throw new ProtocolError('JARVIS_PROTO_BAD_PAYLOAD', `${what} at byte ${at} is not a JSON object`);
  return value;
}

function lengthField(header: Record<string, unknown>, key: string, cap: number, at: number): number {
  const v = header[key];
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new ProtocolError('JARVIS_PROTO_BAD_LENGTH', `${key} ${JSON.stringify(v)} in the header at byte ${at} is not a non-negative integer`);
  }
  if (v > cap) throw new ProtocolError('JARVIS_PROTO_TOO_LARGE', `${key} ${v} in the header at byte ${at} is over the ${cap}-byte cap`);
  return v;
}

interface PendingHeader {
  type: string;
  version?: string;
  data: Record<string, unknown>;
  dataLength: number;
  payloadLength: number;
  at: number;
}

/** Reads and checks one header line (without its `\n`) [WY-1.1] [WY-1.2] [WY-1.3]. */
function parseHeader(line: Uint8Array, at: number, limits: WyomingLimits): PendingHeader {
  const header = parseJsonObject(line, 'header', at);
  const type = header['type'];
  if (typeof type !== 'string' || type.length === 0) {
    throw new ProtocolError('JARVIS_PROTO_BAD_FIELD', `header at byte ${at} has no "type" string`);
  }
  const version = header['version'];
  if (version !== undefined && version !== null && typeof version !== 'string') {
    throw new ProtocolError('JARVIS_PROTO_BAD_FIELD', `"version" in the header at byte ${at} is not a string`);
  }
  const inline = header['data'];
  if (inline !== undefined && inline !== null && !isPlainObject(inline)) {
    throw new ProtocolError('JARVIS_PROTO_BAD_FIELD', `"data" in the header at byte ${at} is not an object`);
  }
  return {
    type,
    ...(typeof version === 'string' ? { version } : {}),
    data: isPlainObject(inline) ? { ...inline } : {},
    dataLength: lengthField(header, 'data_length', limits.maxDataBytes, at),
    payloadLength: lengthField(header, 'payload_length', limits.maxPayloadBytes, at),
    at,
  };
}

/**
 * Incremental decoder: feed it bytes as they arrive; it returns every event completed so far and keeps
 * the rest. After a `ProtocolError` the stream is out of step and the decoder refuses further input
 * (the connection must be closed) [WY-1.8].
 */
export class WyomingDecoder {
  private readonly limits: WyomingLimits;
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private header: PendingHeader | undefined;
  private offset = 0;
  private failed: ProtocolError | undefined;

  constructor(limits: Partial<WyomingLimits> = {}) {
    this.limits = { ...WYOMING_DEFAULT_LIMITS, ...limits };
  }

  /** Bytes held that do not yet make a whole event. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** True while part of an event (a header line, or the data/payload its header announced) is buffered. */
  get midEvent(): boolean {
    return this.header !== undefined || this.buffered > 0;
  }

  /** Adds bytes; returns the events they complete, in order. Throws `ProtocolError` on malformed input. */
  push(bytes: Uint8Array): WyomingEvent[] {
    if (this.failed) throw this.failed;
    if (bytes.length > 0) {
      this.chunks.push(bytes);
      this.buffered += bytes.length;
    }
    const out: WyomingEvent[] = [];
    try {
      for (;;) {
        const ev = this.next();
        if (!ev) break;
        out.push(ev);
      }
    } catch (err) {
      if (err instanceof ProtocolError) this.failed = err;
      throw err;
    }
    return out;
  }

  /** Call at end of stream: throws `JARVIS_PROTO_TRUNCATED` if an event was cut off [WY-1.6]. */
  end(): void {
    if (this.failed) return;
    if (this.header) {
      const h = this.header;
      throw new ProtocolError(
        'JARVIS_PROTO_TRUNCATED',
        `stream ended ${h.dataLength + h.payloadLength - this.buffered} bytes short of the ${h.type} event whose header is at byte ${h.at}`,
      );
    }
    if (this.buffered > 0) throw new ProtocolError('JARVIS_PROTO_TRUNCATED', `stream ended inside a header line at byte ${this.offset}`);
  }

  private take(n: number): Uint8Array {
    const first = this.chunks[0];
    let out: Uint8Array;
    if (first && first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = new Uint8Array(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0] as Uint8Array;
        const k = Math.min(c.length, n - filled);
        out.set(c.subarray(0, k), filled);
        filled += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    this.offset += n;
    return out;
  }

  private findNewline(): number {
    let pos = 0;
    for (const c of this.chunks) {
      const i = c.indexOf(0x0a);
      if (i >= 0) return pos + i;
      pos += c.length;
    }
    return -1;
  }

  private next(): WyomingEvent | undefined {
    if (!this.header) {
      const nl = this.findNewline();
      if (nl < 0) {
        if (this.buffered >= this.limits.maxHeaderBytes) {
          throw new ProtocolError('JARVIS_PROTO_TOO_LARGE', `header line at byte ${this.offset} is over the ${this.limits.maxHeaderBytes}-byte cap with no newline`);
        }
        return undefined;
      }
      if (nl + 1 > this.limits.maxHeaderBytes) {
        throw new ProtocolError('JARVIS_PROTO_TOO_LARGE', `header line at byte ${this.offset} is ${nl + 1} bytes, over the ${this.limits.maxHeaderBytes}-byte cap`);
      }
      const at = this.offset;
      const line = this.take(nl + 1).subarray(0, nl);
      this.header = parseHeader(line, at, this.limits);
    }
    const h = this.header;
    if (this.buffered < h.dataLength + h.payloadLength) return undefined;
    this.header = undefined;
    const data = h.data;
    if (h.dataLength > 0) {
      const at = this.offset;
      // The data block merges over the header's inline data, key by key (dict.update) [WY-1.3].
      Object.assign(data, parseJsonObject(this.take(h.dataLength), `data block of the ${h.type} event`, at));
    }
    const ev: WyomingEvent = { type: h.type, data };
    if (h.payloadLength > 0) ev.payload = Uint8Array.from(this.take(h.payloadLength));
    if (h.version !== undefined) ev.version = h.version;
    return ev;
  }
}

/** Decodes a whole byte string into its events; throws `JARVIS_PROTO_TRUNCATED` if it ends mid-event. */
export function decodeWyomingEvents(bytes: Uint8Array, limits: Partial<WyomingLimits> = {}): WyomingEvent[] {
  const d = new WyomingDecoder(limits);
  const events = d.push(bytes);
  d.end();
  return events;
}

/** Options for `encodeWyomingEvent`. */
export interface WyomingEncodeOptions {
  /** `version` to write in the header; default `WYOMING_VERSION`. */
  version?: string;
}

/**
 * Encodes one event byte for byte as the reference writes it [WY-1.4]: header
 * `{"type": …, "version": …, "data_length": n?, "payload_length": m?}` + `\n`, then the data block
 * (only when `data` has members), then the payload (only when non-empty).
 */
export function encodeWyomingEvent(event: Pick<WyomingEvent, 'type' | 'data' | 'payload'>, options: WyomingEncodeOptions = {}): Uint8Array {
  if (typeof event.type !== 'string' || event.type.length === 0) {
    throw new ProtocolError('JARVIS_PROTO_BAD_FIELD', 'event type must be a non-empty string');
  }
  const data = event.data ?? {};
  const hasData = Object.values(data).some((v) => v !== undefined);
  const dataBytes = hasData ? utf8Encoder.encode(pythonJsonDumps(data)) : undefined;
  const payload = event.payload && event.payload.length > 0 ? event.payload : undefined;
  const header: Record<string, unknown> = { type: event.type, version: options.version ?? WYOMING_VERSION };
  if (dataBytes) header['data_length'] = dataBytes.length;
  if (payload) header['payload_length'] = payload.length;
  const headerBytes = utf8Encoder.encode(`${pythonJsonDumps(header)}\n`);
  const out = new Uint8Array(headerBytes.length + (dataBytes?.length ?? 0) + (payload?.length ?? 0));
  out.set(headerBytes, 0);
  if (dataBytes) out.set(dataBytes, headerBytes.length);
  if (payload) out.set(payload, headerBytes.length + (dataBytes?.length ?? 0));
  return out;
}
