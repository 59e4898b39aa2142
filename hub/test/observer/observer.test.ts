import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/database.js';
import { Observer, type TodoLlm } from '../../src/observer/observer.js';
import { RollingBuffer } from '../../src/observer/rolling-buffer.js';
import { TodoService } from '../../src/observer/todo-service.js';
import { FakeClock, todoDb } from './helpers.js';

const T0 = Date.parse('2025-03-12T13:15:00Z'); // 09:15 in New York, a Wednesday
const DEV = '0000002a';
let db: Db | undefined;
afterEach(() => db?.close());

function setup(options: { llm?: TodoLlm; muteTailMs?: number } = {}) {
  const t = todoDb();
  db = t.db;
  const clock = new FakeClock(T0);
  const buffer = new RollingBuffer({ clock: clock.read, ...(options.muteTailMs !== undefined ? { muteTailMs: options.muteTailMs } : {}) });
  const todos = new TodoService({ repository: t.repository, clock: clock.read });
  const observer = new Observer({ timeZone: 'America/New_York', buffer, todos, clock: clock.read, ...(options.llm ? { llm: options.llm } : {}) });
  const say = async (text: string, speaker = 'USER', deviceId = DEV): Promise<boolean> => {
    const startedAt = clock.now;
    clock.advance(4_000);
    const kept = observer.ingest({ deviceId, speaker, text, startedAt, endedAt: clock.now - 500 });
    await observer.whenIdle();
    return kept;
  };
  const open = () => todos.list({ statuses: ['open', 'suggested'] }).map((x) => ({ text: x.text, due: x.dueDate, mentions: x.mentions }));
  return { observer, todos, clock, say, open, repository: t.repository };
}

describe('Observer', () => {
  it('keeps one to-do for the same thing heard twice or said in other words', async () => {
    const { say, open } = setup();
    await say("We're out of eggs.");
    await say('I need to buy eggs.');
    await say('Add some more eggs to the shopping list.');
    await say('I need to call the plumber about the leak.');
    await say("I'll call the plumber about the leak tomorrow.");
    expect(open()).toEqual([
      { text: 'call the plumber about the leak', due: '2025-03-13', mentions: 2 },
      { text: 'eggs', due: null, mentions: 3 },
    ]);
  });

  it('keeps different to-dos apart even when they share words', async () => {
    const { say, open } = setup();
    await say('I need to call mom tonight.');
    await say('I need to call dad tonight.');
    await say("We're out of oat milk.");
    await say("We're out of milk chocolate.");
    expect(open().map((t) => t.text).sort()).toEqual(['call dad', 'call mom', 'milk chocolate', 'oat milk']);
  });

  it('applies a correction to the to-do it just made', async () => {
    const { say, open } = setup();
    await say('Remind me to call the vet on Friday.');
    await say('Actually, make that Thursday.');
    await say('Add bananas to the list.');
    await say('Actually make that plantains.');
    expect(open()).toEqual([
      { text: 'plantains', due: null, mentions: 1 },
      { text: 'call the vet', due: '2025-03-13', mentions: 1 },
    ]);
  });

  it('does not apply a correction to a to-do made long before', async () => {
    const { say, open, clock } = setup();
    await say('Remind me to call the vet on Friday.');
    clock.advance(10 * 60_000);
    await say('Actually, make that Thursday.');
    expect(open()).toEqual([{ text: 'call the vet', due: '2025-03-14', mentions: 1 }]);
  });

  it('applies cancellations to the named to-do, or to the last one', async () => {
    const { say, open } = setup();
    await say('I need to buy stamps and book the dentist.');
    await say('Never mind the stamps.');
    expect(open().map((t) => t.text)).toEqual(['book the dentist']);
    await say("I'll email Sara the report tomorrow.");
    await say('Oh, scratch that.');
    expect(open().map((t) => t.text)).toEqual(['book the dentist']);
    await say('Never mind the weather.'); // names nothing recent: nothing goes
    expect(open().map((t) => t.text)).toEqual(['book the dentist']);
  });

  it('ignores other speakers, media and refused requests, and takes accepted ones', async () => {
    const { say, open } = setup();
    await say("I'll have to call my lawyer tomorrow.", 'TV');
    await say('I need to finish my report tonight.', 'ANNA');
    await say('Can you take out the recycling?', 'ANNA');
    await say('Sorry, not today.');
    await say('Could you pick up the cake on Friday?', 'ANNA');
    await say('Sure, will do.');
    expect(open()).toEqual([{ text: 'pick up the cake', due: '2025-03-14', mentions: 1 }]);
  });

  it('on mute drops the last seconds, the work queued from them and the to-dos heard in them', async () => {
    const { observer, say, open, clock } = setup({ muteTailMs: 10_000 });
    await say('I need to renew my passport.');
    clock.advance(60_000);
    await say('Remind me to buy a gift for Anna.');
    // Queued but not yet processed when the mute arrives:
    const startedAt = clock.now;
    clock.advance(3_000);
    observer.ingest({ deviceId: DEV, speaker: 'USER', text: 'I need to call the bank about the loan.', startedAt, endedAt: clock.now });
    const purged = await observer.muteTransition(DEV, true, clock.now);
    await observer.whenIdle();
    expect(purged.todos).toBe(1);
    expect(open().map((t) => t.text)).toEqual(['renew my passport']);
    expect(await say('I need to water the plants.')).toBe(false);
    expect(observer.stats.rejected).toBe(1);
  });

  it('forgets the last N minutes: buffer, queue and to-dos heard in them', async () => {
    const { observer, say, open, clock } = setup();
    await say('I need to renew my passport.');
    clock.advance(10 * 60_000);
    await say('I need to buy a gift for Anna.');
    await expect(observer.forget(2)).resolves.toMatchObject({ todos: 1 });
    expect(open().map((t) => t.text)).toEqual(['renew my passport']);
    await expect(observer.forget(0)).rejects.toMatchObject({ code: 'JARVIS_OBSERVER_BAD_ARGUMENT' });
  });

  it('works at low priority: other callbacks run between queued segments', async () => {
    const { observer, clock } = setup();
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      observer.ingest({ deviceId: DEV, speaker: 'USER', text: `I need to call person ${i}.`, startedAt: clock.now + i * 1000, endedAt: clock.now + i * 1000 + 500 });
    }
    expect(observer.stats.segments).toBe(0); // nothing is processed inside ingest()
    setImmediate(() => order.push(`command while ${observer.stats.segments} done`));
    await observer.whenIdle();
    expect(observer.stats.segments).toBe(3);
    expect(order).toHaveLength(1);
    expect(order[0]).not.toBe('command while 3 done');
  });

  it('lets an LLM confirm or reword, and keeps the rules\' result when it fails', async () => {
    const seen: unknown[] = [];
    let fail = false;
    const llm: TodoLlm = {
      async review(input) {
        seen.push(input);
        if (fail) throw new Error('model not loaded');
        return { todos: input.candidates.map((c) => ({ text: c.text.toUpperCase(), due: '2025-04-01' })) };
      },
    };
    const { say, open } = setup({ llm });
    await say('I need to call the bank.');
    fail = true;
    await say('I need to mow the lawn.');
    expect(open()).toEqual([
      { text: 'mow the lawn', due: null, mentions: 1 },
      { text: 'CALL THE BANK', due: '2025-04-01', mentions: 1 },
    ]);
    expect(seen).toHaveLength(2);
  });
});
