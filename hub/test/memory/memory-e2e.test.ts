import { topicFor } from '@jarvis/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { startPartsHub, type PartsHub } from '../../../tests/hub-parts-helpers.js';

let t: PartsHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

type Outcome = { decision: { intent: string | null; path: string }; result: { ok: boolean; reply: string } };
type FactJson = { id: number; text: string; personId: number | null; scope: string; heard: { deviceId: string | null }; history: { text: string; heard: { deviceId: string | null; at: string } }[] };

async function say(hub: PartsHub, text: string, deviceId?: string): Promise<Outcome> {
  const res = await hub.api('POST', '/api/v1/commands', { text, ...(deviceId ? { deviceId } : {}) });
  expect(res.status).toBe(200);
  return res.json as unknown as Outcome;
}

async function facts(hub: PartsHub, query = ''): Promise<FactJson[]> {
  const res = await hub.api('GET', `/api/v1/memory/facts${query}`);
  expect(res.status).toBe(200);
  return res.json['facts'] as FactJson[];
}

describe('memory through the text API of a running hub', () => {
  it('remember, answer, correct, forget; facts listed and deleted in the API; bad input coded', async () => {
    t = await startPartsHub({ homeAssistant: false });
    const remembered = await say(t, 'remember that my car is parked on level 3');
    expect(remembered.decision).toMatchObject({ intent: 'JarvisRemember', path: 'hot' });
    expect(remembered.result.reply).toBe("Okay, I'll remember that your car is parked on level 3.");
    const answer = await say(t, 'where is my car parked?');
    expect(answer.decision.intent).toBe('JarvisRecall');
    expect(answer.result.reply).toMatch(/level 3/);

    const corrected = await say(t, "actually it's level 4");
    expect(corrected.result.reply).toMatch(/level 4/);
    expect((await say(t, 'where did I park the car?')).result.reply).toMatch(/level 4/);
    expect((await facts(t)).map((f) => f.text)).toEqual(['my car is parked on level 4']);
    // The corrected fact shows what it said before.
    expect((await facts(t))[0]!.history).toEqual([{ text: 'my car is parked on level 3', heard: { deviceId: null, at: expect.any(String) } }]);

    await say(t, 'remember that the wifi password is on the fridge');
    const forgot = await say(t, 'forget what I said about the car');
    expect(forgot.decision.intent).toBe('JarvisForgetFact');
    expect((await say(t, 'where is my car parked?')).result.reply).toMatch(/I don't know/);
    const left = await facts(t, '?person=household');
    expect(left.map((f) => f.text)).toEqual(['the wifi password is on the fridge']);

    const del = await t.api('DELETE' as 'GET', `/api/v1/memory/facts/${left[0]!.id}`);
    expect(del.status).toBe(200);
    expect(await facts(t)).toEqual([]);
    const again = await t.api('DELETE' as 'GET', `/api/v1/memory/facts/${left[0]!.id}`);
    expect(again).toMatchObject({ status: 404, json: { error: { code: 'JARVIS_MEMORY_NOT_FOUND' } } });
    expect(await t.api('GET', '/api/v1/memory/facts?person=bob')).toMatchObject({ status: 400, json: { error: { code: 'JARVIS_MEMORY_BAD_ARGUMENT' } } });
    expect(await t.api('POST', '/api/v1/people', { name: '' })).toMatchObject({ status: 400, json: { error: { code: 'JARVIS_MEMORY_BAD_ARGUMENT' } } });
  });

  it("a wearable's facts are its owner's; a mute and a spoken forget purge the facts of that stretch", async () => {
    t = await startPartsHub({ homeAssistant: false });
    const watch = await t.device('alex-watch', 'Hall', 'wearable');
    const kitchen = await t.device('kitchen-puck', 'Kitchen', 'satellite');
    const alex = await t.api('POST', '/api/v1/people', { name: 'alex' });
    expect(alex.status).toBe(201);
    const owner = await t.api('PUT' as 'GET', `/api/v1/devices/${watch.bundle.deviceId}/owner`, { personId: alex.json['id'] });
    expect(owner.status).toBe(200);

    await say(t, 'remember that my locker code is 1234', watch.bundle.deviceId);
    await say(t, 'remember that the spare key is under the blue pot', kitchen.bundle.deviceId);
    expect(await facts(t, `?person=${alex.json['id']}`)).toEqual([expect.objectContaining({ text: 'my locker code is 1234', scope: 'person' })]);
    // Asked the way whisper writes it (capitalised, punctuated), on the device that heard it.
    const where = await say(t, ' Where is the spare key?', kitchen.bundle.deviceId);
    expect(where.decision.intent).toBe('JarvisRecall');
    expect(where.result.reply).toBe('You told me the spare key is under the blue pot.');
    // The shared kitchen satellite speaks for the household: it does not hear Alex's own facts.
    expect((await say(t, 'what is my locker code?', kitchen.bundle.deviceId)).result.reply).toMatch(/I don't know/);
    expect((await say(t, 'what is my locker code?', watch.bundle.deviceId)).result.reply).toMatch(/1234/);

    await watch.client.publishAsync(topicFor(watch.bundle.deviceId, 'state/mute'), JSON.stringify({ muted: true, source: 'switch' }), { retain: true, qos: 1 });
    await expect.poll(async () => (await facts(t!)).map((f) => f.text)).toEqual(['the spare key is under the blue pot']);

    const spoken = await say(t, 'forget the last five minutes', kitchen.bundle.deviceId);
    expect(spoken.result.reply).toBe('Okay, I forgot the last 5 minutes.');
    expect(await facts(t)).toEqual([]);
  });
});
