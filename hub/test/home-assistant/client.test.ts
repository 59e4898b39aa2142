import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HomeAssistantClient, type HaConnectionState } from '../../src/home-assistant/client.js';
import type { HomeAssistantSimulator } from '@jarvis/ha-simulator';
import { startSimulator } from './helpers.js';

let sim: HomeAssistantSimulator;
let client: HomeAssistantClient;

const makeClient = (token = 'test-token', staleAfterMs = 5000): HomeAssistantClient =>
  new HomeAssistantClient({ url: sim.url, token, staleAfterMs, backoffInitialMs: 20, backoffMaxMs: 80, connectTimeoutMs: 2000 });

function waitForState(c: HomeAssistantClient, wanted: HaConnectionState): Promise<void> {
  if (c.state === wanted) return Promise.resolve();
  return new Promise((resolve) => {
    const on = (s: HaConnectionState): void => {
      if (s === wanted) {
        c.off('state', on);
        resolve();
      }
    };
    c.on('state', on);
  });
}

beforeEach(async () => {
  sim = await startSimulator();
});
afterEach(async () => {
  await client?.stop();
  await sim.stop();
});

describe('HomeAssistantClient', () => {
  it('connects, caches registries and live states, and calls services', async () => {
    client = makeClient();
    const states: HaConnectionState[] = [];
    client.on('state', (s: HaConnectionState) => states.push(s));
    await client.start();
    await client.waitUntilConnected();
    expect(states).toEqual(['connecting', 'connected']);
    const snap = client.snapshot()!;
    expect(snap.areas.map((a) => a.area_id)).toContain('kitchen');
    expect(snap.entities.find((e) => e.entity_id === 'climate.hallway')).toMatchObject({ area_id: 'hallway', aliases: ['heating'], exposed: true });
    const updated = new Promise<void>((resolve) => client.on('entities', () => client.getState('light.kitchen')?.state === 'on' && resolve()));
    await client.callService('light', 'turn_on', { brightness_pct: 20 }, { entity_id: 'light.kitchen' });
    await updated;
    expect(client.getState('light.kitchen')!.attributes['brightness']).toBe(51);
    expect(client.snapshot()!.entities.find((e) => e.entity_id === 'light.kitchen')!.state).toBe('on');
  });

  it('reports a refused token as auth_failed with a coded error', async () => {
    client = makeClient('wrong-token');
    await client.start();
    await expect(client.waitUntilConnected(3000)).rejects.toMatchObject({ code: 'JARVIS_HA_AUTH_INVALID' });
    expect(client.state).toBe('auth_failed');
    await expect(client.callService('light', 'turn_on', {}, { entity_id: 'light.kitchen' })).rejects.toMatchObject({ code: 'JARVIS_HA_NOT_CONNECTED' });
  });

  it('refuses to call before start', async () => {
    client = makeClient();
    await expect(client.callService('light', 'turn_on')).rejects.toMatchObject({ code: 'JARVIS_HA_NOT_CONNECTED' });
  });

  it('maps HA errors to JARVIS_HA_SERVICE_FAILED with HA code', async () => {
    client = makeClient();
    await client.start();
    await client.waitUntilConnected();
    await expect(client.callService('light', 'explode', {}, { entity_id: 'light.kitchen' })).rejects.toMatchObject({ code: 'JARVIS_HA_SERVICE_FAILED', haCode: 'not_found' });
  });

  it('reconnects with backoff and sends a command issued during the outage while it is still fresh', async () => {
    client = makeClient('test-token', 5000);
    await client.start();
    await client.waitUntilConnected();
    sim.dropConnections(true);
    await waitForState(client, 'reconnecting');
    const call = client.callService('switch', 'turn_on', undefined, { entity_id: 'switch.coffee_maker' });
    await new Promise((r) => setTimeout(r, 150));
    expect(sim.serviceCalls).toHaveLength(0);
    sim.acceptConnections();
    await call;
    expect(client.state).toBe('connected');
    expect(sim.serviceCalls.map((c) => `${c.domain}.${c.service}`)).toEqual(['switch.turn_on']);
    expect(sim.getState('switch.coffee_maker')!.state).toBe('on');
  });

  it('drops a command that went stale during the outage and never sends it late', async () => {
    client = makeClient('test-token', 200);
    await client.start();
    await client.waitUntilConnected();
    sim.dropConnections(true);
    await waitForState(client, 'reconnecting');
    const t0 = Date.now();
    await expect(client.callService('light', 'turn_on', undefined, { entity_id: 'light.kitchen' })).rejects.toMatchObject({ code: 'JARVIS_HA_STALE_COMMAND' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    sim.acceptConnections();
    await waitForState(client, 'connected');
    await client.callService('light', 'turn_on', undefined, { entity_id: 'light.hallway' });
    expect(sim.serviceCalls.map((c) => c.entityIds[0])).toEqual(['light.hallway']);
    expect(sim.getState('light.kitchen')!.state).toBe('off');
  });

  it('rejects a command already older than the limit even when connected', async () => {
    client = makeClient('test-token', 1000);
    await client.start();
    await client.waitUntilConnected();
    await expect(client.callService('light', 'turn_on', undefined, { entity_id: 'light.kitchen' }, { issuedAt: Date.now() - 1500 })).rejects.toMatchObject({ code: 'JARVIS_HA_STALE_COMMAND' });
    expect(sim.serviceCalls).toHaveLength(0);
  });

  it('stop is idempotent and rejects waiting commands', async () => {
    client = makeClient();
    await client.start();
    await client.waitUntilConnected();
    sim.dropConnections(true);
    await waitForState(client, 'reconnecting');
    const call = client.callService('light', 'turn_on', undefined, { entity_id: 'light.kitchen' });
    await client.stop();
    await client.stop();
    await expect(call).rejects.toMatchObject({ code: 'JARVIS_HA_NOT_CONNECTED' });
    expect(client.state).toBe('stopped');
  });
});

describe('HomeAssistantClient in-flight loss', () => {
  it('reports a call lost in flight as JARVIS_HA_CONNECTION_LOST and does not retry it', async () => {
    client = makeClient();
    await client.start();
    await client.waitUntilConnected();
    const call = client.callService('light', 'turn_on', undefined, { entity_id: 'light.kitchen' });
    sim.dropConnections(true);
    const outcome = await call.then(() => 'sent', (e: { code: string }) => e.code);
    // Either it reached HA before the drop, or it is reported lost; never queued for a late retry.
    expect(['sent', 'JARVIS_HA_CONNECTION_LOST']).toContain(outcome);
    sim.acceptConnections();
    await waitForState(client, 'connected');
    expect(sim.serviceCalls.length).toBeLessThanOrEqual(1);
  });
});
