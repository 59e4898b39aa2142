import { afterEach, describe, expect, it } from 'vitest';
import type { MuteTransition } from '../../src/audio/types.js';
import type { Db } from '../../src/store/database.js';
import { ObserverComponent } from '../../src/observer/component.js';
import type { TranscriptSegment } from '../../src/observer/rolling-buffer.js';
import { FakeClock, FakeHaTodoList, todoDb } from './helpers.js';

let db: Db | undefined;
afterEach(() => db?.close());

describe('ObserverComponent', () => {
  it('subscribes on start, turns transcripts into announced and synced to-dos, purges on mute, unsubscribes on stop', async () => {
    db = todoDb().db;
    const clock = new FakeClock(Date.parse('2025-03-12T13:15:00Z'));
    const transcriptListeners = new Set<(s: TranscriptSegment) => void>();
    const muteListeners = new Set<(t: MuteTransition) => void>();
    const notices: string[] = [];
    const ha = new FakeHaTodoList();
    const component = new ObserverComponent({
      db, timeZone: 'Europe/Berlin', clock: clock.read, settleMs: 1_000, tickMs: 60_000,
      subscribeTranscripts: (l) => (transcriptListeners.add(l), () => transcriptListeners.delete(l)),
      subscribeMute: (l) => (muteListeners.add(l), () => muteListeners.delete(l)),
      notify: (_d, text) => void notices.push(text),
      homeAssistant: { gateway: ha, entityId: 'todo.home' },
    });
    await component.start();
    await component.start();
    expect(transcriptListeners.size).toBe(1);
    const emit = (text: string): void => {
      const startedAt = clock.now;
      clock.advance(3_000);
      for (const l of transcriptListeners) l({ deviceId: '0000002a', speaker: 'USER', text, startedAt, endedAt: clock.now });
    };
    emit("We're out of coffee.");
    for (const l of transcriptListeners) l({ deviceId: 'bad', text: 'x', startedAt: 0, endedAt: 0 }); // logged and dropped
    await component.observer.whenIdle();
    clock.advance(2_000);
    await component.tick();
    expect(notices).toEqual(['Added to your list: coffee.']);
    expect(ha.items.map((i) => i.summary)).toEqual(['coffee']);

    clock.advance(60_000); // beyond the 30 s mute tail: coffee stays, the clinic goes
    emit('I need to call the clinic about my results.');
    await component.observer.whenIdle();
    for (const l of muteListeners) l({ deviceId: '0000002a', muted: true, source: 'frame', at: clock.now });
    await new Promise((r) => setImmediate(r));
    expect(component.todos.list({ statuses: ['open'] }).map((t) => t.text)).toEqual(['coffee']);
    await component.stop();
    await component.stop();
    expect(transcriptListeners.size + muteListeners.size).toBe(0);
  });

  it('refuses to start with an unknown time zone', async () => {
    db = todoDb().db;
    const component = new ObserverComponent({ db, timeZone: 'Nowhere/Else', subscribeTranscripts: () => () => {}, subscribeMute: () => () => {} });
    await expect(component.start()).rejects.toMatchObject({ code: 'JARVIS_OBSERVER_BAD_TIMEZONE' });
  });
});
