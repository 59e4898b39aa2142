import { describe, expect, it } from 'vitest';
import type { VoiceEvent } from '../../src/voice/events.js';
import { VoiceRunStore } from '../../src/voice/run-store.js';

const ev = (runId: string, type: VoiceEvent['type'], data?: Record<string, unknown>, deviceId = 'aabbccdd'): VoiceEvent => ({ runId, deviceId, type, at: 1, ...(data ? { data } : {}) });

describe('VoiceRunStore', () => {
  it('keeps runs newest first, filters by device, and evicts the oldest past its capacity', () => {
    const store = new VoiceRunStore(3);
    for (const id of ['a', 'b', 'c', 'd']) {
      store.observe(ev(id, 'run-start', { kind: 'command' }, id === 'c' ? '11111111' : 'aabbccdd'));
      store.observe(ev(id, 'run-end', { reason: 'done' }, id === 'c' ? '11111111' : 'aabbccdd'));
    }
    expect(store.list().map((r) => r.id)).toEqual(['d', 'c', 'b']);
    expect(store.get('a')).toBeUndefined();
    expect(store.list({ deviceId: '11111111' }).map((r) => [r.id, r.reason, r.kind])).toEqual([['c', 'done', 'command']]);
    expect(store.list({ limit: 1 }).map((r) => r.id)).toEqual(['d']);
    store.forgetDevice('aabbccdd');
    expect(store.list().map((r) => r.id)).toEqual(['c']);
  });

  it('never keeps the words of a passive run, and a wake phrase inside passive speech makes it a command', () => {
    const store = new VoiceRunStore();
    store.observe(ev('p', 'run-start', { kind: 'passive' }));
    store.observe(ev('p', 'stt-end', { engine: 'whisper', text: 'my bank pin is 1234', words: 5 }));
    expect(JSON.stringify(store.get('p'))).not.toContain('1234');
    store.observe(ev('w', 'run-start', { kind: 'passive' }));
    store.observe(ev('w', 'wake', { trigger: 'hub-wake' }));
    store.observe(ev('w', 'stt-end', { engine: 'grammar', text: 'turn on the lights' }));
    expect(store.get('w')?.kind).toBe('command');
    expect(store.get('w')?.events.at(-1)?.data).toEqual({ engine: 'grammar', text: 'turn on the lights' });
  });

  it('bounds the events of one run but always records its end', () => {
    const store = new VoiceRunStore();
    store.observe(ev('x', 'run-start', { kind: 'command' }));
    for (let i = 0; i < 100; i++) store.observe(ev('x', 'reply', { text: 'spam' }));
    store.observe(ev('x', 'run-end', { reason: 'done' }));
    const run = store.get('x')!;
    expect(run.events.length).toBe(65);
    expect(run.events.at(-1)?.type).toBe('run-end');
    expect(run.reason).toBe('done');
  });
});
