import { describe, expect, it } from 'vitest';
import { memoryCommand, parseMemoryCommand, speakBack, applyCorrection, MemoryError } from '../../src/memory/index.js';
import { useMemoryService } from './service-fixture.js';

const service = useMemoryService();

describe('reading memory commands (the carrier is closed, the content open)', () => {
  it('tells remember, correct, forget and recall apart and keeps the content as said', () => {
    expect(parseMemoryCommand('Remember that the wifi password is on the fridge.')).toEqual({ kind: 'remember', content: 'the wifi password is on the fridge', correction: false });
    expect(parseMemoryCommand("actually it's level 4")).toEqual({ kind: 'correct', value: 'level 4' });
    expect(parseMemoryCommand('forget what I said about the car')).toEqual({ kind: 'forget', topic: 'the car' });
    expect(parseMemoryCommand('where is my car parked?')).toEqual({ kind: 'recall', question: 'where is my car parked', explicit: true });
    expect(parseMemoryCommand('turn on the kitchen lights')).toBeUndefined();
    expect(parseMemoryCommand('remember to call mom')).toBeUndefined();
  });

  it('speaks a fact back in the second person and rewrites the corrected value only', () => {
    expect(speakBack('my car is parked on level 3')).toBe('your car is parked on level 3');
    expect(applyCorrection('my car is parked on level 3', 'level 4')).toBe('my car is parked on level 4');
    expect(applyCorrection('the wifi password is on the fridge', 'in the drawer')).toBe('the wifi password is in the drawer');
  });
});

describe('the memory service', () => {
  it('answers by meaning within the speaker scope, and says nothing about what it was never told', () => {
    const m = service();
    const alex = m.person('alex');
    const sam = m.person('sam');
    m.remember('my car is parked on level 3', { personId: alex });
    m.remember('the wifi password is on the fridge', { personId: null });
    m.remember('Maya is allergic to peanuts', { personId: sam });
    m.remember('the spare key is under the blue pot', { personId: sam });
    expect(m.recall('where did I park my car?', { personId: alex })?.fact.text).toBe('my car is parked on level 3');
    expect(m.recall('what is Maya allergic to', { personId: sam })?.fact.text).toBe('Maya is allergic to peanuts');
    // Alex cannot see Sam's facts; the household's are everyone's.
    expect(m.recall('what is Maya allergic to', { personId: alex })).toBeUndefined();
    expect(m.recall('what did I tell you about the wifi', { personId: alex })?.fact.text).toBe('the wifi password is on the fridge');
    expect(m.recall('what is my blood type', { personId: alex })).toBeUndefined();
  });

  it('a correction replaces the latest fact on that topic; forget removes the topic', () => {
    const m = service();
    const alex = m.person('alex');
    const first = m.remember('my car is parked on level 3', { personId: alex }).fact;
    m.remember('the router is in the hall closet', { personId: alex });
    m.recall('where is my car', { personId: alex });
    const corrected = m.correct('level 4', { personId: alex });
    expect(corrected?.replaced.id).toBe(first.id);
    expect(m.list().map((f) => f.text)).toEqual(['my car is parked on level 4', 'the router is in the hall closet']);
    const full = m.remember('actually the router is in the office now', { personId: alex });
    expect(full.replaced?.text).toBe('the router is in the hall closet');
    expect(m.forgetAbout('the car', { personId: alex }).map((f) => f.text)).toEqual(['my car is parked on level 4']);
    // Kept without the correction's opening word.
    expect(m.list().map((f) => f.text)).toEqual(['the router is in the office now']);
  });

  it('purges the facts a device heard from a time on, and no other', () => {
    const m = service();
    m.remember('the bike lock code is 2250', { deviceId: '0000000a', at: 1000 });
    m.remember('the garage code is 4719', { deviceId: '0000000a', at: 5000 });
    m.remember('the gate code is 1111', { deviceId: '0000000b', at: 5000 });
    expect(m.purge('0000000a', 4000)).toBe(1);
    expect(m.list().map((f) => f.text).sort()).toEqual(['the bike lock code is 2250', 'the gate code is 1111']);
    expect(m.recall('what is the garage code')).toBeUndefined();
  });

  it('a corrected fact keeps the words it replaced: a question in the old words still finds it, and the history shows them', () => {
    const m = service();
    m.remember('the car key is on the hook by the door');
    m.remember('the mailbox key is in the kitchen drawer');
    const old = m.remember('the spare key for the shed is under the doormat', { deviceId: '0000000a' }).fact;
    const { fact, replaced } = m.remember('actually the spare key is in the blue pot', { deviceId: '0000000b' });
    expect(replaced?.id).toBe(old.id);
    expect(fact.id).not.toBe(old.id);
    expect(fact.replaces).toBe(old.id);
    expect(fact.superseded).toEqual([{ text: 'the spare key for the shed is under the doormat', saidAt: old.saidAt, deviceId: '0000000a' }]);
    // "shed" and "doormat" are only in the old wording; the answer is the corrected fact.
    expect(m.recall('where is the key to the shed')?.fact.id).toBe(fact.id);
    expect(m.recall('what did I say was under the doormat')?.fact.id).toBe(fact.id);
    // A second correction keeps the whole history, oldest first.
    const second = m.remember('sorry, the spare key is now in the green watering can').fact;
    expect(second.superseded.map((w) => w.text)).toEqual(['the spare key for the shed is under the doormat', 'the spare key is in the blue pot']);
    expect(second.text).toBe('the spare key is now in the green watering can');
    expect(m.recall('where is the key to the shed')?.fact.id).toBe(second.id);
    // Forgetting the topic in the old words forgets the fact.
    expect(m.forgetAbout('the shed').map((f) => f.id)).toEqual([second.id]);
  });

  it('a mute purges the earlier wordings said in its stretch, even when the correction came from another device', () => {
    const m = service();
    m.remember('the car key is on the hook by the door', { at: 100 });
    m.remember('the mailbox key is in the kitchen drawer', { at: 200 });
    m.remember('the spare key for the shed is under the doormat', { deviceId: '0000000a', at: 1000 });
    const { fact } = m.remember('actually the spare key is in the blue pot', { deviceId: '0000000b', at: 5000 });
    expect(m.recall('where is the key to the shed')?.fact.id).toBe(fact.id);
    expect(m.purge('0000000a', 500)).toBe(0);
    expect(m.get(fact.id)?.text).toBe('the spare key is in the blue pot');
    expect(m.get(fact.id)?.superseded).toEqual([]);
    expect(m.recall('where is the key to the shed')).toBeUndefined();
  });

  it('"thirty, not twenty" corrects the fact it sets itself against', () => {
    const m = service();
    const alex = m.person('alex');
    const old = m.remember('I owe Sam twenty dollars for lunch', { personId: alex }).fact;
    m.remember('the boat is at slip 14', { personId: alex });
    const { fact, replaced } = m.remember('I owe Sam thirty, not twenty, I forgot the coffee', { personId: alex });
    expect(replaced?.id).toBe(old.id);
    expect(m.recall('how much do I owe Sam', { personId: alex })?.fact.id).toBe(fact.id);
    // A contrast about something never told is a new fact, not a correction of another.
    expect(m.remember('Maya can have oat milk, not cow milk', { personId: alex }).replaced).toBeUndefined();
    expect(m.list()).toHaveLength(3);
  });

  it('a question about oneself ("am I", "my") is answered by what the speaker said of themselves, not of someone else', () => {
    const m = service();
    // A household-sized store, so that a word three facts use ("allergic") is a rare one.
    for (let i = 1; i <= 30; i++) m.remember(`storage bin ${i} holds the ${['tent', 'skis', 'toys', 'tools', 'books', 'plates'][i % 6]} of shelf ${i}`);
    m.remember('Ben is lactose intolerant');
    m.remember('Maya is allergic to peanuts');
    m.remember("I'm allergic to penicillin");
    m.remember('the passports are in the top drawer of the desk');
    m.remember('my passport number ends in 4471');
    expect(m.recall('which antibiotic am I allergic to')?.fact.text).toBe("I'm allergic to penicillin");
    expect(m.recall('what are the last digits of my passport')?.fact.text).toBe('my passport number ends in 4471');
    expect(m.recall('what is Maya allergic to')?.fact.text).toBe('Maya is allergic to peanuts');
  });

  it('a spoken full correction is said back without its opening word, and the old words still find the fact', async () => {
    const m = service();
    const intercept = memoryCommand(m);
    const origin = { area: undefined };
    await intercept('remember that the spare key for the shed is under the doormat', '', origin);
    const changed = await intercept('actually the spare key is in the blue pot', '', origin);
    expect(changed?.result.reply).toBe('Okay, I changed it: the spare key is in the blue pot.');
    expect((await intercept('where is the shed key', '', origin))?.result.reply).toBe('You told me the spare key is in the blue pot.');
    // A statement that corrects no fact, and a command that starts with "actually", go on to the router.
    expect(await intercept('actually the garage door is open', '', origin)).toBeUndefined();
    expect(parseMemoryCommand('actually turn off the kitchen lights')).toBeUndefined();
    expect(m.list()).toHaveLength(1);
  });

  it('refuses an empty or oversized fact with a coded error and stores nothing', () => {
    const m = service();
    expect(() => m.remember('   ')).toThrow(MemoryError);
    expect(() => m.remember('x'.repeat(501))).toThrow(expect.objectContaining({ code: 'JARVIS_MEMORY_BAD_ARGUMENT' }));
    expect(() => m.person('')).toThrow(expect.objectContaining({ code: 'JARVIS_MEMORY_BAD_ARGUMENT' }));
    expect(() => m.setDeviceOwner('deadbeef', null)).toThrow(expect.objectContaining({ code: 'JARVIS_MEMORY_NOT_FOUND' }));
    expect(m.list()).toEqual([]);
  });

  it('a plain question it has nothing on goes on to the router; one that asks the memory gets "I don\'t know"', async () => {
    const m = service();
    const intercept = memoryCommand(m);
    expect(await intercept('what time is it', 'what time is it', { area: undefined })).toBeUndefined();
    const asked = await intercept('what did I tell you about the boat', '', { area: undefined });
    expect(asked?.decision.intent).toBe('JarvisRecall');
    expect(asked?.result.reply).toMatch(/I don't know/);
  });
});
