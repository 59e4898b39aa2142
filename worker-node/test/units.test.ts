import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/agent.js';
import { parseNvidiaSmi, listModels } from '../src/capabilities.js';
import { parseHubAddress } from '../src/enroll.js';
import { WorkerError } from '../src/errors.js';
import { loadPlugin, sleepHandler } from '../src/handlers.js';
import { loadIdentity } from '../src/state.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const temp = (): string => (dir = mkdtempSync(join(tmpdir(), 'jarvis-worker-unit-')));
const codeOf = async (p: Promise<unknown>): Promise<string> => ((await p.then(() => undefined, (e: unknown) => e)) as WorkerError).code;

describe('backoffDelay', () => {
  it('doubles up to the cap with jitter between half and all of it', () => {
    expect(backoffDelay(0, 100, 1_000, () => 0)).toBe(50);
    expect(backoffDelay(0, 100, 1_000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 1_000, () => 1)).toBe(800);
    expect(backoffDelay(10, 100, 1_000, () => 1)).toBe(1_000);
    expect(backoffDelay(10, 100, 1_000, () => 0)).toBe(500);
  });
});

describe('capabilities', () => {
  it('parses nvidia-smi CSV and ignores noise', () => {
    expect(parseNvidiaSmi('NVIDIA GeForce RTX 3060, 12288\ngarbage\n\n')).toEqual([{ name: 'NVIDIA GeForce RTX 3060', memoryBytes: 12288 * 1024 * 1024 }]);
  });
  it('lists model files, none for a missing dir', async () => {
    const d = temp();
    writeFileSync(join(d, 'b.gguf'), '');
    writeFileSync(join(d, 'a.bin'), '');
    writeFileSync(join(d, '.partial'), '');
    expect(await listModels(d)).toEqual(['a.bin', 'b.gguf']);
    expect(await listModels(join(d, 'nope'))).toEqual([]);
  });
});

describe('input checks', () => {
  it('parses HOST:PORT and rejects the rest', () => {
    expect(parseHubAddress('hub.lan:7443')).toEqual({ host: 'hub.lan', port: 7443 });
    expect(parseHubAddress('[::1]:7443')).toEqual({ host: '::1', port: 7443 });
    for (const bad of ['hub', 'hub:0', 'hub:99999', ':1', 'a:b']) expect(() => parseHubAddress(bad)).toThrow(WorkerError);
  });
  it('sleep rejects a bad payload as non-retryable', async () => {
    const err = (await sleepHandler({ taskId: 't', type: 'sleep', payload: { ms: -1 }, attempt: 1, signal: new AbortController().signal }).catch((e: unknown) => e)) as WorkerError;
    expect(err.code).toBe('JARVIS_WORKER_BAD_PAYLOAD');
    expect(err.retryable).toBe(false);
  });
  it('plugins must export valid handlers', async () => {
    const d = temp();
    writeFileSync(join(d, 'ok.mjs'), 'export const handlers = { "my.task": async (ctx) => ctx.payload };');
    writeFileSync(join(d, 'none.mjs'), 'export const x = 1;');
    writeFileSync(join(d, 'badtype.mjs'), 'export const handlers = { "Bad Type": async () => 1 };');
    writeFileSync(join(d, 'notfn.mjs'), 'export default { handlers: { "x": 1 } };');
    expect([...(await loadPlugin(join(d, 'ok.mjs'))).keys()]).toEqual(['my.task']);
    for (const f of ['none.mjs', 'badtype.mjs', 'notfn.mjs', 'missing.mjs']) expect(await codeOf(loadPlugin(join(d, f)))).toBe('JARVIS_WORKER_BAD_PLUGIN');
  });
  it('a corrupt state directory is reported as such', async () => {
    const d = temp();
    writeFileSync(join(d, 'worker.json'), '{"version":1}');
    expect(await codeOf(loadIdentity(d))).toBe('JARVIS_WORKER_BAD_STATE');
    expect(await codeOf(loadIdentity(join(d, 'empty')))).toBe('JARVIS_WORKER_NOT_ENROLLED');
  });
});
