import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPartsHub, type PartsHub } from './hub-parts-helpers.js';

let t: PartsHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

type Decision = { intent: string | null; path: string; targets: string[]; code?: string };
type Result = { ok: boolean; reply: string; code?: string; calls: unknown[] };

describe('text commands through the hub with every part (router, Home Assistant, tasks, observer)', () => {
  it('a kitchen device turns on the kitchen light only and hears the reply; a bedroom device turns off the bedroom lights only', async () => {
    t = await startPartsHub();
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    const bedroom = await t.device('bedside', 'Bedroom', 'satellite');

    const on = await t.api('POST', '/api/v1/commands', { text: 'turn on the kitchen lights', deviceId: kitchen.bundle.deviceId });
    expect(on.status).toBe(200);
    expect((on.json['decision'] as Decision).intent).toBe('HassTurnOn');
    expect(on.json['area']).toBe('Kitchen');
    expect(t.ha!.serviceCalls.map((c) => [`${c.domain}.${c.service}`, c.entityIds])).toEqual([['light.turn_on', ['light.kitchen']]]);
    expect(t.ha!.getState('light.kitchen')?.state).toBe('on');
    expect(await kitchen.heard(/kitchen light/i)).toBe((on.json['result'] as Result).reply);
    expect(on.json['replied']).toBe(true);

    // The same words without a room, from the bedroom: the device's area is the context.
    const off = await t.api('POST', '/api/v1/commands', { text: 'turn off the lights', deviceId: bedroom.bundle.deviceId });
    expect(off.status).toBe(200);
    const offCall = t.ha!.serviceCalls.at(-1)!;
    expect(`${offCall.domain}.${offCall.service}`).toBe('light.turn_off');
    expect([...offCall.entityIds].sort()).toEqual(['light.bedroom', 'light.bedside_lamp']);
    expect(t.ha!.serviceCalls).toHaveLength(2);
    expect(t.ha!.getState('light.kitchen')?.state).toBe('on');
    await bedroom.heard(/turned off/i);
    expect(kitchen.said).toHaveLength(1);

    const status = await t.api('GET', '/api/v1/home-assistant');
    expect(status.json).toMatchObject({ configured: true, url: t.ha!.url, state: 'connected', entities: 38 });
    // 38 entities less 3 unexposed, the lock, the alarm panel and the garage door.
    expect(status.json['allowed']).toBe(32);
  });

  it('refuses an unexposed entity with a spoken reason and sends nothing to Home Assistant', async () => {
    t = await startPartsHub();
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    const res = await t.api('POST', '/api/v1/commands', { text: 'turn on the basement light', deviceId: kitchen.bundle.deviceId });
    expect(res.status).toBe(200);
    const result = res.json['result'] as Result;
    expect(result.ok).toBe(false);
    expect(result.code).toBe('JARVIS_ROUTE_NOT_EXPOSED');
    expect(await kitchen.heard(/not allowed|not exposed|can't/i)).toBe(result.reply);
    const lock = await t.api('POST', '/api/v1/commands', { text: 'unlock the front door', deviceId: kitchen.bundle.deviceId });
    expect((lock.json['result'] as Result).code).toBe('JARVIS_ROUTE_NEEDS_OPT_IN');
    expect(t.ha!.serviceCalls).toEqual([]);
  });

  it('answers without a device (no reply sent) and with an explicit area', async () => {
    t = await startPartsHub();
    const res = await t.api('POST', '/api/v1/commands', { text: 'turn on the lights', area: 'office' });
    expect(res.status).toBe(200);
    expect(res.json['replied']).toBe(false);
    expect(t.ha!.serviceCalls.map((c) => c.entityIds)).toEqual([['light.office_desk']]);
  });

  it('rings a timer on the device that set it', async () => {
    t = await startPartsHub();
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    const res = await t.api('POST', '/api/v1/commands', { text: 'set a timer for one second', deviceId: kitchen.bundle.deviceId });
    expect((res.json['decision'] as Decision).intent).toBe('HassStartTimer');
    await kitchen.heard(/timer set/i);
    expect(await kitchen.heard(/timer for 1 second is done/i)).toBe('Your timer for 1 second is done.');
  });

  it('rejects bad command requests with stable codes and does nothing', async () => {
    t = await startPartsHub();
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    const cases: [unknown, number, string, RegExp][] = [
      [{}, 400, 'JARVIS_COMMAND_BAD_REQUEST', /text/],
      [{ text: '   ' }, 400, 'JARVIS_COMMAND_BAD_REQUEST', /text: must not be empty/],
      [{ text: 'x'.repeat(501) }, 400, 'JARVIS_COMMAND_BAD_REQUEST', /text/],
      [{ text: 'turn on the kitchen lights', deviceId: 'kitchen' }, 400, 'JARVIS_COMMAND_BAD_REQUEST', /deviceId: must be 8 lowercase hex digits/],
      [{ text: 'turn on the kitchen lights', deviceId: 'ffffff00' }, 404, 'JARVIS_COMMAND_UNKNOWN_DEVICE', /ffffff00/],
      [{ text: 'turn on the kitchen lights', colour: 'red' }, 400, 'JARVIS_COMMAND_BAD_REQUEST', /colour/],
      [{ text: 42 }, 400, 'JARVIS_COMMAND_BAD_REQUEST', /text/],
      ['{"text": ', 400, 'JARVIS_COMMAND_BAD_REQUEST', /JSON/i],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await t.api('POST', '/api/v1/commands', body);
      expect([res.status, (res.json['error'] as { code: string }).code], JSON.stringify(body)).toEqual([status, code]);
      expect((res.json['error'] as { message: string }).message).toMatch(message);
    }
    const forget = await t.api('POST', '/api/v1/transcripts/forget', { minutes: -1 });
    expect([forget.status, (forget.json['error'] as { code: string }).code]).toEqual([400, 'JARVIS_COMMAND_BAD_REQUEST']);
    const transcript = await t.api('POST', '/api/v1/transcripts', { deviceId: 'ffffff00', text: 'hello' });
    expect([transcript.status, (transcript.json['error'] as { code: string }).code]).toEqual([404, 'JARVIS_COMMAND_UNKNOWN_DEVICE']);
    expect(t.ha!.serviceCalls).toEqual([]);
    expect(kitchen.said).toEqual([]);
  });

  it('still starts with no Home Assistant configured, says so once, and keeps timers, time and the task API', async () => {
    t = await startPartsHub({ homeAssistant: false });
    const off = t.logs.filter((l) => l.includes('Home Assistant control is off'));
    expect(off).toHaveLength(1);
    expect(off[0]).toContain('JARVIS_HOME_ASSISTANT_URL');
    expect((await t.api('GET', '/api/v1/home-assistant')).json).toEqual({ configured: false, url: null, state: 'off', entities: 0, allowed: 0 });
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    const lights = await t.api('POST', '/api/v1/commands', { text: 'turn on the kitchen lights', deviceId: kitchen.bundle.deviceId });
    expect((lights.json['result'] as Result).code).toBe('JARVIS_ROUTE_HA_OFF');
    await kitchen.heard(/Home Assistant control is off/);
    const time = await t.api('POST', '/api/v1/commands', { text: 'what time is it', deviceId: kitchen.bundle.deviceId });
    expect((time.json['result'] as Result).reply).toMatch(/^It is \d{1,2}:\d{2}\s?[ap]m\.$/i);
    expect(t.hub.ports.grpc).toBeGreaterThan(0);
    expect((await t.api('GET', '/api/v1/tasks')).status).toBe(200);
    expect((await t.api('GET', '/api/v1/todos')).status).toBe(200);
  });

  it('reads to-dos with the learned stage only from a weights file it can load: a malformed one is logged with its code and the clause reader reads alone', async () => {
    const weights = join(mkdtempSync(join(tmpdir(), 'jarvis-weights-')), 'todo-weights.json');
    writeFileSync(weights, '{"not":"weights"');
    t = await startPartsHub({ env: { JARVIS_OBSERVER_TODO_WEIGHTS: weights } });
    expect(t.hub.config.observer.todoWeights).toBe(weights);
    const bad = t.logs.filter((l) => l.includes('JARVIS_OBSERVER_BAD_WEIGHTS'));
    expect(bad).toHaveLength(1);
    // The observer still works: a to-do said passively is written down.
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    const now = Date.now();
    t.services.transcripts!.publish({ deviceId: kitchen.bundle.deviceId, speaker: 'USER', text: 'I need to call the plumber about the boiler tomorrow.', startedAt: now - 3000, endedAt: now - 500 });
    await t.services.observer!.observer.whenIdle();
    await t.services.observer!.tick();
    const todos = (await t.api('GET', '/api/v1/todos')).json['todos'] as Array<{ text: string }>;
    expect(todos.map((x) => x.text)).toEqual([expect.stringMatching(/call the plumber/i)]);
  });
});
