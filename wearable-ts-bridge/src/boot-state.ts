/**
 * The simulated wearable's non-volatile storage for its boot counter (SPEC.md [UDP-2.16]): a small JSON
 * file, advanced and written durably (temp file, fsync, rename, fsync of the folder) before the first
 * datagram of a run. Without a file the counter lives in this process only, like a device whose storage
 * is wiped at every power-on of the test runner.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  advanceBootCounter,
  decodeBootCounterState,
  deviceKeyId,
  encodeBootCounterState,
  isProtocolError,
  type BootCounterState,
} from '@jarvis/protocol';
import { WearableError } from './errors.js';

const inProcess = new Map<string, BootCounterState>();

function badState(message: string, cause?: unknown): never {
  throw new WearableError('JARVIS_WEARABLE_BAD_STATE', message, { cause });
}

function readState(path: string): BootCounterState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return badState(`${path}: cannot read the boot counter: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, err);
  }
  try {
    return decodeBootCounterState(text);
  } catch (err) {
    // Never restart a counter we cannot read: the hub would refuse it, and silently so from the device's view.
    if (isProtocolError(err)) badState(`${path}: ${err.message}; fix or remove the file only together with \`jarvis device rotate-key\``, err);
    throw err;
  }
}

/** Writes `text` so that after a crash the file holds either the old or the new content, never a mix. */
function writeDurably(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  } catch (err) {
    badState(`${path}: cannot save the boot counter: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, err);
  }
}

/**
 * The boot counter of this run: advanced from the stored state (a new key starts again at 1) and saved
 * before it is returned, so a datagram never carries a counter that storage does not hold. [UDP-2.16]
 */
export function nextBootCounter(key: Uint8Array, statePath: string | undefined): number {
  let next: BootCounterState;
  try {
    const stored = statePath === undefined ? inProcess.get(deviceKeyId(key)) : readState(statePath);
    next = advanceBootCounter(stored, key);
  } catch (err) {
    if (isProtocolError(err)) badState(err.message, err);
    throw err;
  }
  if (statePath === undefined) inProcess.set(next.keyId, next);
  else writeDurably(statePath, encodeBootCounterState(next));
  return next.boot;
}
