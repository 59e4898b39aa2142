import { describe, expect, it } from 'vitest';
import { REPLAY_WINDOW_SIZE, ReplayWindow, isSeqAfter, seqDelta } from '../src/index.js';

describe('[UDP-2.13] serial-number arithmetic', () => {
  it('orders sequence numbers across the wrap', () => {
    expect(isSeqAfter(0, 0xffffffff)).toBe(true);
    expect(isSeqAfter(0xffffffff, 0)).toBe(false);
    expect(seqDelta(2, 0xfffffffe)).toBe(4);
    expect(seqDelta(0xfffffffe, 2)).toBe(-4);
    expect(isSeqAfter(5, 5)).toBe(false);
    expect(seqDelta(0x7fffffff, 0)).toBe(0x7fffffff);
    expect(isSeqAfter(0x80000000, 0)).toBe(false);
  });
});

describe('[UDP-4.4] replay window', () => {
  it('accepts in-order, late-within-window and post-gap frames once each', () => {
    const w = new ReplayWindow();
    expect(w.highestSeq).toBeUndefined();
    expect(w.accept(100)).toBe('accepted');
    expect(w.accept(101)).toBe('accepted');
    expect(w.accept(101)).toBe('duplicate');
    expect(w.accept(105)).toBe('accepted');
    expect(w.accept(103)).toBe('accepted');
    expect(w.accept(103)).toBe('duplicate');
    expect(w.accept(100)).toBe('duplicate');
    expect(w.accept(105 - REPLAY_WINDOW_SIZE)).toBe('too_old');
    expect(w.accept(105 - REPLAY_WINDOW_SIZE + 1)).toBe('accepted');
    expect(w.highestSeq).toBe(105);
  });

  it('keeps working across the u32 wrap', () => {
    const w = new ReplayWindow();
    expect(w.accept(0xfffffffe)).toBe('accepted');
    expect(w.accept(1)).toBe('accepted');
    expect(w.accept(0xffffffff)).toBe('accepted');
    expect(w.accept(0xfffffffe)).toBe('duplicate');
    expect(w.accept(0)).toBe('accepted');
    expect(w.highestSeq).toBe(1);
  });

  it('forgets the old window after a jump larger than the window', () => {
    const w = new ReplayWindow(8);
    w.accept(10);
    expect(w.accept(1000)).toBe('accepted');
    expect(w.accept(999)).toBe('accepted');
    expect(w.accept(10)).toBe('too_old');
    expect(w.accept(1000 - 8)).toBe('too_old');
  });

  it('treats a frame half the sequence space behind as too old, not new', () => {
    const w = new ReplayWindow();
    w.accept(0x80000000);
    expect(w.accept(0)).toBe('too_old');
  });
});
