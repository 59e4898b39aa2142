/**
 * One broker suite, run against the hub's embedded broker and against a real Mosquitto fed by the hub's
 * own export (CONVENTIONS 12): the same device logins, ACLs, retained mute, mute end to end and a spoken
 * command, whichever broker sits between the devices and the hub. Mosquitto alone: a broker restart
 * while the hub runs.
 */
import { topicFor } from '@jarvis/protocol';
import { simulateWearable } from '@jarvis/wearable';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceAudioChunk } from '../hub/src/audio/types.js';
import { hasTool } from './ci-requirements.js';
import { buildBundle } from '../hub/src/cli/device.js';
import { startVoiceHub, voiceSkipReason } from './e2e-voice-helpers.js';
import { voiceFixture } from './fixtures/voice/index.js';
import { startPartsHub, type PartsHub } from './hub-parts-helpers.js';

type BrokerKind = 'embedded' | 'mosquitto';

function ramp(n: number): Int16Array {
  const s = new Int16Array(n);
  for (let i = 0; i < n; i++) s[i] = (i % 30000) + 1;
  return s;
}

function describeBroker(broker: BrokerKind): void {
  describe.skipIf(broker === 'mosquitto' && !hasTool('mosquitto', ['-h']))(`broker suite (${broker})`, { timeout: 90_000 }, () => {
    let t: PartsHub | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it('a device logs in, its status reaches the hub, and its last will marks it offline when it drops', async () => {
      t = await startPartsHub({ broker, homeAssistant: false });
      const d = await t.device('puck', 'Kitchen');
      await expect.poll(() => t!.services.mqtt.stateOf(d.bundle.deviceId).online).toBe(true);
      // Drop the connection without DISCONNECT: the broker publishes the will.
      (d.client as unknown as { stream: { destroy(): void } }).stream.destroy();
      await expect.poll(() => t!.services.mqtt.stateOf(d.bundle.deviceId).online, { timeout: 10_000 }).toBe(false);
    });

    it('a device is refused on another device\'s topics: it cannot mute it or speak for it', async () => {
      t = await startPartsHub({ broker, homeAssistant: false });
      const a = await t.device('a', 'Kitchen');
      const b = await t.device('b', 'Hall');
      a.client.on('error', () => {});
      // QoS 0: the embedded broker answers a forbidden publish by closing the connection (no PUBACK ever
      // comes), Mosquitto by dropping the message.
      a.client.publish(topicFor(b.bundle.deviceId, 'state/mute'), JSON.stringify({ muted: true }), { qos: 0, retain: true });
      a.client.publish(topicFor(b.bundle.deviceId, 'event/button'), JSON.stringify({ button: 'ptt', action: 'press' }), { qos: 0 });
      // b's own message after a's still arrives, so the hub has processed whatever a managed to send.
      await b.client.publishAsync(topicFor(b.bundle.deviceId, 'status'), JSON.stringify({ state: 'online', battery: 55 }), { qos: 1, retain: true });
      await expect.poll(() => t!.services.mqtt.stateOf(b.bundle.deviceId).online).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(t.services.gate.isMuted(b.bundle.deviceId)).toBe(false);
      expect(t.services.devices.muteAudit(b.bundle.deviceId)).toEqual([]);
    });

    it('a retained mute is honoured after the hub restarts', async () => {
      t = await startPartsHub({ broker, homeAssistant: false });
      const d = await t.device('puck', 'Kitchen');
      await d.client.publishAsync(topicFor(d.bundle.deviceId, 'state/mute'), JSON.stringify({ muted: true, source: 'switch' }), { qos: 1, retain: true });
      await expect.poll(() => t!.services.gate.isMuted(d.bundle.deviceId)).toBe(true);
      await t.restart();
      expect(t.services.gate.isMuted(d.bundle.deviceId)).toBe(true);
      await expect.poll(() => t!.services.mqtt.stateOf(d.bundle.deviceId).muted).toBe(true);
    });

    it('mute end to end: not one sample of the muted interval reaches the hub\'s consumers', async () => {
      t = await startPartsHub({ broker, homeAssistant: false });
      const d = await t.device('puck', 'Kitchen');
      const chunks: DeviceAudioChunk[] = [];
      const stop = t.services.ingest.onAudio((c) => chunks.push(c));
      const audio = ramp(16000 * 3);
      const report = await simulateWearable({ bundle: d.bundle, audio: { samples: audio, sampleRate: 16000 }, muteAt: [0.8], unmuteAt: [1.9], muteSignal: 'both', speed: 1, seed: 5 });
      await new Promise((r) => setTimeout(r, 400));
      stop();
      const muted = report.mutedRanges[0]!;
      for (const c of chunks) expect(c.timestamp + c.samples.length <= muted.start || c.timestamp >= muted.end).toBe(true);
      // Audio flows through this broker's hub at all (delivery sample for sample is e2e-mute's job).
      expect(chunks.filter((c) => c.timestamp < muted.start).reduce((n, c) => n + c.samples.length, 0)).toBeGreaterThan(4000);
      const audit = t.services.devices.muteAudit(d.bundle.deviceId).map((a) => a.muted);
      expect(audit[0]).toBe(true);
      expect(audit.at(-1)).toBe(false);
    });

    it.skipIf(voiceSkipReason() !== undefined)('a spoken command goes from the wearable through the broker to Home Assistant and the reply comes back', async () => {
      t = await startVoiceHub({ broker });
      const { device, credentials } = t.services.devices.add({ name: 'kitchen-puck', area: 'Kitchen', kind: 'wearable' });
      t.services.registry.refresh(true);
      const bundle = buildBundle(t.hub.config, device, credentials);
      const fx = voiceFixture({ text: 'turn on the kitchen lights' });
      // One device, one MQTT session, as a real wearable: it presses its own PTT button and hears the
      // reply on the same login (Mosquitto ties the session to the login).
      let report: Awaited<ReturnType<typeof simulateWearable>> | undefined;
      for (let attempt = 0; !report; attempt++) {
        try {
          report = await simulateWearable({ bundle, audio: { samples: fx.samples, sampleRate: fx.sampleRate }, pttAt: [0.1], speed: 1, seed: 3, connectTimeoutMs: 2_000 });
        } catch (err) {
          if (attempt >= 20) throw err; // Mosquitto learns the new login when the hub's export reloads it
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      await expect.poll(() => t!.ha!.serviceCalls.map((c) => [`${c.domain}.${c.service}`, c.entityIds]), { timeout: 20_000 }).toEqual([['light.turn_on', ['light.kitchen']]]);
    });
  });
}

describeBroker('embedded');
describeBroker('mosquitto');

describe.skipIf(!hasTool('mosquitto', ['-h']))('Mosquitto restarts while the hub runs', { timeout: 90_000 }, () => {
  let t: PartsHub | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('the hub reconnects, subscribes again and republishes its retained state', async () => {
    t = await startPartsHub({ broker: 'mosquitto', homeAssistant: false });
    const d = await t.device('puck', 'Kitchen');
    const m = t.mosquitto!;
    const before = m.log().length;
    await m.restart();
    // The hub republishes its retained availability on the new broker process (read from Mosquitto's own
    // log: a second session under the hub's login would replace the hub's, see use_username_as_clientid).
    await expect
      .poll(() => /Received PUBLISH from jarvis-hub \(d0, q1, r1, m\d+, 'jarvis\/v1\/hub\/status'/.test(m.log().slice(before)), { timeout: 20_000 })
      .toBe(true);
    // The device reconnects too, and what it publishes reaches the hub again: the subscriptions are back.
    const again = await t.reconnect(d.bundle);
    await again.client.publishAsync(topicFor(d.bundle.deviceId, 'state/mute'), JSON.stringify({ muted: true }), { qos: 1, retain: true });
    await expect.poll(() => t!.services.gate.isMuted(d.bundle.deviceId), { timeout: 15_000 }).toBe(true);
  });
});
