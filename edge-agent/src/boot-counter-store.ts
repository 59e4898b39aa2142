/**
 * The satellite's boot counter (SPEC.md [UDP-2.16]) in its state directory: `boot-<deviceId>.json`,
 * advanced and written durably (temp file, fsync, rename, fsync of the folder) before every new stream
 * sends its first datagram. A new key in the bundle (`jarvis device rotate-key`) restarts it at 1.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  advanceBootCounter,
  decodeBootCounterState,
  encodeBootCounterState,
  isProtocolError,
  type BootCounterState,
} from '@jarvis/protocol';
import { EdgeError } from './errors.js';

/** Where state lives when the config names no `stateDir`: systemd's `StateDirectory=`, else `~/.local/state/jarvis-edge`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const systemd = env['STATE_DIRECTORY']?.split(':')[0];
  if (systemd) return systemd;
  return join(env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state'), 'jarvis-edge');
}

function stateError(message: string, cause?: unknown): never {
  throw new EdgeError('JARVIS_EDGE_STATE', message, { cause });
}

/** The boot counter of one device, kept in a state directory. */
export class BootCounterStore {
  readonly path: string;

  constructor(
    private readonly dir: string,
    deviceId: string,
    private readonly key: Uint8Array,
  ) {
    this.path = join(dir, `boot-${deviceId}.json`);
  }

  /** Reads and checks the stored state (undefined when there is none yet); a corrupt file is `JARVIS_EDGE_STATE`. */
  read(): BootCounterState | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return stateError(`cannot read the boot counter ${this.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, err);
    }
    try {
      return decodeBootCounterState(text);
    } catch (err) {
      // Restarting the counter would get every stream refused by the hub; the operator must decide.
      if (isProtocolError(err)) stateError(`${this.path}: ${err.message}; restore the file, or remove it and rotate the device key (jarvis device rotate-key)`, err);
      throw err;
    }
  }

  /** Advances the counter, writes it durably, and returns the value to send as `stream_id`. [UDP-2.16] */
  next(): number {
    let next: BootCounterState;
    try {
      next = advanceBootCounter(this.read(), this.key);
    } catch (err) {
      if (isProtocolError(err)) stateError(err.message, err);
      throw err;
    }
    const tmp = `${this.path}.tmp-${process.pid}`;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(tmp, encodeBootCounterState(next), { mode: 0o600 });
      const fd = openSync(tmp, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.path);
      const dirFd = openSync(this.dir, 'r');
      try {
        fsyncSync(dirFd);
      } finally {
        closeSync(dirFd);
      }
    } catch (err) {
      stateError(`cannot save the boot counter in ${this.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, err);
    }
    return next.boot;
  }
}
