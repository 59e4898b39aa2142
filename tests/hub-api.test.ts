import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datagram, testDevice } from '../hub/test/helpers/frames.js';
import { startTestHub, type TestHub } from '../hub/test/helpers/test-hub.js';

let t: TestHub;
beforeEach(async () => {
  t = await startTestHub();
});
afterEach(async () => {
  await t.close();
});

describe('hub HTTP API', () => {
  it('creates the admin token once, stored hashed and written 0600', async () => {
    const file = join(t.dataDir, 'admin-token');
    expect(t.hub.adminTokenFile).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = readFileSync(file, 'utf8').trim();
    const row = t.hub.parts.db.prepare("SELECT hash FROM api_tokens WHERE name = 'admin'").get() as { hash: string };
    expect(row.hash).toMatch(/^scrypt\$/);
    expect(row.hash).not.toContain(token);
  });

  it('lists devices and shows live stats, with metrics named as the issue says', async () => {
    const bundle = t.addDevice('desk');
    const dev = { id: Number.parseInt(bundle.deviceId, 16), key: Buffer.from(bundle.key, 'hex') };
    for (const seq of [0, 1, 3, 4, 5]) t.hub.parts.ingest.handleDatagram(datagram(dev, seq, { deviceId: dev.id }));
    t.hub.parts.ingest.handleDatagram(datagram(testDevice(), 9)); // unknown device
    const auth = { authorization: `Bearer ${readFileSync(join(t.dataDir, 'admin-token'), 'utf8').trim()}` };
    const app = t.hub.parts.api.fastify;
    const list = await app.inject({ url: '/api/v1/devices', headers: auth });
    expect(list.json().devices).toEqual([expect.objectContaining({ id: bundle.deviceId, name: 'desk', muted: false })]);
    const detail = await app.inject({ url: `/api/v1/devices/${bundle.deviceId}`, headers: auth });
    expect(detail.json().device.stream).toEqual(expect.objectContaining({ lostFrames: 1, concealedSamples: 320, forwardedSamples: 1920 }));
    expect((await app.inject({ url: '/api/v1/devices/zzz', headers: auth })).json().error.code).toBe('JARVIS_API_BAD_REQUEST');
    expect((await app.inject({ url: '/api/v1/devices/00000000', headers: auth })).json().error.code).toBe('JARVIS_API_NOT_FOUND');
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401); // the token is needed by default (issue 15)
    const metrics = (await app.inject({ url: '/metrics', headers: auth })).body;
    expect(metrics).toContain(`jarvis_udp_datagrams_total{device="${bundle.deviceId}",result="accepted"} 5`);
    expect(metrics).toContain('jarvis_udp_datagrams_total{device="unknown",result="unknown_device"} 1');
    expect(metrics).toContain(`jarvis_audio_samples_forwarded_total{device="${bundle.deviceId}"} 1920`);
    expect(metrics).toContain(`jarvis_audio_concealed_samples_total{device="${bundle.deviceId}"} 320`);
    expect(metrics).toContain('# TYPE jarvis_device_muted gauge');
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
});
