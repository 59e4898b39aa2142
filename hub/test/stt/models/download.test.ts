import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { progressBar, pullModel } from '../../../src/stt/models/download.js';
import { ConfigError, loadConfig } from '../../../src/config/index.js';
import { MODEL_CATALOGUE, findModel, loadCatalogue } from '../../../src/stt/models/catalogue.js';
import { modelStatus, modelsDir, removeModel, requireModel, verifyModel } from '../../../src/stt/models/store.js';
import { fakeModel, startModelServer } from './helpers.js';

describe('model downloads against a local HTTP server', () => {
  let dir: string;
  let srv: Awaited<ReturnType<typeof startModelServer>>;
  let model: ReturnType<typeof fakeModel>;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'jarvis-models-'));
    model = fakeModel('http://placeholder/');
    srv = await startModelServer(model.content);
    model.entry.url = srv.url;
  });
  afterEach(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('downloads, verifies and moves the file into place, reporting progress', async () => {
    const seen: number[] = [];
    const r = await pullModel(dir, model.entry, { onProgress: (p) => seen.push(p.received) });
    expect(r.outcome).toBe('downloaded');
    expect(readFileSync(r.path).equals(model.content)).toBe(true);
    expect(existsSync(`${r.path}.part`)).toBe(false);
    expect(seen.at(-1)).toBe(model.content.length);
    await verifyModel(dir, model.entry);
    expect((await pullModel(dir, model.entry)).outcome).toBe('already-present');
  });

  it('keeps an interrupted download and resumes it with a Range request', async () => {
    srv.mode.cutAfter = 100_000;
    await expect(pullModel(dir, model.entry)).rejects.toMatchObject({ code: 'JARVIS_MODEL_NETWORK' });
    const status = modelStatus(dir, model.entry);
    expect(status.state).toBe('partial');
    expect(status.bytes).toBeGreaterThan(0);
    expect(existsSync(join(dir, model.entry.file))).toBe(false);
    delete srv.mode.cutAfter;
    const r = await pullModel(dir, model.entry);
    expect(r.outcome).toBe('resumed');
    expect(srv.ranges.at(-1)).toBe(`bytes=${status.bytes}-`);
    expect(readFileSync(r.path).equals(model.content)).toBe(true);
  });

  it('deletes a corrupted download and reports the hash mismatch', async () => {
    srv.mode.corrupt = true;
    await expect(pullModel(dir, model.entry)).rejects.toMatchObject({ code: 'JARVIS_MODEL_HASH_MISMATCH' });
    expect(modelStatus(dir, model.entry).state).toBe('absent');
  });

  it('starts over when the server ignores the range, and after a part larger than the model', async () => {
    writeFileSync(join(dir, `${model.entry.file}.part`), model.content.subarray(0, 5000));
    srv.mode.noRange = true;
    expect((await pullModel(dir, model.entry)).outcome).toBe('downloaded');
    await removeModel(dir, model.entry);
    writeFileSync(join(dir, `${model.entry.file}.part`), Buffer.concat([model.content, Buffer.alloc(10)]));
    expect((await pullModel(dir, model.entry)).outcome).toBe('downloaded');
  });

  it('finishes a complete .part without a request; a 416 for a short one is reported', async () => {
    writeFileSync(join(dir, `${model.entry.file}.part`), model.content);
    expect((await pullModel(dir, model.entry)).outcome).toBe('resumed');
    expect(srv.ranges).toEqual([]);
    await removeModel(dir, model.entry);
    writeFileSync(join(dir, `${model.entry.file}.part`), model.content);
    const longer = { ...model.entry, size: model.entry.size + 1 };
    await expect(pullModel(dir, longer)).rejects.toThrow(/JARVIS_MODEL_NETWORK: download of test-model stopped at 300000 of 300001/);
    expect(srv.ranges).toEqual(['bytes=300000-']);
  });

  it('reports HTTP errors and unreachable servers with codes', async () => {
    srv.mode.status = 404;
    await expect(pullModel(dir, model.entry)).rejects.toMatchObject({ code: 'JARVIS_MODEL_HTTP' });
    await expect(pullModel(dir, model.entry, { url: 'http://127.0.0.1:1/none' })).rejects.toMatchObject({ code: 'JARVIS_MODEL_NETWORK' });
  });

  it('verify catches a file changed after download; rm removes it; a missing model names the pull command', async () => {
    await pullModel(dir, model.entry);
    const path = join(dir, model.entry.file);
    const bytes = readFileSync(path);
    bytes[0] = bytes[0]! ^ 0xff;
    writeFileSync(path, bytes);
    await expect(verifyModel(dir, model.entry)).rejects.toMatchObject({ code: 'JARVIS_MODEL_HASH_MISMATCH' });
    writeFileSync(path, bytes.subarray(1));
    await expect(verifyModel(dir, model.entry)).rejects.toMatchObject({ code: 'JARVIS_MODEL_SIZE_MISMATCH' });
    expect(await removeModel(dir, model.entry)).toBe(true);
    expect(await removeModel(dir, model.entry)).toBe(false);
    await expect(verifyModel(dir, model.entry)).rejects.toThrow(/jarvis models pull test-model/);
    expect(requireModel(dir, model.entry, 'transcription')).toEqual({ off: expect.stringMatching(/^transcription is off: .*`jarvis models pull test-model`/) });
  });
});

describe('catalogue', () => {
  it('pins every entry to a revision with a size, SHA-256 and licence; names are unique', () => {
    const names = MODEL_CATALOGUE.map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of ['tiny.en', 'base.en', 'small.en', 'tiny.en-q5_1', 'base.en-q8_0']) expect(findModel(MODEL_CATALOGUE, n).kind).toBe('whisper');
    expect(MODEL_CATALOGUE.some((e) => e.file.endsWith('.gguf'))).toBe(true);
    for (const e of MODEL_CATALOGUE) {
      // npm tarballs are pinned by their exact version and npm integrity instead of a repository revision.
      if (e.archive) {
        expect(e.url).toMatch(/^https:\/\/registry\.npmjs\.org\/[^/]+\/-\/[^/]+-\d+\.\d+\.\d+\.tgz$/);
        expect(e.archive.integrity).toMatch(/^sha512-/);
      } else {
        expect(e.url).toMatch(/\/resolve\/[0-9a-f]{40}\//);
      }
    }
    expect(() => findModel(MODEL_CATALOGUE, 'nope')).toThrow(/JARVIS_MODEL_UNKNOWN: no model called "nope"/);
  });

  it('takes the catalogue path from the config: a missing file is a coded error naming it, a non-string is a config error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-cat-'));
    try {
      const missing = join(dir, 'nope.json');
      const config = loadConfig({ env: { JARVIS_DATA_DIR: dir, JARVIS_MODEL_CATALOGUE: missing } });
      expect(config.modelCatalogue).toBe(missing);
      expect(() => loadCatalogue(config.modelCatalogue)).toThrow(/JARVIS_MODEL_BAD_CATALOGUE: .*nope\.json: ENOENT/);
      writeFileSync(join(dir, 'jarvis.yaml'), 'modelCatalogue: 5\n');
      expect(() => loadConfig({ env: { JARVIS_DATA_DIR: dir } })).toThrow(ConfigError);
      try {
        loadConfig({ env: { JARVIS_DATA_DIR: dir } });
      } catch (err) {
        expect((err as ConfigError).issues.join('\n')).toMatch(/^modelCatalogue: /m);
      }
      // Unset: the built-in catalogue, and the models folder is the config's data dir.
      expect(loadCatalogue(undefined)).toEqual(MODEL_CATALOGUE);
      expect(modelsDir(loadConfig({ env: { JARVIS_DATA_DIR: join(dir, 'd') } }).dataDir)).toBe(join(dir, 'd', 'models'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('merges $JARVIS_MODEL_CATALOGUE (read through the config) and rejects a malformed one naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jarvis-cat-'));
    try {
      const file = join(dir, 'c.json');
      const catalogueFile = loadConfig({ env: { JARVIS_DATA_DIR: dir, JARVIS_MODEL_CATALOGUE: file } }).modelCatalogue;
      expect(catalogueFile).toBe(file);
      writeFileSync(file, JSON.stringify([{ name: 'tiny.en', kind: 'whisper', file: 'x.bin', url: 'http://mirror/x.bin', size: 1, sha256: 'a'.repeat(64), licence: 'MIT' }]));
      expect(findModel(loadCatalogue(catalogueFile), 'tiny.en').url).toBe('http://mirror/x.bin');
      writeFileSync(file, JSON.stringify([{ name: 'x', kind: 'whisper', file: 'x.bin', url: 'http://m/x', size: 1, sha256: 'XYZ', licence: 'MIT' }]));
      expect(() => loadCatalogue(catalogueFile)).toThrow(/JARVIS_MODEL_BAD_CATALOGUE: .*\[0\]\.\[sha256\]/);
      writeFileSync(file, '{not json');
      expect(() => loadCatalogue(catalogueFile)).toThrow(/JARVIS_MODEL_BAD_CATALOGUE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('draws a progress bar', () => {
    expect(progressBar({ received: 50, total: 100, resumedFrom: 0 }, 10)).toBe('[#####-----]  50%  0.0/0.0 MB');
    expect(statSync(tmpdir()).isDirectory()).toBe(true);
  });
});
