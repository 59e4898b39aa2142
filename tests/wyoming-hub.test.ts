/**
 * The whole hub with Wyoming on (port 0, mDNS off): Home Assistant's flows through the TS peer reach the
 * hub's own speech service, router and HA connection; a satellite added with the CLI's file while the hub
 * runs is connected, and a mute set from the CLI pauses it and is audited (protocol/SPEC.md §9).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInfo } from '@jarvis/protocol';
import { RUNTIME_FILE } from '../hub/src/main.js';
import { SatelliteStore } from '../hub/src/wyoming/satellite-store.js';
import { DEFAULT_SPHINX_MODEL } from '../hub/src/stt/grammar/grammar-engine.js';
import { haveSpeechTools, loadPcm, speak } from '../hub/test/stt/fixtures.js';
import { FakeSatellite, haDescribe, haHandle, haTranscribe } from '../hub/test/wyoming/peer.js';
import { startPartsHub, type PartsHub } from './hub-parts-helpers.js';
import { existsSync } from 'node:fs';

const ready = haveSpeechTools() && existsSync(`${DEFAULT_SPHINX_MODEL}/en-us/mdef`);
if (!ready) console.warn('wyoming hub e2e skipped: needs espeak-ng, sox and the PocketSphinx model');

describe.skipIf(!ready)('the hub speaks Wyoming', () => {
  let h: PartsHub;
  let port: number;

  beforeAll(async () => {
    h = await startPartsHub({ env: { JARVIS_WYOMING_PORT: '0', JARVIS_WYOMING_MDNS: 'false' } });
    port = h.hub.ports.wyoming as number;
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('[WY-3.1] listens on a free port, recorded with the other ports', () => {
    expect(port).toBeGreaterThan(0);
    const runtime = JSON.parse(readFileSync(join(h.dataDir, RUNTIME_FILE), 'utf8')) as { ports: { wyoming: number } };
    expect(runtime.ports.wyoming).toBe(port);
  });

  it('[WY-2.1] describe lists the hub\'s recognisers, the wake phrase and the router', async () => {
    const info = await haDescribe(port);
    parseInfo(info);
    const d = info.data as Record<string, Array<Record<string, unknown>>>;
    expect((d['asr']![0]!['models'] as Array<{ name: string }>).map((m) => m.name)).toContain('jarvis-command-grammar');
    expect(d['handle']![0]).toMatchObject({ supports_home_control: true });
    expect((d['wake']![0]!['models'] as Array<{ name: string; phrase: string }>)[0]).toMatchObject({ name: 'hey_jarvis', phrase: 'hey jarvis' });
  });

  it('[WY-3.2] HA STT through the hub\'s speech service', async () => {
    const { transcript, client } = await haTranscribe(port, loadPcm(speak('turn on the kitchen light')));
    expect(transcript.data['text']).toBe('turn on the kitchen light');
    client.end();
  });

  it('[WY-3.4] HA handle acts through the hub\'s own HA connection, in the area of HA\'s device', async () => {
    expect(h.ha?.getState('light.kitchen')?.state).toBe('off');
    const reply = await haHandle(port, 'turn on the light', { conversation_id: 'c1', device_id: 'dev_kitchen_speaker' });
    expect(reply.type).toBe('handled');
    await expect.poll(() => h.ha?.getState('light.kitchen')?.state).toBe('on');
  });

  it('[WY-4.1] [WY-4.4] a satellite added while the hub runs is connected; a CLI mute pauses it and is audited', async () => {
    const sat = new FakeSatellite({ mic: new Float32Array(0) });
    await sat.start();
    try {
      const store = new SatelliteStore(h.dataDir);
      store.add({ host: '127.0.0.1', port: sat.port, name: 'kitchen-sat', area: 'Kitchen' });
      await sat.waitFor('run-satellite', 1, 10_000);
      await expect.poll(() => h.hub.parts.wyoming?.satellites()[0]?.state, { timeout: 5000 }).toBe('connected');
      store.setMuted('kitchen-sat', true, 'cli');
      await sat.waitFor('pause-satellite', 1, 10_000);
      expect(h.hub.parts.wyoming?.satellites()[0]).toMatchObject({ name: 'kitchen-sat', area: 'Kitchen', muted: true });
      expect(h.hub.parts.devices.muteAudit('wyoming:kitchen-sat')).toEqual([expect.objectContaining({ muted: true, actor: 'cli' })]);

      // The API shows it like a device and unmutes it (audited as api).
      const list = await h.api('GET', '/api/v1/wyoming');
      expect(list.status).toBe(200);
      expect(list.json['server']).toMatchObject({ port });
      expect((list.json['satellites'] as unknown[])[0]).toMatchObject({ name: 'kitchen-sat', area: 'Kitchen', state: 'connected', muted: true, metrics: expect.objectContaining({ connects: 1 }) });
      expect((await h.api('POST', '/api/v1/wyoming/satellites/kitchen-sat/mute', { muted: 'no' })).status).toBe(400);
      expect((await h.api('POST', '/api/v1/wyoming/satellites/nope/mute', { muted: true })).status).toBe(404);
      const unmuted = await h.api('POST', '/api/v1/wyoming/satellites/kitchen-sat/mute', { muted: false });
      expect(unmuted.status).toBe(200);
      await sat.waitFor('run-satellite', 2, 10_000);
      expect(h.hub.parts.devices.muteAudit('wyoming:kitchen-sat').map((r) => [r.muted, r.actor])).toEqual([[true, 'cli'], [false, 'api']]);
      expect(new SatelliteStore(h.dataDir).list()[0]).toMatchObject({ muted: false, mutedBy: 'api' });
    } finally {
      await sat.stop();
    }
  }, 30_000);
});
