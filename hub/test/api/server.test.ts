import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { ApiServer } from '../../src/api/server.js';
import { silentLogger } from '../../src/core/logger.js';

let api: ApiServer | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

function build(opts: { publicMetrics?: boolean; ready?: () => boolean } = {}): ApiServer {
  api = new ApiServer({
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger(),
    metrics: new Registry(),
    verifyToken: async (t) => {
      return t === 'good-token' ? 'admin' : undefined;
    },
    publicMetrics: opts.publicMetrics ?? true,
    readiness: { thing: opts.ready ?? (() => true) },
  });
  api.addRoutes(async (app) => {
    app.get('/echo', async (req) => ({ token: req.tokenName }));
    app.get('/teapot', async () => {
      throw new ApiError(418, 'JARVIS_TEST_TEAPOT', 'short and stout');
    });
    app.get('/boom', async () => {
      throw new Error('secret internals');
    });
    app.post<{ Body: { n: number } }>('/typed', { schema: { body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } } }, async (req) => ({ n: req.body.n }));
  }, '/test');
  return api;
}

describe('ApiServer', () => {
  it('answers /healthz and /readyz without a token', async () => {
    let ready = false;
    const app = await build({ ready: () => ready }).build();
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const notReady = await app.inject({ url: '/readyz' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json().error.code).toBe('JARVIS_API_NOT_READY');
    ready = true;
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('requires a valid bearer token under /api/v1 and passes its name to routes', async () => {
    const app = await build().build();
    const none = await app.inject({ url: '/api/v1/test/echo' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ error: { code: 'JARVIS_API_UNAUTHORIZED', message: expect.stringContaining('missing bearer token') } });
    const bad = await app.inject({ url: '/api/v1/test/echo', headers: { authorization: 'Bearer nope' } });
    expect(bad.json().error.code).toBe('JARVIS_API_UNAUTHORIZED');
    const basic = await app.inject({ url: '/api/v1/test/echo', headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    expect(basic.statusCode).toBe(401);
    const ok = await app.inject({ url: '/api/v1/test/echo', headers: { authorization: 'Bearer good-token' } });
    expect(ok.json()).toEqual({ token: 'admin' });
  });

  it('turns every error into { error: { code, message } } with a stable code', async () => {
    const app = await build().build();
    const auth = { authorization: 'Bearer good-token' };
    expect((await app.inject({ url: '/nowhere' })).json().error.code).toBe('JARVIS_API_NOT_FOUND');
    const teapot = await app.inject({ url: '/api/v1/test/teapot', headers: auth });
    expect(teapot.statusCode).toBe(418);
    expect(teapot.json()).toEqual({ error: { code: 'JARVIS_TEST_TEAPOT', message: 'short and stout' } });
    const boom = await app.inject({ url: '/api/v1/test/boom', headers: auth });
    expect(boom.statusCode).toBe(500);
    expect(boom.json()).toEqual({ error: { code: 'JARVIS_API_INTERNAL', message: 'internal error' } });
    const invalid = await app.inject({ method: 'POST', url: '/api/v1/test/typed', headers: auth, payload: { n: 'x' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('JARVIS_API_BAD_REQUEST');
    const notJson = await app.inject({ method: 'POST', url: '/api/v1/test/typed', headers: { ...auth, 'content-type': 'application/json' }, payload: '{oops' });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('JARVIS_API_BAD_REQUEST');
  });

  it('serves Prometheus metrics, behind the token when not public', async () => {
    const pub = await build().build();
    const res = await pub.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    await api?.stop();
    const priv = await build({ publicMetrics: false }).build();
    expect((await priv.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await priv.inject({ url: '/metrics', headers: { authorization: 'Bearer good-token' } })).statusCode).toBe(200);
  });

  it('refuses routes added after it started, and listens on a free port', async () => {
    const s = build();
    await s.start();
    expect(s.port).toBeGreaterThan(0);
    const res = await fetch(`http://127.0.0.1:${s.port}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect(() => s.addRoutes(async () => {})).toThrow(/before the api starts/);
  });
});
