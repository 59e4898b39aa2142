/**
 * Serial provisioning of a wearable (firmware/core/jarvis_provision.h): the device bundle over the
 * Jarvis line protocol `JVP1 BUNDLE <hex> *<crc32>`, then the Wi-Fi credentials over the Improv Wi-Fi
 * serial protocol (as ESPHome-style tools send them). The bundle goes first so the device's Improv join
 * check covers the hub's MQTT login too: the device answers Provisioned only after it joined the network
 * and logged in to the bundle's broker, else Improv error "unable to connect" (and keeps its old Wi-Fi). The console also carries the firmware's log lines;
 * anything that is neither an Improv packet nor a `JVP1` line is skipped. The key never leaves this
 * process except inside the BUNDLE line, and is never logged.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ReadStream } from 'node:tty';
import { deviceBundleSchema } from '@jarvis/protocol';
import type { DeviceBundle } from '@jarvis/protocol';
import { WearableError } from './errors.js';

const IMPROV = Buffer.from('IMPROV');
/** Improv packet types and states (https://www.improv-wifi.com/serial/). */
export const ImprovType = { CURRENT_STATE: 1, ERROR_STATE: 2, RPC: 3, RPC_RESULT: 4 } as const;
export const ImprovState = { READY: 2, PROVISIONING: 3, PROVISIONED: 4 } as const;
const IMPROV_ERRORS: Record<number, string> = { 1: 'invalid RPC packet', 2: 'unknown RPC command', 3: 'unable to connect', 255: 'unknown error' };

/** CRC-32 (IEEE, as zlib), as the firmware checks it. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** One protocol line: `<body> *<crc32 of body, 8 lowercase hex>\n`. */
export function jvpLine(body: string): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([bytes, Buffer.from(` *${crc32(bytes).toString(16).padStart(8, '0')}\n`)]);
}

/** An Improv serial packet: header, version 1, type, length, data, checksum (sum of the bytes before it). */
export function improvPacket(type: number, data: Uint8Array): Buffer {
  if (data.length > 255) throw new WearableError('JARVIS_WEARABLE_BAD_OPTION', 'an Improv packet carries at most 255 bytes');
  const head = Buffer.concat([IMPROV, Buffer.from([1, type, data.length]), Buffer.from(data)]);
  let sum = 0;
  for (const b of head) sum = (sum + b) & 0xff;
  return Buffer.concat([head, Buffer.from([sum])]);
}

/** The Improv RPC "send Wi-Fi settings" (command 1). */
export function improvWifi(ssid: string, password: string): Buffer {
  const s = Buffer.from(ssid, 'utf8');
  const p = Buffer.from(password, 'utf8');
  if (s.length < 1 || s.length > 32) throw new WearableError('JARVIS_WEARABLE_BAD_OPTION', 'the Wi-Fi SSID must be 1 to 32 bytes');
  if (p.length > 64) throw new WearableError('JARVIS_WEARABLE_BAD_OPTION', 'the Wi-Fi password must be at most 64 bytes');
  const body = Buffer.concat([Buffer.from([s.length]), s, Buffer.from([p.length]), p]);
  return improvPacket(ImprovType.RPC, Buffer.concat([Buffer.from([1, body.length]), body]));
}

/** What the console said: a protocol line or an Improv packet (log lines are dropped). */
export type ConsoleEvent = { kind: 'line'; text: string } | { kind: 'improv'; type: number; data: Buffer };

/** Splits a console byte stream into JVP1 lines and Improv packets; bad Improv checksums are dropped. */
export class ConsoleScanner {
  private buf = Buffer.alloc(0);

  push(chunk: Uint8Array): ConsoleEvent[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const events: ConsoleEvent[] = [];
    for (;;) {
      const improvAt = this.buf.indexOf(IMPROV);
      const newline = this.buf.indexOf(0x0a);
      if (improvAt >= 0 && (newline < 0 || improvAt < newline)) {
        if (this.buf.length < improvAt + 9) break;
        const len = this.buf[improvAt + 8] as number;
        const end = improvAt + 9 + len + 1;
        if (this.buf.length < end) break;
        const pkt = this.buf.subarray(improvAt, end);
        let sum = 0;
        for (const b of pkt.subarray(0, pkt.length - 1)) sum = (sum + b) & 0xff;
        if (sum === pkt[pkt.length - 1] && pkt[6] === 1) events.push({ kind: 'improv', type: pkt[7] as number, data: Buffer.from(pkt.subarray(9, 9 + len)) });
        this.buf = this.buf.subarray(end);
        continue;
      }
      if (newline < 0) {
        if (this.buf.length > 65536) this.buf = Buffer.alloc(0); // a runaway log line
        break;
      }
      const text = this.buf.subarray(0, newline).toString('utf8').replace(/\r$/, '');
      this.buf = this.buf.subarray(newline + 1);
      if (text.startsWith('JVP1 ')) events.push({ kind: 'line', text });
    }
    return events;
  }
}

/** Options of {@link provisionDevice}. */
export interface ProvisionOptions {
  /** Serial port (or pty) of the device's console. */
  port: string;
  bundle: DeviceBundle;
  /** Wi-Fi credentials sent over Improv first; omit to send only the bundle. */
  wifi?: { ssid: string; password: string };
  /** Per answer; default 5000 ms. */
  timeoutMs?: number;
  /** For the answer to the Wi-Fi settings (the device tries the join first: up to 30 s); default 35000 ms. */
  joinTimeoutMs?: number;
  log?: (line: string) => void;
}

/** What the device said. */
export interface ProvisionResult {
  deviceId: string;
  firmware: string;
  /** True when the device joined the network (and logged in to the hub's MQTT) and stored the settings. */
  wifi: boolean;
  /** The Improv redirect URL the device answered with (the hub's dashboard), when Wi-Fi was sent. */
  url?: string;
}

/** The strings of an Improv RPC result: command, total length, then length-prefixed strings. */
export function improvResultStrings(data: Uint8Array): string[] {
  const out: string[] = [];
  const end = Math.min(data.length, 2 + (data[1] ?? 0));
  for (let i = 2; i < end; ) {
    const len = data[i] as number;
    out.push(Buffer.from(data.subarray(i + 1, i + 1 + len)).toString('utf8'));
    i += 1 + len;
  }
  return out;
}

const fail = (message: string): never => {
  throw new WearableError('JARVIS_WEARABLE_PROVISION', message);
};

/**
 * Provisions a device over its serial console: HELLO, Improv Wi-Fi (if given), BUNDLE. Throws
 * `JARVIS_WEARABLE_BAD_BUNDLE` before any I/O for a bundle that fails the schema, and
 * `JARVIS_WEARABLE_PROVISION` when the port cannot be opened, the device does not answer in time, or
 * it refuses (its JARVIS_FW_* code is in the message).
 */
export async function provisionDevice(options: ProvisionOptions): Promise<ProvisionResult> {
  const parsed = deviceBundleSchema.safeParse(options.bundle);
  if (!parsed.success) {
    throw new WearableError('JARVIS_WEARABLE_BAD_BUNDLE', `invalid bundle: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(bundle)'}: ${i.message}`).join('; ')}`);
  }
  const bundle = parsed.data;
  const wifiPacket = options.wifi ? improvWifi(options.wifi.ssid, options.wifi.password) : undefined;
  const timeoutMs = options.timeoutMs ?? 5000;
  const log = options.log ?? ((): void => undefined);
  // The line speed of a real USB serial port; a pty ignores it. Raw mode comes from setRawMode below.
  spawnSync('stty', ['-F', options.port, '115200'], { stdio: 'ignore' });
  let readFd: number;
  let writeFd: number;
  try {
    readFd = openSync(options.port, constants.O_RDWR | constants.O_NOCTTY);
    writeFd = openSync(options.port, constants.O_WRONLY | constants.O_NOCTTY);
  } catch (err) {
    return fail(`cannot open ${options.port}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let input: ReadStream;
  try {
    input = new ReadStream(readFd);
  } catch (err) {
    closeSync(readFd);
    closeSync(writeFd);
    return fail(`${options.port} is not a serial port or terminal: ${(err as Error).message}`);
  }
  input.setRawMode(true);
  const scanner = new ConsoleScanner();
  const queue: ConsoleEvent[] = [];
  let wake: (() => void) | undefined;
  input.on('data', (chunk: Buffer) => {
    queue.push(...scanner.push(chunk));
    wake?.();
  });
  const next = async (what: string, accept: (e: ConsoleEvent) => boolean, waitMs = timeoutMs): Promise<ConsoleEvent> => {
    const until = Date.now() + waitMs;
    for (;;) {
      const i = queue.findIndex(accept);
      if (i >= 0) return queue.splice(0, i + 1).at(-1) as ConsoleEvent;
      const left = until - Date.now();
      if (left <= 0) return fail(`no ${what} from the device on ${options.port} within ${waitMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        wake = (): void => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  };
  const send = (bytes: Buffer): void => {
    writeSync(writeFd, bytes);
  };
  try {
    send(Buffer.from('\n'));
    send(jvpLine('JVP1 HELLO'));
    const hello = await next('answer to HELLO', (e) => e.kind === 'line' && /^JVP1 (READY|ERR) /.test(e.text));
    const ready = hello.kind === 'line' ? /^JVP1 READY (\S+)/.exec(hello.text) : null;
    if (!ready) return fail(`the device refused HELLO: ${hello.kind === 'line' ? hello.text.slice(9) : ''}`);
    log(`device on ${options.port}: ${ready[1] as string}`);
    const json = Buffer.from(JSON.stringify(bundle), 'utf8');
    if (json.length > 2048) return fail(`the bundle is ${json.length} bytes; the device takes at most 2048 (shorten the name or area)`);
    log(`sending the bundle of device ${bundle.deviceId} (${json.length} bytes, key not shown)`);
    send(jvpLine(`JVP1 BUNDLE ${json.toString('hex')}`));
    const done = await next('answer to BUNDLE', (e) => e.kind === 'line' && /^JVP1 (OK BUNDLE|ERR) /.test(e.text));
    const text = done.kind === 'line' ? done.text : '';
    if (!text.startsWith('JVP1 OK BUNDLE ')) return fail(`the device refused the bundle: ${text.slice('JVP1 ERR '.length)}`);
    const deviceId = text.slice('JVP1 OK BUNDLE '.length).trim();
    if (deviceId !== bundle.deviceId) return fail(`the device stored device ${deviceId}, not ${bundle.deviceId}`);
    if (!wifiPacket) return { deviceId, firmware: ready[1] as string, wifi: false };
    // The device tries the join (the network, then the hub's MQTT login with the bundle just stored)
    // before it stores anything: Provisioned + the redirect URL, or an error (0 = "no error" is not one).
    send(wifiPacket);
    log(`Wi-Fi settings for SSID "${options.wifi?.ssid ?? ''}" sent; the device is trying the join`);
    const answer = await next(
      'Improv answer to the Wi-Fi settings',
      (e) => e.kind === 'improv' && ((e.type === ImprovType.RPC_RESULT && e.data[0] === 1) || (e.type === ImprovType.ERROR_STATE && e.data[0] !== 0)),
      options.joinTimeoutMs ?? 35_000,
    );
    if (answer.kind === 'improv' && answer.type === ImprovType.ERROR_STATE) {
      const code = answer.data[0] ?? 255;
      return fail(
        code === 3
          ? `the device stored the bundle but could not join Wi-Fi "${options.wifi?.ssid ?? ''}" and log in to the hub's MQTT broker with it (Improv error: unable to connect); it keeps its previous Wi-Fi settings`
          : `the device refused the Wi-Fi settings (Improv error: ${IMPROV_ERRORS[code] ?? 'unknown error'})`,
      );
    }
    const url = answer.kind === 'improv' ? improvResultStrings(answer.data)[0] : undefined;
    log(`Wi-Fi joined and stored${url ? `; the hub: ${url}` : ''}`);
    return { deviceId, firmware: ready[1] as string, wifi: true, ...(url ? { url } : {}) };
  } finally {
    input.setRawMode(false);
    input.destroy();
    closeSync(writeFd);
  }
}
