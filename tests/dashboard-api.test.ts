import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topicFor } from '@jarvis/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from './dashboard-helpers.js';
import { startPartsHub, type PartsHub } from './hub-parts-helpers.js';

let t: PartsHub;
let token: string;
const catalogue = join(tmpdir(), `jarvis-dashboard-catalogue-${process.pid}.json`);

type Res = { status: number; json: Record<string, unknown>; headers: Record<string, unknown>; body: string };

interface CallOptions {
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  /** false: no bearer token (public routes, cookie sessions). */
  auth?: boolean;
  remoteAddress?: string;
}

async function call(method: string, url: string, o: CallOptions = {}): Promise<Res> {
  const headers: Record<string, string> = { ...(o.auth === false ? {} : { authorization: `Bearer ${token}` }), ...o.headers };
  if ((o.body !== undefined || o.raw !== undefined) && !headers['content-type']) headers['content-type'] = 'application/json';
  const res = await t.hub.parts.api.fastify.inject({
    method: method as 'GET',
    url,
    headers,
    ...(o.remoteAddress ? { remoteAddress: o.remoteAddress } : {}),
    ...(o.raw !== undefined ? { payload: o.raw } : o.body !== undefined ? { payload: JSON.stringify(o.body) } : {}),
  });
  let json: Record<string, unknown> = {};
  try {
    json = res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
  } catch {
    json = {};
  }
  return { status: res.statusCode, json, headers: res.headers as Record<string, unknown>, body: res.body };
}

/** `[status, error code]` of an answer. */
const code = (r: Res): [number, unknown] => [r.status, (r.json['error'] as { code?: string } | undefined)?.code];
const message = (r: Res): string => (r.json['error'] as { message: string }).message;

async function login(remoteAddress = '10.0.0.1'): Promise<{ cookie: string; csrf: string }> {
  const r = await call('POST', '/api/v1/session', { body: { token }, auth: false, remoteAddress });
  expect(r.status).toBe(200);
  return { cookie: String(r.headers['set-cookie']).split(';')[0]!, csrf: r.json['csrfToken'] as string };
}

beforeAll(async () => {
  await buildDashboard();
  // The model catalogue comes from the config; the pull test writes its entries into this file later.
  writeFileSync(catalogue, '[]');
  t = await startPartsHub({ homeAssistant: false, env: { JARVIS_PUBLIC_HOST: '127.0.0.1', JARVIS_LLM_ENABLED: 'false', JARVIS_MODEL_CATALOGUE: catalogue } });
  token = readFileSync(join(t.dataDir, 'admin-token'), 'utf8').trim();
}, 90_000);
afterAll(async () => {
  await t?.close();
  rmSync(catalogue, { force: true });
});

describe('dashboard login: session cookie and CSRF', () => {
  it('a good token gives an HttpOnly SameSite=Strict cookie and a CSRF token; the cookie then authenticates reads', async () => {
    const r = await call('POST', '/api/v1/session', { body: { token }, auth: false, remoteAddress: '10.0.0.2' });
    expect(r.status).toBe(200);
    expect(String(r.headers['set-cookie'])).toMatch(/^jarvis_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(r.json).toEqual({ name: 'admin', csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresAt: expect.any(String) });
    expect(r.body).not.toContain(token);
    const cookie = String(r.headers['set-cookie']).split(';')[0]!;
    expect((await call('GET', '/api/v1/session', { auth: false, headers: { cookie } })).json).toMatchObject({ name: 'admin', csrfToken: r.json['csrfToken'] });
    expect((await call('GET', '/api/v1/devices', { auth: false, headers: { cookie } })).status).toBe(200);
    // A bearer-token client has no session to describe.
    expect(code(await call('GET', '/api/v1/session'))).toEqual([401, 'JARVIS_API_UNAUTHORIZED']);
  });

  it('refuses malformed and wrong logins with coded errors, and makes a guesser wait', async () => {
    const ip = '10.0.0.3';
    expect(code(await call('POST', '/api/v1/session', { auth: false, remoteAddress: ip }))).toEqual([400, 'JARVIS_API_BAD_REQUEST']);
    expect(code(await call('POST', '/api/v1/session', { raw: '{"token":', auth: false, remoteAddress: ip }))).toEqual([400, 'JARVIS_API_BAD_REQUEST']);
    expect(code(await call('POST', '/api/v1/session', { raw: '<token>x</token>', headers: { 'content-type': 'application/xml' }, auth: false, remoteAddress: ip }))).toEqual([415, 'JARVIS_API_UNSUPPORTED_MEDIA_TYPE']);
    expect(code(await call('POST', '/api/v1/session', { raw: 'token=x', headers: { 'content-type': 'text/plain' }, auth: false, remoteAddress: ip }))).toEqual([400, 'JARVIS_API_BAD_REQUEST']);
    const typed = await call('POST', '/api/v1/session', { body: { token: 42 }, auth: false, remoteAddress: ip });
    expect([...code(typed), message(typed)]).toEqual([400, 'JARVIS_API_BAD_REQUEST', expect.stringMatching(/^body\.token: /)]);
    const extra = await call('POST', '/api/v1/session', { body: { token, remember: true }, auth: false, remoteAddress: ip });
    expect([...code(extra), message(extra)]).toEqual([400, 'JARVIS_API_BAD_REQUEST', expect.stringContaining('remember')]);
    expect(code(await call('POST', '/api/v1/session', { body: { token: '   ' }, auth: false, remoteAddress: ip }))).toEqual([400, 'JARVIS_API_BAD_REQUEST']);
    expect(code(await call('POST', '/api/v1/session', { body: { token: 'x'.repeat(600) }, auth: false, remoteAddress: ip }))).toEqual([400, 'JARVIS_API_BAD_REQUEST']);
    for (let i = 0; i < 10; i++) expect(code(await call('POST', '/api/v1/session', { body: { token: `wrong-${i}` }, auth: false, remoteAddress: ip }))).toEqual([401, 'JARVIS_API_UNAUTHORIZED']);
    const waiting = await call('POST', '/api/v1/session', { body: { token }, auth: false, remoteAddress: ip });
    expect(code(waiting)).toEqual([429, 'JARVIS_API_TOO_MANY_ATTEMPTS']);
    expect(waiting.headers['set-cookie']).toBeUndefined();
    // Another address is not held back.
    expect((await call('POST', '/api/v1/session', { body: { token }, auth: false, remoteAddress: '10.0.0.4' })).status).toBe(200);
  });

  it('a write with the cookie needs the CSRF token and the same origin; a forged or stale cookie is no session', async () => {
    const { cookie, csrf } = await login();
    const id = (await t.device('csrf-puck', 'Hall')).bundle.deviceId;
    const mute = (headers: Record<string, string>) => call('POST', `/api/v1/devices/${id}/mute`, { body: { muted: true }, auth: false, headers: { cookie, ...headers } });
    expect(code(await mute({}))).toEqual([403, 'JARVIS_API_CSRF']);
    expect(code(await mute({ 'x-csrf-token': 'A'.repeat(43) }))).toEqual([403, 'JARVIS_API_CSRF']);
    expect(code(await mute({ 'x-csrf-token': csrf, origin: 'http://evil.example' }))).toEqual([403, 'JARVIS_API_CSRF']);
    expect(code(await mute({ 'x-csrf-token': csrf, origin: 'not a url' }))).toEqual([403, 'JARVIS_API_CSRF']);
    expect(t.hub.parts.gate.isMuted(id)).toBe(false);
    expect((await mute({ 'x-csrf-token': csrf, origin: 'http://localhost:80' })).status).toBe(200);
    expect(t.hub.parts.gate.isMuted(id)).toBe(true);

    for (const bad of ['jarvis_session=', 'jarvis_session=short', `jarvis_session=${'x'.repeat(43)}`, 'jarvis_session=../../etc', 'other=1']) {
      expect(code(await call('GET', '/api/v1/devices', { auth: false, headers: { cookie: bad } }))).toEqual([401, 'JARVIS_API_UNAUTHORIZED']);
    }
    expect((await call('DELETE', '/api/v1/session', { auth: false, headers: { cookie, 'x-csrf-token': csrf } })).status).toBe(204);
    expect(code(await call('GET', '/api/v1/devices', { auth: false, headers: { cookie } }))).toEqual([401, 'JARVIS_API_UNAUTHORIZED']);
  });
});

describe('device administration: rename, area, rotate key, remove, software mute', () => {
  it('adds, renames, moves, rotates and removes a device; the bundle comes once with each new key', async () => {
    const added = await call('POST', '/api/v1/devices', { body: { name: 'api-puck', area: 'Study' } });
    expect(added.status).toBe(201);
    expect(added.headers['cache-control']).toBe('no-store');
    const bundle = added.json['bundle'] as { deviceId: string; key: string; kind: string };
    expect(bundle.kind).toBe('wearable');
    const id = bundle.deviceId;
    expect(t.hub.parts.registry.byTextId(id)?.name).toBe('api-puck');
    expect((await call('PATCH', `/api/v1/devices/${id}`, { body: { name: 'study-puck' } })).json['device']).toMatchObject({ name: 'study-puck', area: 'Study' });
    expect((await call('PATCH', `/api/v1/devices/${id}`, { body: { area: 'Garage' } })).json['device']).toMatchObject({ name: 'study-puck', area: 'Garage' });
    expect(t.hub.parts.registry.byTextId(id)).toMatchObject({ name: 'study-puck', area: 'Garage' });
    const rotated = await call('POST', `/api/v1/devices/${id}/rotate-key`);
    expect((rotated.json['bundle'] as { key: string }).key).not.toBe(bundle.key);
    expect((rotated.json['device'] as { credentialVersion: number }).credentialVersion).toBe(2);
    expect((await call('DELETE', `/api/v1/devices/${id}`)).status).toBe(204);
    expect(t.hub.parts.registry.byTextId(id)).toBeUndefined();
    expect(code(await call('DELETE', `/api/v1/devices/${id}`))).toEqual([404, 'JARVIS_API_NOT_FOUND']);
  });

  it('rejects malformed ids and bodies with the field named, and a taken name with a conflict', async () => {
    const id = (await t.device('taken-name', 'Hall')).bundle.deviceId;
    const cases: Array<[string, string, unknown, number, string, RegExp]> = [
      ['POST', '/api/v1/devices', {}, 400, 'JARVIS_API_BAD_REQUEST', /^body\.name: /],
      ['POST', '/api/v1/devices', { name: '', area: 'x' }, 400, 'JARVIS_API_BAD_REQUEST', /^body\.name: /],
      ['POST', '/api/v1/devices', { name: 'a\u0007b', area: 'x' }, 400, 'JARVIS_API_BAD_REQUEST', /printable/],
      ['POST', '/api/v1/devices', { name: 'n'.repeat(65), area: 'x' }, 400, 'JARVIS_API_BAD_REQUEST', /64/],
      ['POST', '/api/v1/devices', { name: 'ok', area: 'x', kind: 'toaster' }, 400, 'JARVIS_API_BAD_REQUEST', /^body\.kind: /],
      ['POST', '/api/v1/devices', { name: 'ok', area: 'x', key: 'mine' }, 400, 'JARVIS_API_BAD_REQUEST', /key/],
      ['POST', '/api/v1/devices', [1, 2], 400, 'JARVIS_API_BAD_REQUEST', /^body/],
      ['POST', '/api/v1/devices', { name: 'taken-name', area: 'x' }, 409, 'JARVIS_API_CONFLICT', /taken-name/],
      ['PATCH', '/api/v1/devices/XYZ', { name: 'x' }, 400, 'JARVIS_API_BAD_REQUEST', /^params\.id: /],
      ['PATCH', '/api/v1/devices/00000001', { name: 'x' }, 404, 'JARVIS_API_NOT_FOUND', /00000001/],
      ['PATCH', `/api/v1/devices/${id}`, {}, 400, 'JARVIS_API_BAD_REQUEST', /name and\/or area/],
      ['PATCH', `/api/v1/devices/${id}`, { name: 42 }, 400, 'JARVIS_API_BAD_REQUEST', /^body\.name: /],
      ['PATCH', `/api/v1/devices/${id}`, { kind: 'satellite' }, 400, 'JARVIS_API_BAD_REQUEST', /kind/],
      ['POST', '/api/v1/devices/0000000g/rotate-key', undefined, 400, 'JARVIS_API_BAD_REQUEST', /^params\.id: /],
      ['POST', '/api/v1/devices/00000001/rotate-key', undefined, 404, 'JARVIS_API_NOT_FOUND', /00000001/],
      ['DELETE', '/api/v1/devices/1', undefined, 400, 'JARVIS_API_BAD_REQUEST', /^params\.id: /],
      ['POST', `/api/v1/devices/${id}/mute`, { muted: 'yes' }, 400, 'JARVIS_API_BAD_REQUEST', /^body\.muted: /],
      ['POST', `/api/v1/devices/${id}/mute`, {}, 400, 'JARVIS_API_BAD_REQUEST', /^body\.muted: /],
      ['POST', `/api/v1/devices/${id}/mute`, undefined, 400, 'JARVIS_API_BAD_REQUEST', /^body/],
    ];
    for (const [method, url, body, status, errCode, text] of cases) {
      const r = await call(method, url, body === undefined ? {} : { body });
      expect([method, url, ...code(r)]).toEqual([method, url, status, errCode]);
      expect(message(r)).toMatch(text);
    }
    expect(code(await call('POST', '/api/v1/devices', { raw: '{"name":' }))).toEqual([400, 'JARVIS_API_BAD_REQUEST']);
    expect(t.hub.parts.registry.byTextId(id)?.name).toBe('taken-name');
  });

  it('the software mute is audited with its source and who; it cannot lift a hardware mute, and lasts across a restart', async () => {
    const dev = await t.device('mute-puck', 'Kitchen');
    const id = dev.bundle.deviceId;
    const set = await call('POST', `/api/v1/devices/${id}/mute`, { body: { muted: true } });
    expect(set.json['device']).toMatchObject({ muted: true, hardware: false, software: true });
    await dev.client.publishAsync(topicFor(id, 'state/mute'), JSON.stringify({ muted: true, source: 'switch' }), { retain: true, qos: 1 });
    await expect.poll(() => t.hub.parts.gate.inputs(id).mqtt).toBe(true);
    const lifted = await call('POST', `/api/v1/devices/${id}/mute`, { body: { muted: false } });
    expect(lifted.json).toMatchObject({ device: { muted: true, hardware: true, software: false }, note: expect.stringContaining('own switch') });
    expect(t.hub.parts.gate.isMuted(id)).toBe(true);
    await dev.client.publishAsync(topicFor(id, 'state/mute'), JSON.stringify({ muted: false, source: 'switch' }), { retain: true, qos: 1 });
    await expect.poll(() => t.hub.parts.gate.isMuted(id)).toBe(false);
    await call('POST', `/api/v1/devices/${id}/mute`, { body: { muted: true } });

    const audit = await call('GET', `/api/v1/mute-audit?device=${id}`);
    const entries = audit.json['entries'] as Array<{ muted: boolean; source: string; actor: string | null; deviceName: string; durationMs: number | null }>;
    expect(entries.map((e) => [e.muted, e.source, e.actor, e.deviceName])).toEqual([
      [true, 'api', 'admin', 'mute-puck'],
      [false, 'mqtt', null, 'mute-puck'],
      [true, 'api', 'admin', 'mute-puck'],
    ]);
    expect(entries[0]!.durationMs).toBeNull();
    expect(entries[2]!.durationMs).toBeGreaterThanOrEqual(0);

    await t.restart();
    expect(t.hub.parts.gate.isMuted(id)).toBe(true);
    expect(t.hub.parts.gate.softwareMuted(id)).toBe(true);
  });

  it('the mute audit rejects malformed queries', async () => {
    for (const q of ['device=zz', 'device=0000000A', 'limit=0', 'limit=1001', 'limit=x', 'since=1']) {
      expect([q, ...code(await call('GET', `/api/v1/mute-audit?${q}`))]).toEqual([q, 400, 'JARVIS_API_BAD_REQUEST']);
    }
  });
});

describe('workers, join tokens and dead-letter retry', () => {
  it('creates a join token whose command reads it on stdin, lists and revokes tokens, and rejects malformed input', async () => {
    const created = await call('POST', '/api/v1/workers/tokens', { body: { ttlMinutes: 10, uses: 2, labels: { zone: 'attic' } } });
    expect(created.status).toBe(201);
    const tok = created.json as { id: string; token: string; command: string; maxUses: number; hub: string };
    expect(tok.maxUses).toBe(2);
    expect(tok.hub).toBe(`127.0.0.1:${t.hub.ports.grpc}`);
    expect(tok.command).toBe(`jarvis-worker enroll --hub ${tok.hub} --token-file - <<'END_OF_TOKEN'\n${tok.token}\nEND_OF_TOKEN`);
    const list = (await call('GET', '/api/v1/workers/tokens')).json['tokens'] as Array<{ id: string; usable: boolean; labels: Record<string, string> }>;
    expect(list.find((x) => x.id === tok.id)).toMatchObject({ usable: true, labels: { zone: 'attic' } });
    expect(JSON.stringify(list)).not.toContain(tok.token);
    expect((await call('DELETE', `/api/v1/workers/tokens/${tok.id}`)).status).toBe(204);
    expect(((await call('GET', '/api/v1/workers/tokens')).json['tokens'] as Array<{ id: string; usable: boolean }>).find((x) => x.id === tok.id)?.usable).toBe(false);

    for (const body of [{ ttlMinutes: 0 }, { ttlMinutes: 1.5 }, { uses: 0 }, { uses: 1000 }, { labels: { 'Bad Name': 'x' } }, { labels: ['x'] }, { name: 'x' }, 'token']) {
      const r = await call('POST', '/api/v1/workers/tokens', { body });
      expect([JSON.stringify(body), ...code(r)]).toEqual([JSON.stringify(body), 400, 'JARVIS_API_BAD_REQUEST']);
    }
    expect(code(await call('DELETE', '/api/v1/workers/tokens/nothex'))).toEqual([400, 'JARVIS_API_BAD_REQUEST']);
    expect(code(await call('DELETE', '/api/v1/workers/tokens/0123456789abcdef'))).toEqual([404, 'JARVIS_API_NOT_FOUND']);
    expect(code(await call('DELETE', '/api/v1/workers/zz'))).toEqual([400, 'JARVIS_API_BAD_REQUEST']);
    expect(code(await call('DELETE', '/api/v1/workers/0123456789abcdef'))).toEqual([404, 'JARVIS_API_NOT_FOUND']);
    expect((await call('GET', '/api/v1/workers')).json).toEqual({ workers: [] });
  });

  it('retries a dead-lettered task and refuses to retry anything else', async () => {
    const queue = t.services.tasks!.queue;
    const task = queue.enqueue({ type: 'echo', payload: { n: 1 }, maxAttempts: 1 });
    expect(code(await call('POST', `/api/v1/tasks/${task.id}/retry`))).toEqual([409, 'JARVIS_API_CONFLICT']);
    const [lease] = queue.lease('worker-a', { capacity: 1, types: ['echo'], tags: [] });
    queue.fail('worker-a', task.id, lease!.leaseId, { code: 'E_FLAKY', message: 'flaky', retryable: true, cancelled: false });
    expect(queue.get(task.id)!.state).toBe('dead');
    const retried = await call('POST', `/api/v1/tasks/${task.id}/retry`);
    expect(retried.json['task']).toMatchObject({ id: task.id, state: 'queued', attempts: 0 });
    expect(queue.get(task.id)!.errors.length).toBeGreaterThan(0);
    expect(code(await call('POST', '/api/v1/tasks/no%20such/retry'))).toEqual([400, 'JARVIS_API_BAD_REQUEST']);
    expect(code(await call('POST', '/api/v1/tasks/nosuchtask/retry'))).toEqual([404, 'JARVIS_API_NOT_FOUND']);
  });
});

describe('system, models, errors, rolling buffer, OpenAPI, static files, live events', () => {
  it('GET /system lists features with why and the command; /errors gives meanings; /observer/buffer its size', async () => {
    const sys = (await call('GET', '/api/v1/system')).json as { features: Array<{ id: string; on: boolean; reason: string; enable: string | null }>; homeAssistant: { state: string } };
    expect(sys.homeAssistant.state).toBe('off');
    const ha = sys.features.find((f) => f.id === 'home-assistant')!;
    expect(ha).toMatchObject({ on: false, enable: expect.stringContaining('JARVIS_HOME_ASSISTANT_URL') });
    expect(sys.features.find((f) => f.id === 'llm')).toMatchObject({ on: false, reason: expect.stringContaining('JARVIS_LLM_ENABLED') });
    const errors = (await call('GET', '/api/v1/errors')).json['codes'] as Record<string, string>;
    expect(errors['JARVIS_API_CSRF']).toMatch(/CSRF token/);
    expect(errors['JARVIS_STT_MODEL_MISSING']).toBeDefined();
    expect((await call('GET', '/api/v1/observer/buffer')).json).toMatchObject({ segments: expect.any(Number), windowMs: 300_000 });
  });

  it('GET /models lists the catalogue; a pull of an unknown or malformed name is refused', async () => {
    const models = (await call('GET', '/api/v1/models')).json['models'] as Array<{ name: string; present: boolean; sizeBytes: number }>;
    expect(models.find((m) => m.name === 'base.en')).toMatchObject({ present: false, sizeBytes: 147_964_211 });
    expect(code(await call('POST', '/api/v1/models/no-such-model/pull'))).toEqual([404, 'JARVIS_API_NOT_FOUND']);
    expect(code(await call('POST', '/api/v1/models/..%2Fetc/pull'))).toEqual([400, 'JARVIS_API_BAD_REQUEST']);
    expect(code(await call('POST', '/api/v1/models/Base.EN/pull'))).toEqual([400, 'JARVIS_API_BAD_REQUEST']);
  });

  it('pulls a catalogue model with progress in GET /models; a download whose SHA-256 is wrong fails with the reason', async () => {
    const model = randomBytes(256 * 1024);
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    // Sends the first half, holds the rest until the test has seen the pull in progress.
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-length': String(model.length) });
      res.write(model.subarray(0, model.length / 2));
      void released.then(() => res.end(model.subarray(model.length / 2)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model.bin`;
    const entry = { kind: 'whisper', url, size: model.length, licence: 'MIT' };
    writeFileSync(catalogue, JSON.stringify([
      { ...entry, name: 'test-model', file: 'ggml-test.bin', sha256: createHash('sha256').update(model).digest('hex') },
      { ...entry, name: 'bad-model', file: 'ggml-bad.bin', sha256: '0'.repeat(64) },
    ]));
    try {
      type M = { name: string; present: boolean; pull: { state: string; receivedBytes: number; totalBytes: number; error: string | null } | null };
      const models = async (): Promise<M[]> => (await call('GET', '/api/v1/models')).json['models'] as M[];
      expect((await models()).find((m) => m.name === 'test-model')).toMatchObject({ present: false, pull: null });
      expect((await call('POST', '/api/v1/models/test-model/pull')).status).toBe(202);
      await expect.poll(async () => (await models()).find((m) => m.name === 'test-model')!.pull, { timeout: 15_000 }).toEqual({ state: 'running', receivedBytes: model.length / 2, totalBytes: model.length, error: null });
      release();
      await expect.poll(async () => (await models()).find((m) => m.name === 'test-model'), { timeout: 15_000 }).toMatchObject({ present: true, pull: { state: 'done', receivedBytes: model.length } });
      expect(readFileSync(join(t.dataDir, 'models', 'ggml-test.bin')).equals(model)).toBe(true);

      expect((await call('POST', '/api/v1/models/bad-model/pull')).status).toBe(202);
      await expect.poll(async () => (await models()).find((m) => m.name === 'bad-model')!.pull?.state, { timeout: 15_000 }).toBe('failed');
      expect((await models()).find((m) => m.name === 'bad-model')).toMatchObject({ present: false, pull: { error: expect.stringMatching(/^JARVIS_MODEL_HASH_MISMATCH: .*discarded/) } });
      expect(existsSync(join(t.dataDir, 'models', 'ggml-bad.bin'))).toBe(false);
    } finally {
      writeFileSync(catalogue, '[]');
      server.closeAllConnections();
      server.close();
    }
  });

  it('serves the dashboard at / with a strict CSP and no outside address, and the OpenAPI document names the new routes', async () => {
    const index = await call('GET', '/', { auth: false });
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(index.headers['x-frame-options']).toBe('DENY');
    expect(index.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(index.body)![1]!;
    const js = await call('GET', `/${script}`, { auth: false });
    expect(js.status).toBe(200);
    expect(js.headers['cache-control']).toMatch(/immutable/);
    expect(js.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z]/);

    const doc = (await call('GET', '/api/openapi.json', { auth: false })).json as { paths: Record<string, Record<string, unknown>> };
    for (const [path, method] of [
      ['/api/v1/session', 'post'], ['/api/v1/devices/{id}', 'patch'], ['/api/v1/devices/{id}/rotate-key', 'post'], ['/api/v1/devices/{id}', 'delete'],
      ['/api/v1/devices/{id}/mute', 'post'], ['/api/v1/mute-audit', 'get'], ['/api/v1/workers', 'get'], ['/api/v1/workers/tokens', 'post'],
      ['/api/v1/tasks/{id}/retry', 'post'], ['/api/v1/events', 'get'], ['/api/v1/models', 'get'], ['/api/v1/models/{name}/pull', 'post'], ['/api/v1/system', 'get'],
      ['/api/v1/devices', 'get'], ['/api/v1/todos', 'get'],
    ] as const) {
      expect([path, method, doc.paths[path]?.[method] !== undefined]).toEqual([path, method, true]);
    }
    // The API itself stays behind the token: a public route is only what the dashboard needs before login.
    expect(code(await call('GET', '/api/v1/devices', { auth: false }))).toEqual([401, 'JARVIS_API_UNAUTHORIZED']);
  });

  it('GET /api/v1/events streams server-sent events: hello with link history, then mute changes as they happen', async () => {
    const dev = await t.device('sse-puck', 'Office');
    const id = dev.bundle.deviceId;
    const unauth = await new Promise<number>((resolve) => get(`http://127.0.0.1:${t.hub.ports.http}/api/v1/events`, (res) => (res.resume(), resolve(res.statusCode ?? 0))));
    expect(unauth).toBe(401);
    const received: string[] = [];
    const req = get(`http://127.0.0.1:${t.hub.ports.http}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } });
    const res = await new Promise<IncomingMessage>((resolve) => req.on('response', resolve));
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => received.push(chunk));
    await expect.poll(() => received.join('')).toMatch(/event: hello\ndata: \{"at":\d+,"history":\{/);
    await call('POST', `/api/v1/devices/${id}/mute`, { body: { muted: true } });
    await expect.poll(() => received.join('')).toContain(`event: mute\ndata: {"deviceId":"${id}","muted":true,"source":"api"`);
    req.destroy();
  });
});
