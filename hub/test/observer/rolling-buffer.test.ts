import { describe, expect, it } from 'vitest';
import { ObserverError } from '../../src/observer/errors.js';
import { RollingBuffer, type TranscriptSegment } from '../../src/observer/rolling-buffer.js';
import { FakeClock } from './helpers.js';

const T0 = Date.parse('2025-03-12T09:00:00Z');
const seg = (deviceId: string, startS: number, text = `said at ${startS}`, lenS = 2): TranscriptSegment => ({
  deviceId, text, speaker: 'USER', startedAt: T0 + startS * 1000, endedAt: T0 + (startS + lenS) * 1000,
});

describe('RollingBuffer', () => {
  it('keeps segments per device in time order for the window, then evicts them on age', () => {
    const clock = new FakeClock(T0 + 10_000);
    const buffer = new RollingBuffer({ windowMs: 60_000, clock: clock.read });
    expect(buffer.add(seg('0000000a', 5))).toBe(true);
    expect(buffer.add(seg('0000000a', 1))).toBe(true);
    expect(buffer.add(seg('0000000b', 3))).toBe(true);
    expect(buffer.window('0000000a').map((s) => s.text)).toEqual(['said at 1', 'said at 5']);
    clock.now = T0 + 64_000; // segment 1 ended at 3 s: 61 s ago, past the 60 s window
    expect(buffer.window('0000000a').map((s) => s.text)).toEqual(['said at 5']);
    clock.now = T0 + 200_000;
    expect(buffer.evictExpired()).toBe(2); // the rest of device a and all of device b
    expect(buffer.size()).toBe(0);
    expect(buffer.add(seg('0000000a', 100))).toBe(false); // already older than the window on arrival
  });

  it('defaults to a five-minute window', () => {
    const clock = new FakeClock(T0);
    const buffer = new RollingBuffer({ clock: clock.read });
    buffer.add(seg('0000000a', -10, 'x', 1));
    clock.now = T0 - 9_000 + 299_000;
    expect(buffer.window('0000000a')).toHaveLength(1);
    clock.now = T0 - 9_000 + 301_000;
    expect(buffer.window('0000000a')).toHaveLength(0);
  });

  it('on mute purges the seconds before it, refuses everything until unmute, and refuses late transcripts of that stretch', () => {
    const clock = new FakeClock(T0 + 100_000);
    const buffer = new RollingBuffer({ muteTailMs: 20_000, clock: clock.read });
    buffer.add(seg('0000000a', 50)); // ended at 52 s: before the tail
    buffer.add(seg('0000000a', 85)); // ended at 87 s: within 20 s of the mute at 100 s
    buffer.add(seg('0000000b', 95)); // another device: untouched
    const purge = buffer.muteTransition('0000000a', true, T0 + 100_000);
    expect(purge).toMatchObject({ from: T0 + 80_000, to: null, removed: 1 });
    expect(buffer.window('0000000a').map((s) => s.text)).toEqual(['said at 50']);
    expect(buffer.window('0000000b')).toHaveLength(1);
    expect(buffer.isMuted('0000000a')).toBe(true);
    clock.advance(5_000);
    expect(buffer.add(seg('0000000a', 90))).toBe(false); // transcribed late, said in the tail
    expect(buffer.add(seg('0000000a', 102))).toBe(false); // said while muted
    buffer.muteTransition('0000000a', false, T0 + 110_000);
    expect(buffer.isMuted('0000000a')).toBe(false);
    expect(buffer.add(seg('0000000a', 104))).toBe(false); // still inside the muted stretch
    expect(buffer.add(seg('0000000a', 111))).toBe(true);
  });

  it('forgets the last N minutes of one device or of all, including transcripts that arrive late', () => {
    const clock = new FakeClock(T0 + 600_000);
    const buffer = new RollingBuffer({ windowMs: 900_000, clock: clock.read });
    buffer.add(seg('0000000a', 100));
    buffer.add(seg('0000000a', 500));
    buffer.add(seg('0000000b', 550));
    expect(buffer.forget(120_000, '0000000a').removed).toBe(1);
    expect(buffer.window('0000000a').map((s) => s.text)).toEqual(['said at 100']);
    expect(buffer.window('0000000b')).toHaveLength(1);
    expect(buffer.add(seg('0000000a', 590))).toBe(false);
    expect(buffer.forget(60_000).removed).toBe(1);
    expect(buffer.add(seg('0000000c', 580))).toBe(false); // a device the buffer had not seen yet
    clock.advance(1_000);
    expect(buffer.add(seg('0000000c', 600.5))).toBe(true);
  });

  it('rejects malformed segments and options with coded errors', () => {
    const buffer = new RollingBuffer();
    const bad: unknown[] = [
      { ...seg('0000000a', 1), deviceId: 'kitchen' },
      { ...seg('0000000a', 1), text: 42 },
      { ...seg('0000000a', 1), startedAt: Number.NaN },
      { ...seg('0000000a', 1), endedAt: T0 - 1 },
      { ...seg('0000000a', 1), speaker: 7 },
      null,
    ];
    for (const b of bad) {
      expect(() => buffer.add(b as TranscriptSegment)).toThrow(expect.objectContaining({ code: 'JARVIS_OBSERVER_BAD_SEGMENT' }));
    }
    expect(() => new RollingBuffer({ windowMs: 0 })).toThrow(ObserverError);
    expect(() => buffer.forget(-1)).toThrow(expect.objectContaining({ code: 'JARVIS_OBSERVER_BAD_ARGUMENT' }));
  });
});
