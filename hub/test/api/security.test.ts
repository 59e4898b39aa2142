import type { InjectOptions } from 'light-my-request';
/**
 * Issue 15, weak points 6-8 on the HTTP API: `/metrics` needs the token by default, failed logins are
 * audited at info, and every error keeps the API's `{ error: { code, message } }` shape.
 */
import { Writable } from 'node:stream';
import { Registry, Gauge } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiServer, jsonDepth, MAX_JSON_DEPTH, type MetricsAccess } from '../../src/api/server.js';
import { taskRoutesFor } from '../../src/api/tasks-routes.js';
import { createLogger } from '../../src/core/logger.js';
import { openDatabase } from '../../src/store/database.js';
import { SqliteTaskQueue } from '../../src/tasks/queue.js';

const servers: ApiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

async function build(opts: { metricsAccess?: MetricsAccess; publicMetrics?: boolean } = {}) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
  const metrics = new Registry();
  new Gauge({ name: 'jarvis_device_muted', help: 'x', labelNames: ['device'], registers: [metrics] }).set({ device: '0000002a' }, 1);
  const api = new ApiServer({ host: '127.0.0.1', port: 0, logger, metrics, verifyToken: async (t) => (t === 'good-token' ? 'admin' : undefined), ...opts });
  api.addRoutes(taskRoutesFor(new SqliteTaskQueue(openDatabase(':memory:'))), '');
  servers.push(api);
  return { app: await api.build(), api, lines };
}

const auth = { authorization: 'Bearer good-token' };
const LAN = { remoteAddress: '192.168.1.50' };

describe('/metrics (weak point 6)', () => {
  it('needs the bearer token by default, from the LAN and from loopback alike', async () => {
    const { app } = await build();
    expect((await app.inject({ url: '/metrics', ...LAN })).statusCode).toBe(401);
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401);
    const ok = await app.inject({ url: '/metrics', headers: auth, ...LAN });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('jarvis_device_muted{device="0000002a"} 1');
  });

  it('loopback serves the local scraper without a token, never a LAN peer, whatever X-Forwarded-For says', async () => {
    const { app } = await build({ metricsAccess: 'loopback' });
    expect((await app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics', remoteAddress: '::1' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/metrics', ...LAN, headers: { 'x-forwarded-for': '127.0.0.1' } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/metrics', ...LAN, headers: auth })).statusCode).toBe(200);
  });

  it('public is an explicit choice (and the deprecated publicMetrics: true means it)', async () => {
    expect((await (await build({ metricsAccess: 'public' })).app.inject({ url: '/metrics', ...LAN })).statusCode).toBe(200);
    expect((await (await build({ publicMetrics: true })).app.inject({ url: '/metrics', ...LAN })).statusCode).toBe(200);
  });
});

describe('audit: failed API logins at info (weak point 7)', () => {
  it('logs the first failure of an address with its peer, then sums a flood up instead of one line each', async () => {
    const { app, lines } = await build();
    for (let i = 0; i < 25; i++) await app.inject({ url: '/api/v1/tasks', headers: { authorization: `Bearer wrong-${i}` }, ...LAN });
    const audit = lines.map((l) => JSON.parse(l) as { level: number; msg: string; peer?: string; failures?: number }).filter((l) => l.msg.startsWith('failed API login'));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ level: 30, peer: '192.168.1.50', failures: 1 });
    expect(lines.join('')).not.toContain('wrong-');
  });
});

describe('error shapes (weak point 8)', () => {
  it('JSON nested 4,500 levels deep is a 400 with the API code, not a 500', async () => {
    const { app } = await build();
    const deep = `{"type":"echo","payload":${'{"a":'.repeat(4500)}1${'}'.repeat(4500)}}`;
    const r = await app.inject({ method: 'POST', url: '/api/v1/tasks', headers: { ...auth, 'content-type': 'application/json' }, payload: deep });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({ error: { code: 'JARVIS_API_BAD_REQUEST', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` } });
    const fine = await app.inject({ method: 'POST', url: '/api/v1/tasks', headers: { ...auth, 'content-type': 'application/json' }, payload: { type: 'echo', payload: { a: { b: [1, '[[[{{{'] } } } });
    expect(fine.statusCode).toBe(201);
  });

  it('jsonDepth skips brackets inside strings and escapes', () => {
    expect(jsonDepth('{"a":"[[[[\\"{{{{"}')).toBe(1);
    expect(jsonDepth('[[[]],[{}]]')).toBe(3);
    expect(jsonDepth('[]')).toBe(1);
    expect(jsonDepth('1')).toBe(0);
  });

  it('a 401 under /api/v1/tasks carries the auth code, not a task code', async () => {
    const { app } = await build();
    for (const headers of [{}, { authorization: 'Bearer nope' }]) {
      const r = await app.inject({ url: '/api/v1/tasks', headers, ...LAN });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('JARVIS_API_UNAUTHORIZED');
    }
  });

  it("fastify's own errors (FST_ERR_*) leave in the API's shape with its codes", async () => {
    const { app } = await build();
    const cases: [InjectOptions, number, string][] = [
      [{ url: '/api/v1/%c0', headers: auth }, 400, 'JARVIS_API_BAD_REQUEST'],
      [{ method: 'POST', url: '/api/v1/tasks', headers: { ...auth, 'content-type': 'application/json' }, payload: '{' }, 400, 'JARVIS_TASK_BAD_REQUEST'],
      [{ method: 'POST', url: '/api/v1/tasks', headers: { ...auth, 'content-type': 'application/json' }, payload: '' }, 400, 'JARVIS_TASK_BAD_REQUEST'],
      [{ method: 'POST', url: '/api/v1/tasks', headers: { ...auth, 'content-type': 'application/xml' }, payload: '<x/>' }, 415, 'JARVIS_API_UNSUPPORTED_MEDIA_TYPE'],
      [{ method: 'POST', url: '/api/v1/tasks', headers: { ...auth, 'content-type': 'application/json' }, payload: `"${'x'.repeat(1024 * 1024 + 10)}"` }, 413, 'JARVIS_API_PAYLOAD_TOO_LARGE'],
    ];
    for (const [req, status, code] of cases) {
      const r = await app.inject(req);
      expect(r.statusCode, JSON.stringify(req).slice(0, 80)).toBe(status);
      expect(r.json(), r.body.slice(0, 120)).toMatchObject({ error: { code } });
      expect(Object.keys(r.json())).toEqual(['error']);
      expect(r.body).not.toContain('FST_ERR');
    }
  });
});
