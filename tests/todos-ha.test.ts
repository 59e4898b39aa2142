import { topicFor } from '@jarvis/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { TodosRepository } from '../hub/src/store/todos-repository.js';
import { startPartsHub, type PartsHub } from './hub-parts-helpers.js';

let t: PartsHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

type Todo = { id: number; text: string; status: string; due: string | null; heard: { deviceId: string }; homeAssistant: { state: string } };

const ENV = { JARVIS_OBSERVER_TODO_ENTITY: 'todo.chores', JARVIS_OBSERVER_SETTLE_MS: '0' };

async function todos(hub: PartsHub): Promise<Todo[]> {
  const res = await hub.api('GET', '/api/v1/todos');
  return (res.json['todos'] as Todo[]) ?? [];
}

describe('passive transcripts → observer → to-dos in the API and the Home Assistant list', () => {
  it('a transcript heard on a device becomes one to-do, told to the device and on the HA list once, even when sync is retried', async () => {
    t = await startPartsHub({ env: ENV });
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    const now = Date.now();
    t.services.transcripts!.publish({ deviceId: kitchen.bundle.deviceId, speaker: 'USER', text: 'I need to call the plumber about the boiler tomorrow.', startedAt: now - 3000, endedAt: now - 500 });
    await t.services.observer!.observer.whenIdle();
    await t.services.observer!.tick();
    const list = await todos(t);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'open', heard: { deviceId: kitchen.bundle.deviceId }, homeAssistant: { state: 'synced' } });
    expect(list[0]!.text).toMatch(/call the plumber/i);
    expect(list[0]!.due).toBe(new Date(now + 86_400_000).toISOString().slice(0, 10));
    expect(t.ha!.getTodoItems('todo.chores').map((i) => i.summary)).toEqual([list[0]!.text]);
    expect(await kitchen.heard(/Added to your list: .*plumber/)).toBeDefined();

    // Said again in other words: still one to-do.
    t.services.transcripts!.publish({ deviceId: kitchen.bundle.deviceId, speaker: 'USER', text: "Don't let me forget to call the plumber about the boiler tomorrow.", startedAt: now - 400, endedAt: now });
    await t.services.observer!.observer.whenIdle();
    await t.services.observer!.tick();
    expect(await todos(t)).toHaveLength(1);

    // A retry of the sync (as after a lost reply) finds the item it made instead of adding another.
    new TodosRepository(t.hub.parts.db).setHaState(list[0]!.id, 'pending');
    await t.services.observer!.tick();
    await t.services.observer!.tick();
    expect(t.ha!.getTodoItems('todo.chores')).toHaveLength(1);
    expect((await todos(t))[0]!.homeAssistant.state).toBe('synced');
  });

  it('when Home Assistant is unreachable the to-do waits and is added once it is back', async () => {
    t = await startPartsHub({ env: ENV });
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    t.ha!.dropConnections(true);
    await expect.poll(() => t!.services.homeAssistant!.client!.state).not.toBe('connected');
    const res = await t.api('POST', '/api/v1/transcripts', { deviceId: kitchen.bundle.deviceId, speaker: 'USER', text: "We're out of eggs." });
    expect(res.status).toBe(202);
    await t.services.observer!.observer.whenIdle();
    await t.services.observer!.tick();
    expect((await todos(t)).map((x) => x.homeAssistant.state)).toEqual(['failed']);
    expect(t.ha!.getTodoItems('todo.chores')).toEqual([]);
    t.ha!.acceptConnections();
    await t.services.homeAssistant!.client!.waitUntilConnected(10_000);
    await t.services.observer!.tick();
    await t.services.observer!.tick();
    expect(t.ha!.getTodoItems('todo.chores').map((i) => i.summary.toLowerCase())).toEqual([expect.stringContaining('eggs')]);
    expect((await todos(t)).map((x) => x.homeAssistant.state)).toEqual(['synced']);
  });

  it('a switch to mute purges what the device heard just before it; forget (API and spoken) purges too', async () => {
    t = await startPartsHub({ env: { ...ENV, JARVIS_OBSERVER_SETTLE_MS: '60000' } });
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    const office = await t.device('desk', 'Office');
    const now = Date.now();
    t.services.transcripts!.publish({ deviceId: kitchen.bundle.deviceId, speaker: 'USER', text: 'Remind me to renew the passport next week.', startedAt: now - 2000, endedAt: now - 100 });
    t.services.transcripts!.publish({ deviceId: office.bundle.deviceId, speaker: 'USER', text: 'I need to send the invoice to Maria on Friday.', startedAt: now - 2000, endedAt: now - 100 });
    await t.services.observer!.observer.whenIdle();
    expect((await todos(t)).map((x) => x.heard.deviceId).sort()).toEqual([kitchen.bundle.deviceId, office.bundle.deviceId].sort());

    await kitchen.client.publishAsync(topicFor(kitchen.bundle.deviceId, 'state/mute'), JSON.stringify({ muted: true, source: 'switch' }), { retain: true, qos: 1 });
    await expect.poll(async () => (await todos(t!)).map((x) => x.heard.deviceId)).toEqual([office.bundle.deviceId]);
    // Still muted: a late transcript of that stretch is refused.
    t.services.transcripts!.publish({ deviceId: kitchen.bundle.deviceId, speaker: 'USER', text: 'I have to book the dentist tomorrow.', startedAt: Date.now() - 1000, endedAt: Date.now() });
    await t.services.observer!.observer.whenIdle();
    expect((await todos(t)).map((x) => x.heard.deviceId)).toEqual([office.bundle.deviceId]);

    const spoken = await t.api('POST', '/api/v1/commands', { text: 'forget the last five minutes', deviceId: office.bundle.deviceId });
    expect((spoken.json['result'] as { reply: string }).reply).toBe('Okay, I forgot the last 5 minutes.');
    await office.heard(/forgot the last 5 minutes/);
    expect(await todos(t)).toEqual([]);

    // Speech after the forget (a forgotten stretch stays closed to transcripts that arrive late).
    await new Promise((r) => setTimeout(r, 50));
    t.services.transcripts!.publish({ deviceId: office.bundle.deviceId, speaker: 'USER', text: 'I need to water the plants tonight.', startedAt: Date.now() - 20, endedAt: Date.now() });
    await t.services.observer!.observer.whenIdle();
    expect(await todos(t)).toHaveLength(1);
    // The API drops the stretch from the buffer even though no transcript arrives late.
    const forgot = await t.api('POST', '/api/v1/transcripts/forget', { minutes: 1, deviceId: office.bundle.deviceId });
    expect(forgot.json).toMatchObject({ minutes: 1, deviceId: office.bundle.deviceId, forgotten: { todos: 1 } });
    expect(await todos(t)).toEqual([]);
  });
});
