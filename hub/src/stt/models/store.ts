import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SttError } from '../errors.js';
import type { ModelEntry } from './catalogue.js';
import { archivePresent, removeArchive, verifyArchive } from './archive.js';

/** The models directory of a data dir (`config.dataDir`, set by `JARVIS_DATA_DIR`): `<dataDir>/models` (DESIGN.md §6). */
export function modelsDir(dataDir: string): string {
  return join(dataDir, 'models');
}

/** Where a catalogue model lives once pulled. */
export function modelPath(dir: string, entry: ModelEntry): string {
  return join(dir, entry.file);
}

/** The state of one catalogue model in the models directory. */
export interface ModelStatus {
  entry: ModelEntry;
  path: string;
  /** `present`: full size (hash not checked); `partial`: an interrupted download; `absent`. */
  state: 'present' | 'partial' | 'absent' | 'wrong-size';
  bytes: number;
}

/** What is on disk for each entry (cheap: sizes only; `verify` hashes). */
export function modelStatus(dir: string, entry: ModelEntry): ModelStatus {
  const path = modelPath(dir, entry);
  if (entry.archive) {
    if (archivePresent(dir, entry)) return { entry, path, bytes: entry.archive.files.reduce((n, f) => n + f.size, 0), state: 'present' };
    const part = `${path}.tgz.part`;
    return existsSync(part) ? { entry, path, bytes: statSync(part).size, state: 'partial' } : { entry, path, bytes: 0, state: 'absent' };
  }
  if (existsSync(path)) {
    const bytes = statSync(path).size;
    return { entry, path, bytes, state: bytes === entry.size ? 'present' : 'wrong-size' };
  }
  const part = `${path}.part`;
  if (existsSync(part)) return { entry, path, bytes: statSync(part).size, state: 'partial' };
  return { entry, path, bytes: 0, state: 'absent' };
}

/** SHA-256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Checks a pulled model's size and SHA-256; throws JARVIS_MODEL_NOT_PRESENT / _SIZE_MISMATCH / _HASH_MISMATCH. */
export async function verifyModel(dir: string, entry: ModelEntry): Promise<void> {
  if (entry.archive) return verifyArchive(dir, entry);
  const path = modelPath(dir, entry);
  if (!existsSync(path)) throw new SttError('JARVIS_MODEL_NOT_PRESENT', `${entry.name} is not in ${dir}; run \`jarvis models pull ${entry.name}\``);
  const size = statSync(path).size;
  if (size !== entry.size) throw new SttError('JARVIS_MODEL_SIZE_MISMATCH', `${path} has ${size} bytes, the catalogue says ${entry.size}`);
  const digest = await sha256File(path);
  if (digest !== entry.sha256) throw new SttError('JARVIS_MODEL_HASH_MISMATCH', `${path} hashes to ${digest}, the catalogue says ${entry.sha256}`);
}

/** Removes a model and any partial download of it; returns whether anything was there. */
export async function removeModel(dir: string, entry: ModelEntry): Promise<boolean> {
  if (entry.archive) return removeArchive(dir, entry);
  const path = modelPath(dir, entry);
  const had = existsSync(path) || existsSync(`${path}.part`);
  await rm(path, { force: true });
  await rm(`${path}.part`, { force: true });
  return had;
}

/**
 * The path of a model a feature needs, or a message that names the command which fetches it: a missing
 * model turns its feature off rather than stopping the hub (DESIGN.md §6).
 */
export function requireModel(dir: string, entry: ModelEntry, feature: string): { path: string } | { off: string } {
  const status = modelStatus(dir, entry);
  if (status.state === 'present') return { path: status.path };
  return { off: `${feature} is off: model ${entry.name} is not in ${dir}; run \`jarvis models pull ${entry.name}\`` };
}
