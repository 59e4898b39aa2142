import { describe, expect, it } from 'vitest';
import { ReplayWindow, seqDiff } from '../../src/audio/replay-window.js';

describe('ReplayWindow', () => {
  it('accepts new numbers, flags duplicates and numbers older than the window', () => {
    const w = new ReplayWindow(64);
    expect(w.check(100)).toBe('new');
    w.accept(100);
    expect(w.check(100)).toBe('duplicate');
    expect(w.check(99)).toBe('new');
    w.accept(99);
    expect(w.check(99)).toBe('duplicate');
    expect(w.check(100 - 64)).toBe('too_old');
    expect(w.check(100 - 63)).toBe('new');
  });

  it('works across the u32 wrap', () => {
    const w = new ReplayWindow(64);
    w.accept(0xffffffff);
    expect(w.accept(0)).toBe(true);
    expect(w.check(0xffffffff)).toBe('duplicate');
    expect(seqDiff(0, 0xffffffff)).toBe(1);
  });
});
